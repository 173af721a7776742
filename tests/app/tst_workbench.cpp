// The workbench as a user meets it (under Xvfb): it starts on the spiral example, trains while
// the GUI stays responsive, saves and reopens the same graph, and never drops unsaved work
// without asking (recovery after a crash: tst_recovery). Every bundled example opening and
// running in the full window is tst_views_readable's job (it also reads every view).
// ctest-cost: 25 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "document/graph_commands.h"
#include "app/main_window.h"
#include "widgets/canvas/graph_canvas.h"
#include "core/graph/json_io.h"
#include "widgets/vtk/vtk_widget.h"

#include "widgets/canvas/graph_scene.h"

#include "widgets/canvas/node_item.h"

#include <QtTest>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QAbstractButton>
#include <QMessageBox>
#include <QTimer>

using namespace ganglion;

class TstWorkbench : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_workbench");
    }

    void opensSpiralAndTrainsWhileResponsive() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QString spiral = MainWindow::findExample("spiral");
        QVERIFY(!spiral.isEmpty());
        QVERIFY(w.openFile(spiral, true));
        QCOMPARE(session.filePath(), QString());  // examples open untitled: Save asks for a path
        QTRY_VERIFY2_WITH_TIMEOUT(session.snapshot() && session.snapshot()->nodes.size() == session.graph().nodes().size(),
                                  qPrintable(session.engineError() + QString(" snapshot nodes: %1").arg(session.snapshot() ? int(session.snapshot()->nodes.size()) : -1)), 5000);

        // Measure how late a 10 ms GUI timer fires while the engine trains at full speed.
        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        int ticks = 0;
        QTimer probe;
        connect(&probe, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            if (ticks++ > 0) worst = std::max(worst, now - last);
            last = now;
        });
        session.setSpeed(0);
        session.play();
        clock.start();
        probe.start(10);
        QTest::qWait(1500);
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->step > 3000, 120000);
        probe.stop();
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        QVERIFY2(ticks > 20, qPrintable(QString("GUI timer fired only %1 times").arg(ticks)));
        QVERIFY2(worst < 500, qPrintable(QString("GUI thread blocked for %1 ms").arg(worst)));
        const auto snap = session.snapshot();
        const auto* cls = snap->firstOfType("Classifier");
        QVERIFY(cls && cls->obs.scalars.count("test_accuracy"));
        QVERIFY2(cls->obs.scalars.at("test_accuracy") > 0.9, "the spiral did not learn in the workbench");
        QVERIFY(session.metrics().size("Loss/loss") > 1);  // the curves have data
        QVERIFY(!w.grab().isNull());
    }

    void costBadgesShowParamsAndMacsUnderNodes() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(MainWindow::findExample("spiral"), true));
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->nodes.size() == session.graph().nodes().size(), 5000);
        auto* act = w.findChild<QAction*>("showCosts");
        QVERIFY(act && act->isCheckable());
        act->setChecked(false);
        GraphScene* scene = w.findChild<GraphCanvas*>()->graphScene();
        auto id = [&](const char* name) { return session.graph().nodeByName(name)->id; };
        QCOMPARE(scene->cost(id("Hidden 1")), QString());  // hidden by default
        act->setChecked(true);  // shown at once, the run paused
        // by hand: Dense 2→16 has 2·16 + 16 = 48 params and 2·16 = 32 MACs per sample; Dense
        // 16→16 272 and 256; ReLU over 16 values 16 MACs, no params; the data set costs nothing: no badge
        QCOMPARE(scene->cost(id("Hidden 1")), QString("48 params · 32 MACs"));
        QCOMPARE(scene->cost(id("Hidden 2")), QString("272 params · 256 MACs"));
        QCOMPARE(scene->cost(id("ReLU 1")), QString("0 params · 16 MACs"));
        QCOMPARE(scene->cost(id("Spiral")), QString());
        NodeItem* item = scene->nodeItem(id("Hidden 1"));
        const QRectF badge = item->costRect();
        QVERIFY(!badge.isEmpty() && item->boundingRect().contains(badge));
        QVERIFY(badge.top() > item->shape().boundingRect().bottom());  // under the body, not over its ports
        act->setChecked(false);
        QCOMPARE(scene->cost(id("Hidden 1")), QString());
        QVERIFY(item->costRect().isEmpty());
    }

    void saveAndReopenGivesTheSameGraph() {
        Session session;
        QString err;
        QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
        session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(10, 20)));
        QVERIFY(session.isModified());
        QTemporaryDir dir;
        const QString path = dir.filePath("mine.json");
        QVERIFY2(session.save(path, &err), qPrintable(err));
        QVERIFY(!session.isModified());
        const std::string saved = graphToJson(session.graph());
        Session other;
        QVERIFY2(other.open(path, &err), qPrintable(err));
        QCOMPARE(graphToJson(other.graph()), saved);
        QCOMPARE(other.filePath(), path);
    }

    void corruptFileKeepsCurrentDocument() {
        Session session;
        QString err;
        QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
        const std::string before = graphToJson(session.graph());
        QTemporaryDir dir;
        QFile f(dir.filePath("broken.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"ganglion-graph\", \"version\": 1, \"nodes\": [{\"id\": 1, \"type\": \"Dense\",}]}");
        f.close();
        QVERIFY(!session.open(f.fileName(), &err));
        QVERIFY2(err.contains("broken.json") && err.contains("line 1"), qPrintable(err));
        QCOMPARE(graphToJson(session.graph()), before);
    }

    void dirtyDocumentIsNotDiscardedWithoutAsking() {
        Session session;
        MainWindow w(&session);
        w.show();
        QString err;
        QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
        session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(0, 0)));
        QVERIFY(w.isWindowModified() || session.isModified());
        const std::string before = graphToJson(session.graph());
        bool asked = false;
        QTimer::singleShot(200, [&] {  // answer the unsaved-changes question with Cancel
            for (QWidget* top : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(top)) {
                    asked = true;
                    box->button(QMessageBox::Cancel)->click();
                }
        });
        QVERIFY(!w.openFile(MainWindow::findExample("spiral"), true));
        QVERIFY(asked);
        QCOMPARE(graphToJson(session.graph()), before);
        session.undoStack()->setClean();  // let the window close without asking
    }

    void structuralEditRebuildsAndSaysSo() {
        Session session;
        QString err;
        QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
        QSignalSpy messages(&session, &Session::engineMessage);
        session.play();
        QTRY_VERIFY(session.isRunning());
        session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(0, 0)));
        QTRY_VERIFY(!session.isRunning());
        bool said = false;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (const auto& m : messages) said = said || m.at(0).toString().contains("rebuilt");
            return said;
        }(), 5000);
        // An unconnected Dense makes the graph invalid: the canvas learns which node and why.
        QTRY_VERIFY(!session.engineError().isEmpty());
        QVERIFY(session.engineError().contains("required input 'in'"));
    }

    void editMenuExpandsTheSelectedCircuit() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(MainWindow::findExample("worm_swimmer"), true));
        QAction* expand = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E)) expand = a;
        QVERIFY(expand);
        w.canvas()->selectNode(session.graph().nodeByName("Swimmer")->id);
        QVERIFY(!expand->isEnabled());  // a body has no parts
        w.canvas()->selectNode(session.graph().nodeByName("NCAP circuit")->id);
        QVERIFY(expand->isEnabled());
        QCOMPARE(expand->text(), QString("Expand to neurons"));
        expand->trigger();
        QVERIFY(session.graph().nodeByName("DB1") && !session.graph().nodeByName("NCAP circuit"));
        QVERIFY(session.isModified());
        // the rebuilt engine runs the neurons: the body swims (flat out, not at the example's pace)
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->firstOfType("NcapBNeuron") &&
                                     session.snapshot()->step > 300,
                                 10000);
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        QVERIFY(session.snapshot()->firstOfType("SwimmerBody")->obs.scalars.at("distance") > 0.3);
        session.undoStack()->undo();
        QVERIFY(session.graph().nodeByName("NCAP circuit"));
        session.undoStack()->setClean();
    }

    void liveParameterReachesRunningEngine() {
        Session session;
        QString err;
        QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
        QTRY_VERIFY(session.snapshot() && !session.snapshot()->nodes.empty());
        const NodeId loss = session.graph().nodeByName("Loss")->id;
        session.play();
        QTRY_VERIFY(session.isRunning());
        session.undoStack()->push(new SetParamCommand(session.graph(), loss, "learning_rate", 0.01, 0.05));
        QTest::qWait(200);
        QVERIFY(session.isRunning());  // a live edit does not stop training
        session.runner().sync();
        QCOMPARE(session.runner().snapshot()->buildId, session.snapshot()->buildId);
        session.pause();
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();  // as the real app does, before QApplication
    QApplication app(argc, argv);
    TstWorkbench t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_workbench.moc"
