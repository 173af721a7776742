// KAN layer: hand-computed forward, numeric gradient checks for every basis (through the
// registered KanLayer kernel), regulariser gradients, state round trip, grid update/extension
// preserving the function, exact edge pruning, and the B-spline layer's local-support path against
// a reference built from the pointwise basis.
#include "core/kan/kan_layer.h"
#include "core/kan/kan_node.h"
#include "core/kan/kan_symbolic.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::kan;
using namespace ganglion::testing;

class TstKanLayer : public QObject {
    Q_OBJECT
private slots:
    void handForward();
    void kernelGradients_data();
    void kernelGradients();
    void symbolicEdgeGradient();
    void regularizerGradient();
    void stateRoundTrip();
    void stateAfterGridExtension();
    void loadStateRejectsWrongShape();
    void gridExtensionPreservesFunction_data();
    void gridExtensionPreservesFunction();
    void gridUpdateFollowsData();
    void pruningRemovesExactlyBelowThreshold();
    void subsetKeepsEdges();
    void buildErrors();
    void twoThreadsMatchOne();
    void sparseSplineMatchesPointwise_data();
    void sparseSplineMatchesPointwise();
};

void TstKanLayer::handForward() {
    // 1 input, 1 output, k = 1 hat functions on G = 2 over [0, 1]: knots -0.5, 0, 0.5, 1, 1.5.
    Rng rng(1);
    LayerConfig c;
    c.in = 1; c.out = 1; c.grid = 2; c.order = 1; c.lo = 0.f; c.hi = 1.f;
    Layer L(c, rng);
    L.coef << 1.f, 3.f, -2.f;
    L.scaleBase(0, 0) = 0.5f;
    L.scaleSp(0, 0) = 2.f;
    L.bias(0, 0) = 0.25f;
    Matrix x(1, 2), y;
    x << 0.25f, 0.9f;
    L.forward(x, y, false);
    // x = 0.25: hats 0.5·B0 + 0.5·B1 → spline = 0.5·1 + 0.5·3 = 2
    const float y0 = 0.25f + 0.5f * silu(0.25f) + 2.f * 2.f;
    // x = 0.9: 0.2·B1 + 0.8·B2 → 0.2·3 + 0.8·(-2) = -1
    const float y1 = 0.25f + 0.5f * silu(0.9f) + 2.f * -1.f;
    QVERIFY(std::abs(y(0, 0) - y0) < 1e-5f);
    QVERIFY(std::abs(y(0, 1) - y1) < 1e-5f);
    QVERIFY(std::abs(L.edge(0, 0, 0.25f) - (y0 - 0.25f)) < 1e-5f);
    L.mask(0, 0) = 0.f;  // masked edge contributes nothing
    L.forward(x, y, false);
    QVERIFY(std::abs(y(0, 0) - 0.25f) < 1e-6f && std::abs(y(0, 1) - 0.25f) < 1e-6f);
}

void TstKanLayer::kernelGradients_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<int>("order");
    for (const auto& n : basisNames()) QTest::newRow(n.c_str()) << QString::fromStdString(n) << 3;
    QTest::newRow("bspline k1") << "bspline" << 1;
    QTest::newRow("bspline k2") << "bspline" << 2;
}

void TstKanLayer::kernelGradients() {
    QFETCH(QString, basis);
    QFETCH(int, order);
    KernelRig rig("KanLayer", {{"width", std::int64_t(3)}, {"basis", basis.toStdString()},
                               {"order", std::int64_t(order)}, {"noise_scale", 3.0}},
                  {Shape::tensor(2)});
    QCOMPARE(rig.outShapes[0].features, 3);
    // Inputs kept away from knots so the piecewise basis is differentiable at every sample.
    Matrix x = randomMatrix(2, 5, 11, 0.9f);
    for (Eigen::Index k = 0; k < x.size(); ++k) x(k) = std::round(x(k) * 10.f) / 10.f + 0.05f;
    rig.inputs = {tensorValue(x)};
    gradientCheck(rig, {0}, 1e-3, 2e-2);
}

void TstKanLayer::symbolicEdgeGradient() {
    KernelRig rig("KanLayer", {{"width", std::int64_t(2)}}, {Shape::tensor(2)});
    auto* k = dynamic_cast<KanLayerKernel*>(rig.kernel.get());
    QVERIFY(k);
    k->layer().setSymbolic(1, 0, {symbolicIndex("sin"), 1.5f, 0.3f, 0.7f, -0.2f, 1.0});
    QCOMPARE(k->layer().mask(0, 1), 0.f);
    rig.inputs = {tensorValue(randomMatrix(2, 4, 5, 0.8f) .array() + 0.03f)};
    gradientCheck(rig, {0});
}

void TstKanLayer::regularizerGradient() {
    Rng rng(3);
    LayerConfig c;
    c.in = 2; c.out = 2; c.noiseScale = 3.f;
    Layer L(c, rng);
    Matrix x = randomMatrix(2, 6, 21, 0.9f);
    RegConfig reg{0.7, 0.4};
    // Objective: R(θ, x) only (zero output gradient); compare analytic vs central differences.
    auto objective = [&]() {
        Matrix y;
        L.forward(x, y, true);
        L.zeroGrad();
        Matrix gx;
        L.backward(Matrix::Zero(2, 6), &gx, &reg);
        return L.lastReg();
    };
    objective();
    const Matrix gC = L.gCoef, gSB = L.gScaleBase, gSS = L.gScaleSp;
    Matrix y, gx;
    L.forward(x, y, true);
    L.zeroGrad();
    L.backward(Matrix::Zero(2, 6), &gx, &reg);
    const Matrix gX = gx;
    const double eps = 1e-3;
    auto check = [&](const char* what, float& v, double analytic) {
        const float old = v;
        v = float(old + eps);
        const double p = objective();
        v = float(old - eps);
        const double m = objective();
        v = old;
        const double num = (p - m) / (2 * eps);
        QVERIFY2(std::abs(num - analytic) < 2e-2 * std::max(1.0, std::abs(num)),
                 qPrintable(QString("%1: analytic %2 numeric %3").arg(what).arg(analytic).arg(num)));
    };
    for (Eigen::Index k = 0; k < L.coef.size(); ++k) check("coef", L.coef(k), gC(k));
    for (Eigen::Index k = 0; k < L.scaleBase.size(); ++k) check("scale_base", L.scaleBase(k), gSB(k));
    for (Eigen::Index k = 0; k < L.scaleSp.size(); ++k) check("scale_sp", L.scaleSp(k), gSS(k));
    for (Eigen::Index k = 0; k < x.size(); ++k) check("x", x(k), gX(k));
}

void TstKanLayer::stateRoundTrip() {
    KernelRig a("KanLayer", {{"width", std::int64_t(3)}}, {Shape::tensor(2)});
    auto* ka = dynamic_cast<KanLayerKernel*>(a.kernel.get());
    Matrix x = randomMatrix(2, 64, 4, 1.f);
    ka->layer().updateGrid(x);
    ka->layer().setSymbolic(0, 2, {symbolicIndex("x^2"), 1.f, 0.f, 2.f, 0.5f, 0.99});
    ka->layer().mask(1, 1) = 0.f;
    KernelRig b("KanLayer", {{"width", std::int64_t(3)}}, {Shape::tensor(2)});
    b.rng.seed(999);
    b.kernel->loadState(a.kernel->saveState());
    a.inputs = {tensorValue(x)};
    b.inputs = {tensorValue(x)};
    a.forward(Phase::Test);
    b.forward(Phase::Test);
    QVERIFY((a.outputs[0].tensor - b.outputs[0].tensor).cwiseAbs().maxCoeff() < 1e-6f);
}

void TstKanLayer::stateAfterGridExtension() {
    Rng rng(9);
    LayerConfig c;
    c.in = 2; c.out = 2; c.noiseScale = 3.f;
    Layer a(c, rng), b(c, rng);
    a.extendGrid(9);
    b.loadState(a.saveState());
    QCOMPARE(b.config().grid, 9);
    Matrix x = randomMatrix(2, 20, 2, 1.f), ya, yb;
    a.forward(x, ya, false);
    b.forward(x, yb, false);
    QVERIFY((ya - yb).cwiseAbs().maxCoeff() < 1e-6f);
}

void TstKanLayer::loadStateRejectsWrongShape() {
    KernelRig a("KanLayer", {{"width", std::int64_t(3)}}, {Shape::tensor(2)});
    auto s = a.kernel->saveState();
    s["scale_sp"] = Matrix::Zero(2, 2);
    try {
        a.kernel->loadState(s);
        QFAIL("wrong shape accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains("scale_sp"), e.what());
    }
}

void TstKanLayer::gridExtensionPreservesFunction_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<int>("newGrid");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("bspline 5->10 (nested)") << "bspline" << 10 << 1e-4;
    QTest::newRow("bspline 5->20 (nested)") << "bspline" << 20 << 1e-4;
    QTest::newRow("bspline 5->7 (not nested: 5% of the range)") << "bspline" << 7 << 5e-2;
    QTest::newRow("chebyshev 5->8") << "chebyshev" << 8 << 1e-4;
}

void TstKanLayer::gridExtensionPreservesFunction() {
    QFETCH(QString, basis);
    QFETCH(int, newGrid);
    QFETCH(double, tolerance);
    Rng rng(8);
    LayerConfig c;
    c.in = 2; c.out = 3; c.noiseScale = 5.f;
    c.basis = basisFromName(basis.toStdString());
    Layer L(c, rng);
    Matrix probe(2, 101), before, after;
    for (int p = 0; p < 101; ++p) probe.col(p).setConstant(-1.f + 0.02f * float(p));
    L.forward(probe, before, false);
    const double reported = L.extendGrid(newGrid);
    QCOMPARE(L.config().grid, newGrid);
    QCOMPARE(L.coef.cols(), Eigen::Index(2 * L.nb()));
    L.forward(probe, after, false);
    const double range = std::max(1.0, double(before.maxCoeff() - before.minCoeff()));
    const double measured = (after - before).cwiseAbs().maxCoeff() / range;
    QVERIFY2(measured < tolerance, qPrintable(QString("max error %1 of the range").arg(measured)));
    QVERIFY2(reported / range < tolerance, qPrintable(QString("reported error %1").arg(reported)));
    // gradients follow the new shapes
    QCOMPARE(L.gCoef.cols(), L.coef.cols());
}

void TstKanLayer::gridUpdateFollowsData() {
    Rng rng(2);
    LayerConfig c;
    c.in = 1; c.out = 2; c.noiseScale = 2.f;
    Layer L(c, rng);
    Matrix x(1, 200);
    for (int b = 0; b < 200; ++b) x(0, b) = -0.5f + 0.5f * float(b) / 199.f;  // data in [-0.5, 0]
    Matrix before, after;
    L.forward(x, before, false);
    const double err = L.updateGrid(x, 0.02f);
    QVERIFY(std::abs(L.basis().points(0)(0) + 0.5f) < 1e-3f);
    QVERIFY(std::abs(L.basis().points(0)(5) - 0.f) < 1e-3f);
    L.forward(x, after, false);
    const double measured = (after - before).cwiseAbs().maxCoeff();
    QVERIFY2(measured < 1e-3, qPrintable(QString("function changed by %1").arg(measured)));
    QVERIFY(std::abs(err - measured) < 1e-4);
}

void TstKanLayer::pruningRemovesExactlyBelowThreshold() {
    Rng rng(5);
    LayerConfig c;
    c.in = 4; c.out = 3; c.noiseScale = 4.f;
    Layer L(c, rng);
    Matrix x = randomMatrix(4, 128, 9, 1.f);
    L.setSymbolic(2, 1, {symbolicIndex("sin"), 2.f, 0.f, 0.05f, 0.f, 1.0});
    const Matrix s = L.edgeScores(x);
    std::vector<float> sorted(s.data(), s.data() + s.size());
    std::sort(sorted.begin(), sorted.end());
    const float th = 0.5f * (sorted[5] + sorted[6]);  // 6 below, 6 above
    const int removed = L.pruneEdges(x, th);
    QCOMPARE(removed, 6);
    for (int i = 0; i < 4; ++i)
        for (int o = 0; o < 3; ++o) QCOMPARE(L.edgeActive(i, o), s(o, i) >= th);
    // a pruned edge contributes nothing
    Matrix y1, y2;
    L.forward(x, y1, false);
    for (int i = 0; i < 4; ++i)
        for (int o = 0; o < 3; ++o)
            if (!L.edgeActive(i, o)) L.coef.block(o, i * L.nb(), 1, L.nb()).setConstant(100.f);
    L.forward(x, y2, false);
    QVERIFY((y1 - y2).cwiseAbs().maxCoeff() < 1e-5f);
}

void TstKanLayer::subsetKeepsEdges() {
    Rng rng(6);
    LayerConfig c;
    c.in = 3; c.out = 4; c.noiseScale = 2.f;
    Layer L(c, rng);
    Layer S = L.subset({0, 2}, {1, 3});
    QCOMPARE(S.in(), 2);
    QCOMPARE(S.out(), 2);
    for (float x : {-0.7f, 0.1f, 0.8f}) {
        QVERIFY(std::abs(S.edge(1, 0, x) - L.edge(2, 1, x)) < 1e-6f);
        QVERIFY(std::abs(S.edge(0, 1, x) - L.edge(0, 3, x)) < 1e-6f);
    }
}

void TstKanLayer::buildErrors() {
    const NodeSpec* spec = NodeRegistry::instance().find("KanLayer");
    QVERIFY(spec);
    ParamSet p = ParamSet::defaults(spec->params);
    Rng rng(1);
    auto k = spec->create();
    BuildContext bc{p, {Shape{}}, rng, "KAN"};
    try {
        k->build(bc);
        QFAIL("unknown input width accepted");
    } catch (const BuildError& e) {
        QCOMPARE(QString::fromStdString(e.port), QString("in"));
    }
    p.set("range_min", 2.0);
    BuildContext bc2{p, {Shape::tensor(2)}, rng, "KAN"};
    QVERIFY_THROWS_EXCEPTION(BuildError, k->build(bc2));
}

void TstKanLayer::twoThreadsMatchOne() {
    // 64 x 64 edges on 128 samples takes the threaded path; every output and gradient must match.
    Rng rng(12);
    LayerConfig c;
    c.in = 64; c.out = 64; c.noiseScale = 2.f;
    Layer L(c, rng);
    const Matrix x = randomMatrix(64, 128, 3, 1.1f), gy = randomMatrix(64, 128, 4, 1.f);
    auto run = [&](int threads, Matrix& y, Matrix& gx, Matrix& gc, Matrix& gsb, Matrix& gss) {
        setThreads(threads);
        QCOMPARE(kan::threads(), threads);
        L.zeroGrad();
        L.forward(x, y, true);
        L.backward(gy, &gx);
        gc = L.gCoef; gsb = L.gScaleBase; gss = L.gScaleSp;
    };
    Matrix y1, gx1, gc1, gsb1, gss1, y2, gx2, gc2, gsb2, gss2;
    run(1, y1, gx1, gc1, gsb1, gss1);
    run(2, y2, gx2, gc2, gsb2, gss2);
    setThreads(1);
    auto close = [](const Matrix& a, const Matrix& b) { return (a - b).cwiseAbs().maxCoeff() <= 1e-4f * std::max(1.f, a.cwiseAbs().maxCoeff()); };
    QVERIFY(close(y1, y2));
    QVERIFY(close(gx1, gx2));
    QVERIFY(close(gc1, gc2));
    QVERIFY(close(gsb1, gsb2));
    QVERIFY(close(gss1, gss2));
}

void TstKanLayer::sparseSplineMatchesPointwise_data() {
    QTest::addColumn<int>("order");
    QTest::addColumn<int>("grid");
    QTest::addColumn<bool>("nonUniform");
    QTest::addColumn<int>("out");
    QTest::addColumn<bool>("inputGrad");
    QTest::newRow("cubic, uniform grid (vectorised span path)") << 3 << 5 << false << 5 << true;
    QTest::newRow("cubic, 32 outputs, no input gradient (span-grouped gradients)") << 3 << 5 << false << 32 << false;
    QTest::newRow("cubic, grid from data percentiles") << 3 << 5 << true << 5 << true;
    QTest::newRow("quadratic") << 2 << 4 << false << 5 << true;
    QTest::newRow("linear, one interval") << 1 << 1 << false << 5 << true;
}

void TstKanLayer::sparseSplineMatchesPointwise() {
    // The layer contracts over the k+1 non-zero B-splines of each input only; the reference sums
    // every edge densely from Basis::evaluateOne (the plain Cox–de Boor recursion). Inputs cover
    // the grid, its extension, beyond it, the exact knots and the range ends.
    QFETCH(int, order);
    QFETCH(int, grid);
    QFETCH(bool, nonUniform);
    QFETCH(int, out);
    QFETCH(bool, inputGrad);
    const int in = 6, n = 40;
    Rng rng(21);
    LayerConfig c;
    c.in = in; c.out = out; c.grid = grid; c.order = order; c.noiseScale = 2.f;
    Layer L(c, rng);
    if (nonUniform) L.updateGrid(randomMatrix(in, 200, 8, 1.f).array().cube().matrix());
    Matrix x = randomMatrix(in, n, 5, 2.2f);
    for (Eigen::Index j = 0; j < L.basis().knots(0).size(); ++j) x(0, j) = L.basis().knots(0)(j);
    x(1, 0) = c.lo;
    x(1, 1) = c.hi;
    L.bias = randomMatrix(out, 1, 9, 0.5f);
    L.mask(2, 3) = 0.f;
    const Matrix gy = randomMatrix(out, n, 6, 1.f);
    Matrix y, yInfer, gx;
    L.forward(x, yInfer, false);
    L.zeroGrad();
    L.forward(x, y, true);
    L.backward(gy, inputGrad ? &gx : nullptr);

    const int nb = L.nb();
    Matrix yRef = L.bias.replicate(1, n), gxRef = Matrix::Zero(in, n);
    Matrix gcRef = Matrix::Zero(out, L.coef.cols()), gsbRef = Matrix::Zero(out, in), gssRef = Matrix::Zero(out, in);
    std::vector<float> v(static_cast<size_t>(nb)), d(static_cast<size_t>(nb));
    for (int b = 0; b < n; ++b)
        for (int i = 0; i < in; ++i) {
            const float xv = x(i, b);
            L.basis().evaluateOne(i, xv, v.data(), d.data());
            for (int o = 0; o < out; ++o) {
                const float m = L.mask(o, i), sb = L.scaleBase(o, i), ss = L.scaleSp(o, i), g = gy(o, b);
                float spl = 0.f, dspl = 0.f;
                for (int j = 0; j < nb; ++j) {
                    spl += L.coef(o, i * nb + j) * v[size_t(j)];
                    dspl += L.coef(o, i * nb + j) * d[size_t(j)];
                    gcRef(o, i * nb + j) += g * m * ss * v[size_t(j)];
                }
                yRef(o, b) += m * (sb * silu(xv) + ss * spl);
                gsbRef(o, i) += g * m * silu(xv);
                gssRef(o, i) += g * m * spl;
                gxRef(i, b) += g * m * (sb * siluGrad(xv) + ss * dspl);
            }
        }
    auto check = [](const char* what, const Matrix& a, const Matrix& ref) {
        const float err = (a - ref).cwiseAbs().maxCoeff(), scale = std::max(1.f, ref.cwiseAbs().maxCoeff());
        QVERIFY2(err <= 2e-5f * scale, qPrintable(QString("%1 differs by %2 (scale %3)").arg(what).arg(err).arg(scale)));
    };
    check("training forward", y, yRef);
    check("inference forward", yInfer, yRef);
    check("coef gradient", L.gCoef, gcRef);
    check("scale_base gradient", L.gScaleBase, gsbRef);
    check("scale_sp gradient", L.gScaleSp, gssRef);
    if (inputGrad) check("input gradient", gx, gxRef);
    QCOMPARE(L.gScaleBase(2, 3), 0.f);  // the masked edge learns nothing
}

QTEST_GUILESS_MAIN(TstKanLayer)
#include "tst_kan_layer.moc"
