// The bundled "Delta layer" example loads, builds and trains headless, and shows the paper's claim
// on a short run: the network trained with the Delta layer's sparsity penalty is several times
// more temporally sparse (under the same delta threshold) than the one trained without it, at a
// small cost in accuracy.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

using namespace ganglion;

class TstDeltaExample : public QObject {
    Q_OBJECT
private slots:
    void penaltyMakesTheStreamSeveralfoldSparser() {
        const Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/rnn_delta_layer.json");
        QVERIFY(!g.settings().description.empty());
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        const int steps = 400;
        for (int s = 0; s < steps; ++s) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto sc = e.scalars();
        const double off = sc.at("Δ off/temporal_sparsity"), on = sc.at("Δ on/temporal_sparsity");
        const double accOff = sc.at("without penalty accuracy/test_accuracy");
        const double accOn = sc.at("with penalty accuracy/test_accuracy");
        qInfo("after %d batches: temporal sparsity %.3f without the penalty, %.3f with it (%.2fx); skipped MACs "
              "%.3f / %.3f; test accuracy %.3f / %.3f",
              steps, off, on, on / off, sc.at("Δ off/delta_skipped_macs"), sc.at("Δ on/delta_skipped_macs"), accOff,
              accOn);
        QVERIFY2(on > 2.0 * off, qPrintable(QString("temporal sparsity %1 vs %2").arg(on).arg(off)));
        QVERIFY(sc.at("Δ on/delta_skipped_macs") > sc.at("Δ off/delta_skipped_macs"));
        QVERIFY2(accOff > 0.85, qPrintable(QString("accuracy without the penalty %1").arg(accOff)));
        QVERIFY2(accOn > accOff - 0.1, qPrintable(QString("accuracy with the penalty %1 vs %2").arg(accOn).arg(accOff)));
    }
};

QTEST_GUILESS_MAIN(TstDeltaExample)
#include "tst_delta_example.moc"
