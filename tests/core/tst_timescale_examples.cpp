// The bundled "Long timescales" example (N-parity with a growing N, τ-RNN) loads, builds and trains
// headless: the curriculum raises N to its maximum as the network masters each stage, the test
// accuracy on 6-parity is then high, and the mean time constant moves from its initial value.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;

constexpr int kSteps = 2000;

class TstTimescaleExamples : public QObject {
    Q_OBJECT
private slots:
    void curriculumGrowsNAndTau() {
        const Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/rnn_long_timescales.json");
        QVERIFY(!g.settings().description.empty());
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        e.evaluate();
        const double tau0 = e.scalars().at("τ-RNN/tau_mean");
        QCOMPARE(e.scalars().at("N-parity/task_n"), 1.0);
        for (int s = 0; s < kSteps; ++s) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto after = e.scalars();
        const double n = after.at("N-parity/task_n"), acc = after.at("accuracy/test_accuracy");
        qInfo("after %d batches: N = %.0f, test accuracy %.3f at that N, mean τ %.3f -> %.3f", kSteps, n, acc, tau0,
              after.at("τ-RNN/tau_mean"));
        QVERIFY2(n == 6, qPrintable(QString("N only reached %1").arg(n)));
        QVERIFY2(acc > 0.9, qPrintable(QString("test accuracy %1 on 6-parity").arg(acc)));
        // the time constants are trained (they fall towards 1 here, see the example's description)
        QVERIFY(std::abs(after.at("τ-RNN/tau_mean") - tau0) > 0.05);
    }
};

QTEST_GUILESS_MAIN(TstTimescaleExamples)
#include "tst_timescale_examples.moc"
