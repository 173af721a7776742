// The bundled KAN examples load, build and train through the engine; the KAN layers publish
// their spline samples and the view's operations (prune, snap, grid extension) work on the
// running kernels.
// ctest-cost: 21 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/kan/kan_node.h"
#include "core/kan/kan_samples.h"
#include "core/kan/skan_node.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;

class TstKanExamples : public QObject {
    Q_OBJECT
private slots:
    void formulaExampleTrains();
    void kanVsMlpBuilds();
    void fashionMnistTrains();
    void skanExampleSettles();
    void afRbfFashionTrainsBoth();
};

namespace {
std::string example(const char* name) { return std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name; }

double scalar(const Engine& e, const std::string& key) {
    auto s = e.scalars();
    auto it = s.find(key);
    return it == s.end() ? std::nan("") : it->second;
}
}  // namespace

void TstKanExamples::formulaExampleTrains() {
    Graph g = loadGraphFile(example("kan_formula.json"));
    Engine e;
    auto issues = e.build(g);
    for (const auto& i : issues) qWarning("%s", i.message.c_str());
    QVERIFY(e.ok());
    e.evaluate();
    const double first = scalar(e, "MSE/test_loss");
    for (int s = 0; s < 400; ++s) QVERIFY2(e.step(), e.error().c_str());
    e.evaluate();
    const double last = scalar(e, "MSE/test_loss");
    QVERIFY2(std::isfinite(last) && last < 0.05 * first, qPrintable(QString("test loss %1 -> %2").arg(first).arg(last)));

    NodeId kan1 = 0;
    for (const auto& n : g.nodes())
        if (n.name == "KAN 2-5") kan1 = n.id;
    auto snap = e.makeSnapshot();
    const NodeSnapshot* ns = snap->find(kan1);
    QVERIFY(ns);
    auto samples = ns->obs.get<KanLayerSamples>("kan");
    QVERIFY(samples);
    QCOMPARE(samples->in, 2);
    QCOMPARE(samples->out, 5);
    QCOMPARE(int(samples->edges.size()), 10);
    QVERIFY(samples->curves && samples->edges[0].x.size() > 10);
    QCOMPARE(int(samples->knots[0].size()), 12);

    // A live "grid" edit extends the running layer's grid: the learned function survives, and the
    // engine's graph carries the new G, so a later rebuild or reset starts from it.
    QVERIFY(e.setParam(kan1, "grid", std::int64_t(8)));
    e.evaluate();
    const double extended = scalar(e, "MSE/test_loss");
    QVERIFY2(extended < 2 * last + 1e-4, qPrintable(QString("test loss %1 -> %2 after extension").arg(last).arg(extended)));
    QCOMPARE(int(e.makeSnapshot()->find(kan1)->obs.get<KanLayerSamples>("kan")->knots[0].size()), 8 + 2 * 3 + 1);
    QCOMPARE(e.graph().node(kan1)->params.getInt("grid"), 8);
    for (int s = 0; s < 5; ++s) QVERIFY2(e.step(), e.error().c_str());

    // The view's operations on the live kernel.
    auto* k = dynamic_cast<KanLayerKernel*>(e.kernel(kan1));
    QVERIFY(k);
    const double err = k->extendGrid(10);
    QVERIFY2(err < 1e-2, qPrintable(QString("extension error %1").arg(err)));
    for (int s = 0; s < 5; ++s) QVERIFY2(e.step(), e.error().c_str());  // optimiser copes with the new shapes
    const auto fits = k->suggest(0, 0);
    QVERIFY(!fits.empty());
    k->snap(0, 0, fits.front());
    QCOMPARE(k->layer().symbolic[0].fn, fits.front().fn);
    k->prune(1e9f);  // everything is below this threshold
    auto after = e.makeSnapshot()->find(kan1)->obs.get<KanLayerSamples>("kan");
    for (const auto& ed : after->edges) QVERIFY(!ed.active);
    QVERIFY(after->revision > samples->revision);
}

void TstKanExamples::kanVsMlpBuilds() {
    Graph g = loadGraphFile(example("kan_vs_mlp.json"));
    Engine e;
    e.build(g);
    QVERIFY(e.ok());
    long kanParams = 0, mlpParams = 0;
    for (const auto& n : g.nodes()) {
        Kernel* k = e.kernel(n.id);
        if (!k) continue;
        long c = 0;
        for (auto& p : k->parameters()) c += long(p.value->size());
        (n.type == "KanLayer" ? kanParams : mlpParams) += c;
    }
    QCOMPARE(kanParams, 156L);
    QVERIFY(std::abs(mlpParams - kanParams) <= 2);
    for (int s = 0; s < 50; ++s) QVERIFY2(e.step(), e.error().c_str());
}

void TstKanExamples::fashionMnistTrains() {
    QVERIFY2(QFile::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
             "Fashion-MNIST not installed (./ganglion.sh installs dataset-fashion-mnist)");
    Graph g = loadGraphFile(example("kan_fashion_mnist.json"));
    Engine e;
    e.build(g);
    QVERIFY(e.ok());
    for (int s = 0; s < 60; ++s) QVERIFY2(e.step(), e.error().c_str());
    e.evaluate();
    const double acc = scalar(e, "Accuracy/test_accuracy");
    QVERIFY2(acc > 0.5, qPrintable(QString("test accuracy %1 after 60 steps").arg(acc)));
}

void TstKanExamples::skanExampleSettles() {
    // The S-KAN example: a short run fits sin(pi x) + |y| and every node settles on one basis.
    Graph g = loadGraphFile(example("skan_selects.json"));
    Engine e;
    e.build(g);
    QVERIFY(e.ok());
    e.evaluate();
    const double first = scalar(e, "MSE/test_loss");
    for (int s = 0; s < 1100; ++s) QVERIFY2(e.step(), e.error().c_str());
    e.evaluate();
    const double last = scalar(e, "MSE/test_loss");
    qInfo("test loss %g -> %g", first, last);
    QVERIFY2(std::isfinite(last) && last < 2e-3 && last < 0.01 * first,
             qPrintable(QString("test loss %1 -> %2").arg(first).arg(last)));
    auto snap = e.makeSnapshot();
    int layers = 0;
    for (const auto& n : g.nodes()) {
        if (n.type != "SKanLayer") continue;
        ++layers;
        const NodeSnapshot* ns = snap->find(n.id);
        QVERIFY(ns);
        auto samples = ns->obs.get<KanLayerSamples>("kan");
        QVERIFY(samples && samples->selects());
        const Matrix& p = ns->obs.arrays.at("choice_probability");
        QCOMPARE(int(p.size()), samples->out);
        for (int o = 0; o < samples->out; ++o) {
            qInfo("%s node %d: %s, p %.3f", n.name.c_str(), o, samples->candidates[size_t(samples->choice[size_t(o)])].c_str(), p(o));
            QVERIFY2(p(o) > 0.95f, qPrintable(QString("%1 node %2: p = %3").arg(QString::fromStdString(n.name)).arg(o).arg(p(o))));
            QCOMPARE(samples->choice[size_t(o)], int(ns->obs.arrays.at("choice")(o)));
        }
        // the settled nodes were frozen: each now evaluates one candidate only
        auto* k = dynamic_cast<SKanLayerKernel*>(e.kernel(n.id));
        QVERIFY(k);
        for (int f : k->layer().frozen()) QVERIFY(f >= 0);
    }
    QCOMPARE(layers, 2);
}

void TstKanExamples::afRbfFashionTrainsBoth() {
    QVERIFY2(QFile::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
             "Fashion-MNIST not installed (./ganglion.sh installs dataset-fashion-mnist)");
    Graph g = loadGraphFile(example("kan_af_rbf_fashion.json"));
    Engine e;
    e.build(g);
    QVERIFY2(e.ok(), e.error().c_str());
    for (int s = 0; s < 60; ++s) QVERIFY2(e.step(), e.error().c_str());
    e.evaluate();
    for (const char* chain : {"AF accuracy", "RBF accuracy"}) {
        const double acc = scalar(e, std::string(chain) + "/test_accuracy");
        qInfo("%s: test accuracy %.3f after 60 steps", chain, acc);
        QVERIFY2(acc > 0.5, qPrintable(QString("%1: test accuracy %2 after 60 steps (chance 0.1)").arg(chain).arg(acc)));
    }
    // the basis tensors trained: the AF attention left uniform, the k-means placed centres moved
    for (const auto& n : g.nodes()) {
        auto* k = dynamic_cast<KanLayerKernel*>(e.kernel(n.id));
        if (!k) continue;
        QVERIFY(k->layer().basis().paramCount() > 0);
        if (k->layer().config().basis == kan::BasisKind::Af)
            QVERIFY2(k->layer().basis().param(0).cwiseAbs().maxCoeff() > 1e-4f, n.name.c_str());
    }
}

QTEST_GUILESS_MAIN(TstKanExamples)
#include "tst_kan_examples.moc"
