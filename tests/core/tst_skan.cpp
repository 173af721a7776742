// S-KAN (kan::SelectLayer and the SKanLayer node): numeric gradient checks of the logits and
// every candidate's tensors (also with a frozen node), the entropy penalty's gradient, the
// temperature schedule, freezing, cost, state round trip, build errors, and convergence to the
// planted basis on targets that one candidate represents exactly.
#include "core/kan/kan_cost.h"
#include "core/kan/kan_optim.h"
#include "core/kan/kan_publish.h"
#include "core/kan/kan_select.h"
#include "core/kan/skan_node.h"
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::kan;
using namespace ganglion::testing;

class TstSKan : public QObject {
    Q_OBJECT
private slots:
    void kernelGradients();
    void frozenNodeGradients();
    void entropyGradient();
    void temperatureAnneals();
    void edgeValuesMatchLayerEdge_data();
    void edgeValuesMatchLayerEdge();
    void freezeFixesChoice();
    void stateRoundTrip();
    void loadStateRejectsWrongShape();
    void lbfgsSurvivesFreezing();
    void buildErrors_data();
    void buildErrors();
    void convergesToPlantedBasis_data();
    void convergesToPlantedBasis();
};

namespace {
/// A constant temperature (no annealing, no freezing), so that finite differences see one function.
std::vector<std::pair<std::string, ParamValue>> fixedT(int width) {
    return {{"width", std::int64_t(width)}, {"noise_scale", 3.0}, {"anneal_steps", std::int64_t(0)},
            {"temperature_min", 0.7}, {"freeze_threshold", 1.0}};
}

Matrix offKnots(int rows, int cols, unsigned seed) {
    // inputs kept away from knots so the piecewise bases are differentiable at every sample
    Matrix x = randomMatrix(rows, cols, seed, 0.9f);
    for (Eigen::Index k = 0; k < x.size(); ++k) x(k) = std::round(x(k) * 10.f) / 10.f + 0.05f;
    return x;
}

SKanLayerKernel* skan(KernelRig& rig) { return dynamic_cast<SKanLayerKernel*>(rig.kernel.get()); }
}  // namespace

void TstSKan::kernelGradients() {
    KernelRig rig("SKanLayer", fixedT(3), {Shape::tensor(2)});
    QCOMPARE(rig.outShapes[0].features, 3);
    auto* k = skan(rig);
    QVERIFY(k);
    QCOMPARE(k->layer().count(), 4);
    // distinct logits so that every softmax weight differs
    k->layer().logits = randomMatrix(3, 4, 17, 1.f);
    rig.inputs = {tensorValue(offKnots(2, 5, 11))};
    gradientCheck(rig, {0}, 1e-3, 2e-2);
    QCOMPARE(k->layer().parameters().front().name, std::string("logits"));
}

void TstSKan::frozenNodeGradients() {
    KernelRig rig("SKanLayer", fixedT(2), {Shape::tensor(2)});
    auto* k = skan(rig);
    k->layer().logits = randomMatrix(2, 4, 3, 1.f);
    k->layer().logits(1, 2) = 5.f;  // node 1 leans to chebyshev
    QCOMPARE(k->layer().freeze(0.5f), 1);
    QCOMPARE(k->layer().frozen()[1], 2);
    QCOMPARE(k->layer().frozen()[0], -1);
    rig.inputs = {tensorValue(offKnots(2, 6, 5))};
    gradientCheck(rig, {0}, 1e-3, 2e-2);
    // the other candidates dropped the frozen node's row; its logits get no gradient
    auto& L = k->layer();
    for (int c = 0; c < 4; ++c) {
        QCOMPARE(L.rows(c), c == 2 ? (std::vector<int>{0, 1}) : (std::vector<int>{0}));
        QCOMPARE(L.candidate(c).out(), c == 2 ? 2 : 1);
    }
    for (auto& p : L.parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
    rig.forward();
    rig.backward({randomMatrix(2, 6, 8, 1.f)});
    QCOMPARE(L.gLogits.row(1).cwiseAbs().maxCoeff(), 0.f);
    QVERIFY(L.gLogits.row(0).cwiseAbs().maxCoeff() > 0.f);
    // the frozen node's output is exactly its chosen candidate's
    Matrix yc;
    L.candidate(2).forward(rig.inputs[0].tensor, yc, false);
    QVERIFY((rig.outputs[0].tensor.row(1) - yc.row(1)).cwiseAbs().maxCoeff() < 1e-6f);
}

void TstSKan::entropyGradient() {
    Rng rng(4);
    SelectConfig c;
    c.layer.in = 2;
    c.layer.out = 3;
    c.candidates = {"bspline", "rbf", "chebyshev"};
    c.annealSteps = 0;
    c.tMin = 0.6f;
    c.entropy = 0.8;
    SelectLayer L(c, rng);
    L.logits = randomMatrix(3, 3, 9, 1.f);
    const Matrix x = randomMatrix(2, 4, 2, 0.8f);
    auto objective = [&] {  // the penalty alone: zero output gradient
        Matrix y;
        L.forward(x, y, true);
        L.zeroGrad();
        L.backward(Matrix::Zero(3, 4), nullptr);
        return L.lastPenalty();
    };
    objective();
    const Matrix g = L.gLogits;
    QVERIFY(g.cwiseAbs().maxCoeff() > 1e-3f);
    for (Eigen::Index k = 0; k < L.logits.size(); ++k) {
        const float old = L.logits(k);
        L.logits(k) = old + 1e-3f;
        const double p = objective();
        L.logits(k) = old - 1e-3f;
        const double m = objective();
        L.logits(k) = old;
        const double num = (p - m) / 2e-3;
        QVERIFY2(std::abs(num - g(k)) < 1e-2 * std::max(1.0, std::abs(num)),
                 qPrintable(QString("logit %1: analytic %2 numeric %3").arg(k).arg(g(k)).arg(num)));
    }
}

void TstSKan::temperatureAnneals() {
    Rng rng(1);
    SelectConfig c;
    c.layer.in = 1;
    c.layer.out = 1;
    c.candidates = {"bspline", "rbf"};
    c.t0 = 2.f;
    c.tMin = 0.02f;
    c.annealSteps = 100;
    SelectLayer L(c, rng);
    L.logits << 1.f, 0.f;
    QCOMPARE(L.temperature(), 2.f);
    const double p0 = L.probabilities()(0, 0);
    for (int s = 0; s < 50; ++s) L.advance();
    QVERIFY(std::abs(L.temperature() - 0.2f) < 1e-4f);  // geometric: √(T0·Tmin) half way
    const double p50 = L.probabilities()(0, 0);
    for (int s = 0; s < 80; ++s) L.advance();
    QVERIFY(std::abs(L.temperature() - 0.02f) < 1e-6f);  // and stays at T_min
    const double p130 = L.probabilities()(0, 0);
    QVERIFY2(p0 < p50 && p50 < p130 && p130 > 0.999,
             qPrintable(QString("p of the leading candidate %1 → %2 → %3").arg(p0).arg(p50).arg(p130)));
    QCOMPARE(L.steps(), 130L);
}

void TstSKan::edgeValuesMatchLayerEdge_data() {
    QTest::addColumn<QString>("basis");
    for (const auto& n : basisNames()) QTest::newRow(n.c_str()) << QString::fromStdString(n);
}

void TstSKan::edgeValuesMatchLayerEdge() {
    // The batched edge evaluation the views get (curves, S-KAN scores) is Layer::edge exactly,
    // for every basis there is.
    QFETCH(QString, basis);
    Rng rng(7);
    LayerConfig c;
    c.in = 2;
    c.out = 3;
    c.noiseScale = 3.f;
    c.basis = basisFromName(basis.toStdString());
    Layer L(c, rng);
    L.mask(1, 0) = 0.f;
    Eigen::RowVectorXf xs(9);
    for (int p = 0; p < 9; ++p) xs(p) = -1.3f + 0.31f * float(p);
    for (int i = 0; i < 2; ++i) {
        const Matrix v = layerEdgeValues(L, i, xs);
        for (int o = 0; o < 3; ++o)
            for (int p = 0; p < 9; ++p)
                QVERIFY2(std::abs(v(o, p) - L.edge(i, o, xs(p))) < 1e-5f,
                         qPrintable(QString("edge (%1,%2) at %3: %4 vs %5").arg(i).arg(o).arg(xs(p)).arg(v(o, p)).arg(L.edge(i, o, xs(p)))));
    }
}

void TstSKan::freezeFixesChoice() {
    KernelRig rig("SKanLayer", {{"width", std::int64_t(3)}, {"freeze_threshold", 0.9}, {"anneal_steps", std::int64_t(0)},
                                {"temperature_min", 1.0}},
                  {Shape::tensor(2)});
    auto* k = skan(rig);
    auto& L = k->layer();
    const NodeCost full = L.cost();
    L.logits.setZero();
    L.logits(0, 3) = 4.f;  // p ≈ 0.95 for relu: past the threshold
    L.logits(1, 1) = 1.f;  // p ≈ 0.48: stays free
    rig.inputs = {tensorValue(randomMatrix(2, 8, 1, 1.f))};
    rig.forward();  // a training step freezes node 0
    QCOMPARE(L.frozen()[0], 3);
    QCOMPARE(L.frozen()[1], -1);
    QCOMPARE(L.probabilities()(0, 3), 1.f);
    // the other candidates dropped node 0: it counts with relu only
    QCOMPARE(L.rows(3), (std::vector<int>{0, 1, 2}));
    QCOMPARE(L.rows(0), (std::vector<int>{1, 2}));
    double params = 3 * 4;  // logits
    for (int c = 0; c < 4; ++c) params += L.candidate(c).cost().params;
    QCOMPARE(L.cost().params, params);
    QVERIFY(L.cost().params < full.params);
    QCOMPARE(k->freezeAll(), 2);
    QCOMPARE(L.choices(), (std::vector<int>{3, 1, 0}));
    // only the chosen candidates are evaluated and counted, one row each: relu, rbf and bspline
    QVERIFY(!L.used(2) && L.used(0) && L.used(1) && L.used(3));
    double macs = 3;  // mixing: one term per candidate row
    for (int c : {0, 1, 3})
        macs += layerCost(2, 1, basisFromName(L.name(c)), 5, 3, true).forwardMacs;
    QCOMPARE(L.cost().forwardMacs, macs);
    QVERIFY(L.cost().forwardMacs < full.forwardMacs);
    // outputs and gradients still flow after the tensors shrank
    rig.forward();
    rig.backward({randomMatrix(3, 8, 2, 1.f)});
    QVERIFY(L.candidate(3).gCoef.cwiseAbs().maxCoeff() > 0.f);
    // a state without the unused candidate loads into a fresh layer and gives the same outputs
    const KernelState saved = rig.kernel->saveState();
    QVERIFY(!saved.count("chebyshev/coef") && saved.count("relu/coef"));
    KernelRig b("SKanLayer", {{"width", std::int64_t(3)}}, {Shape::tensor(2)}, 77);
    b.kernel->loadState(saved);
    QVERIFY(!skan(b)->layer().used(2));
    b.inputs = rig.inputs;
    b.forward(Phase::Test);
    rig.forward(Phase::Test);
    QVERIFY((b.outputs[0].tensor - rig.outputs[0].tensor).cwiseAbs().maxCoeff() < 1e-6f);
    // the observables report the choices
    Observables obs;
    k->observe(obs);
    QCOMPARE(obs.arrays.at("choice")(0), 3.f);
    QCOMPARE(obs.arrays.at("choice_probability")(0), 1.f);
    auto s = obs.get<KanLayerSamples>("kan");
    QVERIFY(s && s->selects());
    QCOMPARE(int(s->candidates.size()), 4);
    QCOMPARE(s->candidates[3], std::string("relu"));
    QCOMPARE(s->choice, (std::vector<int>{3, 1, 0}));
    QVERIFY(s->frozen[0] && s->frozen[1] && s->frozen[2]);
    QCOMPARE(int(s->edges.size()), 6);
    // the published curve of a frozen node's edge is its chosen candidate's edge
    const auto& e = s->edges[0];  // (0 → 0)
    for (size_t p = 0; p < e.x.size(); p += 9)
        QVERIFY(std::abs(e.y[p] - L.candidate(3).edge(0, 0, e.x[p])) < 1e-5f);
}

void TstSKan::stateRoundTrip() {
    KernelRig a("SKanLayer", {{"width", std::int64_t(2)}, {"anneal_steps", std::int64_t(40)}}, {Shape::tensor(2)});
    auto& A = skan(a)->layer();
    a.inputs = {tensorValue(randomMatrix(2, 32, 4, 1.f))};
    for (int s = 0; s < 7; ++s) {
        a.step = std::uint64_t(s);
        a.forward();
        a.forward();  // a second evaluation of the same step (a line search) does not anneal again
    }
    A.logits = randomMatrix(2, 4, 6, 2.f);
    A.candidate(1).coef(0, 2) = 0.75f;
    A.logits(1, 0) = 9.f;
    QCOMPARE(A.freeze(0.9f), 1);
    KernelRig b("SKanLayer", {{"width", std::int64_t(2)}, {"anneal_steps", std::int64_t(40)}}, {Shape::tensor(2)}, 999);
    b.kernel->loadState(a.kernel->saveState());
    auto& B = skan(b)->layer();
    QCOMPARE(B.steps(), 7L);
    QCOMPARE(B.temperature(), A.temperature());
    QCOMPARE(B.frozen(), A.frozen());
    QVERIFY(B.logits == A.logits);
    QCOMPARE(B.candidate(1).out(), 1);  // node 1 frozen to bspline: the others hold node 0 only
    QCOMPARE(B.candidate(0).out(), 2);
    b.inputs = a.inputs;
    a.forward(Phase::Test);
    b.forward(Phase::Test);
    QVERIFY((a.outputs[0].tensor - b.outputs[0].tensor).cwiseAbs().maxCoeff() < 1e-6f);
}

void TstSKan::loadStateRejectsWrongShape() {
    KernelRig a("SKanLayer", {{"width", std::int64_t(2)}}, {Shape::tensor(2)});
    const Matrix before = skan(a)->layer().logits;
    auto s = a.kernel->saveState();
    s["rbf/scale_sp"] = Matrix::Zero(3, 3);
    try {
        a.kernel->loadState(s);
        QFAIL("wrong shape accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains("rbf") && QString(e.what()).contains("scale_sp"), e.what());
    }
    s = a.kernel->saveState();
    s["select"](1) = 7.f;  // no candidate 7
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, a.kernel->loadState(s));
    QVERIFY(skan(a)->layer().logits == before);
}

void TstSKan::lbfgsSurvivesFreezing() {
    // Freezing shrinks the candidates' tensors during a step's first evaluation: L-BFGS restarts
    // its history instead of mixing vectors of two sizes.
    Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/skan_selects.json");
    for (const auto& n : g.nodes()) {
        if (n.type == "Loss") QVERIFY(!g.setParam(n.id, "optimizer", std::string("lbfgs")));
        if (n.type == "SKanLayer") {
            QVERIFY(!g.setParam(n.id, "freeze_threshold", 0.3));
            QVERIFY(!g.setParam(n.id, "anneal_steps", std::int64_t(10)));
        }
    }
    Engine e;
    e.build(g);
    QVERIFY(e.ok());
    for (int s = 0; s < 15; ++s) QVERIFY2(e.step(), e.error().c_str());
    int frozen = 0;
    for (const auto& n : g.nodes())
        if (auto* k = dynamic_cast<SKanLayerKernel*>(e.kernel(n.id)))
            for (int f : k->layer().frozen()) frozen += f >= 0 ? 1 : 0;
    QCOMPARE(frozen, 3);
    e.evaluate();
    const double loss = e.scalars().at("MSE/test_loss");
    QVERIFY2(std::isfinite(loss) && loss < 0.5, qPrintable(QString::number(loss)));
}

void TstSKan::buildErrors_data() {
    QTest::addColumn<QString>("candidates");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown") << "bspline,fourier" << "'fourier'";
    QTest::newRow("empty") << " " << "no candidate";
    QTest::newRow("duplicate") << "rbf, chebyshev, rbf" << "'rbf' is listed twice";
    QTest::newRow("empty item") << "rbf,,relu" << "''";
}

void TstSKan::buildErrors() {
    QFETCH(QString, candidates);
    QFETCH(QString, expected);
    try {
        KernelRig rig("SKanLayer", {{"candidates", candidates.toStdString()}}, {Shape::tensor(2)});
        QFAIL("bad candidate list accepted");
    } catch (const BuildError& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        if (!expected.contains("twice"))  // the valid names are listed
            for (const auto& n : basisNames()) QVERIFY2(msg.contains(QString::fromStdString(n)), qPrintable(msg));
    }
}

void TstSKan::convergesToPlantedBasis_data() {
    QTest::addColumn<QString>("planted");
    QTest::addColumn<float>("dataRange");
    // Piecewise linear with a corner at every grid point: order-1 B-splines (hat functions) are
    // exact, the smooth bases are not.
    QTest::newRow("bspline: zigzag") << "bspline" << 1.f;
    // T_4(tanh x) on [-3, 3], three times the grid range: the Chebyshev basis of tanh(x) is exact
    // everywhere, the local bases vanish outside the grid.
    QTest::newRow("chebyshev: T4(tanh x)") << "chebyshev" << 3.f;
}

void TstSKan::convergesToPlantedBasis() {
    QFETCH(QString, planted);
    QFETCH(float, dataRange);
    for (std::uint64_t seed : {1u, 2u}) {
        Rng rng(seed);
        SelectConfig c;
        c.layer.in = 1;
        c.layer.out = 1;
        c.layer.grid = 4;
        c.layer.order = 1;
        c.candidates = {"bspline", "rbf", "chebyshev", "relu"};
        c.t0 = 1.f;
        c.tMin = 0.05f;
        c.annealSteps = 1000;
        SelectLayer L(c, rng);
        const int n = 256;
        Matrix x(1, n), t(1, n), y;
        std::uniform_real_distribution<float> u(-dataRange, dataRange);
        for (int b = 0; b < n; ++b) {
            const float v = x(0, b) = u(rng);
            if (planted == "bspline") {
                const float s = (v + 1.f) / 0.5f, fr = s - std::floor(s);
                t(0, b) = int(std::floor(s)) % 2 == 0 ? fr : 1.f - fr;
            } else {
                const float w = std::tanh(v);
                t(0, b) = 8 * w * w * w * w - 8 * w * w + 1;
            }
        }
        Adam opt(L.parameters(), 0.02);
        for (int s = 0; s < 1200; ++s) {
            L.advance();
            L.forward(x, y, true);
            opt.zeroGrad();
            L.backward(2.f / n * (y - t), nullptr);
            opt.step();
        }
        int want = 0;
        while (L.name(want) != planted.toStdString()) ++want;
        const Matrix p = L.probabilities();
        const double mse = (y - t).squaredNorm() / n;
        QVERIFY2(p(0, want) > 0.8 && mse < 1e-3,
                 qPrintable(QString("seed %1: p(%2) = %3 (p = %4 %5 %6 %7), mse %8").arg(seed).arg(planted).arg(p(0, want))
                                .arg(p(0, 0)).arg(p(0, 1)).arg(p(0, 2)).arg(p(0, 3)).arg(mse)));
    }
}

QTEST_GUILESS_MAIN(TstSKan)
#include "tst_skan.moc"
