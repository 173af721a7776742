// "KAN vs MLP, fairly" (after Yu et al. 2024, "KAN or MLP: a fairer comparison"): the example's
// networks have the costs the fair-comparison helper matched, and a short run reproduces the
// paper's finding: on a symbolic formula the KAN beats MLPs of equal parameters and equal
// multiply-adds; on Fashion-MNIST the MLP of equal multiply-adds beats the KAN.
// ctest-cost: 22 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/engine/engine.h"
#include "core/engine/fair_size.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;

class TstKanFair : public QObject {
    Q_OBJECT
private slots:
    void networksHaveMatchedCosts();
    void reproducesTheFinding_data();
    void reproducesTheFinding();
};

namespace {
const char* kFashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

std::string example() { return std::string(GANGLION_SOURCE_DIR) + "/resources/examples/kan_vs_mlp_fair.json"; }

/// Summed cost of the nodes whose names are listed (losses and classifiers are left out: they are
/// the same for both sides).
NodeCost chainCost(const Engine& e, std::initializer_list<const char*> names) {
    const auto costs = e.nodeCosts();
    NodeCost c;
    for (const char* n : names) {
        const auto it = costs.find(n);
        if (it == costs.end()) qFatal("no cost for node '%s'", n);
        c += it->second;
    }
    return c;
}

double scalar(const Engine& e, const std::string& key) {
    const auto s = e.scalars();
    const auto it = s.find(key);
    return it == s.end() ? std::nan("") : it->second;
}
}  // namespace

void TstKanFair::networksHaveMatchedCosts() {
    QVERIFY2(QFile::exists(kFashion), "Fashion-MNIST not installed (./ganglion.sh installs dataset-fashion-mnist)");
    Graph g = loadGraphFile(example());
    Engine e;
    e.build(g);
    QVERIFY2(e.ok(), e.error().c_str());
    e.recountCost();
    const NodeCost kan = chainCost(e, {"KAN 2-5", "KAN 5-1"});
    const NodeCost mlpP = chainCost(e, {"MLP 2-39-1 hidden", "tanh 39", "MLP 2-39-1 out"});
    const NodeCost mlpF = chainCost(e, {"MLP 2-98-1 hidden", "tanh 98", "MLP 2-98-1 out"});
    QCOMPARE(kan.params, 156.0);
    QCOMPARE(mlpP.params, 157.0);             // 2·39 + 39 + 39 + 1
    QCOMPARE(kan.forwardMacs, 394.0);
    QCOMPARE(mlpF.forwardMacs, 392.0);        // 2·98 + 98 (tanh) + 98
    // the widths are the helper's answers, not hand-picked
    MlpShape m;
    QCOMPARE(mlpWidthMatching(m, kan.params, FairMeasure::Params), 39);
    QCOMPARE(mlpWidthMatching(m, kan.forwardMacs, FairMeasure::ForwardMacs), 98);
    const NodeCost kanImg = chainCost(e, {"KAN 784-16", "KAN 16-10"});
    const NodeCost mlpImg = chainCost(e, {"MLP 784-181-10 hidden", "relu 181", "MLP 784-181-10 out"});
    m.in = 784;
    m.out = 10;
    QCOMPARE(mlpWidthMatching(m, kanImg.forwardMacs, FairMeasure::ForwardMacs), 181);
    QVERIFY2(std::abs(mlpImg.forwardMacs / kanImg.forwardMacs - 1) < 0.01,
             qPrintable(QString("MACs %1 vs %2").arg(mlpImg.forwardMacs).arg(kanImg.forwardMacs)));
}

void TstKanFair::reproducesTheFinding_data() {
    QTest::addColumn<qulonglong>("seed");
    QTest::newRow("seed 1") << qulonglong(1);  // seed 2 gives the same ordering (0.0006 vs 0.14; 0.836 vs 0.848)
}

void TstKanFair::reproducesTheFinding() {
    QFETCH(qulonglong, seed);
    QVERIFY2(QFile::exists(kFashion), "Fashion-MNIST not installed (./ganglion.sh installs dataset-fashion-mnist)");
    Graph g = loadGraphFile(example());
    g.settings().seed = seed;
    Engine e;
    e.build(g);
    QVERIFY2(e.ok(), e.error().c_str());
    for (int s = 0; s < 300; ++s) QVERIFY2(e.step(), e.error().c_str());
    e.evaluate();
    const double kanF = scalar(e, "KAN formula loss/test_loss");
    const double mlpP = scalar(e, "MLP 2-39-1 loss/test_loss");
    const double mlpF = scalar(e, "MLP 2-98-1 loss/test_loss");
    qInfo("formula test MSE: KAN %.5f, MLP equal params %.5f, MLP equal MACs %.5f", kanF, mlpP, mlpF);
    QVERIFY2(kanF * 5 < std::min(mlpP, mlpF), "the KAN does not lead on the formula");
    const double kanAcc = scalar(e, "KAN accuracy/test_accuracy"), mlpAcc = scalar(e, "MLP accuracy/test_accuracy");
    const double kanCe = scalar(e, "KAN image loss/test_loss"), mlpCe = scalar(e, "MLP 784-181-10 loss/test_loss");
    qInfo("Fashion-MNIST test accuracy: KAN %.4f, MLP equal MACs %.4f (cross-entropy %.4f vs %.4f)", kanAcc, mlpAcc, kanCe,
          mlpCe);
    QVERIFY2(mlpAcc > kanAcc && mlpCe < kanCe, "the MLP of equal multiply-adds does not lead on images");
}

QTEST_GUILESS_MAIN(TstKanFair)
#include "tst_kan_fair.moc"
