// Recurrent cells (LSTM, GRU, τ-RNN): gradients through time against finite differences, the LSTM
// and GRU forward against a plain scalar implementation of PyTorch's equations written here, τ
// kept ≥ 1, and saved state reproducing outputs in a kernel built from another seed. Truncated
// BPTT (bptt_steps) of every node that carries state through time: exact full BPTT when the chunk
// covers the sequence, an LSTM's K = 1 gradient written out by hand, contributions older than the
// chunk absent while the ones inside it match finite differences, bad values refused by name; a
// state carried across two batches equals one long sequence truncated at the batch boundary.
#include "core/graph/graph.h"
#include "core/graph/validate.h"
#include "core/rnn/gru.h"
#include "core/rnn/lstm.h"
#include "core/rnn/tau_rnn.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

constexpr int kIn = 3, kSteps = 4, kBatch = 2;

float sigmoid(float v) { return 1.f / (1.f + std::exp(-v)); }

/// Every parameter of the rig moved off its initial value (so a zero initial state, a shared τ
/// or a zero bias cannot hide a wrong gradient).
void perturb(KernelRig& rig, unsigned seed) {
    for (auto& p : rig.kernel->parameters()) {
        const Matrix r = randomMatrix(int(p.value->rows()), int(p.value->cols()), seed++, 0.5f);
        if (p.name == "tau") *p.value = (r.array() + 2.f).matrix();  // τ in [1.5, 2.5]
        else *p.value += r;
    }
}

/// x_t of sample b from a (T·in) x B time-major sequence.
float xAt(const Matrix& x, int t, int i, int b) { return x(t * kIn + i, b); }

using Overrides = std::vector<std::pair<std::string, ParamValue>>;

/// Every node type that carries state through time, configured so its gradient is exact (smooth
/// spikes), for a 6-step sequence of kIn features.
constexpr int kLong = 6;
Overrides statefulParams(const QString& type) {
    if (type == "LIFLayer")
        return {{"units", 3}, {"steps", kLong}, {"smooth_forward", true}, {"recurrent", true},
                {"learn_beta", true}, {"learn_threshold", true}};
    if (type == "L2MU") return {{"units", 3}, {"order", 3}, {"theta", 4.0}, {"smooth_forward", true}};
    if (type == "DeltaLayer") return {{"threshold", 0.0}, {"sparsity_penalty", 0.3}};
    return {{"units", 3}, {"learn_initial_state", true}};
}

struct Grads {
    Matrix in;                  ///< dL/dx
    std::vector<Matrix> param;  ///< dL/d(each parameter)
};

/// L = sum(y .* R) on the 6-step sequence x, with bptt_steps = K: the rig (for finite differences)
/// and the analytic gradients.
Grads truncatedGrads(const QString& type, int K, const Matrix& x, const Matrix& R, std::unique_ptr<KernelRig>* keep = nullptr) {
    Overrides o = statefulParams(type);
    o.push_back({"bptt_steps", K});
    auto rig = std::make_unique<KernelRig>(type.toStdString(), o, std::vector<Shape>{Shape::sequence(kIn, kLong)}, 5);
    perturb(*rig, 31);
    rig->inputs = {tensorValue(x)};
    rig->forward();
    for (auto& p : rig->kernel->parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
    Grads g;
    g.in = rig->backward({R})[0];
    for (auto& p : rig->kernel->parameters()) g.param.push_back(*p.grad);
    if (keep) *keep = std::move(rig);
    return g;
}

void compareClose(const Matrix& a, const Matrix& b, const char* what) {
    QVERIFY2(a.rows() == b.rows() && a.cols() == b.cols(), what);
    const float diff = (a - b).cwiseAbs().maxCoeff(), scale = std::max(1.f, b.cwiseAbs().maxCoeff());
    QVERIFY2(diff <= 1e-5f * scale, qPrintable(QString("%1 differs by %2").arg(what).arg(diff)));
}

double weightedSum(KernelRig& rig, const Matrix& R) {
    rig.forward();
    return double((rig.outputs[0].tensor.array() * R.array()).sum());
}

}  // namespace

class TstRecurrent : public QObject {
    Q_OBJECT
private slots:
    void gradientsThroughTime_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("output");
        QTest::addColumn<bool>("bidirectional");
        for (const char* t : {"LSTM", "GRU", "TauRNN"})
            for (const char* o : {"sequence", "last"})
                for (bool bi : {false, true})
                    QTest::newRow(qPrintable(QString("%1 %2%3").arg(t, o, bi ? " bidirectional" : ""))) << t << o << bi;
    }
    void gradientsThroughTime() {
        QFETCH(QString, type);
        QFETCH(QString, output);
        QFETCH(bool, bidirectional);
        KernelRig rig(type.toStdString(),
                      {{"units", 3}, {"output", output.toStdString()}, {"learn_initial_state", true}, {"bidirectional", bidirectional}},
                      {Shape::sequence(kIn, kSteps)});
        const int width = bidirectional ? 6 : 3;
        QVERIFY(rig.outShapes[0] == (output == "last" ? Shape::tensor(width) : Shape::sequence(width, kSteps)));
        perturb(rig, 11);
        rig.inputs = {tensorValue(randomMatrix(kIn * kSteps, kBatch, 5, 1.f))};
        // the input, Wx, Wh, biases, initial state(s) and τ, all through the 4 steps
        gradientCheck(rig, {0}, 1e-3, 5e-3);
        const auto names = [&] {
            QStringList n;
            for (auto& p : rig.kernel->parameters()) n << QString::fromStdString(p.name);
            return n;
        }();
        QVERIFY(names.contains("initial_state"));
        if (type == "TauRNN") QVERIFY(names.contains("tau"));
        if (type == "LSTM") QVERIFY(names.contains("initial_cell"));
    }

    void lstmMatchesScalarReference() {
        // 2 units, 3 steps, PyTorch's nn.LSTM equations one scalar at a time
        KernelRig rig("LSTM", {{"units", 2}}, {Shape::sequence(kIn, 3)}, 42);
        auto& k = static_cast<LstmKernel&>(*rig.kernel);
        const Matrix x = randomMatrix(kIn * 3, kBatch, 8, 1.f);
        rig.inputs = {tensorValue(x)};
        rig.forward();
        const Matrix& y = rig.outputs[0].tensor;
        QCOMPARE(y.rows(), Eigen::Index(2 * 3));
        for (int b = 0; b < kBatch; ++b) {
            float h[2] = {0, 0}, c[2] = {0, 0};
            for (int t = 0; t < 3; ++t) {
                float a[8];
                for (int r = 0; r < 8; ++r) {  // rows: i0 i1 f0 f1 g0 g1 o0 o1
                    a[r] = k.b(r);
                    for (int i = 0; i < kIn; ++i) a[r] += k.Wx(r, i) * xAt(x, t, i, b);
                    for (int j = 0; j < 2; ++j) a[r] += k.Wh(r, j) * h[j];
                }
                for (int u = 0; u < 2; ++u) {
                    const float ig = sigmoid(a[u]), fg = sigmoid(a[2 + u]), gg = std::tanh(a[4 + u]);
                    c[u] = fg * c[u] + ig * gg;
                }
                for (int u = 0; u < 2; ++u) h[u] = sigmoid(a[6 + u]) * std::tanh(c[u]);
                for (int u = 0; u < 2; ++u)
                    QVERIFY2(std::abs(y(t * 2 + u, b) - h[u]) < 1e-5f,
                             qPrintable(QString("h[%1] of step %2, sample %3: %4 vs %5").arg(u).arg(t).arg(b)
                                            .arg(y(t * 2 + u, b)).arg(h[u])));
            }
        }
    }

    void gruMatchesScalarReference() {
        KernelRig rig("GRU", {{"units", 2}, {"output", "last"}}, {Shape::sequence(kIn, 3)}, 43);
        auto& k = static_cast<GruKernel&>(*rig.kernel);
        const Matrix x = randomMatrix(kIn * 3, kBatch, 9, 1.f);
        rig.inputs = {tensorValue(x)};
        rig.forward();
        const Matrix& y = rig.outputs[0].tensor;
        QCOMPARE(y.rows(), Eigen::Index(2));
        for (int b = 0; b < kBatch; ++b) {
            float h[2] = {0, 0};
            for (int t = 0; t < 3; ++t) {
                float xi[6], hh[6];  // rows: r0 r1 z0 z1 n0 n1
                for (int r = 0; r < 6; ++r) {
                    xi[r] = k.b(r);
                    hh[r] = k.bh(r);
                    for (int i = 0; i < kIn; ++i) xi[r] += k.Wx(r, i) * xAt(x, t, i, b);
                    for (int j = 0; j < 2; ++j) hh[r] += k.Wh(r, j) * h[j];
                }
                float next[2];
                for (int u = 0; u < 2; ++u) {
                    const float r = sigmoid(xi[u] + hh[u]), z = sigmoid(xi[2 + u] + hh[2 + u]);
                    const float n = std::tanh(xi[4 + u] + r * hh[4 + u]);
                    next[u] = (1 - z) * n + z * h[u];
                }
                h[0] = next[0];
                h[1] = next[1];
            }
            for (int u = 0; u < 2; ++u)
                QVERIFY2(std::abs(y(u, b) - h[u]) < 1e-5f,
                         qPrintable(QString("h[%1] of sample %2: %3 vs %4").arg(u).arg(b).arg(y(u, b)).arg(h[u])));
        }
    }

    void bidirectionalStacksBothDirections_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("output");
        for (const char* t : {"LSTM", "GRU", "TauRNN"})
            for (const char* o : {"sequence", "last"}) QTest::newRow(qPrintable(QString("%1 %2").arg(t, o))) << t << o;
    }
    void bidirectionalStacksBothDirections() {
        // = a one-way layer with the forward weights over one with the reverse weights that reads
        // the steps backwards (its step T−1−t beside step t; for "last", its final state)
        QFETCH(QString, type);
        QFETCH(QString, output);
        const bool last = output == "last";
        const std::string o = output.toStdString();
        KernelRig bi(type.toStdString(), {{"units", 3}, {"output", o}, {"bidirectional", true}}, {Shape::sequence(kIn, kSteps)}, 8);
        perturb(bi, 41);
        KernelRig fw(type.toStdString(), {{"units", 3}, {"output", o}}, {Shape::sequence(kIn, kSteps)}, 9);
        KernelRig bw(type.toStdString(), {{"units", 3}, {"output", o}}, {Shape::sequence(kIn, kSteps)}, 10);
        KernelState f, b;
        for (const auto& [key, m] : bi.kernel->saveState()) {
            if (key.rfind("reverse_", 0) == 0) b[key.substr(8)] = m;
            else f[key] = m;
        }
        fw.kernel->loadState(f);
        bw.kernel->loadState(b);
        const Matrix x = randomMatrix(kIn * kSteps, kBatch, 12, 1.f);
        Matrix xr(x.rows(), x.cols());
        for (int t = 0; t < kSteps; ++t) xr.middleRows((kSteps - 1 - t) * kIn, kIn) = x.middleRows(t * kIn, kIn);
        bi.inputs = fw.inputs = {tensorValue(x)};
        bw.inputs = {tensorValue(xr)};
        bi.forward();
        fw.forward();
        bw.forward();
        const Matrix& y = bi.outputs[0].tensor;
        const Matrix &yf = fw.outputs[0].tensor, &yb = bw.outputs[0].tensor;
        if (last) {
            QVERIFY(y.topRows(3) == yf);
            QVERIFY(y.bottomRows(3) == yb);
        } else {
            for (int t = 0; t < kSteps; ++t) {
                QVERIFY(y.middleRows(6 * t, 3) == yf.middleRows(3 * t, 3));
                QVERIFY(y.middleRows(6 * t + 3, 3) == yb.middleRows(3 * (kSteps - 1 - t), 3));
            }
        }
    }

    void tauRnnLeaksByItsTimeConstant() {
        // with W = U = b = 0 the state decays by (1 − 1/τ) per step from a learned initial state
        KernelRig rig("TauRNN", {{"units", 2}, {"tau_init", 4.0}, {"learn_initial_state", true}},
                      {Shape::sequence(kIn, 3)});
        auto& k = static_cast<TauRnnKernel&>(*rig.kernel);
        k.Wx.setZero();
        k.Wh.setZero();
        k.b.setZero();
        k.h0 << 1.f, -2.f;
        rig.inputs = {tensorValue(randomMatrix(kIn * 3, kBatch, 3, 1.f))};
        rig.forward();
        const Matrix& y = rig.outputs[0].tensor;
        for (int t = 0; t < 3; ++t)
            for (int b = 0; b < kBatch; ++b) {
                QCOMPARE(y(t * 2, b), std::pow(0.75f, float(t + 1)));
                QCOMPARE(y(t * 2 + 1, b), -2.f * std::pow(0.75f, float(t + 1)));
            }
        // the projection keeps τ ≥ 1
        for (auto& p : k.parameters())
            if (p.name == "tau") {
                QVERIFY(p.project);
                *p.value << -3.f, 0.5f;
                p.project(*p.value, p.user);
                QCOMPARE(k.tau(0), 1.f);
                QCOMPARE(k.tau(1), 1.f);
            }
    }

    void twoThreadsComputeTheSame_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"LSTM", "GRU", "TauRNN"}) QTest::newRow(t) << t;
    }
    void twoThreadsComputeTheSame() {
        // the batch cut into two lanes run on two threads: the same outputs and gradients
        QFETCH(QString, type);
        const std::vector<std::pair<std::string, ParamValue>> params{{"units", 5}, {"learn_initial_state", true}};
        const Matrix x = randomMatrix(kIn * kSteps, 40, 4, 1.f), g = randomMatrix(5 * kSteps, 40, 5, 1.f);
        std::vector<Matrix> outs, grads;
        for (int threads : {1, 2}) {
            setRecurrentThreads(threads);
            KernelRig rig(type.toStdString(), params, {Shape::sequence(kIn, kSteps)}, 3);
            perturb(rig, 31);
            rig.inputs = {tensorValue(x)};
            rig.forward();
            outs.push_back(rig.outputs[0].tensor);
            grads.push_back(rig.backward({g})[0]);
            for (auto& p : rig.kernel->parameters()) grads.push_back(*p.grad);
        }
        setRecurrentThreads(1);
        QVERIFY((outs[0] - outs[1]).cwiseAbs().maxCoeff() <= 1e-6f);
        const std::size_t n = grads.size() / 2;
        for (std::size_t i = 0; i < n; ++i)
            QVERIFY2((grads[i] - grads[n + i]).cwiseAbs().maxCoeff() <= 1e-5f * std::max(1.f, grads[i].cwiseAbs().maxCoeff()),
                     qPrintable(QString("gradient %1").arg(i)));
    }

    void truncationCoveringTheSequenceIsFullBptt_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"LSTM", "GRU", "TauRNN", "LIFLayer", "L2MU", "DeltaLayer"}) QTest::newRow(t) << t;
    }
    void truncationCoveringTheSequenceIsFullBptt() {
        QFETCH(QString, type);
        const Matrix x = randomMatrix(kIn * kLong, kBatch, 12, 1.f);
        const int rows = type == "DeltaLayer" ? kIn : 3;
        const Matrix R = randomMatrix(rows * kLong, kBatch, 13, 1.f);
        const Grads full = truncatedGrads(type, 0, x, R);
        for (int K : {kLong, kLong + 3}) {  // K ≥ T: bit for bit the full gradient
            const Grads g = truncatedGrads(type, K, x, R);
            QVERIFY2(g.in == full.in, qPrintable(QString("input gradient with K = %1").arg(K)));
            QCOMPARE(g.param.size(), full.param.size());
            for (std::size_t i = 0; i < g.param.size(); ++i)
                QVERIFY2(g.param[i] == full.param[i], qPrintable(QString("parameter %1 with K = %2").arg(i).arg(K)));
        }
        const Grads cut = truncatedGrads(type, 2, x, R);  // and a shorter chunk changes it
        QVERIFY((cut.in - full.in).cwiseAbs().maxCoeff() > 1e-4f);
    }

    void truncationDropsOlderContributions_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"LSTM", "GRU", "TauRNN", "LIFLayer", "L2MU"}) QTest::newRow(t) << t;
    }
    void truncationDropsOlderContributions() {
        // K = 2 and a loss on the last step only: steps 4 and 5 form its chunk
        QFETCH(QString, type);
        const Matrix x = randomMatrix(kIn * kLong, kBatch, 14, 1.f);
        Matrix R = Matrix::Zero(3 * kLong, kBatch);
        R.bottomRows(3) = randomMatrix(3, kBatch, 15, 1.f);
        std::unique_ptr<KernelRig> rig;
        const Grads g = truncatedGrads(type, 2, x, R, &rig);
        double olderEffect = 0;
        for (Eigen::Index k = 0; k < x.size(); ++k) {
            Matrix& xi = rig->inputs[0].tensor;
            const float old = xi(k);
            xi(k) = old + 1e-3f;
            const double lp = weightedSum(*rig, R);
            xi(k) = old - 1e-3f;
            const double lm = weightedSum(*rig, R);
            xi(k) = old;
            const double numeric = (lp - lm) / 2e-3;
            const int step = int((k % x.rows()) / kIn);
            if (step < kLong - 2) {  // older than the chunk: absent, though the loss does depend on it
                QVERIFY2(g.in(k) == 0.f, qPrintable(QString("x of step %1 got %2").arg(step).arg(g.in(k))));
                olderEffect = std::max(olderEffect, std::abs(numeric));
            } else {  // inside it: the exact derivative
                const double scale = std::max({1.0, std::abs(numeric), double(std::abs(g.in(k)))});
                QVERIFY2(std::abs(numeric - g.in(k)) / scale < 2e-2,
                         qPrintable(QString("x of step %1: analytic %2 vs numeric %3").arg(step).arg(g.in(k)).arg(numeric)));
            }
        }
        QVERIFY2(olderEffect > 1e-3, qPrintable(QString("older steps barely matter (%1): the check proves nothing").arg(olderEffect)));
    }

    void lstmTruncatedToOneStepByHand() {
        // K = 1, 2 units, 3 steps: each step's gradient stops at h_{t−1} and c_{t−1}
        const int T = 3;
        KernelRig rig("LSTM", {{"units", 2}, {"bptt_steps", 1}}, {Shape::sequence(kIn, T)}, 42);
        auto& k = static_cast<LstmKernel&>(*rig.kernel);
        const Matrix x = randomMatrix(kIn * T, kBatch, 8, 1.f), R = randomMatrix(2 * T, kBatch, 9, 1.f);
        rig.inputs = {tensorValue(x)};
        rig.forward();
        for (auto& p : k.parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
        const Matrix dx = rig.backward({R})[0];
        Eigen::MatrixXd dWx = Eigen::MatrixXd::Zero(8, kIn), dWh = Eigen::MatrixXd::Zero(8, 2), db = Eigen::MatrixXd::Zero(8, 1);
        Eigen::MatrixXd dxRef = Eigen::MatrixXd::Zero(kIn * T, kBatch);
        for (int b = 0; b < kBatch; ++b) {
            double h[2] = {0, 0}, c[2] = {0, 0};
            for (int t = 0; t < T; ++t) {
                double a[8], gate[8], cn[2], d[8];
                for (int r = 0; r < 8; ++r) {  // rows: i0 i1 f0 f1 g0 g1 o0 o1
                    a[r] = k.b(r);
                    for (int i = 0; i < kIn; ++i) a[r] += k.Wx(r, i) * xAt(x, t, i, b);
                    for (int j = 0; j < 2; ++j) a[r] += k.Wh(r, j) * h[j];
                    gate[r] = r / 2 == 2 ? std::tanh(a[r]) : 1 / (1 + std::exp(-a[r]));
                }
                for (int u = 0; u < 2; ++u) {
                    const double i = gate[u], f = gate[2 + u], g = gate[4 + u], o = gate[6 + u];
                    cn[u] = f * c[u] + i * g;
                    const double tc = std::tanh(cn[u]), dh = R(t * 2 + u, b);  // only this step's output
                    const double dc = dh * o * (1 - tc * tc);                 // nothing from step t + 1
                    d[u] = dc * g * i * (1 - i);
                    d[2 + u] = dc * c[u] * f * (1 - f);
                    d[4 + u] = dc * i * (1 - g * g);
                    d[6 + u] = dh * tc * o * (1 - o);
                }
                for (int r = 0; r < 8; ++r) {
                    db(r) += d[r];
                    for (int i = 0; i < kIn; ++i) {
                        dWx(r, i) += d[r] * xAt(x, t, i, b);
                        dxRef(t * kIn + i, b) += k.Wx(r, i) * d[r];
                    }
                    for (int j = 0; j < 2; ++j) dWh(r, j) += d[r] * h[j];
                }
                for (int u = 0; u < 2; ++u) {
                    c[u] = cn[u];
                    h[u] = gate[6 + u] * std::tanh(cn[u]);
                }
            }
        }
        const auto near = [](const Matrix& got, const Eigen::MatrixXd& want) {
            return (got.cast<double>() - want).cwiseAbs().maxCoeff() < 1e-5;
        };
        QVERIFY2(near(k.dWx, dWx), "input weight gradient");
        QVERIFY2(near(k.dWh, dWh), "recurrent weight gradient");
        QVERIFY2(near(k.db, db), "bias gradient");
        QVERIFY2(near(dx, dxRef), "input gradient");
        // full BPTT differs from the hand-computed truncated gradient, so the comparison can fail
        KernelRig full("LSTM", {{"units", 2}}, {Shape::sequence(kIn, T)}, 42);
        full.inputs = {tensorValue(x)};
        full.forward();
        QVERIFY(!near(full.backward({R})[0], dxRef));
    }

    void carriedStateContinuesTheStream_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"LSTM", "GRU", "TauRNN"}) QTest::newRow(t) << t;
    }
    void carriedStateContinuesTheStream() {
        // two batches of 3 steps carried over = one 6-step sequence whose gradient stops at step 3
        QFETCH(QString, type);
        const int T = 3;
        const Overrides base{{"units", 3}, {"learn_initial_state", true}};
        Overrides carry = base, whole = base;
        carry.push_back({"carry_state", true});
        whole.push_back({"bptt_steps", T});
        KernelRig c(type.toStdString(), carry, {Shape::sequence(kIn, T)}, 3);
        KernelRig w(type.toStdString(), whole, {Shape::sequence(kIn, 2 * T)}, 3);
        perturb(c, 41);
        perturb(w, 41);
        const Matrix x = randomMatrix(kIn * 2 * T, kBatch, 16, 1.f);
        Matrix R = randomMatrix(3 * 2 * T, kBatch, 17, 1.f);
        R.topRows(3 * T).setZero();  // the loss on the second half only
        c.inputs = {tensorValue(x.topRows(kIn * T))};
        c.forward();
        c.inputs = {tensorValue(randomMatrix(kIn * T, 5, 18, 1.f))};  // a test evaluation in between
        c.forward(Phase::Test);
        c.inputs = {tensorValue(x.bottomRows(kIn * T))};
        c.forward();
        w.inputs = {tensorValue(x)};
        w.forward();
        compareClose(c.outputs[0].tensor, w.outputs[0].tensor.bottomRows(3 * T), "second batch's states");
        for (auto* r : {&c, &w})
            for (auto& p : r->kernel->parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
        const Matrix dxc = c.backward({R.bottomRows(3 * T)})[0];
        const Matrix dxw = w.backward({R})[0];
        compareClose(dxc, dxw.bottomRows(kIn * T), "input gradient");
        QVERIFY(dxw.topRows(kIn * T).isZero(0));  // nothing crosses into the first batch
        auto pc = c.kernel->parameters(), pw = w.kernel->parameters();
        for (std::size_t i = 0; i < pc.size(); ++i) compareClose(*pc[i].grad, *pw[i].grad, pc[i].name.c_str());
        // without carry_state the second batch starts afresh and differs
        KernelRig fresh(type.toStdString(), base, {Shape::sequence(kIn, T)}, 3);
        perturb(fresh, 41);
        fresh.inputs = {tensorValue(x.bottomRows(kIn * T))};
        fresh.forward();
        QVERIFY((fresh.outputs[0].tensor - c.outputs[0].tensor).cwiseAbs().maxCoeff() > 1e-3f);
    }

    void badTruncationRefusedByName() {
        for (const char* type : {"LSTM", "LIFLayer", "L2MU", "DeltaLayer"}) {
            Graph g;
            const NodeId id = g.addNode(type);
            const auto err = g.setParam(id, "bptt_steps", std::int64_t(-3));
            QVERIFY2(err && err->find("bptt_steps") != std::string::npos, type);
            Node n = *g.node(id);
            g.removeNode(id);
            n.params.set("bptt_steps", std::int64_t(-3));  // e.g. a hand-edited file
            g.insertNode(n);
            std::string found;  // (the unconnected input is reported too)
            for (const auto& i : validateStructure(g))
                if (i.message.find("bptt_steps") != std::string::npos) found = i.message;
            QVERIFY2(found.find("node '" + n.name + "'") != std::string::npos && found.find("-3") != std::string::npos,
                     found.c_str());
        }
    }

    void sequenceInputRequired() {
        try {
            KernelRig rig("LSTM", {}, {Shape::tensor(12)});
            QFAIL("a plain tensor was accepted");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("in"));
            QVERIFY(QString(e.what()).contains("expects a sequence"));
        }
    }

    void stateReproducesOutputsAcrossSeeds_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"LSTM", "GRU", "TauRNN"}) QTest::newRow(t) << t;
    }
    void stateReproducesOutputsAcrossSeeds() {
        QFETCH(QString, type);
        const std::vector<std::pair<std::string, ParamValue>> params{
            {"units", 4}, {"learn_initial_state", true}, {"bidirectional", true}};
        KernelRig a(type.toStdString(), params, {Shape::sequence(kIn, kSteps)}, 1);
        perturb(a, 21);
        KernelRig b(type.toStdString(), params, {Shape::sequence(kIn, kSteps)}, 777);
        const Matrix x = randomMatrix(kIn * kSteps, 5, 6, 1.f);
        a.inputs = b.inputs = {tensorValue(x)};
        a.forward();
        b.forward();
        QVERIFY(a.outputs[0].tensor != b.outputs[0].tensor);
        b.kernel->loadState(a.kernel->saveState());
        b.forward();
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);  // bit for bit
        // a wrong-shaped entry is refused by name and changes nothing
        KernelState bad = a.kernel->saveState();
        bad["recurrent_weight"] = Matrix::Zero(2, 2);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, b.kernel->loadState(bad));
        b.forward();
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);
    }
};

QTEST_GUILESS_MAIN(TstRecurrent)
#include "tst_recurrent.moc"
