// The bundled event examples build and run in the engine: "Rotating dot" denoises (the hot-pixel
// filter finds the 4 planted hot pixels, the background-activity filter removes events), and
// "N-MNIST to spikes" streams the bundled sample into spiking layers that fire. The engine's
// scrub path (EventPlayback::seekTo through Engine::kernel) works on a running graph. "Which noise
// filter?" scores four filters by ROC and F1 on a labelled stream. "Event digits into an LSTM"
// classifies saccade digits binned into frame sequences far above chance.
// ctest-cost: 10
#include "core/engine/engine.h"
#include "core/events/event_nodes.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <map>

using namespace ganglion;

namespace {
Graph load(const char* name) { return loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name); }
std::string issues(const std::vector<GraphIssue>& v) {
    std::string s;
    for (const auto& i : v) s += i.message + "; ";
    return s;
}
}  // namespace

class TstEventExamples : public QObject {
    Q_OBJECT
private slots:
    void rotatingDot() {
        Engine e;
        const Graph g = load("events_rotating_dot.json");
        const auto problems = e.build(g);
        QVERIFY2(e.ok(), issues(problems).c_str());
        for (int i = 0; i < 1500; ++i) QVERIFY(e.step());  // 1.5 s of stream at dt = 1 ms
        e.makeSnapshot();
        const auto sc = e.scalars();
        QCOMPARE(sc.at("Hot pixels/hot_pixels"), 4.0);
        QVERIFY(sc.at("Hot pixels/events_out") < sc.at("Hot pixels/events_in"));
        QCOMPARE(sc.at("Background activity/events_in"), sc.at("Hot pixels/events_out"));
        const double kept = sc.at("Background activity/kept_fraction");
        QVERIFY2(kept > 0.2 && kept < 0.8, qPrintable(QString::number(kept)));
        QCOMPARE(sc.at("Rotating dot/time_s"), 1.5);
    }

    void noiseFilterRoc() {
        // Four filters on one labelled stream with injected noise, each scored live and by a ROC
        // sweep of its main parameter over the same 500 ms windows.
        Engine e;
        const Graph g = load("noise_filter_roc.json");
        const auto problems = e.build(g);
        QVERIFY2(e.ok(), issues(problems).c_str());
        for (int i = 0; i < 1000; ++i) QVERIFY(e.step());  // 1 s of stream: two ROC sweeps
        const auto snap = e.makeSnapshot();
        const auto sc = e.scalars();
        std::map<std::string, Matrix> roc;
        for (const auto& n : snap->nodes)
            if (auto it = n.obs.arrays.find("roc"); it != n.obs.arrays.end()) roc[n.name] = it->second;
        QCOMPARE(roc.size(), std::size_t(4));
        // Youden's J (TPR - FPR) at the best swept value, and the best F1, per filter.
        auto bestJ = [&](const std::string& name) {
            const Matrix& m = roc.at(name);
            return double((m.row(2) - m.row(1)).maxCoeff());
        };
        auto bestF1 = [&](const std::string& name) { return double(roc.at(name).row(3).maxCoeff()); };
        for (const auto& r : roc) QCOMPARE(int(r.second.cols()), 12);
        for (const char* n : {"BA score", "STCF score", "Refractory score", "Hot-pixel score"})
            qInfo("%s: live F1 %.3f TPR %.3f FPR %.3f; best J %.3f, best F1 %.3f", n, sc.at(std::string(n) + "/f1"),
                  sc.at(std::string(n) + "/tpr"), sc.at(std::string(n) + "/fpr"), bestJ(n), bestF1(n));
        const double frac = sc.at("BA score/signal_fraction");
        qInfo("signal fraction %.3f", frac);
        QVERIFY(frac > 0.3 && frac < 0.6);
        QVERIFY(bestJ("BA score") > 0.8);
        QVERIFY(bestJ("STCF score") > 0.8);
        QVERIFY(bestJ("Refractory score") < 0.2);
        QVERIFY(bestJ("Hot-pixel score") < 0.2);
        QVERIFY(sc.at("BA score/f1") > sc.at("Refractory score/f1") + 0.2);
        QVERIFY(sc.at("STCF score/f1") > sc.at("Hot-pixel score/f1") + 0.2);
    }

    void digitFramesLstmLearns() {
        // one 300 ms digit per step, binned into 10 frames, classified by an LSTM (batch 1); the
        // Classifier's running accuracy scores each presentation (shifted, events dropped) before
        // the network learns from it
        Engine e;
        const Graph g = load("events_digit_frames_lstm.json");
        const auto problems = e.build(g);
        QVERIFY2(e.ok(), issues(problems).c_str());
        const int steps = 300;
        for (int i = 0; i < steps; ++i) QVERIFY2(e.step(), e.error().c_str());
        e.makeSnapshot();
        const auto sc = e.scalars();
        const double acc = sc.at("Digit/accuracy");  // running average over the latest digits, each seen before being learned from
        qInfo("after %d digits: running accuracy %.3f (chance 0.1), %g events binned in the last one", steps, acc,
              sc.at("Frames/events_binned"));
        QVERIFY2(acc > 0.6, qPrintable(QString::number(acc)));
    }

    void nmnistToSpikes() {
        Engine e;
        const Graph g = load("events_nmnist_spikes.json");
        const auto problems = e.build(g);
        QVERIFY2(e.ok(), issues(problems).c_str());
        for (int i = 0; i < 1000; ++i) QVERIFY(e.step());
        e.makeSnapshot();
        const auto sc = e.scalars();
        QVERIFY(sc.at("N-MNIST sample/events_out") > 10000);
        QVERIFY(std::abs(sc.at("N-MNIST sample/stream_end_s") - 3.0) < 0.01);  // ten 300 ms digits
        QVERIFY(sc.at("Pixels to spikes/spikes_total") > 1000);
        QVERIFY(sc.at("Hidden/spikes_total") > 0);
        QVERIFY(sc.at("Digits/spikes_total") > 0);
        // Scrub: seek the source back to 0.5 s through the engine, as the view does.
        NodeId src = 0;
        for (const auto& n : g.nodes())
            if (n.type == "EventFile") src = n.id;
        auto* pb = dynamic_cast<events::EventPlayback*>(e.kernel(src));
        QVERIFY(pb);
        pb->seekTo(500000);
        QVERIFY(e.step());
        QCOMPARE(pb->position(), std::int64_t(501000));
    }
};

QTEST_GUILESS_MAIN(TstEventExamples)
#include "tst_event_examples.moc"
