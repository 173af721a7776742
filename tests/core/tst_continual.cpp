// Hebbian orthogonal projection (HLOP, core/engine/continual.h) and the continual-learning nodes:
// the lateral neurons' Oja rule finds the principal subspace of a planted low-rank activity (the
// SVD of the same samples is the reference), then that of what a second task adds; a projected
// update has no component in the learnt subspace; on a short permuted Fashion-MNIST stream the
// projected MLP forgets much less than the plain one; the learner's state survives save/load and a
// malformed one is refused unchanged; bad parameters are refused naming the node and parameter.

#include "core/engine/continual.h"
#include "core/engine/engine.h"
#include "core/engine/hebbian_subspace.h"
#include "core/graph/graph.h"

#include <QtTest>

#include <Eigen/SVD>

#include <cmath>
#include <numbers>
#include <random>
#include <string>

// Continual-learning graphs: a TaskStream of permuted Fashion-MNIST feeding an MLP
// (784 → hidden → ReLU → 10) trained by one Loss, scored by a TaskAccuracy.
namespace ganglion::testing {

struct ContinualSetup {
    std::string continual = "none";  ///< the Loss node's `continual`
    int tasks = 3;
    int stepsPerTask = 150;
    int hidden = 64;
    int perTask = 20;
    double hebbianRate = 0.3;
    std::string optimizer = "sgd";
    double learningRate = 0.05;
    double momentum = 0.9;
    int testPerTask = 300;
    int evalEvery = 50;
};

/// Nodes named "Tasks", "Hidden", "ReLU", "Readout", "Loss", "Scores".
inline Graph continualGraph(const ContinualSetup& c) {
    Graph g;
    const NodeId data = g.addNode("TaskStream", 0, 0);
    const NodeId hidden = g.addNode("Dense", 200, 0);
    const NodeId relu = g.addNode("Activation", 400, 0);
    const NodeId out = g.addNode("Dense", 600, 0);
    const NodeId loss = g.addNode("Loss", 800, 0);
    const NodeId score = g.addNode("TaskAccuracy", 800, 200);
    g.rename(data, "Tasks");
    g.rename(hidden, "Hidden");
    g.rename(relu, "ReLU");
    g.rename(out, "Readout");
    g.rename(loss, "Loss");
    g.rename(score, "Scores");
    g.setParam(data, "tasks", std::int64_t(c.tasks));
    g.setParam(data, "steps_per_task", std::int64_t(c.stepsPerTask));
    g.setParam(data, "test_per_task", std::int64_t(c.testPerTask));
    g.setParam(data, "batch_size", std::int64_t(32));
    g.setParam(hidden, "units", std::int64_t(c.hidden));
    g.setParam(hidden, "init", std::string("he"));
    g.setParam(relu, "function", std::string("relu"));
    g.setParam(out, "units", std::int64_t(10));
    g.setParam(loss, "optimizer", c.optimizer);
    g.setParam(loss, "learning_rate", c.learningRate);
    g.setParam(loss, "momentum", c.momentum);
    g.setParam(loss, "continual", c.continual);
    g.setParam(loss, "subspace_per_task", std::int64_t(c.perTask));
    g.setParam(loss, "hebbian_rate", c.hebbianRate);
    g.connect({data, "x"}, {hidden, "in"});
    g.connect({hidden, "out"}, {relu, "in"});
    g.connect({relu, "out"}, {out, "in"});
    g.connect({out, "out"}, {loss, "pred"});
    g.connect({data, "y"}, {loss, "target"});
    g.connect({out, "out"}, {score, "scores"});
    g.connect({data, "y"}, {score, "labels"});
    g.connect({data, "task"}, {score, "task"});
    g.settings().evalEvery = c.evalEvery;
    g.settings().seed = 3;
    return g;
}

}  // namespace ganglion::testing

using namespace ganglion;
using namespace ganglion::testing;

namespace {

constexpr double kMaxAngleDeg = 3.0;        // largest principal angle to the SVD subspace
constexpr double kOrthogonality = 1e-5;     // |ΔW·Bᵀ| relative to |ΔW| after projection
constexpr double kBwtMargin = 0.10;         // projected BWT at least this much above the plain one

Matrix gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
    std::normal_distribution<float> n(0.f, 1.f);
    Matrix m(rows, cols);
    for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = n(rng);
    return m;
}

/// Samples (columns) of a planted rank-r activity: A·diag(scales)·z plus isotropic noise.
Matrix planted(const Matrix& A, const std::vector<float>& scales, float noise, int samples, std::mt19937& rng) {
    Matrix z = gaussian(A.cols(), samples, rng);
    for (Eigen::Index i = 0; i < z.rows(); ++i) z.row(i) *= scales[std::size_t(i)];
    return A * z + noise * gaussian(A.rows(), samples, rng);
}

/// Orthonormal basis (columns) of the row space of `rows`.
Matrix rowSpace(const Matrix& rows) {
    Eigen::JacobiSVD<Matrix> svd(rows.transpose(), Eigen::ComputeThinU);
    return svd.matrixU();
}

/// Largest principal angle (degrees) between the column spaces of orthonormal U and V.
double largestAngle(const Matrix& U, const Matrix& V) {
    Eigen::JacobiSVD<Matrix> svd(U.transpose() * V);
    const double c = std::clamp(double(svd.singularValues().minCoeff()), 0.0, 1.0);
    return std::acos(c) * 180.0 / std::numbers::pi;
}

/// The top-r left singular vectors of the samples: the reference principal subspace.
Matrix svdSubspace(const Matrix& samples, int r) {
    Eigen::JacobiSVD<Matrix> svd(samples, Eigen::ComputeThinU);
    return svd.matrixU().leftCols(r);
}

/// Trains `learner` on batches of the planted activity.
void learnPlanted(HebbianSubspace& learner, const Matrix& A, const std::vector<float>& scales, std::mt19937& rng,
                  Matrix* seen = nullptr) {
    for (int step = 0; step < 2000; ++step) {
        const Matrix x = planted(A, scales, 0.1f, 32, rng);
        learner.learn(x, 0.2f);
        if (seen && step % 10 == 0) {  // keep a sample of what was seen, for the SVD
            seen->conservativeResize(x.rows(), seen->cols() + x.cols());
            seen->rightCols(x.cols()) = x;
        }
    }
}

struct Outcome {
    Matrix acc;
    double bwt = 0;
};

Outcome runStream(const ContinualSetup& setup) {
    Engine e;
    const auto issues = e.build(continualGraph(setup));
    if (!e.ok()) throw std::runtime_error(formatIssues(issues));
    while (!e.finished())
        if (!e.step()) throw std::runtime_error(e.error());
    e.evaluate();
    auto snap = e.makeSnapshot();
    for (const auto& n : snap->nodes)
        if (n.name == "Scores") return {n.obs.arrays.at("task_accuracy"), n.obs.scalars.at("backward_transfer")};
    throw std::runtime_error("no Scores node");
}

}  // namespace

class TestContinual : public QObject {
    Q_OBJECT

private slots:
    void hebbianLearnerFindsThePlantedSubspace() {
        std::mt19937 rng(7);
        const int n = 40, r = 4;
        const Matrix A1 = rowSpace(gaussian(r, n, rng));  // n x r orthonormal
        const std::vector<float> scales{3.f, 2.5f, 2.f, 1.5f};
        HebbianSubspace learner;
        learner.reset(n, r, 11);
        Matrix seen1(n, 0);
        learnPlanted(learner, A1, scales, rng, &seen1);
        const double angle1 = largestAngle(rowSpace(learner.learning()), svdSubspace(seen1, r));
        qInfo("task 1: largest principal angle to the SVD subspace %.3f deg", angle1);
        QVERIFY2(angle1 < kMaxAngleDeg, qPrintable(QString::number(angle1)));
        // Oja's subspace rule converges to orthonormal weights, not just the right span
        const Matrix gram = learner.learning() * learner.learning().transpose();
        QVERIFY2((gram - Matrix::Identity(r, r)).cwiseAbs().maxCoeff() < 0.05, "lateral weights not orthonormal");

        // Task 2: another planted subspace, overlapping the first; the new neurons learn the
        // principal subspace of what the first task's neurons leave unexplained.
        learner.consolidate();
        QCOMPARE(int(learner.basis().rows()), r);
        const Matrix A2 = rowSpace(gaussian(r, n, rng));
        Matrix seen2(n, 0);
        learnPlanted(learner, A2, scales, rng, &seen2);
        const Matrix B = learner.basis();
        const Matrix residual = seen2 - B.transpose() * (B * seen2);
        const double angle2 = largestAngle(rowSpace(learner.learning()), svdSubspace(residual, r));
        qInfo("task 2: largest principal angle to the SVD of the residual %.3f deg", angle2);
        QVERIFY2(angle2 < kMaxAngleDeg, qPrintable(QString::number(angle2)));
        // and the union spans both planted subspaces
        learner.consolidate();
        const Matrix both = rowSpace(learner.basis());
        Matrix planted12(n, 2 * r);
        planted12 << A1, A2;
        const double angle12 = largestAngle(both, rowSpace(planted12.transpose()));
        QVERIFY2(angle12 < kMaxAngleDeg, qPrintable(QString::number(angle12)));
    }

    void projectedUpdateIsOrthogonalToTheSubspace() {
        std::mt19937 rng(3);
        const int n = 30;
        HebbianSubspace learner;
        learner.reset(n, 5, 1);
        const Matrix A = rowSpace(gaussian(5, n, rng));
        learnPlanted(learner, A, {2.f, 2.f, 1.5f, 1.f, 1.f}, rng);
        learner.consolidate();
        const Matrix& B = learner.basis();
        QCOMPARE(int(B.rows()), 5);
        QVERIFY((B * B.transpose() - Matrix::Identity(5, 5)).cwiseAbs().maxCoeff() < 1e-5);
        Matrix update = gaussian(12, n, rng);
        const Matrix before = update;
        learner.project(update);
        const double leak = (update * B.transpose()).norm() / update.norm();
        QVERIFY2(leak < kOrthogonality, qPrintable(QString::number(leak)));
        // nothing outside the subspace was touched
        const Matrix outside = before - (before * B.transpose()) * B;
        QVERIFY((update - outside).cwiseAbs().maxCoeff() < 1e-5);
        // a layer's responses to inputs in the subspace do not change under the projected update
        const Matrix x = A * gaussian(5, 8, rng);
        QVERIFY((update * x).norm() < 0.05 * (before * x).norm());
    }

    void projectionForgetsLessOnAPermutedStream() {
        ContinualSetup plain;
        ContinualSetup hlop = plain;
        hlop.continual = "hebbian_projection";
        const Outcome a = runStream(plain), b = runStream(hlop);
        const int last = plain.tasks - 1;
        qInfo("task 1 accuracy: plain %.3f -> %.3f, projected %.3f -> %.3f; BWT plain %.3f, projected %.3f",
              a.acc(0, 0), a.acc(0, last), b.acc(0, 0), b.acc(0, last), a.bwt, b.bwt);
        QVERIFY2(a.acc(0, 0) > 0.6 && b.acc(0, 0) > 0.6, "the first task was not learnt");
        QVERIFY2(b.bwt > a.bwt + kBwtMargin, qPrintable(QString("BWT %1 vs %2").arg(b.bwt).arg(a.bwt)));
        // the new tasks are still learnt under the projection
        QVERIFY2(b.acc(last, last) > 0.5, qPrintable(QString::number(b.acc(last, last))));
    }

    void engineUpdatesAreOrthogonalToTheBasis_data() {
        QTest::addColumn<bool>("spiking");
        QTest::newRow("Dense") << false;
        QTest::newRow("LIFLayer (a sequence input)") << true;
    }
    void engineUpdatesAreOrthogonalToTheBasis() {
        // In the running engine, every step of the second task moves the hidden layer's [W b]
        // only orthogonally to what the first task's lateral neurons learnt.
        QFETCH(bool, spiking);
        Graph g;
        const NodeId data = g.addNode("TaskStream");
        g.setParam(data, "tasks", std::int64_t(2));
        g.setParam(data, "steps_per_task", std::int64_t(10));
        g.setParam(data, "test_per_task", std::int64_t(20));
        NodeId into = data;
        std::string port = "x";
        if (spiking) {
            const NodeId enc = g.addNode("SpikeEncoder");
            g.setParam(enc, "steps", std::int64_t(4));
            g.connect({data, "x"}, {enc, "in"});
            into = enc;
            port = "out";
        }
        const NodeId hidden = g.addNode(spiking ? "LIFLayer" : "Dense");
        g.rename(hidden, "Hidden");
        g.setParam(hidden, "units", std::int64_t(16));
        const NodeId out = g.addNode(spiking ? "LIFLayer" : "Dense");
        g.setParam(out, "units", std::int64_t(10));
        if (spiking) {
            g.setParam(hidden, "steps", std::int64_t(4));
            g.setParam(out, "steps", std::int64_t(4));
            g.setParam(out, "readout", true);
        }
        const NodeId loss = g.addNode("Loss");
        g.rename(loss, "Loss");
        g.setParam(loss, "continual", std::string("hebbian_projection"));
        g.setParam(loss, "subspace_per_task", std::int64_t(8));
        g.connect({into, port}, {hidden, "in"});
        g.connect({hidden, "out"}, {out, "in"});
        g.connect({out, "out"}, {loss, "pred"});
        g.connect({data, "y"}, {loss, "target"});
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        for (int k = 0; k < 11; ++k) QVERIFY2(e.step(), e.error().c_str());  // the 11th: task 2, consolidated
        for (int k = 0; k < 3; ++k) {
            const auto before = e.saveState();
            QVERIFY(e.step());
            const auto after = e.saveState();
            const Matrix& B = before.at("Loss").at("hebbian/Hidden/basis");
            QCOMPARE(int(B.rows()), 8);
            const Matrix& w0 = before.at("Hidden").at("weight");
            Matrix delta(w0.rows(), w0.cols() + 1);
            delta << after.at("Hidden").at("weight") - w0, after.at("Hidden").at("bias") - before.at("Hidden").at("bias");
            QVERIFY(delta.norm() > 0);
            const double leak = (delta * B.transpose()).norm() / delta.norm();
            QVERIFY2(leak < 1e-4, qPrintable(QString("step %1: %2").arg(k).arg(leak)));
        }
    }

    void learnerStateRoundTrips() {
        ContinualSetup s;
        s.continual = "hebbian_projection";
        s.tasks = 2;
        s.stepsPerTask = 20;
        s.testPerTask = 20;
        s.momentum = 0;  // SGD's velocity is not saved (it restarts on a rebuild): none here
        Engine a;
        a.build(continualGraph(s));
        QVERIFY(a.ok());
        for (int k = 0; k < 30; ++k) QVERIFY(a.step());  // into the second task: a basis exists
        const auto state = a.saveState();
        const KernelState& loss = state.at("Loss");
        QVERIFY(loss.count("hebbian/task"));
        QCOMPARE(int(loss.at("hebbian/task")(0, 0)), 1);
        QCOMPARE(int(loss.at("hebbian/Hidden/basis").rows()), s.perTask);
        QCOMPARE(int(loss.at("hebbian/Hidden/basis").cols()), 785);  // 784 pixels and the bias's 1
        Graph other = continualGraph(s);
        other.settings().seed = 99;
        Engine b;
        b.build(other);
        b.loadState(state);
        for (int k = 0; k < 5; ++k) {
            QVERIFY(a.step());
            QVERIFY(b.step());
        }
        const auto sa = a.saveState(), sb = b.saveState();
        for (const auto& [key, m] : sa.at("Loss")) QVERIFY2(sb.at("Loss").at(key) == m, key.c_str());
        QVERIFY(sa.at("Hidden").at("weight") == sb.at("Hidden").at("weight"));

        // a malformed entry is refused by name and nothing changes
        auto bad = sa;
        bad.at("Loss").at("hebbian/Hidden/basis") = Matrix::Zero(3, 17);
        try {
            b.loadState(bad);
            QFAIL("a malformed basis was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("hebbian/Hidden/basis"), e.what());
        }
        QVERIFY(b.saveState().at("Loss").at("hebbian/Hidden/basis") == sb.at("Loss").at("hebbian/Hidden/basis"));
    }

    void badParametersAreRefusedByName_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("no components") << "subspace_per_task" << QVariant(0);
        QTest::newRow("rate too large") << "hebbian_rate" << QVariant(2.0);
        QTest::newRow("rate zero") << "hebbian_rate" << QVariant(0.0);
        QTest::newRow("unknown rule") << "continual" << QVariant("ewc");
    }
    void badParametersAreRefusedByName() {
        QFETCH(QString, param);
        QFETCH(QVariant, value);
        Graph g = continualGraph({});
        const NodeId loss = g.nodeByName("Loss")->id;
        const ParamValue v = value.typeId() == QMetaType::QString ? ParamValue(value.toString().toStdString())
                             : value.typeId() == QMetaType::Int  ? ParamValue(std::int64_t(value.toInt()))
                                                                 : ParamValue(value.toDouble());
        const auto err = g.setParam(loss, param.toStdString(), v);
        QVERIFY(err);
        QVERIFY2(QString::fromStdString(*err).contains("'" + param + "'"), err->c_str());
    }

    void projectionWithoutATaskStreamIsRefused() {
        // the same MLP on plain Fashion-MNIST: no task to follow
        Graph g = continualGraph({.continual = "hebbian_projection"});
        const NodeId tasks = g.nodeByName("Tasks")->id;
        const NodeId fm = g.addNode("FashionMNIST", 0, 300);
        g.setParam(fm, "test_subset", std::int64_t(50));
        std::vector<Edge> out;
        for (const Edge* e : g.edgesFrom(tasks)) out.push_back(*e);
        for (const Edge& e : out) {
            g.disconnect(e.id);
            if (e.from.port != "task") g.connect({fm, e.from.port}, e.to);
        }
        g.removeNode(g.nodeByName("Scores")->id);
        Engine e;
        const auto issues = e.build(g);
        QVERIFY(!e.ok());
        const QString msg = QString::fromStdString(formatIssues(issues));
        QVERIFY2(msg.contains("'Loss'") && msg.contains("'continual'") && msg.contains("task stream"), qPrintable(msg));
        // the scoreboard says what it misses too
        Graph h = continualGraph({});
        const NodeId score = h.nodeByName("Scores")->id;
        for (const Edge* edge : h.edgesInto(score))
            if (edge->to.port == "task") {
                const EdgeId id = edge->id;
                h.disconnect(id);
                break;
            }
        h.connect({h.nodeByName("Readout")->id, "out"}, {score, "task"});
        Engine f;
        const QString msg2 = QString::fromStdString(formatIssues(f.build(h)));
        QVERIFY2(msg2.contains("'Scores'") && msg2.contains("'task'"), qPrintable(msg2));
    }
};

QTEST_GUILESS_MAIN(TestContinual)
#include "tst_continual.moc"
