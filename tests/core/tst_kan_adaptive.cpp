// The KAN bases added for issue 17 — adaptive RBF (NeuRBF-style), AF-KAN, Fourier (sine) and
// Legendre (poly) — and the layer-normalisation option: hand-computed values, numeric gradient
// checks of every trainable tensor (centres, widths, attention logits, layer-norm gain/shift)
// also under the regulariser, state round trips and their shape checks, grid operations,
// pruning and symbolic fits on the new bases, k-means placement and centres moving toward data.
#include "core/kan/kan_layer.h"
#include "core/kan/kan_node.h"
#include "core/kan/kan_optim.h"
#include "core/kan/kan_samples.h"
#include "core/kan/kan_symbolic.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::kan;
using namespace ganglion::testing;

class TstKanAdaptive : public QObject {
    Q_OBJECT
private slots:
    void rbfAdaptiveHandValues();
    void afHandValues();
    void sineHandValues();
    void polyHandValues();
    void gradients_data();
    void gradients();
    void regularizerReachesBasisTensors();
    void trainingCacheMatchesRecompute();
    void stateRoundTrip_data();
    void stateRoundTrip();
    void stateShapeErrorsNameTheEntry();
    void gridOperations_data();
    void gridOperations();
    void kmeansPlacesCentresOnClusters();
    void centresMoveTowardClusters();
    void buildErrors();
    void layerNormSubsetIsRefused();
};

namespace {
std::vector<float> values(const Basis& b, float x, int input = 0) {
    std::vector<float> v(static_cast<size_t>(b.count()));
    b.evaluateOne(input, x, v.data(), nullptr);
    return v;
}
bool near(float a, double b, double tol = 1e-5) { return std::abs(double(a) - b) <= tol * std::max(1.0, std::abs(b)); }
float gelu(float x) { return 0.5f * x * (1.f + std::erf(x / std::sqrt(2.f))); }
float siluF(float x) { return x / (1.f + std::exp(-x)); }
}  // namespace

void TstKanAdaptive::rbfAdaptiveHandValues() {
    // G = 4 on [-1, 1]: centres -1, -0.5, 0, 0.5, 1, width 0.5; with 2 sine frequencies each kernel g
    // gives g, sin(π/2·g), sin(π·g).
    Basis b(BasisKind::RbfAdaptive, 1, 4, 3, -1.f, 1.f, 2);
    QCOMPARE(b.count(), 15);
    QCOMPARE(b.paramCount(), 2);
    QCOMPARE(QString(b.paramName(0)), QString("rbf_centres"));
    QVERIFY(near(b.param(0)(0, 1), -0.5) && near(std::exp(b.param(1)(0, 1)), 0.5));
    auto v = values(b, 0.25f);
    const double g2 = std::exp(-0.25), g3 = std::exp(-0.25);  // |x - c| = 0.25 = w/2 for c = 0 and 0.5
    QVERIFY(near(v[6], g2) && near(v[9], g3));
    QVERIFY(near(v[7], std::sin(M_PI / 2 * g2)) && near(v[8], std::sin(M_PI * g2)));
    // Moved centre and width: c = 0.3, w = 0.2 → g(0.25) = exp(-(0.05/0.2)^2).
    b.param(0)(0, 2) = 0.3f;
    b.param(1)(0, 2) = std::log(0.2f);
    v = values(b, 0.25f);
    QVERIFY(near(v[6], std::exp(-0.0625)));
}

void TstKanAdaptive::afHandValues() {
    // G = 2, k = 1 on [0, 1]: extended knots -0.5, 0, 0.5, 1, 1.5; function 1 spans [0, 1].
    Basis b(BasisKind::Af, 1, 2, 1, 0.f, 1.f);
    QCOMPARE(b.count(), 3);
    QCOMPARE(b.param(0).cols(), 4);
    // Attention all on ReLU: ReLU-KAN's bump, 1 at the centre and 16·(0.3·0.7)²·... = (x(1-x)/0.25)² in general.
    b.param(0) << 30.f, 0.f, 0.f, 0.f;
    QVERIFY(near(values(b, 0.5f)[1], 1.0, 1e-4));
    QVERIFY(near(values(b, 0.3f)[1], std::pow(0.3 * 0.7 / 0.25, 2), 1e-4));
    // Uniform attention: the mean of the four normalised bumps f_a = (a(x-s)a(e-x))² / a(0.5)⁴.
    b.param(0).setZero();
    const float x = 0.3f, p = 0.3f, q = 0.7f;
    auto bump = [&](auto a) { const double r = double(a(p)) * a(q); return r * r / std::pow(double(a(0.5f)), 4); };
    const double expected = 0.25 * (bump([](float t) { return std::max(t, 0.f); }) + bump(siluF) +
                                    bump([](float t) { return std::tanh(t); }) + bump(gelu));
    QVERIFY2(near(values(b, x)[1], expected, 1e-5), qPrintable(QString("%1 vs %2").arg(values(b, x)[1]).arg(expected)));
}

void TstKanAdaptive::sineHandValues() {
    // G = 3 on [0, 2]: u = x - 1; x = 1.5 → u = 0.5: sin(π/2)=1, cos(π/2)=0, sin(π)=0, cos(π)=-1,
    // sin(3π/2)=-1, cos(3π/2)=0.
    Basis b(BasisKind::Sine, 1, 3, 3, 0.f, 2.f);
    QCOMPARE(b.count(), 6);
    const auto v = values(b, 1.5f);
    const double e[6] = {1, 0, 0, -1, -1, 0};
    for (int j = 0; j < 6; ++j) QVERIFY2(std::abs(v[size_t(j)] - e[j]) < 1e-5, qPrintable(QString("f_%1 = %2").arg(j).arg(v[size_t(j)])));
}

void TstKanAdaptive::polyHandValues() {
    // Legendre of u = tanh(x) on [-1, 1]: P2 = (3u²-1)/2, P3 = (5u³-3u)/2, P4 = (35u⁴-30u²+3)/8.
    Basis b(BasisKind::Poly, 1, 4, 3, -1.f, 1.f);
    QCOMPARE(b.count(), 5);
    const double u = std::tanh(0.3);
    const auto v = values(b, 0.3f);
    QVERIFY(near(v[0], 1) && near(v[1], u));
    QVERIFY(near(v[2], (3 * u * u - 1) / 2) && near(v[3], (5 * u * u * u - 3 * u) / 2));
    QVERIFY(near(v[4], (35 * std::pow(u, 4) - 30 * u * u + 3) / 8));
}

void TstKanAdaptive::gradients_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<int>("sinFrequencies");
    QTest::addColumn<bool>("layerNorm");
    QTest::newRow("rbf_adaptive") << "rbf_adaptive" << 0 << false;
    QTest::newRow("rbf_adaptive + 2 sine frequencies") << "rbf_adaptive" << 2 << false;
    QTest::newRow("af") << "af" << 0 << false;
    QTest::newRow("af + layer_norm") << "af" << 0 << true;
    QTest::newRow("rbf_adaptive + layer_norm") << "rbf_adaptive" << 1 << true;
    QTest::newRow("sine") << "sine" << 0 << false;
    QTest::newRow("poly + layer_norm") << "poly" << 0 << true;
}

void TstKanAdaptive::gradients() {
    QFETCH(QString, basis);
    QFETCH(int, sinFrequencies);
    QFETCH(bool, layerNorm);
    KernelRig rig("KanLayer", {{"width", std::int64_t(2)}, {"basis", basis.toStdString()}, {"grid", std::int64_t(4)},
                               {"sin_frequencies", std::int64_t(sinFrequencies)}, {"layer_norm", layerNorm},
                               {"noise_scale", 3.0}},
                  {Shape::tensor(3)});
    // Non-trivial trainable tensors: moved centres/widths, unequal attention, gain ≠ 1.
    std::vector<std::string> names;
    unsigned seed = 30;
    for (const auto& p : rig.kernel->parameters()) {
        names.push_back(p.name);
        if (p.name == "rbf_centres" || p.name == "rbf_log_widths" || p.name == "af_attention" || p.name == "ln_gain" ||
            p.name == "ln_shift")
            *p.value += randomMatrix(int(p.value->rows()), int(p.value->cols()), ++seed, 0.3f);
    }
    if (basis == "rbf_adaptive")
        QVERIFY(std::count(names.begin(), names.end(), "rbf_centres") && std::count(names.begin(), names.end(), "rbf_log_widths"));
    if (basis == "af") QVERIFY(std::count(names.begin(), names.end(), "af_attention"));
    QCOMPARE(bool(std::count(names.begin(), names.end(), "ln_gain")), layerNorm);
    Matrix x = randomMatrix(3, 5, 11, 0.9f);
    for (Eigen::Index q = 0; q < x.size(); ++q) x(q) = std::round(x(q) * 10.f) / 10.f + 0.05f;  // away from kinks
    rig.inputs = {tensorValue(x)};
    gradientCheck(rig, {0}, 1e-3, 2e-2);
}

void TstKanAdaptive::regularizerReachesBasisTensors() {
    // Objective = the sparsity regulariser alone: its gradient reaches centres, widths and attention.
    for (BasisKind kind : {BasisKind::RbfAdaptive, BasisKind::Af}) {
        Rng rng(3);
        LayerConfig c;
        c.in = 2; c.out = 2; c.noiseScale = 3.f; c.basis = kind; c.grid = 3;
        Layer L(c, rng);
        Basis& b = const_cast<Basis&>(L.basis());
        b.param(0) += randomMatrix(int(b.param(0).rows()), int(b.param(0).cols()), 8, 0.2f);
        Matrix x = randomMatrix(2, 6, 21, 0.9f);
        const RegConfig reg{0.7, 0.4};
        auto objective = [&]() {
            Matrix y, gx;
            L.forward(x, y, true);
            L.zeroGrad();
            L.backward(Matrix::Zero(2, 6), &gx, &reg);
            return L.lastReg();
        };
        objective();
        for (int p = 0; p < b.paramCount(); ++p) {
            const Matrix g = b.paramGrad(p);
            QVERIFY2(g.cwiseAbs().maxCoeff() > 0, b.paramName(p));
            for (Eigen::Index q = 0; q < g.size(); ++q) {
                const float old = b.param(p)(q);
                b.param(p)(q) = old + 1e-3f;
                const double hi = objective();
                b.param(p)(q) = old - 1e-3f;
                const double lo = objective();
                b.param(p)(q) = old;
                const double num = (hi - lo) / 2e-3;
                QVERIFY2(std::abs(num - g(q)) < 2e-2 * std::max(1.0, std::abs(num)),
                         qPrintable(QString("%1[%2]: analytic %3 numeric %4").arg(b.paramName(p)).arg(q).arg(g(q)).arg(num)));
            }
        }
    }
}

void TstKanAdaptive::trainingCacheMatchesRecompute() {
    // The basis-tensor gradients from the values cached by the training forward equal the recomputed ones.
    for (BasisKind kind : {BasisKind::Af, BasisKind::RbfAdaptive}) {
        Basis b(kind, 3, 4, 2, -1.f, 1.f, kind == BasisKind::RbfAdaptive ? 1 : 0);
        for (int p = 0; p < b.paramCount(); ++p)
            b.param(p) += randomMatrix(3, int(b.param(p).cols()), unsigned(2 + p), 0.3f);
        const Matrix x = randomMatrix(3, 9, 3, 1.3f), gB = randomMatrix(3 * b.count(), 9, 4, 1.f);
        Matrix B(3 * b.count(), 9), dB(B.rows(), 9), aux(b.auxRows(), 9);
        QVERIFY(aux.rows() > 0);
        b.evaluateCols(x, B, &dB, 0, 9, &aux);
        b.accumulateParamGrads(x, gB, 0, 3, &aux);
        std::vector<Matrix> cached;
        for (int p = 0; p < b.paramCount(); ++p) cached.push_back(b.paramGrad(p));
        b.zeroParamGrads();
        b.accumulateParamGrads(x, gB, 0, 3);
        for (int p = 0; p < b.paramCount(); ++p) {
            QVERIFY(cached[size_t(p)].cwiseAbs().maxCoeff() > 0);
            QVERIFY2((cached[size_t(p)] - b.paramGrad(p)).cwiseAbs().maxCoeff() < 1e-5f, b.paramName(p));
        }
    }
}

namespace {
// A few Adam steps so every trainable tensor differs from its initial value.
void trainFew(KernelRig& rig, const Matrix& x, int steps) {
    Adam opt(rig.kernel->parameters(), 1e-2);
    rig.inputs = {tensorValue(x)};
    for (int s = 0; s < steps; ++s) {
        opt.zeroGrad();
        rig.forward(Phase::Train);
        const Matrix& y = rig.outputs[0].tensor;
        Matrix gy = y - Matrix::Constant(y.rows(), y.cols(), 0.5f);
        rig.backward({gy});
        opt.step();
        ++rig.step;
    }
}
}  // namespace

void TstKanAdaptive::stateRoundTrip_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<bool>("layerNorm");
    for (const char* b : {"rbf_adaptive", "af", "sine", "poly"}) QTest::newRow(b) << QString(b) << false;
    QTest::newRow("af + layer_norm") << "af" << true;
}

void TstKanAdaptive::stateRoundTrip() {
    QFETCH(QString, basis);
    QFETCH(bool, layerNorm);
    const std::vector<std::pair<std::string, ParamValue>> p = {
        {"width", std::int64_t(3)}, {"basis", basis.toStdString()}, {"layer_norm", layerNorm}};
    KernelRig a("KanLayer", p, {Shape::tensor(4)});
    const Matrix x = randomMatrix(4, 32, 6, 1.f);
    trainFew(a, x, 10);
    KernelRig b("KanLayer", p, {Shape::tensor(4)}, 999);
    b.kernel->loadState(a.kernel->saveState());
    a.inputs = {tensorValue(x)};
    b.inputs = {tensorValue(x)};
    a.forward(Phase::Test);
    b.forward(Phase::Test);
    QVERIFY((a.outputs[0].tensor - b.outputs[0].tensor).cwiseAbs().maxCoeff() < 1e-6f);
    // the trainable tensors were trained and restored
    auto pa = a.kernel->parameters(), pb = b.kernel->parameters();
    QCOMPARE(pa.size(), pb.size());
    for (size_t q = 0; q < pa.size(); ++q) QVERIFY2(*pa[q].value == *pb[q].value, pa[q].name.c_str());
}

void TstKanAdaptive::stateShapeErrorsNameTheEntry() {
    KernelRig a("KanLayer", {{"width", std::int64_t(2)}, {"basis", std::string("rbf_adaptive")}, {"layer_norm", true}},
                {Shape::tensor(3)});
    for (const char* entry : {"rbf_centres", "rbf_log_widths", "ln_gain", "ln_shift"}) {
        auto s = a.kernel->saveState();
        s[entry] = Matrix::Zero(1, 1);
        try {
            a.kernel->loadState(s);
            QFAIL(qPrintable(QString("wrong shape of %1 accepted").arg(entry)));
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains(entry), e.what());
        }
        s.erase(entry);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, a.kernel->loadState(s));
    }
}

void TstKanAdaptive::gridOperations_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<double>("tolerance");  // grid extension 4 → 8, max error relative to the range
    QTest::addColumn<bool>("layerNorm");
    QTest::newRow("rbf_adaptive") << "rbf_adaptive" << 5e-2 << false;
    QTest::newRow("af") << "af" << 5e-2 << false;
    QTest::newRow("af + layer_norm") << "af" << 5e-2 << true;
    QTest::newRow("sine") << "sine" << 1e-3 << false;
    QTest::newRow("poly") << "poly" << 1e-3 << false;
}

void TstKanAdaptive::gridOperations() {
    QFETCH(QString, basis);
    QFETCH(double, tolerance);
    QFETCH(bool, layerNorm);
    KernelRig rig("KanLayer", {{"width", std::int64_t(3)}, {"basis", basis.toStdString()}, {"grid", std::int64_t(4)},
                               {"noise_scale", 3.0}, {"layer_norm", layerNorm}},
                  {Shape::tensor(2)});
    auto* k = dynamic_cast<KanLayerKernel*>(rig.kernel.get());
    Matrix x = randomMatrix(2, 64, 9, 0.9f);
    if (layerNorm) x.row(1) *= 0.3f;  // two features: normalised, they become ±1 per sample
    trainFew(rig, x, 5);  // remembers inputs, moves the trainable tensors
    Matrix probe(2, 41), before, after;
    for (int p = 0; p < 41; ++p) probe.col(p).setConstant(-0.9f + 0.045f * float(p));
    Layer& L = k->layer();
    L.forward(probe, before, false);
    const double reported = k->extendGrid(8);
    QCOMPARE(L.config().grid, 8);
    QCOMPARE(L.coef.cols(), Eigen::Index(2 * L.nb()));
    L.forward(probe, after, false);
    const double range = std::max(1.0, double(before.maxCoeff() - before.minCoeff()));
    const double measured = (after - before).cwiseAbs().maxCoeff() / range;
    QVERIFY2(measured < tolerance, qPrintable(QString("extension changed the layer by %1 of its range").arg(measured)));
    QVERIFY(std::isfinite(reported));
    trainFew(rig, x, 3);  // an optimiser over the new shapes still trains
    // Batch operations take layer inputs; the grid lives where the edges see them.
    QVERIFY(std::isfinite(k->updateGrid()));
    const Matrix ex = L.edgeInputs(k->recentInputs());
    QVERIFY2(std::abs(L.basis().points(0)(0) - ex.row(0).minCoeff()) < 1e-4f,
             qPrintable(QString("grid starts at %1, edge inputs at %2").arg(L.basis().points(0)(0)).arg(ex.row(0).minCoeff())));
    const Matrix scores = L.edgeScores(k->recentInputs());
    Eigen::ArrayXd phi(ex.cols());
    for (Eigen::Index b = 0; b < ex.cols(); ++b) phi(b) = L.edge(1, 2, ex(1, b));
    const double sd = std::sqrt((phi - phi.mean()).square().mean());
    QVERIFY2(std::abs(scores(2, 1) - sd) < 1e-4 * std::max(1.0, sd), qPrintable(QString("score %1 vs %2").arg(scores(2, 1)).arg(sd)));
    // The KAN view's edge curves: sampled over the edge inputs' range, finite, with control points.
    Observables obs;
    k->observe(obs);
    const auto samples = obs.get<KanLayerSamples>("kan");
    QVERIFY(samples && samples->curves);
    QCOMPARE(samples->basis, basis.toStdString());
    QCOMPARE(int(samples->edges.size()), 6);
    for (const auto& e : samples->edges) {
        QVERIFY(!e.y.empty() && !e.ctrlX.empty());
        for (float v : e.y) QVERIFY(std::isfinite(v));
    }
    QVERIFY(std::abs(samples->lo[0] - std::min(L.basis().points(0)(0), ex.row(0).minCoeff())) < 1e-5f);
    const auto fits = k->suggest(0, 0);
    QVERIFY(!fits.empty());
    k->snap(0, 0, fits.front());
    QVERIFY(L.symbolic[0].fn >= 0);
    QCOMPARE(k->prune(1e9f), 6);  // every edge, the snapped one included
    rig.inputs = {tensorValue(x)};
    rig.forward(Phase::Test);
    QVERIFY(rig.outputs[0].tensor.allFinite());
}

void TstKanAdaptive::kmeansPlacesCentresOnClusters() {
    // Input 0 from clusters at -0.6, 0.1, 0.7 (σ 0.02); G = 2 → three centres.
    Matrix x(2, 90);
    Rng r(4);
    std::normal_distribution<float> n(0.f, 0.02f);
    const float cl[3] = {-0.6f, 0.1f, 0.7f};
    for (int b = 0; b < 90; ++b) {
        x(0, b) = cl[b % 3] + n(r);
        x(1, b) = 0.3f;  // constant input: keeps its grid kernels
    }
    auto centres = [&](std::uint64_t seed) {
        KernelRig rig("KanLayer", {{"basis", std::string("rbf_adaptive")}, {"grid", std::int64_t(2)}, {"kmeans_init", true}},
                      {Shape::tensor(2)}, seed);
        rig.inputs = {tensorValue(x)};
        rig.forward(Phase::Train);
        return Matrix(dynamic_cast<KanLayerKernel*>(rig.kernel.get())->layer().basis().param(0));
    };
    const Matrix c = centres(1);
    for (int j = 0; j < 3; ++j) QVERIFY2(std::abs(c(0, j) - cl[j]) < 0.02f, qPrintable(QString("centre %1 at %2").arg(j).arg(c(0, j))));
    QVERIFY(std::abs(c(1, 0) + 1.f) < 1e-6f && std::abs(c(1, 2) - 1.f) < 1e-6f);
    QVERIFY(c == centres(1));  // deterministic
}

void TstKanAdaptive::centresMoveTowardClusters() {
    // Two inputs, each drawn from three planted clusters; the target needs a distinct value per
    // cluster. Trained by gradient alone (no k-means), the centres drift toward the clusters.
    const float cl[2][3] = {{-0.55f, 0.15f, 0.65f}, {-0.75f, -0.05f, 0.45f}};
    Rng r(7);
    std::normal_distribution<float> n(0.f, 0.03f);
    std::uniform_int_distribution<int> pick(0, 2);
    const int N = 256;
    Matrix x(2, N), t(1, N);
    for (int b = 0; b < N; ++b) {
        const int a = pick(r), c = pick(r);
        x(0, b) = cl[0][a] + n(r);
        x(1, b) = cl[1][c] + n(r);
        t(0, b) = std::sin(2.f * float(a)) + 0.5f * float(c * c) - 1.f;
    }
    KernelRig rig("KanLayer", {{"width", std::int64_t(1)}, {"basis", std::string("rbf_adaptive")}, {"grid", std::int64_t(2)}},
                  {Shape::tensor(2)});
    const Basis& basis = dynamic_cast<KanLayerKernel*>(rig.kernel.get())->layer().basis();
    auto meanDistance = [&]() {
        double s = 0;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j) {
                double d = 1e9;
                for (float c : cl[i]) d = std::min(d, std::abs(double(basis.param(0)(i, j)) - c));
                s += d;
            }
        return s / 6;
    };
    const double before = meanDistance();
    Adam opt(rig.kernel->parameters(), 2e-2);
    rig.inputs = {tensorValue(x)};
    double loss = 0;
    for (int s = 0; s < 400; ++s) {
        opt.zeroGrad();
        rig.forward(Phase::Train);
        const Matrix gy = (rig.outputs[0].tensor - t) / float(N);
        loss = double(gy.squaredNorm()) * N;
        rig.backward({gy});
        opt.step();
    }
    const double after = meanDistance();
    qInfo("mean centre-to-cluster distance %.4f -> %.4f (final squared error %.4g)", before, after, loss);
    QVERIFY2(after < 0.5 * before, qPrintable(QString("mean centre-to-cluster distance %1 -> %2 (loss %3)").arg(before).arg(after).arg(loss)));
}

void TstKanAdaptive::buildErrors() {
    const NodeSpec* spec = NodeRegistry::instance().find("KanLayer");
    auto expectError = [&](std::vector<std::pair<std::string, ParamValue>> over, int inputs, const char* mentions) {
        ParamSet p = ParamSet::defaults(spec->params);
        for (auto& [key, v] : over) p.set(key, *spec->param(key)->coerce(v));
        Rng rng(1);
        auto k = spec->create();
        BuildContext bc{p, {Shape::tensor(inputs)}, rng, "KAN"};
        try {
            k->build(bc);
            QFAIL(qPrintable(QString("accepted, expected an error about %1").arg(mentions)));
        } catch (const BuildError& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    };
    expectError({{"sin_frequencies", std::int64_t(2)}}, 3, "sin_frequencies");
    expectError({{"basis", std::string("af")}, {"kmeans_init", true}}, 3, "kmeans_init");
    expectError({{"basis", std::string("af")}, {"layer_norm", true}}, 1, "layer_norm");
}

void TstKanAdaptive::layerNormSubsetIsRefused() {
    Rng rng(2);
    LayerConfig c;
    c.in = 3; c.out = 2; c.layerNorm = true; c.basis = BasisKind::Af;
    Layer L(c, rng);
    try {
        L.subset({0, 2}, {0, 1});
        QFAIL("subset of a layer-normalised layer accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("layer-normalised"), e.what());
    }
    const Layer S = L.subset({0, 1, 2}, {1});  // keeping every input is fine
    for (float x : {-0.5f, 0.4f}) QVERIFY(std::abs(S.edge(2, 0, x) - L.edge(2, 1, x)) < 1e-6f);
}

QTEST_GUILESS_MAIN(TstKanAdaptive)
#include "tst_kan_adaptive.moc"
