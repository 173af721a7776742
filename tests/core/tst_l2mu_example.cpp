// The bundled "Spiking LMU (L2MU)" example loads, builds and trains headless, and shows the paper's
// qualitative claim on a short run: the spiking LMU (LIF encoder and hidden populations) learns the
// delayed-match task, close to its non-spiking counterpart, both well above chance.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

using namespace ganglion;

class TstL2muExample : public QObject {
    Q_OBJECT
private slots:
    void spikingLmuLearnsCloseToTheLmu() {
        const Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/l2mu_delayed_recall.json");
        QVERIFY(!g.settings().description.empty());
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        const int steps = 400;
        for (int s = 0; s < steps; ++s) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto sc = e.scalars();
        const double spiking = sc.at("L2MU accuracy/test_accuracy"), lmu = sc.at("LMU accuracy/test_accuracy");
        qInfo("after %d batches: L2MU (LIF) test accuracy %.3f, LMU %.3f, LSTM %.3f; L2MU spike rates: encoder %.3f, "
              "hidden %.3f", steps, spiking, lmu, sc.at("LSTM accuracy/test_accuracy"),
              sc.at("L2MU/encoder_spike_rate"), sc.at("L2MU/hidden_spike_rate"));
        QVERIFY2(lmu > 0.9, qPrintable(QString("LMU accuracy %1").arg(lmu)));
        QVERIFY2(spiking > 0.85, qPrintable(QString("L2MU accuracy %1").arg(spiking)));
        QVERIFY2(lmu - spiking < 0.1, qPrintable(QString("L2MU %1 vs LMU %2").arg(spiking).arg(lmu)));
        // the spiking populations do spike, sparsely
        const double rate = sc.at("L2MU/hidden_spike_rate");
        QVERIFY2(rate > 0.01 && rate < 0.6, qPrintable(QString("hidden spike rate %1").arg(rate)));
    }
};

QTEST_GUILESS_MAIN(TstL2muExample)
#include "tst_l2mu_example.moc"
