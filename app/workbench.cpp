#include "app/workbench.h"

#include "app/cli.h"
#include "app/cli_export.h"
#include "document/graph_commands.h"
#include "app/main_window.h"
#include "widgets/vtk/vtk_widget.h"

#include <QApplication>
#include <QDateTime>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <QStatusBar>
#include <QUndoStack>

#include <cstdio>
#include <exception>
#include <functional>

namespace ganglion {

namespace {

/// The last line of defence: an exception escaping an event handler (a view fed data it did not
/// expect) is reported instead of aborting the program and losing the user's unsaved graph.
class GuardedApplication : public QApplication {
public:
    using QApplication::QApplication;
    std::function<void(const QString&)> report;

    bool notify(QObject* receiver, QEvent* e) override {
        try {
            return QApplication::notify(receiver, e);
        } catch (const std::exception& ex) {
            fail(receiver, QString::fromUtf8(ex.what()));
        } catch (...) {
            fail(receiver, QStringLiteral("unknown exception"));
        }
        return false;
    }

private:
    void fail(QObject* receiver, const QString& what) {
        const QString who = QString::fromLatin1(receiver ? receiver->metaObject()->className() : "?");
        std::fprintf(stderr, "ganglion: internal error in %s: %s\n", qPrintable(who), qPrintable(what));
        if (report) report(tr("Internal error in %1: %2 — the graph is unaffected; please report this.").arg(who, what));
    }
};

}  // namespace

void afterSteps(MainWindow* w, Session* s, qulonglong steps, std::function<void()> then) {
    QTimer::singleShot(300, w, [s] { s->play(); });  // after the document's engine build
    auto* timer = new QTimer(w);
    auto started = std::make_shared<qint64>(0);
    QObject::connect(timer, &QTimer::timeout, w, [=] {
        *started += 200;
        auto snap = s->snapshot();
        if ((snap && snap->step >= steps) || s->isFinished() || *started > 60000) {
            s->pause();
            timer->stop();
            QTimer::singleShot(800, w, then);  // let the views catch up with the last snapshot
        }
    });
    timer->start(200);
}

namespace {

/// --screenshot: play until `steps` engine steps are done (or the run finished, or 60 s pass),
/// then save the window.
void scheduleScreenshot(MainWindow* w, Session* s, const QString& path, qulonglong steps) {
    afterSteps(w, s, steps, [w, path] {
        const bool ok = w->grab().save(path);
        std::fprintf(ok ? stdout : stderr, ok ? "screenshot saved to %s\n" : "cannot save screenshot %s\n", qPrintable(path));
        qApp->exit(ok ? 0 : 4);
    });
}

/// Test hook for the crash-recovery test (tests/app/tst_recovery.cpp), active only with
/// GANGLION_TESTING=1 and GANGLION_TEST_EDIT_MS=N: every N ms one edit goes through the undo
/// stack (a Dense node added) and is reported on stdout as "edit <count> <epoch ms>", so the test
/// knows what was done when it kills the workbench.
void scheduleTestEdits(MainWindow* w, Session* s) {
    if (qgetenv("GANGLION_TESTING") != "1") return;
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("GANGLION_TEST_EDIT_MS", &ok);
    if (!ok || ms <= 0) return;
    auto* timer = new QTimer(w);
    auto count = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, w, [s, count] {
        s->undoStack()->push(new AddNodeCommand(s->graph(), "Dense", QPointF(40.0 * *count, 900)));
        std::printf("edit %d %lld\n", ++*count, QDateTime::currentMSecsSinceEpoch());
        std::fflush(stdout);
    });
    timer->start(ms);
}

}  // namespace

int runWorkbench(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();  // before QApplication: OpenGL 3.2 core for the 3D views
    GuardedApplication app(argc, argv);
    QApplication::setApplicationName("Ganglion");
    QApplication::setOrganizationName("Ganglion");
    QApplication::setApplicationVersion(GANGLION_VERSION);
    QCommandLineParser p;
    addCommandLineOptions(p);
    p.process(app);
    bool ok = false;
    const double autosaveSeconds = p.value("autosave").toDouble(&ok);
    if (!ok || !(autosaveSeconds >= 0.1 && autosaveSeconds <= MainWindow::kAutosaveMs / 1000.0)) {
        std::fprintf(stderr, "ganglion: --autosave expects seconds between 0.1 and %d, got '%s'\n",
                     MainWindow::kAutosaveMs / 1000, qPrintable(p.value("autosave")));
        return ExitUsage;
    }

    if (const int code = checkViewExportOptions(p); code != ExitOk) return code;

    Session session;
    MainWindow w(&session);
    app.report = [&w](const QString& text) { w.statusBar()->showMessage(text, 15000); };
    w.setAutosaveInterval(int(autosaveSeconds * 1000));
    w.show();

    QString file;
    bool asExample = false;
    QString lesson;
    if (p.isSet("lesson")) {  // a bundled lesson by its example's name, else a file
        lesson = p.value("lesson");
        for (const QString& f : MainWindow::lessonFiles())
            if (QFileInfo(f).fileName() == lesson + ".lesson.md") lesson = f;
        if (!QFileInfo::exists(lesson)) {
            QStringList names;
            for (const QString& f : MainWindow::lessonFiles()) names << QFileInfo(f).fileName().remove(".lesson.md");
            std::fprintf(stderr, "ganglion: no lesson file or bundled lesson '%s' (bundled: %s)\n", qPrintable(p.value("lesson")),
                         qPrintable(names.join(", ")));
            return ExitUsage;
        }
    }
    if (!lesson.isEmpty()) {
        // the lesson opens its own example
    } else if (!p.positionalArguments().isEmpty()) {
        file = p.positionalArguments().first();
    } else if (p.isSet("example")) {
        file = MainWindow::findExample(p.value("example"));
        asExample = true;
        if (file.isEmpty()) std::fprintf(stderr, "ganglion: no bundled example matches '%s'\n", qPrintable(p.value("example")));
    } else {
        QString last = QSettings().value("lastFile").toString();
        if (last.startsWith("example:")) {
            last = last.mid(8);
            asExample = true;
        }
        if (!last.isEmpty() && QFileInfo::exists(last)) file = last;
        else {
            file = MainWindow::findExample("spiral");  // first start: the spiral classifier
            asExample = true;
        }
    }
    // Unsaved work a previous run left behind is offered first; recovered work stays open
    // instead of the file (which would ask at once to save what was just recovered).
    w.openAtStart(file, asExample, !p.isSet("screenshot") && !p.isSet("export-view"), !p.isSet("recover"));
    if (!lesson.isEmpty()) {
        // Scripted runs (a screenshot, a view export) have nobody to close a message box.
        const bool scripted = p.isSet("screenshot") || p.isSet("export-view");
        QString error;
        if (!w.openLesson(lesson, scripted ? &error : nullptr)) {
            if (scripted) std::fprintf(stderr, "ganglion: %s\n", qPrintable(error));
            return ExitBadGraph;
        }
    }
    scheduleTestEdits(&w, &session);
    if (p.isSet("export-view"))
        scheduleViewExport(&w, &session, p.value("export-view"), p.value("out"), p.value("scale").toInt(),
                           p.value("screenshot-steps").toULongLong());
    if (p.isSet("screenshot")) scheduleScreenshot(&w, &session, p.value("screenshot"), p.value("screenshot-steps").toULongLong());
    return app.exec();
}

}  // namespace ganglion
