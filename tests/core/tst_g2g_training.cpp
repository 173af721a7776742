// Short G2G training runs on Fashion-MNIST: well above chance, sparsity preserved by rewiring,
// and the dense/sparse trainers agree on what they compute.
// ctest-cost: 82 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/engine/engine.h"
#include "core/g2g/mlp_trainer.h"
#include "core/graph/json_io.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::g2g;

namespace {
/// The Fashion-MNIST data (a project dependency that ./ganglion.sh installs); null with the
/// reason in *why when it cannot be read.
std::shared_ptr<const FashionMnist> loadData(QString* why) {
    try {
        return FashionMnist::load();
    } catch (const IdxError& e) {
        *why = QString::fromUtf8(e.what());
        return {};
    }
}

double trainAndTest(MlpTrainer& tr, const FashionMnist& d, int batches, int batch = 128) {
    EpochSampler s;
    s.reset(d.train.size(), 5, true);
    Matrix x, y;
    for (int b = 0; b < batches; ++b) {
        fillBatch(d.train, s.next(batch), Normalisation::MinusOneOne, x, y);
        const double loss = tr.trainBatch(x, y);
        if (!std::isfinite(loss)) return -1;
    }
    return tr.accuracy(d.test, Normalisation::MinusOneOne, 2000);
}
}  // namespace

class TstG2GTraining : public QObject {
    Q_OBJECT
private slots:
    void shortRunBeatsChance_data() {
        QTest::addColumn<bool>("sparse");
        QTest::addColumn<QString>("prune");
        QTest::addColumn<QString>("grow");
        QTest::addColumn<int>("threads");
        QTest::newRow("dense") << false << "" << "" << 2;
        QTest::newRow("g2g static") << true << "" << "" << 2;
        QTest::newRow("g2g magnitude/gradient") << true << "magnitude" << "gradient" << 2;
        QTest::newRow("g2g hebbian/hebbian") << true << "hebbian" << "hebbian" << 2;
    }
    void shortRunBeatsChance() {
        QFETCH(bool, sparse);
        QFETCH(QString, prune);
        QFETCH(QString, grow);
        QFETCH(int, threads);
        QString why;
        auto d = loadData(&why);
        QVERIFY2(d, qPrintable(why));
        MlpSpec spec;
        spec.widths = {784, 256, 256, 10};
        spec.sparse = sparse;
        spec.threads = threads;
        if (!prune.isEmpty()) {
            spec.rewiring.every = 25;
            spec.rewiring.fraction = 0.3;
            spec.rewiring.until = 300;
            spec.rewiring.hebbianWindow = 5;
            spec.rewiring.prune = parsePruneRule(prune.toStdString());
            spec.rewiring.grow = parseGrowRule(grow.toStdString());
        }
        MlpTrainer tr(spec);
        const int live0 = sparse ? tr.g2g(0).lin.s.nnz() + tr.g2g(1).lin.s.nnz() : 0;
        // 150 batches: six rewirings (every 25) and well past chance; one thread against two is
        // threadsAgree's job.
        const double acc = trainAndTest(tr, *d, 150);
        qInfo("test accuracy after 150 batches: %.4f", acc);
        QVERIFY2(acc > 0.70, qPrintable(QString("accuracy %1 (chance 0.10)").arg(acc)));
        if (sparse) {
            QCOMPARE(tr.g2g(0).lin.s.nnz() + tr.g2g(1).lin.s.nnz(), live0);
            tr.g2g(0).lin.s.check();
            if (!prune.isEmpty()) QVERIFY(tr.g2g(0).rewireCount >= 5);
            // ReLU makes hidden activity sparse: the first hidden layer has many exact zeros.
            QVERIFY(tr.hiddenStats(0).zeroFraction > 0.2);
        }
    }

    void threadsAgree() {
        // Data-parallel training gives the same model as one thread up to float summation order.
        QString why;
        auto d = loadData(&why);
        QVERIFY2(d, qPrintable(why));
        MlpSpec spec;
        spec.sparse = true;
        spec.widths = {784, 64, 64, 10};
        MlpTrainer a(spec);
        spec.threads = 1;
        MlpTrainer b(spec);
        EpochSampler s;
        s.reset(d->train.size(), 1, true);
        Matrix x, y;
        for (int i = 0; i < 5; ++i) {
            fillBatch(d->train, s.next(100), Normalisation::MinusOneOne, x, y);
            const double la = a.trainBatch(x, y), lb = b.trainBatch(x, y);
            QVERIFY(std::abs(la - lb) < 1e-4 * std::max(1.0, std::abs(la)));
        }
        QVERIFY((a.g2g(0).lin.w - b.g2g(0).lin.w).cwiseAbs().maxCoeff() < 1e-4f);
    }

    void bundledExamplesTrainInEngine_data() {
        // Steps: enough for the accuracy asked and for the rewirings the example schedules (every
        // 100 steps); the comparison trains a 512-wide dense network beside the sparse one.
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("rewirings");
        QTest::newRow("vs dense") << "g2g_vs_dense.json" << 101 << 0;
        QTest::newRow("rewiring") << "g2g_rewiring.json" << 201 << 2;
    }
    void bundledExamplesTrainInEngine() {
        QFETCH(QString, file);
        QFETCH(int, steps);
        QFETCH(int, rewirings);
        QString why;
        QVERIFY2(loadData(&why), qPrintable(why));
        Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + file.toStdString());
        Engine e;
        auto issues = e.build(g);
        QVERIFY2(e.ok(), issues.empty() ? "build failed" : issues.front().message.c_str());
        auto before = e.scalars();
        for (int i = 0; i < steps; ++i) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        e.makeSnapshot();
        auto m = e.scalars();
        QCOMPARE(m["G2G hidden 1/rewirings"], double(rewirings));
        QVERIFY(std::abs(m["G2G hidden 1/weight_sparsity"] - 0.75) < 0.01);
        QVERIFY(std::abs(m["G2G hidden 2/weight_sparsity"] - 0.75) < 0.01);
        const double live = m["G2G hidden 1/live_connections"];
        QVERIFY(live > 90000 && live < 110000);
        qInfo("G2G test accuracy after %d steps: %.4f", steps, m["G2G accuracy/test_accuracy"]);
        qInfo("Dense test accuracy: %.4f", m.count("Dense accuracy/test_accuracy") ? m["Dense accuracy/test_accuracy"] : -1.0);
        QVERIFY(m["G2G accuracy/test_accuracy"] > 0.7);
        if (m.count("Dense accuracy/test_accuracy")) QVERIFY(m["Dense accuracy/test_accuracy"] > 0.7);
    }
};

QTEST_GUILESS_MAIN(TstG2GTraining)
#include "tst_g2g_training.moc"
