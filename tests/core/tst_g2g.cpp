// G2G layer: mask statistics per scheme, sparse kernels vs dense, gradients, rewiring, Hebbian.
#include "core/g2g/g2g_layer.h"
#include "kernel_harness.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace ganglion;
using namespace ganglion::g2g;
using testing::randomMatrix;

namespace {
SparseLinear randomLayer(int in, int out, double pOut, unsigned seed) {
    Rng rng(seed);
    G2GConfig c;
    c.ensembles = 4;
    c.pIn = 0.8;
    c.pOut = pOut;
    SparseLinear l;
    l.s = sampleStructure(assignEnsembles(in, out, c, rng), c, rng);
    initFanIn(l, rng);
    l.b = randomMatrix(out, 1, seed + 1);
    l.pack();
    return l;
}
std::set<std::pair<int, int>> liveSet(const SparseStructure& s) {
    std::set<std::pair<int, int>> out;
    for (int k = 0; k < s.nnz(); ++k) out.insert({s.slotRow[std::size_t(k)], s.slotCol[std::size_t(k)]});
    return out;
}
}  // namespace

class TstG2G : public QObject {
    Q_OBJECT
private slots:
    void maskStatistics_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<double>("pIn");
        QTest::addColumn<double>("pOut");
        for (const auto& s : ensembleSchemeNames()) {
            QTest::newRow((s + " default").c_str()) << QString::fromStdString(s) << 1.0 << 0.15;
            QTest::newRow((s + " 0.6/0.05").c_str()) << QString::fromStdString(s) << 0.6 << 0.05;
        }
    }
    void maskStatistics() {
        QFETCH(QString, scheme);
        QFETCH(double, pIn);
        QFETCH(double, pOut);
        G2GConfig c;
        c.scheme = parseEnsembleScheme(scheme.toStdString());
        c.pIn = pIn;
        c.pOut = pOut;
        Rng rng(5);
        auto a = assignEnsembles(784, 512, c, rng);
        // Balanced ensembles on both sides.
        for (const auto* labels : {&a.in, &a.out}) {
            std::vector<int> count(8, 0);
            for (int e : *labels) ++count[std::size_t(e)];
            QVERIFY(*std::max_element(count.begin(), count.end()) - *std::min_element(count.begin(), count.end()) <= 1);
        }
        if (c.scheme == EnsembleScheme::Interleaved) QCOMPARE(a.in[13], 13 % 8);
        if (c.scheme == EnsembleScheme::Contiguous) QCOMPARE(a.out[511], 7);
        if (c.scheme == EnsembleScheme::Mixer) {
            QCOMPARE(a.in[97], 0);
            QCOMPARE(a.out[9], 1);
        }
        SparseStructure s = sampleStructure(a, c, rng);
        s.check();
        double inPairs = 0, inLive = 0, outPairs = 0, outLive = 0;
        Matrix m = s.denseMask();
        for (int i = 0; i < 512; ++i)
            for (int j = 0; j < 784; ++j) {
                if (a.out[std::size_t(i)] == a.in[std::size_t(j)]) { ++inPairs; inLive += m(i, j); }
                else { ++outPairs; outLive += m(i, j); }
            }
        QVERIFY2(std::abs(inLive / inPairs - pIn) < 0.01, qPrintable(QString::number(inLive / inPairs)));
        QVERIFY2(std::abs(outLive / outPairs - pOut) < 0.01, qPrintable(QString::number(outLive / outPairs)));
        QVERIFY(std::abs(s.density() - expectedDensity(c)) < 0.01);
        if (pIn == 1.0 && pOut == 0.15) QVERIFY(std::abs(1.0 - s.density() - 0.744) < 0.01);  // "≈ 74% sparse"
    }

    void pOutForSparsity() {
        const double p = pOutForDensity(8, 1.0, 0.25);
        G2GConfig c;
        c.pOut = p;
        QVERIFY(std::abs(expectedDensity(c) - 0.25) < 1e-12);
    }

    void sparseMatchesDense_data() {
        QTest::addColumn<int>("batch");
        for (int b : {1, 7, 64, 100, 130}) QTest::newRow(qPrintable(QString("B=%1").arg(b))) << b;
    }
    void sparseMatchesDense() {
        QFETCH(int, batch);
        SparseLinear l = randomLayer(200, 150, 0.2, 3);
        const Matrix W = l.denseWeights();
        const Matrix X = randomMatrix(200, batch, 9);
        const Matrix dY = randomMatrix(150, batch, 10);
        SparseScratch sc;
        Matrix Y, dX;
        l.forward(X, Y, sc);
        Matrix Yd = W * X;
        Yd.colwise() += l.b.col(0);
        QVERIFY2((Y - Yd).cwiseAbs().maxCoeff() < 1e-5f * std::max(1.f, Yd.cwiseAbs().maxCoeff()), "forward");
        Matrix gW = Matrix::Zero(l.s.nnz(), 1), gB = Matrix::Zero(150, 1);
        l.backward(dY, &dX, gW, gB, sc);
        const Matrix dXd = W.transpose() * dY;
        const Matrix gWd = dY * X.transpose();
        QVERIFY2((dX - dXd).cwiseAbs().maxCoeff() < 1e-5f * std::max(1.f, dXd.cwiseAbs().maxCoeff()), "input gradient");
        float err = 0;
        for (int k = 0; k < l.s.nnz(); ++k)
            err = std::max(err, std::abs(gW(k) - gWd(l.s.slotRow[std::size_t(k)], l.s.slotCol[std::size_t(k)])));
        QVERIFY2(err < 1e-5f * std::max(1.f, gWd.cwiseAbs().maxCoeff()), qPrintable(QString("weight gradient %1").arg(err)));
        QVERIFY(((gB.col(0) - dY.rowwise().sum()).cwiseAbs().maxCoeff()) < 1e-4f);
        Matrix dense;
        l.denseGradient(dY, sc, dense);
        QVERIFY((dense - gWd).cwiseAbs().maxCoeff() < 1e-4f);
    }

    void handComputedForward() {
        SparseLinear l;
        l.s.rows = 2;
        l.s.cols = 3;
        l.s.slotRow = {0, 1, 1};
        l.s.slotCol = {2, 0, 1};
        l.s.rebuild();
        l.w.resize(3, 1);
        l.w << 2.f, -1.f, 0.5f;
        l.b.resize(2, 1);
        l.b << 0.25f, -0.5f;
        l.pack();
        Matrix X(3, 2);
        X << 1, 4, 2, 5, 3, 6;
        Matrix Y;
        SparseScratch sc;
        l.forward(X, Y, sc);
        // y0 = 2*x2 + 0.25, y1 = -x0 + 0.5*x1 - 0.5
        QCOMPARE(Y(0, 0), 6.25f);
        QCOMPARE(Y(0, 1), 12.25f);
        QCOMPARE(Y(1, 0), -0.5f);
        QCOMPARE(Y(1, 1), -2.f);
    }

    void wrongShapesRejected() {
        SparseLinear l = randomLayer(20, 10, 0.2, 4);
        SparseScratch sc;
        Matrix Y;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, l.forward(randomMatrix(19, 3, 1), Y, sc));
        l.forward(randomMatrix(20, 3, 1), Y, sc);
        Matrix gW = Matrix::Zero(l.s.nnz(), 1), gB = Matrix::Zero(10, 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, l.backward(randomMatrix(10, 4, 2), nullptr, gW, gB, sc));
    }

    void structureCheckRejectsDuplicates() {
        SparseStructure s;
        s.rows = 2;
        s.cols = 2;
        s.slotRow = {0, 0};
        s.slotCol = {1, 1};
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, s.check());
        s.slotCol = {1, 2};
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, s.check());
    }

    void gradientCheckNode_data() {
        QTest::addColumn<QString>("scheme");
        for (const auto& s : ensembleSchemeNames()) QTest::newRow(s.c_str()) << QString::fromStdString(s);
    }
    void gradientCheckNode() {
        QFETCH(QString, scheme);
        testing::KernelRig rig("G2GLayer", {{"units", 6}, {"ensembles", 2}, {"p_out", 0.5}, {"scheme", scheme.toStdString()}},
                               {Shape::tensor(5)});
        QCOMPARE(rig.outShapes[0].features, 6);
        rig.inputs = {testing::tensorValue(randomMatrix(5, 3, 21))};
        testing::gradientCheck(rig, {0});
    }

    void saveLoadRoundTrip() {
        testing::KernelRig a("G2GLayer", {{"units", 20}, {"p_out", 0.3}}, {Shape::tensor(16)});
        testing::KernelRig b("G2GLayer", {{"units", 20}, {"p_out", 0.3}, {"scheme", "random"}}, {Shape::tensor(16)});
        a.inputs = b.inputs = {testing::tensorValue(randomMatrix(16, 4, 2))};
        b.kernel->loadState(a.kernel->saveState());
        a.forward();
        b.forward();
        QCOMPARE(a.outputs[0].tensor, b.outputs[0].tensor);
        KernelState bad = a.kernel->saveState();
        bad["bias"] = Matrix::Zero(3, 1);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, b.kernel->loadState(bad));
        bad = a.kernel->saveState();
        bad["slot_rows"](0) = 99;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, b.kernel->loadState(bad));
    }

    void rewiringMarksRegrownSlotsFresh() {
        // A rewiring step hands the regrown slots to the optimiser (Parameter::fresh), so the
        // new connections do not inherit the Adam moments of the ones they replace.
        testing::KernelRig rig("G2GLayer", {{"units", 12}, {"p_out", 0.3}, {"rewire_every", 2}, {"rewire_fraction", 0.25},
                                            {"rewire_until", 0}, {"regrow", "random"}},
                               {Shape::tensor(16)});
        rig.inputs = {testing::tensorValue(randomMatrix(16, 4, 3))};
        auto params = rig.kernel->parameters();
        QVERIFY(params[0].fresh);
        QVERIFY(params[0].fresh->empty());
        std::vector<const Value*> in{&rig.inputs[0]};
        StepContext ctx;
        ctx.rng = &rig.rng;
        for (std::uint64_t step = 0; step < 6 && params[0].fresh->empty(); ++step) {
            ctx.step = step;
            rig.kernel->forward(ctx, in, rig.outputs);
        }
        QVERIFY2(!params[0].fresh->empty(), "no rewiring happened in 6 steps");
        const auto nnz = params[0].value->rows();
        for (Eigen::Index k : *params[0].fresh) QVERIFY(k >= 0 && k < nnz);
        QVERIFY(int(params[0].fresh->size()) <= int(std::lround(0.25 * double(nnz))) + 1);
    }

    void badBuildInputs() {
        QVERIFY_THROWS_EXCEPTION(BuildError, testing::KernelRig("G2GLayer", {}, {Shape{}}));
        QVERIFY_THROWS_EXCEPTION(BuildError, testing::KernelRig("G2GLayer", {{"units", 4}, {"ensembles", 8}}, {Shape::tensor(10)}));
        QVERIFY_THROWS_EXCEPTION(BuildError, testing::KernelRig("G2GLayer", {{"p_in", 0.0}, {"p_out", 0.0}}, {Shape::tensor(10)}));
    }

    void rewireKeepsLiveCount_data() {
        QTest::addColumn<QString>("prune");
        QTest::addColumn<QString>("grow");
        for (const char* p : {"magnitude", "random", "hebbian"})
            for (const char* g : {"gradient", "hebbian", "random"}) QTest::newRow(qPrintable(QString("%1/%2").arg(p, g))) << p << g;
    }
    void rewireKeepsLiveCount() {
        QFETCH(QString, prune);
        QFETCH(QString, grow);
        SparseLinear l = randomLayer(60, 40, 0.1, 4);
        const int nnz = l.s.nnz();
        const auto before = liveSet(l.s);
        const Matrix w0 = l.w;
        Matrix hebb = randomMatrix(40, 60, 5).cwiseAbs(), grad = randomMatrix(40, 60, 6);
        Rng rng(1);
        const int count = nnz / 5;
        RewireEvent ev = rewire(l, count, parsePruneRule(prune.toStdString()), parseGrowRule(grow.toStdString()), &hebb, &grad, rng);
        QCOMPARE(l.s.nnz(), nnz);
        l.s.check();
        QCOMPARE(int(ev.pruned.size()), count);
        QCOMPARE(int(ev.grown.size()), count);
        const auto after = liveSet(l.s);
        for (auto p : ev.pruned) QVERIFY(before.count(p) && !after.count(p));
        for (auto g : ev.grown) QVERIFY(!before.count(g) && after.count(g));
        for (int k : ev.movedSlots) QCOMPARE(l.w(k), 0.f);
        if (prune == "magnitude") {
            // Every pruned weight is no larger than every surviving one.
            float maxPruned = 0, minKept = 1e9f;
            std::set<int> moved(ev.movedSlots.begin(), ev.movedSlots.end());
            for (int k = 0; k < nnz; ++k) {
                if (moved.count(k)) maxPruned = std::max(maxPruned, std::abs(w0(k)));
                else minKept = std::min(minKept, std::abs(w0(k)));
            }
            QVERIFY(maxPruned <= minKept);
        }
        if (grow == "gradient") {
            float minGrown = 1e9f;
            for (auto g : ev.grown) minGrown = std::min(minGrown, std::abs(grad(g.first, g.second)));
            const std::set<std::pair<int, int>> prunedSet(ev.pruned.begin(), ev.pruned.end());
            for (int i = 0; i < 40; ++i)
                for (int j = 0; j < 60; ++j)
                    if (!before.count({i, j}) && !after.count({i, j})) QVERIFY(std::abs(grad(i, j)) <= minGrown);
        }
        // Kernels still agree with the dense equivalent after rewiring.
        SparseScratch sc;
        Matrix X = randomMatrix(60, 9, 8), Y;
        l.forward(X, Y, sc);
        Matrix Yd = l.denseWeights() * X;
        Yd.colwise() += l.b.col(0);
        QVERIFY((Y - Yd).cwiseAbs().maxCoeff() < 1e-4f);
    }

    void rewireRequiresScores() {
        SparseLinear l = randomLayer(20, 10, 0.1, 4);
        Rng rng(1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rewire(l, 3, PruneRule::Hebbian, GrowRule::Random, nullptr, nullptr, rng));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rewire(l, 3, PruneRule::Magnitude, GrowRule::Gradient, nullptr, nullptr, rng));
    }

    void hebbianFindsPlantedPairs() {
        // Post unit 2 copies pre units 3 and 7 (plus noise); everything else is independent.
        Rng rng(3);
        std::normal_distribution<float> n01(0.f, 1.f);
        HebbianTrace h;
        for (int b = 0; b < 10; ++b) {
            Matrix pre(12, 32), post(5, 32);
            for (Eigen::Index i = 0; i < pre.size(); ++i) pre(i) = n01(rng);
            for (Eigen::Index i = 0; i < post.size(); ++i) post(i) = n01(rng);
            post.row(2) = pre.row(3) + pre.row(7) + 0.1f * post.row(2);
            h.accumulate(pre, post);
        }
        const Matrix s = h.score();
        QVERIFY(s(2, 3) > 0.6f && s(2, 7) > 0.6f);
        // Regrowth by Hebbian score on an empty-ish layer picks exactly the planted pairs.
        SparseLinear l;
        l.s.rows = 5;
        l.s.cols = 12;
        l.s.slotRow = {0, 1};
        l.s.slotCol = {0, 1};
        l.s.rebuild();
        l.w = Matrix::Ones(2, 1);
        l.b = Matrix::Zero(5, 1);
        l.pack();
        auto ev = rewire(l, 2, PruneRule::Random, GrowRule::Hebbian, &s, nullptr, rng);
        std::set<std::pair<int, int>> grown(ev.grown.begin(), ev.grown.end());
        QVERIFY(grown.count({2, 3}) && grown.count({2, 7}));
    }

    void annealingAndSchedule() {
        RewireConfig c;
        c.every = 10;
        c.fraction = 0.4;
        c.until = 100;
        QCOMPARE(rewireFraction(c, 0), 0.4);
        QVERIFY(std::abs(rewireFraction(c, 50) - 0.2) < 1e-12);
        QCOMPARE(rewireFraction(c, 100), 0.0);
        QVERIFY(!rewireDue(c, 0));
        QVERIFY(rewireDue(c, 10));
        QVERIFY(!rewireDue(c, 11));
        QVERIFY(!rewireDue(c, 100));
        G2GLayer g;
        Rng rng(2);
        g.build(30, 20, G2GConfig{}, rng);
        g.rewiring = c;
        g.rewiring.grow = GrowRule::Hebbian;
        g.rewiring.hebbianWindow = 3;
        QVERIFY(!g.wantsHebbian(5) && g.wantsHebbian(7) && g.wantsHebbian(9) && !g.wantsHebbian(10));
        const int nnz = g.lin.s.nnz();
        QVERIFY(!g.maybeRewire(10, rng));  // no Hebbian statistics gathered yet
        for (int b = 0; b < 3; ++b) g.hebbian.accumulate(randomMatrix(30, 8, b), randomMatrix(20, 8, 10 + b));
        QVERIFY(g.maybeRewire(10, rng));
        QCOMPARE(g.lin.s.nnz(), nnz);
        QCOMPARE(int(g.lastEvent.grown.size()), int(std::lround(0.4 * rewireFraction(c, 10) / 0.4 * nnz)));
        auto conn = g.connectivity(10);
        QCOMPARE(int(conn->liveRow.size()), nnz);
        QCOMPARE(conn->rewireCount, 1);
        QCOMPARE(int(conn->rowOrder.size()), 20);
    }

    void nodeRewiresDuringTraining() {
        testing::KernelRig rig("G2GLayer", {{"units", 24}, {"ensembles", 4}, {"rewire_every", 2}, {"rewire_until", 0},
                                            {"regrow", "gradient"}},
                               {Shape::tensor(16)});
        rig.inputs = {testing::tensorValue(randomMatrix(16, 8, 2))};
        Observables o0;
        rig.kernel->observe(o0);
        const double live = o0.scalars["live_connections"];
        for (std::uint64_t step = 0; step < 5; ++step) {
            StepContext ctx;
            ctx.step = step;
            ctx.rng = &rig.rng;
            std::vector<const Value*> in = {&rig.inputs[0]};
            rig.kernel->forward(ctx, in, rig.outputs);
            std::vector<Matrix> gOut = {randomMatrix(24, 8, unsigned(step))};
            std::vector<Matrix> gIn(1);
            rig.kernel->backward(ctx, in, rig.outputs, gOut, gIn);
            QCOMPARE(gIn[0].size(), Eigen::Index(0));  // not requested: left empty
        }
        Observables o;
        rig.kernel->observe(o);
        QCOMPARE(o.scalars["live_connections"], live);
        QCOMPARE(o.scalars["rewirings"], 2.0);  // steps 2 and 4
        QVERIFY(o.scalars["weight_sparsity"] > 0.0 && o.scalars["weight_sparsity"] < 1.0);
        auto conn = o.get<G2GConnectivity>("g2g_connectivity");
        QVERIFY(conn);
        QCOMPARE(int(conn->grown.size()), int(std::lround(0.3 * live)));
        QCOMPARE(o.arrays["activations"].rows(), Eigen::Index(24));
    }

    void activationStats() {
        ActivationStats s;
        Matrix a(2, 2);
        a << 0.f, 0.0005f, 1.f, -2.f;
        s.update(a, 1e-3f);
        QCOMPARE(s.zeroFraction, 0.25);
        QCOMPARE(s.smallFraction, 0.5);
        QCOMPARE(s.zeroFractionMean, 0.25);
        s.update(Matrix::Zero(2, 2), 1e-3f);
        QCOMPARE(s.zeroFraction, 1.0);
        QVERIFY(std::abs(s.zeroFractionMean - (0.25 + 0.05 * 0.75)) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TstG2G)
#include "tst_g2g.moc"
