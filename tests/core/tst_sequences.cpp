// Sequences through the engine: a node that knows nothing of time (Dense, Loss) applies to every
// step, reducers (MeanOverTime) shape them, gradients flow through time across node boundaries
// (two recurrent layers in a graph give what the same kernels give chained by hand), sequence
// lengths that disagree are refused naming the node and the port, and the spiking nodes declare
// their sequences through Shape::steps. Data: sequential Fashion-MNIST (rows as 28 steps).
#include "core/engine/engine.h"
#include "core/g2g/fashion_mnist.h"
#include "core/nodes/dense.h"
#include "core/nodes/loss.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

constexpr int kB = 3, kT = 28, kF = 28;

/// FashionMNIST emitting its first kB training images (in order) as sequences of 28 rows.
NodeId addRows(Graph& g) {
    const NodeId f = g.addNode("FashionMNIST");
    g.setParam(f, "rows_as_steps", true);
    g.setParam(f, "batch_size", std::int64_t(kB));
    g.setParam(f, "train_subset", std::int64_t(kB));
    g.setParam(f, "test_subset", std::int64_t(kB));
    g.setParam(f, "shuffle", false);
    g.setParam(f, "normalisation", std::string("0..1"));
    return f;
}

NodeId addLoss(Graph& g, NodeId pred, NodeId labels) {
    const NodeId l = g.addNode("Loss");
    g.setParam(l, "optimizer", std::string("sgd"));
    g.setParam(l, "learning_rate", 0.0);  // keep the weights: gradients are compared after the step
    g.connect({pred, "out"}, {l, "pred"});
    g.connect({labels, "y"}, {l, "target"});
    return l;
}

/// The batch the source emits on the first training step.
void firstBatch(Matrix& x, Matrix& y) {
    const auto data = g2g::FashionMnist::load();
    const std::vector<int> idx{0, 1, 2};
    g2g::fillBatch(data->train, idx, g2g::Normalisation::ZeroOne, x, y);
}

/// Mean softmax cross-entropy over the columns of `logits` and its gradient.
double crossEntropy(const Matrix& logits, const Matrix& labels, Matrix& grad) {
    softmaxColumns(logits, grad);
    double loss = 0;
    for (Eigen::Index j = 0; j < logits.cols(); ++j) {
        const int c = int(labels(0, j));
        loss -= std::log(double(grad(c, j)));
        grad(c, j) -= 1.f;
    }
    grad /= float(logits.cols());
    return loss / double(logits.cols());
}

void compareMatrices(const Matrix& a, const Matrix& b, const char* what, float tol = 1e-4f) {
    QVERIFY2(a.rows() == b.rows() && a.cols() == b.cols(), what);
    const float scale = std::max(1e-3f, b.cwiseAbs().maxCoeff());
    QVERIFY2((a - b).cwiseAbs().maxCoeff() <= tol * scale,
             qPrintable(QString("%1 differs by %2 (scale %3)").arg(what).arg((a - b).cwiseAbs().maxCoeff()).arg(scale)));
}

}  // namespace

class TstSequences : public QObject {
    Q_OBJECT
private slots:
    void denseAppliesToEveryStep() {
        Graph g;
        const NodeId f = addRows(g);
        const NodeId d = g.addNode("Dense");
        g.setParam(d, "units", std::int64_t(10));
        const NodeId m = g.addNode("MeanOverTime");
        g.connect({f, "x"}, {d, "in"});
        g.connect({d, "out"}, {m, "in"});
        const NodeId l = addLoss(g, m, f);
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        // the Dense kernel counted one step; the node runs on all 28
        QCOMPARE(e.nodeCost(d).forwardMacs, double(kT) * kF * 10);
        auto& dense = static_cast<DenseKernel&>(*e.kernel(d));
        const Matrix W = dense.W, b = dense.b;
        QVERIFY2(e.step(), e.error().c_str());

        // the same by hand, one step at a time
        Matrix x, y;
        firstBatch(x, y);
        Matrix mean = Matrix::Zero(10, kB);
        for (int t = 0; t < kT; ++t) mean += (W * x.middleRows(t * kF, kF)).colwise() + b.col(0);
        mean /= float(kT);
        Matrix dMean;
        const double loss = crossEntropy(mean, y, dMean);
        QVERIFY(std::abs(e.kernel(l)->loss() - loss) < 1e-5 * std::max(1.0, loss));
        Matrix dW = Matrix::Zero(10, kF), db = Matrix::Zero(10, 1);
        for (int t = 0; t < kT; ++t) {
            dW += dMean * x.middleRows(t * kF, kF).transpose() / float(kT);
            db += dMean.rowwise().sum() / float(kT);
        }
        compareMatrices(dense.dW, dW, "dL/dW");
        compareMatrices(dense.db, db, "dL/db");

        // every sequence-valued output is published through time (first sample, features x steps);
        // the mean over time is not a sequence
        const auto snap = e.makeSnapshot();
        std::map<NodeId, const Observables*> obs;
        for (const auto& n : snap->nodes) obs[n.id] = &n.obs;
        QVERIFY(obs.at(f)->arrays.count("through_time:x"));
        QVERIFY(obs.at(d)->arrays.count("through_time:out"));
        QVERIFY(!obs.at(m)->arrays.count("through_time:out"));
        const Matrix& input = obs.at(f)->arrays.at("through_time:x");
        const Matrix& out = obs.at(d)->arrays.at("through_time:out");
        QCOMPARE(input.rows(), Eigen::Index(kF));
        QCOMPARE(input.cols(), Eigen::Index(kT));
        compareMatrices(input.col(5), x.middleRows(5 * kF, kF).col(0), "row 6 of the first image");
        compareMatrices(out, (W * input).colwise() + b.col(0), "the Dense layer's steps");
    }

    void perStepLossRepeatsTheLabels() {
        // a loss on a sequence scores every step against the sample's label
        Graph g;
        const NodeId f = addRows(g);
        const NodeId r = g.addNode("GRU");
        g.setParam(r, "units", std::int64_t(10));
        g.connect({f, "x"}, {r, "in"});
        const NodeId l = addLoss(g, r, f);
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        QVERIFY2(e.step(), e.error().c_str());
        KernelRig rig("GRU", {{"units", 10}}, {Shape::sequence(kF, kT)}, 5);
        rig.kernel->loadState(e.kernel(r)->saveState());
        Matrix x, y;
        firstBatch(x, y);
        rig.inputs = {tensorValue(x)};
        rig.forward();
        const Matrix& h = rig.outputs[0].tensor;
        double loss = 0;
        Matrix grad;
        for (int t = 0; t < kT; ++t) loss += crossEntropy(h.middleRows(t * 10, 10), y, grad);
        loss /= kT;
        QVERIFY2(std::abs(e.kernel(l)->loss() - loss) < 1e-5 * std::max(1.0, loss),
                 qPrintable(QString("engine %1 vs by hand %2").arg(e.kernel(l)->loss()).arg(loss)));
    }

    void bpttAcrossTwoRecurrentNodes() {
        // τ-RNN (every step) → LSTM (last step) → loss: the engine hands the LSTM's input
        // gradient of the whole sequence to the τ-RNN; the same kernels chained by hand agree
        Graph g;
        const NodeId f = addRows(g);
        const NodeId a = g.addNode("TauRNN");
        g.setParam(a, "units", std::int64_t(6));
        const NodeId b = g.addNode("LSTM");
        g.setParam(b, "units", std::int64_t(10));
        g.setParam(b, "output", std::string("last"));
        g.connect({f, "x"}, {a, "in"});
        g.connect({a, "out"}, {b, "in"});
        addLoss(g, b, f);
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        QVERIFY2(e.step(), e.error().c_str());

        KernelRig ra("TauRNN", {{"units", 6}}, {Shape::sequence(kF, kT)}, 1);
        KernelRig rb("LSTM", {{"units", 10}, {"output", "last"}}, {Shape::sequence(6, kT)}, 2);
        ra.kernel->loadState(e.kernel(a)->saveState());
        rb.kernel->loadState(e.kernel(b)->saveState());
        Matrix x, y;
        firstBatch(x, y);
        ra.inputs = {tensorValue(x)};
        ra.forward();
        rb.inputs = {ra.outputs[0]};
        rb.forward();
        Matrix dLogits;
        crossEntropy(rb.outputs[0].tensor, y, dLogits);
        const std::vector<Matrix> dSeq = rb.backward({dLogits});
        QCOMPARE(dSeq[0].rows(), Eigen::Index(kT * 6));
        ra.backward({dSeq[0]});
        for (auto [engineKernel, rig] : {std::pair{e.kernel(a), &ra}, std::pair{e.kernel(b), &rb}}) {
            auto mine = rig->kernel->parameters();
            auto theirs = engineKernel->parameters();
            QCOMPARE(mine.size(), theirs.size());
            for (std::size_t i = 0; i < mine.size(); ++i) compareMatrices(*theirs[i].grad, *mine[i].grad, mine[i].name.c_str());
        }
        // the τ-RNN's gradient is not trivially zero: it came through 28 steps of the LSTM
        for (auto& p : e.kernel(a)->parameters()) QVERIFY2(p.grad->norm() > 0, p.name.c_str());
    }

    void sequenceLengthsMustAgree() {
        Graph g;
        const NodeId f = addRows(g);
        const NodeId r = g.addNode("LSTM");
        g.connect({f, "x"}, {r, "in"});
        const NodeId w = g.addNode("Window");
        g.setParam(w, "length", std::int64_t(5));
        g.connect({f, "x"}, {w, "in"});
        const NodeId l = g.addNode("Loss");
        g.connect({r, "out"}, {l, "pred"});
        g.connect({w, "out"}, {l, "target"});
        Engine e;
        const auto issues = e.build(g);
        QVERIFY(!e.ok());
        const QString msg = QString::fromStdString(e.error());
        const QString name = QString::fromStdString(g.node(l)->name);
        QVERIFY2(msg.contains("node '" + name + "' input 'target'"), qPrintable(msg));
        QVERIFY2(msg.contains("5 steps") && msg.contains("'pred' is a sequence of 28 steps"), qPrintable(msg));
        QVERIFY(hasErrors(issues));
    }

    void reducersShapeSequences() {
        KernelRig last("LastStep", {}, {Shape::sequence(2, 3)});
        KernelRig mean("MeanOverTime", {}, {Shape::sequence(2, 3)});
        KernelRig win("Window", {{"start", 1}, {"length", 2}}, {Shape::sequence(2, 3)});
        QVERIFY(last.outShapes[0] == Shape::tensor(2));
        QVERIFY(mean.outShapes[0] == Shape::tensor(2));
        QVERIFY(win.outShapes[0] == Shape::sequence(2, 2));
        Matrix x(6, 1);
        x << 1, 2, 3, 4, 5, 6;  // steps (1,2), (3,4), (5,6)
        for (KernelRig* r : {&last, &mean, &win}) {
            r->inputs = {tensorValue(x)};
            r->forward();
        }
        QVERIFY(last.outputs[0].tensor == (Matrix(2, 1) << 5, 6).finished());
        QVERIFY(mean.outputs[0].tensor == (Matrix(2, 1) << 3, 4).finished());
        QVERIFY(win.outputs[0].tensor == (Matrix(4, 1) << 3, 4, 5, 6).finished());
        QVERIFY_THROWS_EXCEPTION(BuildError, KernelRig("Window", {{"start", 2}, {"length", 2}}, {Shape::sequence(2, 3)}));
        QVERIFY_THROWS_EXCEPTION(BuildError, KernelRig("LastStep", {}, {Shape::tensor(6)}));
    }

    void spikingNodesDeclareTheirSteps() {
        KernelRig enc("SpikeEncoder", {{"steps", 8}}, {Shape::tensor(2)});
        QVERIFY(enc.outShapes[0] == Shape::sequence(2, 8));
        KernelRig lif("LIFLayer", {{"units", 5}, {"steps", 8}}, {enc.outShapes[0]});
        QVERIFY(lif.outShapes[0] == Shape::sequence(5, 8));
        KernelRig ro("LIFLayer", {{"units", 2}, {"steps", 8}, {"readout", true}}, {lif.outShapes[0]});
        QVERIFY(ro.outShapes[0] == Shape::tensor(2));
        try {
            KernelRig bad("LIFLayer", {{"steps", 3}}, {Shape::sequence(2, 8)});
            QFAIL("a sequence of 8 steps accepted by a layer of 3");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("in"));
            QVERIFY(QString(e.what()).contains("8 steps"));
        }
    }
};

QTEST_GUILESS_MAIN(TstSequences)
#include "tst_sequences.moc"
