// The bundled "LSTM vs GRU vs τ-RNN on sequential Fashion-MNIST" example loads, builds and trains
// headless: all three recurrent classifiers learn well above chance within a few hundred batches,
// and the τ-RNN's time constants move from their initial value.
// ctest-cost: 41 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;

class TstRnnExamples : public QObject {
    Q_OBJECT
private slots:
    void threeCellsLearnSequentialFashionMnist() {
        const Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/rnn_fashion_mnist.json");
        QVERIFY(!g.settings().description.empty());
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        e.evaluate();
        const auto before = e.scalars();
        for (int s = 0; s < 200; ++s) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto after = e.scalars();
        for (const char* cell : {"LSTM", "GRU", "τ-RNN"}) {
            const std::string key = std::string(cell) + " accuracy/test_accuracy";
            QVERIFY2(after.count(key), key.c_str());
            const double acc = after.at(key);
            qInfo("%s: test accuracy %.3f after 200 batches of 64", cell, acc);
            QVERIFY2(acc > 0.55, qPrintable(QString("%1: test accuracy %2").arg(cell).arg(acc)));
        }
        QVERIFY(before.count("τ-RNN/tau_mean") && after.count("τ-RNN/tau_mean"));
        qInfo("τ-RNN mean τ %.3f -> %.3f", before.at("τ-RNN/tau_mean"), after.at("τ-RNN/tau_mean"));
        QVERIFY(std::abs(after.at("τ-RNN/tau_mean") - before.at("τ-RNN/tau_mean")) > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TstRnnExamples)
#include "tst_rnn_examples.moc"
