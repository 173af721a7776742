// The GUI entry point: creates QApplication, the main window and opens the first document.
#pragma once

#include <QtGlobal>

#include <functional>

class QCommandLineParser;

namespace ganglion {

class MainWindow;
class Session;

/// Registers every command-line option (shared by the GUI and the headless runner).
void addCommandLineOptions(QCommandLineParser& parser);
int runWorkbench(int argc, char** argv);
/// --screenshot, --export-view: plays the document until `steps` engine steps are done (or the
/// run finished, or 60 s passed), pauses, lets the views catch up, then calls `then`.
void afterSteps(MainWindow* w, Session* s, qulonglong steps, std::function<void()> then);

}  // namespace ganglion
