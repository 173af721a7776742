#include "app/cli_export.h"

#include "app/cli.h"
#include "app/main_window.h"
#include "app/view_export.h"
#include "app/workbench.h"
#include "core/io/export_catalog.h"
#include "widgets/export/image_export.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>

namespace ganglion {

void addExportOptions(QCommandLineParser& p) {
    p.addOption({"export-series",
                 "Headless: after the run, write the series NODE/METRIC (every recorded point: step and value, CSV) "
                 "or the array NODE/KEY a node publishes (.npy or .csv by the extension of --out).",
                 "NODE/METRIC"});
    p.addOption({"record-every", "Headless with --export-series: record the metrics every N steps (default 1).", "N", "1"});
    p.addOption({"export-view",
                 "Workbench: run --screenshot-steps steps, save the view titled VIEW (e.g. \"Training curves\") to --out "
                 "as PNG or SVG (by the extension) and exit.",
                 "VIEW"});
    p.addOption({"out", "The file --export-series or --export-view writes (the folder --export-torch or --export-brian2 writes).", "FILE"});
    p.addOption({"scale", "With --export-view to a PNG: 1, 2 or 4 times the view's pixels (default 1).", "S", "1"});
}

int checkHeadlessExportOptions(const QCommandLineParser& p, HeadlessRecording& record) {
    if (p.isSet("export-view")) {
        std::fprintf(stderr, "ganglion: --export-view renders a view of the workbench; run it without --headless\n");
        return ExitUsage;
    }
    if (!p.isSet("export-series")) return ExitOk;
    if (!p.isSet("headless")) {
        std::fprintf(stderr, "ganglion: --export-series needs a run: --headless GRAPH\n");
        return ExitUsage;
    }
    if (p.value("out").isEmpty()) {
        std::fprintf(stderr, "ganglion: --export-series needs --out FILE (.csv, or .npy for an array)\n");
        return ExitUsage;
    }
    bool ok = false;
    const long long every = p.value("record-every").toLongLong(&ok);
    if (!ok || every < 1) {
        std::fprintf(stderr, "ganglion: --record-every expects a positive integer, got '%s'\n", qPrintable(p.value("record-every")));
        return ExitUsage;
    }
    record.every = std::uint64_t(every);
    return ExitOk;
}

int exportRecordedSeries(const HeadlessRecording& record, const QString& name, const QString& out) {
    io::ExportData data;
    try {
        data = io::lookupExport(name.toStdString(), record.history, record.last.get());
    } catch (const io::ExportLookupError& e) {
        std::fprintf(stderr, "ganglion: --export-series: %s\n", e.what());
        return ExitBadGraph;
    }
    try {
        io::writeExport(data, out.toStdString(), record.dt);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: --export-series: %s\n", e.what());
        return ExitIo;
    }
    if (data.kind == io::ExportItem::Kind::Series)
        std::printf("exported %s (%zu points) to %s\n", qPrintable(name), data.points.size(), qPrintable(out));
    else if (data.kind == io::ExportItem::Kind::Table) {
        std::string columns;
        for (const auto& c : data.table.columns) columns += (columns.empty() ? "" : ", ") + c;
        std::printf("exported %s (%zu rows: %s) to %s\n", qPrintable(name), data.table.rows.size(), columns.c_str(), qPrintable(out));
    }
    else
        std::printf("exported %s (%ldx%ld) to %s\n", qPrintable(name), long(data.array.rows()), long(data.array.cols()),
                    qPrintable(out));
    return ExitOk;
}

int checkViewExportOptions(const QCommandLineParser& p) {
    if (p.isSet("export-series")) {
        std::fprintf(stderr, "ganglion: --export-series exports from a headless run: add --headless GRAPH\n");
        return ExitUsage;
    }
    if (!p.isSet("export-view")) return ExitOk;
    const QString out = p.value("out");
    const QString ext = QFileInfo(out).suffix().toLower();
    if (out.isEmpty() || (ext != "png" && ext != "svg")) {
        std::fprintf(stderr, "ganglion: --export-view needs --out FILE.png or FILE.svg, got '%s'\n", qPrintable(out));
        return ExitUsage;
    }
    bool ok = false;
    const int scale = p.value("scale").toInt(&ok);
    if (!ok || (scale != 1 && scale != 2 && scale != 4)) {
        std::fprintf(stderr, "ganglion: --scale expects 1, 2 or 4, got '%s'\n", qPrintable(p.value("scale")));
        return ExitUsage;
    }
    return ExitOk;
}

void scheduleViewExport(MainWindow* w, Session* s, const QString& view, const QString& out, int scale, qulonglong steps) {
    afterSteps(w, s, steps, [w, view, out, scale] {
        QDockWidget* found = nullptr;
        QStringList titles;
        for (QDockWidget* dock : w->relevantViews()) {
            titles << dock->windowTitle();
            if (dock->windowTitle().compare(view, Qt::CaseInsensitive) == 0) found = dock;
        }
        if (!found) {
            std::fprintf(stderr, "ganglion: --export-view: this document has no view '%s'; its views: %s\n", qPrintable(view),
                         titles.isEmpty() ? "none" : qPrintable(titles.join(", ")));
            qApp->exit(ExitBadGraph);
            return;
        }
        found->show();
        found->raise();  // a tabbed view comes to the front and polls: give it a few of its 100 ms polls
        QTimer::singleShot(500, w, [found, out, scale] {
            QString error;
            const bool ok = exportWidgetImage(viewOf(found), out, scale, &error);
            if (ok) std::printf("view '%s' saved to %s\n", qPrintable(found->windowTitle()), qPrintable(out));
            else std::fprintf(stderr, "ganglion: --export-view: %s\n", qPrintable(error));
            qApp->exit(ok ? ExitOk : ExitIo);
        });
    });
}

}  // namespace ganglion
