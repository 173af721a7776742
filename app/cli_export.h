// Command-line export: `--headless GRAPH --export-series NODE/METRIC --out FILE` writes a recorded
// series (CSV) or a published array (.npy / .csv) after the run; `--export-view VIEW --out FILE`
// (workbench) renders a view to PNG (--scale 1|2|4) or SVG after --screenshot-steps steps.
#pragma once

#include <QString>

class QCommandLineParser;

namespace ganglion {

class MainWindow;
class Session;
struct HeadlessRecording;

void addExportOptions(QCommandLineParser& p);

/// Checks the export options of a headless run before it starts: ExitOk, or ExitUsage with the
/// message printed. `record` gets the recording interval.
int checkHeadlessExportOptions(const QCommandLineParser& p, HeadlessRecording& record);

/// After a headless run: writes --export-series to --out. ExitOk, ExitBadGraph (an unknown name:
/// the message lists what exists) or ExitIo (the file could not be written).
int exportRecordedSeries(const HeadlessRecording& record, const QString& name, const QString& out);

/// Workbench: checks --export-view / --scale / --out (ExitOk or ExitUsage with the message printed).
int checkViewExportOptions(const QCommandLineParser& p);

/// Workbench --export-view: plays until `steps` engine steps are done (or the run finished, or 60 s
/// passed), then writes the view titled `view` to `out` and quits (exit 0; 2 for an unknown view,
/// listing the document's views; 4 when the file could not be written).
void scheduleViewExport(MainWindow* w, Session* s, const QString& view, const QString& out, int scale, qulonglong steps);

}  // namespace ganglion
