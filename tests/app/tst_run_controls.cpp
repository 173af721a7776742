// The run as a class follows it in the window (under Xvfb): an example opens at its own pace
// with its title in the window title and its text in the description panel, the speed control
// moves on a log scale with a "real time" position for simulations, a run with a natural end
// pauses there and says "finished", and the curves offer a log step axis and smoothing.
#include "app/description_panel.h"
#include "app/main_window.h"
#include "app/run_bar.h"
#include "core/engine/pace.h"
#include "core/graph/json_io.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/vtk/vtk_widget.h"

#include <QtTest>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QSlider>
#include <QStatusBar>

using namespace ganglion;

namespace {
QString example(const char* name) { return MainWindow::findExample(name); }
}  // namespace

class TstRunControls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_run_controls");
    }

    void exampleShowsItsTitleAndDescription() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(example("spiral"), true));
        QCOMPARE(w.windowTitle(), QString("Spiral classifier[*] — Ganglion"));
        auto* panel = w.descriptionPanel();
        QCOMPARE(panel->title(), QString("Spiral classifier"));
        QVERIFY(panel->description().startsWith("TensorFlow Playground's hardest set"));
        auto* dock = qobject_cast<QDockWidget*>(panel->parentWidget());
        QVERIFY(dock && dock->isVisible());
        QVERIFY(panel->findChild<QLabel*>("descriptionText")->wordWrap());
        // a new, empty document has nothing to describe and is untitled again
        session.newDocument();
        QCOMPARE(w.windowTitle(), QString("Untitled[*] — Ganglion"));
        QVERIFY(panel->isEmpty());
        QVERIFY(!dock->isVisible());
    }

    void speedControlOpensAtTheExamplePace() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunBar* bar = w.runBar();
        QSlider* slider = bar->speedSlider();

        QVERIFY(w.openFile(example("spiral"), true));
        QVERIFY(!bar->scale().timed());  // a classifier counts steps per second
        const double spiralPace = pacedStepsPerSecond(loadGraphFile(example("spiral").toStdString()).settings());
        QCOMPARE(bar->scale().stepsPerSecond(slider->value()), spiralPace);
        QCOMPARE(bar->speedText(), QString("%1 steps/s").arg(spiralPace));
        // one notch up: the next 1-2-5 step; the pace is kept in the document for Save
        slider->setValue(slider->value() + 1);
        const double faster = bar->scale().stepsPerSecond(slider->value());
        QVERIFY(faster > spiralPace * 1.9 && faster < spiralPace * 2.6);
        QCOMPARE(session.graph().settings().stepsPerSecond, faster);
        QVERIFY(!session.isModified());  // a pace is not an edit to undo
        slider->setValue(slider->maximum());
        QCOMPARE(bar->speedText(), QString("max"));
        QCOMPARE(pacedStepsPerSecond(session.graph().settings()), 0.0);

        // a simulation counts in multiples of real time
        QVERIFY(w.openFile(example("snn_stdp"), true));
        QVERIFY(bar->scale().timed());
        const int rt = bar->scale().realTimePosition();
        QVERIFY(rt >= 0);
        slider->setValue(rt);
        QCOMPARE(bar->speedText(), QString("real time"));
        QCOMPARE(session.graph().settings().realTime, 1.0);
        QCOMPARE(bar->scale().stepsPerSecond(rt), 1.0 / session.graph().settings().dt);
    }

    void runPausesAtItsEndAndSaysFinished() {
        // a graph with a natural end (here the graph's own stopAt) pauses there: the run
        // toolbar and the status bar say "finished"; Play then runs on past the end
        Graph g = loadGraphFile(example("spiral").toStdString());
        g.settings().stopAt = 60;
        g.settings().stepsPerSecond = 0;
        QTemporaryDir dir;
        const QString path = dir.filePath("short.json");
        saveGraphFile(g, path.toStdString());
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(path));
        QCOMPARE(w.runBar()->speedText(), QString("max"));
        QSignalSpy finished(&session, &Session::finished);
        QSignalSpy messages(&session, &Session::engineMessage);
        session.play();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!session.isRunning());
        QVERIFY(session.isFinished());
        QCOMPARE(session.snapshot()->step, std::uint64_t(60));
        QTRY_COMPARE(w.runBar()->findChild<QLabel*>("runState")->text(), QString("finished"));
        bool said = false;
        for (const auto& m : messages) said = said || m.at(0).toString().startsWith("Finished");
        QVERIFY(said);
        bool labelSays = false;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (auto* l : w.statusBar()->findChildren<QLabel*>()) labelSays = labelSays || l->text().startsWith("finished · step 60");
            return labelSays;
        }(), 3000);
        session.play();
        QTRY_VERIFY(session.snapshot()->step > 60);
        QCOMPARE(w.runBar()->stateText(), QString("running past the end"));
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        session.resetEngine();
        QTRY_VERIFY(!session.isFinished());
    }

    void curvesOpenOnTheWatchedMetric() {
        // snn_stdp's text says "watch the mean weight curve": the example declares it (watch)
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(example("snn_stdp"), true));
        QCOMPARE(QString::fromStdString(session.graph().settings().watch), QString("mean_weight_stdp"));
        auto* dock = w.findChild<QDockWidget*>("dock:Training curves");
        QVERIFY(dock);
        dock->show();
        dock->raise();
        auto* combo = dock->findChild<QComboBox*>();
        QVERIFY(combo);
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(combo->currentText().endsWith("/mean_weight_stdp"), 10000);
        session.pause();
    }

    void curvesOfferLogStepsAndSmoothing() {
        MetricChart chart("Loss", "loss");
        std::vector<QPointF> pts;
        for (int i = 0; i <= 100; ++i) pts.emplace_back(i, i % 2 ? 1.0 : 0.0);  // a noisy curve
        chart.appendPoints("Loss/loss", pts);
        QCOMPARE(chart.drawnPoints("Loss/loss").size(), 101);
        chart.setSmoothing(0.9);
        auto smooth = chart.drawnPoints("Loss/loss");
        QCOMPARE(smooth.size(), 101);
        QCOMPARE(smooth.front().y(), 0.0);  // bias-corrected: starts at the first value
        double spread = 0;
        for (int i = 80; i < 101; ++i) spread = std::max(spread, std::abs(smooth[i].y() - 0.5));
        QVERIFY2(spread < 0.1, qPrintable(QString::number(spread)));  // the noise is averaged out
        chart.appendPoints("Loss/loss", {QPointF(101, 1.0)});  // new points continue the average
        QVERIFY(std::abs(chart.drawnPoints("Loss/loss").back().y() - 0.5) < 0.1);
        chart.setSmoothing(0);
        QCOMPARE(chart.drawnPoints("Loss/loss").back().y(), 1.0);
        chart.setLogX(true);
        const auto logPts = chart.drawnPoints("Loss/loss");
        QCOMPARE(logPts.size(), 101);  // step 0 has no place on a log axis
        QCOMPARE(logPts.front().x(), 1.0);
        chart.setLogX(false);
        QCOMPARE(chart.drawnPoints("Loss/loss").size(), 102);
    }

    void longCurvesAreDrawnFromBucketMeans() {
        // 100,000 steps of y = 2x + 1 (and a spike): at most 513 points are drawn, each the mean of
        // equally many steps, so every drawn point still lies on the line and the ends are kept.
        MetricChart chart("Loss", "loss");
        std::vector<QPointF> pts;
        for (int i = 0; i < 100000; ++i) pts.emplace_back(i, 2.0 * i + 1.0);
        for (int from = 0; from < 100000; from += 997)  // appended in polls of ragged size
            chart.appendPoints("Loss/loss", std::vector<QPointF>(pts.begin() + from,
                                                                 pts.begin() + std::min(100000, from + 997)));
        const auto drawn = chart.drawnPoints("Loss/loss");
        QVERIFY2(drawn.size() > 256 && drawn.size() <= 513, qPrintable(QString::number(drawn.size())));
        for (const QPointF& p : drawn) QVERIFY2(std::abs(p.y() - (2 * p.x() + 1)) < 1e-6 * p.y() + 1e-9, qPrintable(QString::number(p.x())));
        const double stride = 100000.0 / double(drawn.size());
        QVERIFY(drawn.front().x() < stride && drawn.back().x() > 100000 - 2 * stride);
        for (qsizetype i = 1; i + 1 < drawn.size(); ++i)  // evenly spaced: one stride apart
            QVERIFY(std::abs((drawn[i].x() - drawn[i - 1].x()) - (drawn[1].x() - drawn[0].x())) < 1e-6);
        DecimatedLine line(8);
        for (int i = 0; i < 9; ++i) line.add(QPointF(i, i % 3 == 2 ? 30.0 : 0.0));
        QCOMPARE(line.stride(), 2);  // 9 inputs into 8 slots: pairs, and the odd one fills the next pair
        QCOMPARE(line.points().size(), 5);
        QCOMPARE(line.points()[1], QPointF(2.5, 15.0));  // steps 2 and 3 (one spike of 30) averaged
        QCOMPARE(line.points().back(), QPointF(8.0, 30.0));  // the filling bucket: step 8 alone
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();  // as the real app does, before QApplication
    QApplication app(argc, argv);
    TstRunControls t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_run_controls.moc"
