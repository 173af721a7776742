// The Delta activation layer: a forward pass computed by hand (2 features, 4 steps, θ = 0.1), the
// gradients of the sparsity penalty and of the straight-through path against finite differences,
// the sparsity observables on a constant sequence, a save/load round trip, and a recurrent network
// trained with the penalty becoming temporally sparser than without it at the same accuracy.
#include "core/engine/engine.h"
#include "core/graph/graph.h"
#include "core/nodes/delta_layer.h"
#include "kernel_harness.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

Matrix column(std::initializer_list<float> v) {
    Matrix m(Eigen::Index(v.size()), 1);
    Eigen::Index i = 0;
    for (float x : v) m(i++) = x;
    return m;
}

void expectNear(const Matrix& got, const Matrix& want, const char* what) {
    QCOMPARE(got.rows(), want.rows());
    QCOMPARE(got.cols(), want.cols());
    for (Eigen::Index i = 0; i < got.size(); ++i)
        QVERIFY2(std::abs(got(i) - want(i)) < 1e-6f,
                 qPrintable(QString("%1[%2]: %3, expected %4").arg(what).arg(i).arg(got(i)).arg(want(i))));
}

/// SequenceTask (2-delayed match) → τ-RNN (sequence) → DeltaLayer → LastStep → Dense → Loss, trained
/// for `steps` batches with the penalty λ; returns the Delta layer's and the readout's scalars.
std::map<std::string, double> trainWithPenalty(double lambda, int steps) {
    Graph g;
    g.settings().seed = 4;
    g.settings().evalEvery = 0;
    const NodeId task = g.addNode("SequenceTask");
    g.setParam(task, "task", std::string("delayed_match"));
    g.setParam(task, "n", std::int64_t(2));
    g.setParam(task, "length", std::int64_t(10));
    const NodeId rnn = g.addNode("TauRNN");
    g.setParam(rnn, "units", std::int64_t(16));
    const NodeId delta = g.addNode("DeltaLayer");
    g.setParam(delta, "threshold", 0.1);
    g.setParam(delta, "sparsity_penalty", lambda);
    const NodeId last = g.addNode("LastStep");
    const NodeId dense = g.addNode("Dense");
    g.setParam(dense, "units", std::int64_t(2));
    const NodeId loss = g.addNode("Loss");
    g.setParam(loss, "learning_rate", 0.01);
    const NodeId cls = g.addNode("Classifier");
    g.rename(delta, "delta");
    g.rename(cls, "readout");
    g.connect({task, "x"}, {rnn, "in"});
    g.connect({rnn, "out"}, {delta, "in"});
    g.connect({delta, "out"}, {last, "in"});
    g.connect({last, "out"}, {dense, "in"});
    g.connect({dense, "out"}, {loss, "pred"});
    g.connect({task, "y"}, {loss, "target"});
    g.connect({dense, "out"}, {cls, "logits"});
    g.connect({task, "y"}, {cls, "labels"});
    Engine e;
    const auto issues = e.build(g);
    if (!e.ok()) throw std::runtime_error(formatIssues(issues));
    for (int s = 0; s < steps; ++s)
        if (!e.step()) throw std::runtime_error(e.error());
    e.evaluate();
    return e.scalars();
}

}  // namespace

class TstDeltaLayer : public QObject {
    Q_OBJECT
private slots:
    void handComputedForward() {
        KernelRig rig("DeltaLayer", {{"threshold", 0.1}, {"sparsity_penalty", 0.5}}, {Shape::sequence(2, 4)});
        QVERIFY(rig.outShapes[0] == Shape::sequence(2, 4));
        // rows t·2 + i; feature 0: 0.5 0.55 0.8 0.75, feature 1: 0 0.08 0.16 0.1
        rig.inputs = {tensorValue(column({0.5f, 0.f, 0.55f, 0.08f, 0.8f, 0.16f, 0.75f, 0.1f}))};
        rig.forward();
        // feature 0: Δ = 0.5 (sent), 0.05 (held), 0.3 (sent), −0.05 (held) → â = 0.5 0.5 0.8 0.8
        // feature 1: Δ = 0 (held), 0.08 (held), 0.16 (sent), −0.06 (held) → â = 0 0 0.16 0.16
        expectNear(rig.outputs[0].tensor, column({0.5f, 0.f, 0.5f, 0.f, 0.8f, 0.16f, 0.8f, 0.16f}), "held");
        const auto& k = static_cast<DeltaLayerKernel&>(*rig.kernel);
        expectNear(k.deltas(), column({0.5f, 0.f, 0.f, 0.f, 0.3f, 0.16f, 0.f, 0.f}), "delta");
        QVERIFY(std::abs(k.penalty() - 0.5 * (0.5 + 0.3 + 0.16)) < 1e-6);
        Observables obs;
        k.observe(obs);
        QCOMPARE(obs.scalars.at("spatial_sparsity"), 1.0 / 8);       // the one exact zero of a
        QCOMPARE(obs.scalars.at("temporal_sparsity"), 4.0 / 6);      // steps 1..3: 4 of 6 held
        QCOMPARE(obs.scalars.at("delta_skipped_macs"), 1.0 - 7.0 / 8);  // 3 deltas + 4 accumulates of 8
        // a test pass reports no penalty (it is a training term)
        rig.forward(Phase::Test);
        QCOMPARE(k.penalty(), 0.0);
    }

    void straightThroughGradientAtZeroThreshold() {
        // θ = 0, λ = 0: the layer is the identity and the straight-through gradient exact
        KernelRig rig("DeltaLayer", {{"threshold", 0.0}, {"sparsity_penalty", 0.0}}, {Shape::sequence(3, 5)});
        rig.inputs = {tensorValue(randomMatrix(15, 4, 3, 1.f))};
        rig.forward();
        expectNear(rig.outputs[0].tensor, rig.inputs[0].tensor, "identity");
        gradientCheck(rig, {0}, 1e-3, 1e-3);
    }

    void penaltyGradient() {
        // θ = 0, λ = 0.7: the objective sum(y ∘ R) + penalty is λ/B·Σ|a_t − a_{t−1}| plus a linear term
        KernelRig rig("DeltaLayer", {{"threshold", 0.0}, {"sparsity_penalty", 0.7}}, {Shape::sequence(3, 5)});
        rig.inputs = {tensorValue(randomMatrix(15, 4, 5, 1.f))};
        const Matrix R = randomMatrix(15, 4, 9, 1.f);
        const auto objective = [&] {
            rig.forward();
            return double((rig.outputs[0].tensor.array() * R.array()).sum()) + rig.kernel->penalty();
        };
        objective();
        QVERIFY(rig.kernel->penalty() > 0);
        const Matrix g = rig.backward({R})[0];
        Matrix& x = rig.inputs[0].tensor;
        const float eps = 1e-3f;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            const float old = x(i);
            x(i) = old + eps;
            const double lp = objective();
            x(i) = old - eps;
            const double lm = objective();
            x(i) = old;
            const double numeric = (lp - lm) / (2 * eps);
            QVERIFY2(std::abs(numeric - g(i)) < 2e-3,
                     qPrintable(QString("input %1: analytic %2 vs numeric %3").arg(i).arg(g(i)).arg(numeric)));
        }
        // the penalty's own part: backward with no output gradient gives only λ/B·(sign Δ_t − sign Δ_{t+1})
        objective();
        const Matrix gp = rig.backward({Matrix()})[0];
        expectNear(gp, g - R, "penalty gradient");
    }

    void constantSequenceIsTemporallySparse() {
        KernelRig rig("DeltaLayer", {{"threshold", 0.05}}, {Shape::sequence(3, 5)});
        Matrix x(15, 2);
        for (int t = 0; t < 5; ++t) x.middleRows(3 * t, 3) << 1.f, 0.5f, 0.f, 0.f, -2.f, 3.f;
        rig.inputs = {tensorValue(x)};
        rig.forward();
        expectNear(rig.outputs[0].tensor, x, "held constant");
        Observables obs;
        rig.kernel->observe(obs);
        QCOMPARE(obs.scalars.at("temporal_sparsity"), 1.0);
        QCOMPARE(obs.scalars.at("spatial_sparsity"), 10.0 / 30);
        // only the first step's 4 non-zero values are sent, plus 5·2 accumulates, of 30 MACs
        QCOMPARE(obs.scalars.at("delta_skipped_macs"), 1.0 - 14.0 / 30);
    }

    void saveLoadRoundTrip() {
        // the layer learns nothing: its state is empty, and a kernel built from another seed and
        // loaded with it computes the same held values, deltas and penalty
        const std::vector<std::pair<std::string, ParamValue>> p = {{"threshold", 0.2}, {"sparsity_penalty", 0.3}};
        KernelRig a("DeltaLayer", p, {Shape::sequence(3, 6)}, 1);
        KernelRig b("DeltaLayer", p, {Shape::sequence(3, 6)}, 2);
        const KernelState state = a.kernel->saveState();
        QVERIFY(state.empty());
        b.kernel->loadState(state);
        a.inputs = b.inputs = {tensorValue(randomMatrix(18, 5, 4, 1.f))};
        a.forward();
        b.forward();
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);
        QCOMPARE(a.kernel->penalty(), b.kernel->penalty());
        QVERIFY(static_cast<DeltaLayerKernel&>(*a.kernel).deltas().cwiseAbs().maxCoeff() > 0.2f);
    }

    void penaltyTeachesTemporalSparsity() {
        // the same network and data with and without the penalty: trained through the held values
        // (straight through) it keeps solving the task, and the penalty makes its activity change less
        const auto plain = trainWithPenalty(0.0, 400);
        const auto sparse = trainWithPenalty(0.001, 400);
        const double t0 = plain.at("delta/temporal_sparsity"), t1 = sparse.at("delta/temporal_sparsity");
        qInfo("temporal sparsity %.3f without the penalty, %.3f with λ = 0.001; test accuracy %.3f / %.3f", t0, t1,
              plain.at("readout/test_accuracy"), sparse.at("readout/test_accuracy"));
        QVERIFY2(t1 > t0 + 0.05, qPrintable(QString("temporal sparsity %1 vs %2").arg(t1).arg(t0)));
        QVERIFY(sparse.at("delta/delta_skipped_macs") > plain.at("delta/delta_skipped_macs"));
        QVERIFY(plain.at("readout/test_accuracy") > 0.8);
        QVERIFY(sparse.at("readout/test_accuracy") > 0.8);
    }
};

QTEST_GUILESS_MAIN(TstDeltaLayer)
#include "tst_delta_layer.moc"
