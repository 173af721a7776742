// Runs a class can watch: the speed control's log scale and its "real time" position, the pace
// and end a graph stores in its settings (round trip, validation), a run that pauses at its
// natural end and says so, and every bundled example's stored pace leaving its story watchable.
#include "core/engine/engine.h"
#include "core/engine/pace.h"
#include "core/engine/runner.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <mutex>

using namespace ganglion;

namespace {

std::string examplesDir() { return std::string(GANGLION_SOURCE_DIR) + "/resources/examples/"; }
Graph example(const std::string& name) { return loadGraphFile(examplesDir() + name); }

/// The graph-format error message for `settings` spliced into a minimal document.
std::string settingsError(const std::string& settings) {
    try {
        graphFromJson(R"({"format": "ganglion-graph", "version": 1, "settings": )" + settings + R"(, "nodes": []})");
    } catch (const GraphFormatError& e) {
        return e.what();
    }
    return {};
}

/// Collects runner events (they arrive on the engine thread).
struct Events {
    std::mutex m;
    std::vector<EngineRunner::Event> seen;
    void attach(EngineRunner& r) {
        r.setListener([this](EngineRunner::Event e, const std::string&) {
            std::lock_guard lock(m);
            seen.push_back(e);
        });
    }
    int count(EngineRunner::Event e) {
        std::lock_guard lock(m);
        return int(std::count(seen.begin(), seen.end(), e));
    }
};

/// Smallest stdp protocol: 1 s of simulated time at dt = 1e-4 (10,000 steps).
Graph shortStdp() {
    Graph g = example("snn_stdp.json");
    const NodeId id = g.nodes().front().id;
    if (auto err = g.setParam(id, "duration", 1.0)) throw std::runtime_error(*err);
    return g;
}

}  // namespace

class TestRunPace : public QObject {
    Q_OBJECT
private slots:
    void stepsPerSecondScaleIsLogarithmic() {
        const SpeedScale s(false, 1e-4);
        QVERIFY(!s.timed());
        QCOMPARE(s.realTimePosition(), -1);
        QCOMPARE(s.stepsPerSecond(0), 1.0);
        QCOMPARE(s.stepsPerSecond(s.fastest()), 0.0);  // the last position: as fast as possible
        QCOMPARE(QString::fromStdString(s.label(s.fastest())), QString("max"));
        for (int p = 1; p < s.fastest(); ++p) {  // 1-2-5 steps: three positions per decade
            const double ratio = s.stepsPerSecond(p) / s.stepsPerSecond(p - 1);
            QVERIFY2(std::abs(ratio - 2.0) < 1e-9 || std::abs(ratio - 2.5) < 1e-9, qPrintable(QString::number(ratio)));
        }
        QCOMPARE(s.stepsPerSecond(3), 10.0);
        QCOMPARE(s.stepsPerSecond(s.nearest(200)), 200.0);
        QCOMPARE(s.stepsPerSecond(s.nearest(180)), 200.0);  // nearest on the log scale
        QCOMPARE(s.stepsPerSecond(s.nearest(0.2)), 1.0);     // slower than the scale: its slowest
        QCOMPARE(s.nearest(0), s.fastest());                 // 0 = unlimited
        QCOMPARE(s.nearest(1e9), s.fastest());
        QCOMPARE(QString::fromStdString(s.label(s.nearest(200))), QString("200 steps/s"));
        QCOMPARE(QString::fromStdString(s.label(s.nearest(20000))), QString("20k steps/s"));
    }

    void timedScaleHasRealTime() {
        const SpeedScale s(true, 1e-4);
        QVERIFY(s.timed());
        const int rt = s.realTimePosition();
        QVERIFY(rt > 0 && rt < s.fastest());
        QCOMPARE(QString::fromStdString(s.label(rt)), QString("real time"));
        QCOMPARE(s.stepsPerSecond(rt), 10000.0);  // 1 / dt: simulated time at the clock's rate
        QCOMPARE(QString::fromStdString(s.label(rt + 1)), QString("2× real time"));
        QCOMPARE(QString::fromStdString(s.label(rt - 1)), QString("0.5× real time"));
        GraphSettings st;
        st.dt = 1e-4;
        s.store(rt, st);
        QCOMPARE(st.realTime, 1.0);
        QCOMPARE(st.stepsPerSecond, 0.0);
        QCOMPARE(s.positionFor(st), rt);
        QCOMPARE(pacedStepsPerSecond(st), 10000.0);
        s.store(s.fastest(), st);  // max stores "no pace"
        QCOMPARE(pacedStepsPerSecond(st), 0.0);
        // a slow simulation step still offers real time, and no position is slower than a step a second
        const SpeedScale slow(true, 0.5);
        QCOMPARE(slow.stepsPerSecond(slow.realTimePosition()), 2.0);
        for (int p = 0; p < slow.fastest(); ++p) QVERIFY(slow.stepsPerSecond(p) >= 1.0 || p == slow.realTimePosition());
        // which graphs simulate time: spiking networks yes, a classifier no
        QVERIFY(SpeedScale::forGraph(example("snn_stdp.json")).timed());
        QVERIFY(!SpeedScale::forGraph(example("spiral_classifier.json")).timed());
        // a swimmer advances control_dt a step: real time when the graph's dt is the same, else
        // steps/s (its clock would run at the wrong rate)
        Graph worm = example("worm_swimmer.json");
        QVERIFY(SpeedScale::forGraph(worm).timed());
        worm.settings().dt = 0.01;
        QVERIFY(!SpeedScale::forGraph(worm).timed());
    }

    void settingsRoundTripAndValidation() {
        Graph g = example("spiral_classifier.json");
        g.settings().stepsPerSecond = 150;
        g.settings().stopAt = 4000;
        g.settings().watch = "Loss/test_loss";
        const Graph back = graphFromJson(graphToJson(g));
        QVERIFY(back.settings() == g.settings());
        QCOMPARE(graphToJson(back), graphToJson(g));
        g.settings().stepsPerSecond = 0;
        g.settings().realTime = 2.5;
        QCOMPARE(graphFromJson(graphToJson(g)).settings().realTime, 2.5);

        QVERIFY(QString::fromStdString(settingsError(R"({"stepsPerSecond": -1})")).startsWith("settings.stepsPerSecond"));
        QVERIFY(QString::fromStdString(settingsError(R"({"realTime": -0.5})")).startsWith("settings.realTime"));
        QVERIFY(QString::fromStdString(settingsError(R"({"realTime": 1, "stepsPerSecond": 100})")).contains("not both"));
        QVERIFY(QString::fromStdString(settingsError(R"({"stopAt": -3})")).startsWith("settings.stopAt"));
        QVERIFY(QString::fromStdString(settingsError(R"({"stopAt": 2.5})")).startsWith("settings.stopAt"));
        QVERIFY(QString::fromStdString(settingsError(R"({"stepsPerSecond": "fast"})")).startsWith("settings"));
        QVERIFY(settingsError(R"({"stepsPerSecond": 0, "realTime": 0.5, "stopAt": 10, "watch": "rate"})").empty());
    }

    void engineProgressFollowsDeclaredEnds() {
        Engine e;
        Graph g = example("spiral_classifier.json");
        g.settings().stopAt = 0;
        e.build(g);
        QVERIFY(e.ok());
        QVERIFY(e.progress() < 0);  // no end declared: the run goes on
        for (int i = 0; i < 5; ++i) QVERIFY(e.step());
        QVERIFY(!e.finished());

        g.settings().stopAt = 40;  // the graph's own end
        e.build(g);
        for (int i = 0; i < 20; ++i) e.step();
        QCOMPARE(e.progress(), 0.5);
        for (int i = 0; i < 20; ++i) e.step();
        QVERIFY(e.finished());
        QCOMPARE(e.makeSnapshot()->progress, 1.0);

        Engine w;  // a node's end: generations of the worm trainer
        Graph worm = example("worm_train.json");
        worm.settings().stopAt = 0;
        for (const auto& n : std::vector<Node>(worm.nodes())) {
            QVERIFY(!worm.setParam(n.id, "generations", std::int64_t(3)));
            QVERIFY(!worm.setParam(n.id, "population", std::int64_t(4)));
        }
        w.build(worm);
        QVERIFY(w.ok());
        QCOMPARE(w.progress(), 0.0);
        w.step();
        w.step();
        QVERIFY(!w.finished());
        w.step();
        QVERIFY(w.finished());
    }

    void runnerPausesAtTheEndOfTheProtocol() {
        EngineRunner r;
        Events ev;
        ev.attach(r);
        r.load(shortStdp());
        r.sync();
        QVERIFY(r.error().empty());
        QVERIFY(!r.finished());
        r.play();
        QTRY_VERIFY_WITH_TIMEOUT(ev.count(EngineRunner::Event::Finished) == 1, 60000);
        r.sync();
        QVERIFY(!r.running());
        QVERIFY(r.finished());
        const auto end = r.steps();
        QVERIFY2(end >= 10000 && end <= 10001, qPrintable(QString::number(end)));  // 1 s at dt 1e-4
        QVERIFY(r.snapshot()->progress >= 1.0);
        QCOMPARE(r.snapshot()->step, end);  // the last picture is the end itself
        QTest::qWait(100);
        QCOMPARE(r.steps(), end);  // stays there
        // Play runs on past the end without stopping again; reset starts over
        r.play();
        QTRY_VERIFY(r.steps() > end + 100);
        r.pause();
        r.sync();
        QCOMPARE(ev.count(EngineRunner::Event::Finished), 1);
        r.reset();
        r.sync();
        QVERIFY(!r.finished());
        QCOMPARE(r.snapshot()->progress, 0.0);
    }

    void runnerHonoursItsPace() {
        // throttled in the engine thread: 200 steps/s never runs ahead of the clock
        EngineRunner r;
        Graph g = example("spiral_classifier.json");
        r.load(g);
        r.setSpeed(200);
        QElapsedTimer clock;
        r.play();
        clock.start();
        QTest::qWait(300);
        r.pause();
        r.sync();
        const double allowed = 200.0 * double(clock.elapsed()) / 1000.0 + 25;  // + the 100 ms catch-up window
        QVERIFY2(double(r.steps()) <= allowed, qPrintable(QString("%1 steps, at most %2").arg(r.steps()).arg(allowed)));
        QVERIFY(r.steps() > 0);
    }

    void bundledExamplesStoreAWatchablePace_data() {
        QTest::addColumn<QString>("file");
        for (const auto& f : std::filesystem::directory_iterator(examplesDir()))
            if (f.path().extension() == ".json") QTest::newRow(f.path().filename().string().c_str()) << QString::fromStdString(f.path().string());
    }

    void bundledExamplesStoreAWatchablePace() {
        // every example opens at a pace of its own (not "max"), and one with a natural end
        // (protocol, generations, epochs, stopAt) reaches it in tens of seconds to a few minutes
        QFETCH(QString, file);
        const Graph g = loadGraphFile(file.toStdString());
        const double pace = pacedStepsPerSecond(g.settings());
        QVERIFY2(pace > 0, "the example stores no pace: it would open at full speed");
        const SpeedScale scale = SpeedScale::forGraph(g);
        if (g.settings().realTime > 0) QVERIFY2(scale.timed(), "a real-time pace for a graph that simulates no time");
        // the speed control shows exactly the stored pace (a position of its 1-2-5 scale)
        QVERIFY2(std::abs(scale.stepsPerSecond(scale.positionFor(g.settings())) / pace - 1) < 1e-9,
                 qPrintable(QString("pace %1 steps/s is not on the speed control's scale").arg(pace)));
        Engine e;
        e.build(g);
        if (!e.ok() && !std::filesystem::exists(GANGLION_SHARED_DIR "/data"))
            QSKIP(qPrintable("../shared/data absent: " + QString::fromStdString(e.error())));
        QVERIFY2(e.ok(), e.error().c_str());
        if (e.progress() < 0) return;  // runs on until paused
        const int probe = 3;
        for (int i = 0; i < probe; ++i) QVERIFY(e.step());
        QVERIFY2(e.progress() > 0, "a declared end that does not advance");
        const double endSteps = probe / e.progress();
        const double seconds = endSteps / pace;
        QVERIFY2(seconds >= 10 && seconds <= 600,
                 qPrintable(QString("the run ends after %1 s of wall time at its pace").arg(seconds)));
    }

    void trainingStoriesUnfoldOverTensOfSeconds_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("loss");
        QTest::newRow("spiral") << "spiral_classifier.json" << "Loss/loss";
        QTest::newRow("kan_formula") << "kan_formula.json" << "MSE/loss";
        QTest::newRow("kan_vs_mlp") << "kan_vs_mlp.json" << "KAN loss/loss";
        QTest::newRow("snn_classifier") << "snn_classifier.json" << "Loss/loss";
    }

    void trainingStoriesUnfoldOverTensOfSeconds() {
        // At the stored pace the loss has not done its learning within the first second (it
        // would be a cliff at the curve's first pixel) and has done most of it within a minute.
        QFETCH(QString, file);
        QFETCH(QString, loss);
        const Graph g = example(file.toStdString());
        const double pace = pacedStepsPerSecond(g.settings());
        QVERIFY(pace > 0);
        Engine e;
        e.build(g);
        QVERIFY2(e.ok(), e.error().c_str());
        auto lossAt = [&](double seconds) {  // mean over ~0.5 s of steps around that wall time
            const auto target = std::uint64_t(seconds * pace);
            while (e.stepCount() < target)
                if (!e.step()) throw std::runtime_error(e.error());
            double sum = 0;
            const int n = std::max(1, int(pace / 2));
            for (int i = 0; i < n; ++i) {
                if (!e.step()) throw std::runtime_error(e.error());
                sum += e.scalars().at(loss.toStdString());
            }
            return sum / n;
        };
        const double first = lossAt(0), second = lossAt(1), twenty = lossAt(20), minute = lossAt(60);
        qInfo("%s at %g steps/s: loss %.4f at 0 s, %.4f at 1 s, %.4f at 20 s, %.4f at 60 s", qPrintable(file), pace, first,
              second, twenty, minute);
        const double decline = first - minute;
        QVERIFY2(decline > 0, "the loss does not decline within a minute at the stored pace");
        QVERIFY2(first - second < 0.5 * decline,
                 qPrintable(QString("half the learning happens in the first second (%1 → %2 → %3)").arg(first).arg(second).arg(minute)));
        QVERIFY2(twenty < first - 0.3 * decline, "less than a third of the learning within 20 s");
    }
};

QTEST_MAIN(TestRunPace)
#include "tst_run_pace.moc"
