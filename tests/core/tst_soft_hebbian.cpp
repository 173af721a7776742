// The soft-Hebbian test-time adaptation layer (core/nodes/soft_hebbian.h) and its shifted
// Fashion-MNIST stream: the forward pass by hand, the backprop gradient against finite
// differences, the soft-WTA rule on two clusters (each unit moves to a cluster centre, norms stay
// bounded), no change under zero modulation, no label reaching the update, the engine taking no
// optimiser step on the unlabelled stream, save/load, and bad parameters refused by name.
#include "core/engine/engine.h"
#include "core/g2g/domain_shift.h"
#include "core/graph/graph.h"
#include "core/graph/json_io.h"
#include "core/nodes/soft_hebbian.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using ganglion::testing::KernelRig;

namespace {

Matrix mat(int r, int c, std::initializer_list<float> v) {
    Matrix m(r, c);
    auto it = v.begin();
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j) m(i, j) = *it++;
    return m;
}

/// One forward pass of the kernel on the test-time stream (supervised = false).
void streamStep(SoftHebbianKernel& k, std::uint64_t step, const Matrix& x, const Matrix* feedback, const Matrix* labels) {
    StepContext ctx;
    ctx.phase = Phase::Train;
    ctx.step = step;
    ctx.supervised = false;
    Value vx, vf, vl;
    vx.tensor = x;
    if (feedback) vf.tensor = *feedback;
    if (labels) vl.tensor = *labels;
    std::vector<const Value*> in{&vx, feedback ? &vf : nullptr, labels ? &vl : nullptr};
    std::vector<Value> out(1);
    k.forward(ctx, in, out);
}

/// Two clusters in 2-D around (3, 0.5) and (0.5, 3): `n` samples of each, jittered.
Matrix twoClusters(int n, Rng& rng) {
    std::normal_distribution<float> g(0.f, 0.15f);
    Matrix x(2, 2 * n);
    for (int j = 0; j < 2 * n; ++j) {
        const bool first = j % 2 == 0;
        x(0, j) = (first ? 3.f : 0.5f) + g(rng);
        x(1, j) = (first ? 0.5f : 3.f) + g(rng);
    }
    return x;
}

Graph exampleGraph() {
    return loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/tta_soft_hebbian.json");
}

NodeId nodeNamed(const Graph& g, const std::string& name) {
    for (const auto& n : g.nodes())
        if (n.name == name) return n.id;
    throw std::runtime_error("no node " + name);
}

}  // namespace

class TstSoftHebbian : public QObject {
    Q_OBJECT
private slots:
    void forwardByHand() {
        KernelRig rig("SoftHebbian", {{"units", std::int64_t(2)}}, {Shape::tensor(3), Shape{}, Shape{}});
        auto& k = static_cast<SoftHebbianKernel&>(*rig.kernel);
        k.W = mat(2, 3, {1, -2, 0.5f, 0, 3, -1});
        k.b = mat(2, 1, {0.25f, -1});
        rig.inputs.resize(3);
        rig.inputs[0].tensor = mat(3, 2, {1, 0, 2, 1, -1, 4});
        rig.forward();
        // column 1: (1·1 − 2·2 + 0.5·(−1) + 0.25, 0 + 3·2 + 1 − 1) = (−3.25, 6); column 2: (−2 + 2 + 0.25, 3 − 4 − 1)
        const Matrix expected = mat(2, 2, {-3.25f, 0.25f, 6, -2});
        QVERIFY2(rig.outputs[0].tensor.isApprox(expected, 1e-6f), "W·x + b");
    }

    void gradientMatchesFiniteDifferences() {
        KernelRig rig("SoftHebbian", {{"units", std::int64_t(3)}}, {Shape::tensor(4), Shape{}, Shape{}});
        rig.inputs.resize(3);
        Rng r(5);
        std::normal_distribution<float> g(0.f, 1.f);
        rig.inputs[0].tensor.resize(4, 5);
        for (Eigen::Index i = 0; i < rig.inputs[0].tensor.size(); ++i) rig.inputs[0].tensor(i) = g(r);
        ganglion::testing::gradientCheck(rig, {0});
    }

    void softWtaMovesUnitsToClusterCentres() {
        // Two units, one started near each cluster's direction; after adaptation each points at
        // its cluster's centre (cosine > 0.995) and keeps the norm it started with (within 2 %).
        KernelRig rig("SoftHebbian", {{"units", std::int64_t(2)}, {"adaptation", std::string("hebbian")},
                                      {"learning_rate", 0.05}, {"temperature", 0.5}},
                      {Shape::tensor(2), Shape{}, Shape{}});
        auto& k = static_cast<SoftHebbianKernel&>(*rig.kernel);
        k.W = mat(2, 2, {1.2f, 0.9f, 0.9f, 1.2f});  // norm 1.5 each, 8° off the diagonal either way
        Rng rng(3);
        double maxNorm = 0;
        for (int s = 0; s < 400; ++s) {
            streamStep(k, s, twoClusters(16, rng), nullptr, nullptr);
            maxNorm = std::max(maxNorm, double(k.W.rowwise().norm().maxCoeff()));
        }
        const Vector c1 = (Vector(2) << 3.f, 0.5f).finished().normalized();
        const Vector c2 = (Vector(2) << 0.5f, 3.f).finished().normalized();
        const Vector w1 = k.W.row(0).transpose(), w2 = k.W.row(1).transpose();
        QVERIFY2(w1.normalized().dot(c1) > 0.995, qPrintable(QString("unit 1 cos %1").arg(w1.normalized().dot(c1))));
        QVERIFY2(w2.normalized().dot(c2) > 0.995, qPrintable(QString("unit 2 cos %1").arg(w2.normalized().dot(c2))));
        QVERIFY2(std::abs(w1.norm() - 1.5) < 0.03 && std::abs(w2.norm() - 1.5) < 0.03,
                 qPrintable(QString("norms %1 %2").arg(w1.norm()).arg(w2.norm())));
        QVERIFY2(maxNorm < 1.6, qPrintable(QString("norm peaked at %1").arg(maxNorm)));
    }

    void zeroModulationChangesNothing() {
        // A confidence of 0 (uniform class scores) silences the neuro-modulator; the rule itself too.
        KernelRig rig("SoftHebbian", {{"units", std::int64_t(3)}, {"learning_rate", 0.5}},
                      {Shape::tensor(2), Shape::tensor(4), Shape::labels(4)});
        auto& k = static_cast<SoftHebbianKernel&>(*rig.kernel);
        const Matrix before = k.W;
        Rng rng(4);
        const Matrix uniform = Matrix::Zero(4, 16);
        for (int s = 0; s < 20; ++s) streamStep(k, s, twoClusters(8, rng), &uniform, nullptr);
        QCOMPARE(k.W, before);
        Matrix W = before, x = twoClusters(8, rng);
        const Matrix u = W * x;
        softHebbianStep(W, x, u, Matrix::Zero(1, x.cols()), Matrix::Ones(3, 1), 0.5f, 1.f);
        QCOMPARE(W, before);
        Matrix conf;
        predictionConfidence(uniform, conf);
        QVERIFY(conf.cwiseAbs().maxCoeff() < 1e-6f);
        predictionConfidence(mat(4, 1, {30, 0, 0, 0}), conf);
        QVERIFY(conf(0, 0) > 0.99f);
    }

    void labelsNeverReachTheUpdate() {
        // Two layers on the same stream and feedback, one given the true labels, one scrambled ones
        // and one none: the adapted weights are identical; only the stream score differs.
        auto make = [] {
            return KernelRig("SoftHebbian", {{"units", std::int64_t(4)}, {"learning_rate", 0.05}},
                             {Shape::tensor(2), Shape::tensor(3), Shape::labels(3)}, 11);
        };
        KernelRig a = make(), b = make(), c = make();
        auto& ka = static_cast<SoftHebbianKernel&>(*a.kernel);
        auto& kb = static_cast<SoftHebbianKernel&>(*b.kernel);
        auto& kc = static_cast<SoftHebbianKernel&>(*c.kernel);
        Rng rng(8), lab(9);
        std::normal_distribution<float> g(0.f, 2.f);
        for (int s = 0; s < 30; ++s) {
            const Matrix x = twoClusters(6, rng);
            Matrix scores(3, x.cols()), truth(1, x.cols()), scrambled(1, x.cols());
            for (Eigen::Index i = 0; i < scores.size(); ++i) scores(i) = g(rng);
            for (Eigen::Index j = 0; j < x.cols(); ++j) {
                truth(0, j) = float(j % 3);
                scrambled(0, j) = float(lab() % 3);
            }
            streamStep(ka, s, x, &scores, &truth);
            streamStep(kb, s, x, &scores, &scrambled);
            streamStep(kc, s, x, &scores, nullptr);
        }
        QVERIFY(!ka.W.isApprox(KernelRig("SoftHebbian", {{"units", std::int64_t(4)}},
                                         {Shape::tensor(2), Shape{}, Shape{}}, 11).kernel->saveState().at("weight")));
        QCOMPARE(ka.W, kb.W);
        QCOMPARE(ka.W, kc.W);
        Observables oa, ob;
        ka.observe(oa);
        kb.observe(ob);
        QVERIFY(oa.scalars.count("stream_accuracy") && ob.scalars.count("stream_accuracy"));
    }

    void engineTakesNoOptimiserStepOnTheStream() {
        // The example, frozen copy: its readout changes while the clean batches supervise it and
        // not at all once the shifted stream runs; the adapting copy's feature layer keeps moving.
        Graph g = exampleGraph();
        QVERIFY(!g.setParam(nodeNamed(g, "Shifted stream"), "shift_at", std::int64_t(30)));
        Engine e;
        auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        auto weight = [&](const char* node, const char* key) {
            return e.saveState().at(node).at(key);
        };
        const Matrix r0 = weight("Frozen readout", "weight");
        for (int s = 0; s < 30; ++s) QVERIFY(e.step());
        const Matrix r1 = weight("Frozen readout", "weight"), f1 = weight("NHL features", "weight");
        QVERIFY(r1 != r0);
        for (int s = 0; s < 20; ++s) QVERIFY2(e.step(), e.error().c_str());
        QCOMPARE(weight("Frozen readout", "weight"), r1);
        QVERIFY(weight("NHL features", "weight") != f1);
        const auto sc = e.scalars();
        QCOMPARE(sc.at("NHL features/adaptation_steps"), 19.0);  // the first stream batch awaits its feedback
        QCOMPARE(sc.at("Frozen features/adaptation_steps"), 0.0);
        QCOMPARE(sc.at("Shifted stream/shifted"), 1.0);
    }

    void stateRoundTrips() {
        KernelRig a("SoftHebbian", {{"units", std::int64_t(3)}, {"adaptation", std::string("hebbian")}},
                    {Shape::tensor(2), Shape{}, Shape{}}, 1);
        auto& ka = static_cast<SoftHebbianKernel&>(*a.kernel);
        Rng rng(2);
        for (int s = 0; s < 5; ++s) streamStep(ka, s, twoClusters(4, rng), nullptr, nullptr);
        const KernelState saved = ka.saveState();
        KernelRig b("SoftHebbian", {{"units", std::int64_t(3)}, {"adaptation", std::string("hebbian")}},
                    {Shape::tensor(2), Shape{}, Shape{}}, 77);
        b.kernel->loadState(saved);
        for (const auto& [name, m] : saved) QVERIFY2(b.kernel->saveState().at(name) == m, name.c_str());
        KernelState bad = saved;
        bad["reference_norm_sq"] = Matrix::Ones(2, 1);
        try {
            b.kernel->loadState(bad);
            QFAIL("a reference norm of the wrong shape was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("'reference_norm_sq'"), e.what());
        }
        QVERIFY(b.kernel->saveState().at("weight") == saved.at("weight"));
    }

    void badParametersAreNamed_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("value");
        QTest::newRow("temperature 0") << "SoftHebbian" << "temperature" << 0.0;
        QTest::newRow("learning_rate -1") << "SoftHebbian" << "learning_rate" << -1.0;
        QTest::newRow("contrast 0") << "ShiftedFashionMNIST" << "contrast" << 0.0;
        QTest::newRow("noise_sigma 3") << "ShiftedFashionMNIST" << "noise_sigma" << 3.0;
    }
    void badParametersAreNamed() {
        QFETCH(QString, type);
        QFETCH(QString, param);
        QFETCH(double, value);
        Graph g;
        const NodeId id = g.addNode(type.toStdString());
        auto err = g.setParam(id, param.toStdString(), ParamValue(value));
        QVERIFY(err.has_value());
        QVERIFY2(QString::fromStdString(*err).contains("'" + param + "'"), err->c_str());
        QVERIFY2(QString::fromStdString(*err).contains("'" + QString::fromStdString(g.node(id)->name) + "'"), err->c_str());
    }

    void streamWithoutFeedbackIsRefusedByName() {
        Graph g = exampleGraph();
        const NodeId nhl = nodeNamed(g, "NHL features");
        const Edge* wire = g.edgeIntoPort({nhl, "feedback"});
        QVERIFY(wire);
        g.disconnect(wire->id);
        QVERIFY(!g.setParam(nodeNamed(g, "Shifted stream"), "shift_at", std::int64_t(2)));
        Engine e;
        e.build(g);
        QVERIFY(e.ok());
        bool failed = false;
        for (int s = 0; s < 5 && !failed; ++s) failed = !e.step();
        QVERIFY(failed);
        QVERIFY2(QString::fromStdString(e.error()).contains("'NHL features'") &&
                     QString::fromStdString(e.error()).contains("'feedback'"),
                 e.error().c_str());
    }

    void shiftKeepsImagesInRange() {
        std::mt19937_64 rng(1);
        Matrix x = Matrix::Constant(784, 3, -1.f);
        x.col(1).setConstant(1.f);
        x(0, 2) = 1.f;
        const Matrix clean = x;
        g2g::applyDomainShift(x, g2g::makeDomainShift("noise+contrast", 0.5, 0.3), g2g::Normalisation::MinusOneOne, rng);
        const auto [a, b] = g2g::pixelScale(g2g::Normalisation::MinusOneOne);  // the range of clean images
        QVERIFY(x.maxCoeff() <= 255.f * a + b && x.minCoeff() >= b);
        QVERIFY((x - clean).cwiseAbs().mean() > 0.2f);
        Matrix c = clean;
        g2g::applyDomainShift(c, g2g::makeDomainShift("contrast", 0.5, 0.5), g2g::Normalisation::MinusOneOne, rng);
        const float mean = clean.col(2).mean();
        QCOMPARE(c(0, 2), mean + 0.5f * (1.f - mean));  // mean + c · (pixel − mean)
        QCOMPARE(c.col(1), clean.col(1));                // a flat image has no contrast to lose
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, g2g::makeDomainShift("blur", 0.1, 1.0));
    }
};

QTEST_GUILESS_MAIN(TstSoftHebbian)
#include "tst_soft_hebbian.moc"
