// The GUI entry point: creates QApplication, the main window and opens the first document.
#pragma once

class QCommandLineParser;

namespace ganglion {

/// Registers every command-line option (shared by the GUI and the headless runner).
void addCommandLineOptions(QCommandLineParser& parser);
int runWorkbench(int argc, char** argv);

}  // namespace ganglion
