#include "app/workbench.h"

#include "app/main_window.h"
#include "widgets/vtk/vtk_widget.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <QStatusBar>

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

/// --screenshot: play until `steps` engine steps are done (or the run finished, or 60 s pass),
/// then save the window.
void scheduleScreenshot(MainWindow* w, Session* s, const QString& path, qulonglong steps) {
    QTimer::singleShot(300, w, [s] { s->play(); });  // after the document's engine build
    auto* timer = new QTimer(w);
    auto started = std::make_shared<qint64>(0);
    QObject::connect(timer, &QTimer::timeout, w, [=] {
        *started += 200;
        auto snap = s->snapshot();
        if ((snap && snap->step >= steps) || s->isFinished() || *started > 60000) {
            s->pause();
            timer->stop();
            QTimer::singleShot(800, w, [=] {  // let the views catch up with the last snapshot
                const bool ok = w->grab().save(path);
                std::fprintf(ok ? stdout : stderr, ok ? "screenshot saved to %s\n" : "cannot save screenshot %s\n",
                             qPrintable(path));
                qApp->exit(ok ? 0 : 4);
            });
        }
    });
    timer->start(200);
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

    Session session;
    MainWindow w(&session);
    app.report = [&w](const QString& text) { w.statusBar()->showMessage(text, 15000); };
    w.show();

    QString file;
    bool asExample = false;
    if (!p.positionalArguments().isEmpty()) {
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
    w.openAtStart(file, asExample, !p.isSet("screenshot"));
    if (p.isSet("screenshot")) scheduleScreenshot(&w, &session, p.value("screenshot"), p.value("screenshot-steps").toULongLong());
    return app.exec();
}

}  // namespace ganglion
