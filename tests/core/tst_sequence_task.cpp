// SequenceTask: N-parity and N-delayed match-to-sample targets against a loop written here, the
// fixed test set, the "growing N" curriculum driven by class scores fed back into 'pred', state
// round trip, and a τ-RNN → LastStep → Dense → Loss graph learning 2-parity.
#include "core/engine/engine.h"
#include "core/graph/graph.h"
#include "core/nodes/sequence_task.h"
#include "kernel_harness.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

using Overrides = std::vector<std::pair<std::string, ParamValue>>;

/// Class scores (2 x batch) that predict `labels` (1 x batch), or their opposite when `wrong`.
Matrix scoresFor(const Matrix& labels, bool wrong) {
    Matrix s(2, labels.cols());
    for (Eigen::Index b = 0; b < labels.cols(); ++b) {
        const bool one = (labels(0, b) > 0.5f) != wrong;
        s(0, b) = one ? -1.f : 1.f;
        s(1, b) = -s(0, b);
    }
    return s;
}

/// One training step of a rig whose 'pred' receives `scores` (empty: unconnected).
void stepWith(KernelRig& rig, const Matrix& scores) {
    rig.inputs = {tensorValue(scores)};
    rig.forward();
}

}  // namespace

class TstSequenceTask : public QObject {
    Q_OBJECT
private slots:
    void targetsMatchIndependentLoop_data() {
        QTest::addColumn<QString>("task");
        QTest::addColumn<int>("n");
        QTest::newRow("3-parity") << "parity" << 3;
        QTest::newRow("1-parity") << "parity" << 1;
        QTest::newRow("2-delayed match") << "delayed_match" << 2;
        QTest::newRow("5-delayed match") << "delayed_match" << 5;
    }
    void targetsMatchIndependentLoop() {
        QFETCH(QString, task);
        QFETCH(int, n);
        const int length = 7, batch = 64;
        const Overrides p = {{"task", task.toStdString()}, {"n", n}, {"length", length}, {"batch_size", batch}};
        KernelRig rig("SequenceTask", p, {Shape()}, 77);
        QVERIFY(rig.outShapes[0] == Shape::sequence(1, length));
        QVERIFY(rig.outShapes[1] == Shape::labels(2));
        stepWith(rig, Matrix());
        const Matrix x = rig.outputs[0].tensor, y = rig.outputs[1].tensor;
        QCOMPARE(x.rows(), Eigen::Index(length));
        QCOMPARE(x.cols(), Eigen::Index(batch));
        int ones = 0;
        for (int b = 0; b < batch; ++b) {
            for (int t = 0; t < length; ++t) QVERIFY(x(t, b) == 1.f || x(t, b) == -1.f);
            float want;
            if (task == "parity") {
                // parity of the +1s among the last n = parity of n minus the −1s among them
                int minus = 0;
                for (int t = length - n; t < length; ++t) minus += x(t, b) < 0;
                want = float(((n - minus) % 2 + 2) % 2);
            } else {
                want = x(length - 1, b) * x(length - 1 - n, b) > 0 ? 1.f : 0.f;
            }
            QCOMPARE(y(0, b), want);
            ones += want > 0.5f;
        }
        QVERIFY2(ones > 10 && ones < batch - 10, "both classes occur");
        // the same seed gives the same batch; the next batch is a fresh draw
        KernelRig again("SequenceTask", p, {Shape()}, 77);
        stepWith(again, Matrix());
        QVERIFY(again.outputs[0].tensor == x);
        stepWith(again, Matrix());
        QVERIFY(again.outputs[0].tensor != x);
        // tests see one fixed set
        rig.forward(Phase::Test);
        const Matrix tx = rig.outputs[0].tensor;
        QCOMPARE(tx.cols(), Eigen::Index(256));
        rig.forward(Phase::Test);
        QVERIFY(rig.outputs[0].tensor == tx);
    }

    void growingCurriculumFollowsAccuracy() {
        const Overrides p = {{"n", 3}, {"length", 6}, {"curriculum", std::string("growing N")},
                             {"averaging_batches", 4}, {"advance_accuracy", 0.8}};
        KernelRig rig("SequenceTask", p, {Shape::tensor(2)});
        auto& k = static_cast<SequenceTaskKernel&>(*rig.kernel);
        QCOMPARE(k.currentN(), 1);
        // wrong answers: N stays
        stepWith(rig, Matrix());
        for (int s = 0; s < 10; ++s) stepWith(rig, scoresFor(rig.outputs[1].tensor, true));
        QCOMPARE(k.currentN(), 1);
        Observables obs;
        k.observe(obs);
        QCOMPARE(obs.scalars.at("task_n"), 1.0);
        QVERIFY(obs.scalars.at("curriculum_accuracy") < 0.1);
        // right answers: the average passes 0.8 once the wrong ones leave the window, N grows by one
        int steps = 0;
        while (k.currentN() == 1 && steps < 50) {
            stepWith(rig, scoresFor(rig.outputs[1].tensor, false));
            ++steps;
        }
        QCOMPARE(k.currentN(), 2);
        QVERIFY2(steps >= 4, "needs a full window above the threshold");
        // labels now follow 2-parity: keep answering right, N reaches 3 and stops there
        for (int s = 0; s < 40; ++s) stepWith(rig, scoresFor(rig.outputs[1].tensor, false));
        QCOMPARE(k.currentN(), 3);
        const Matrix& x = rig.outputs[0].tensor;
        for (Eigen::Index b = 0; b < x.cols(); ++b) {
            const int plus = (x(3, b) > 0) + (x(4, b) > 0) + (x(5, b) > 0);
            QCOMPARE(rig.outputs[1].tensor(0, b), float(plus % 2));
        }
        // scores from another batch size (not the batch just emitted) are ignored
        KernelRig single("SequenceTask", {{"n", 3}, {"length", 6}}, {Shape::tensor(2)});
        QCOMPARE(static_cast<SequenceTaskKernel&>(*single.kernel).currentN(), 3);
        stepWith(single, Matrix());
        stepWith(single, Matrix::Zero(2, 5));
        Observables none;
        single.kernel->observe(none);
        QVERIFY(!none.scalars.count("curriculum_accuracy"));
        // scores of the wrong width are refused with a message naming the input
        try {
            stepWith(single, Matrix::Zero(3, 32));
            QFAIL("3 class scores accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("'pred' has 3 rows"));
        }
        // the scores of every step (a sequence of 6 steps) are refused with the way out named
        try {
            stepWith(single, Matrix::Zero(12, 32));
            QFAIL("a sequence of scores accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("2 scores for each of the 6 steps") &&
                         QString(e.what()).contains("LastStep"), e.what());
        }
    }

    void stateRoundTrip() {
        const Overrides p = {{"n", 4}, {"length", 6}, {"curriculum", std::string("growing N")}, {"averaging_batches", 2}};
        KernelRig a("SequenceTask", p, {Shape::tensor(2)}, 5);
        stepWith(a, Matrix());
        for (int s = 0; s < 3; ++s) stepWith(a, scoresFor(a.outputs[1].tensor, false));
        const int n = static_cast<SequenceTaskKernel&>(*a.kernel).currentN();
        QVERIFY(n > 1);
        KernelRig b("SequenceTask", p, {Shape::tensor(2)}, 6);
        b.kernel->loadState(a.kernel->saveState());
        QCOMPARE(static_cast<SequenceTaskKernel&>(*b.kernel).currentN(), n);
        a.forward(Phase::Test);
        b.forward(Phase::Test);
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor && a.outputs[1].tensor == b.outputs[1].tensor);
        KernelState bad = a.kernel->saveState();
        bad["task_n"](0) = 9.f;
        try {
            b.kernel->loadState(bad);
            QFAIL("an N above n was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("task_n"));
        }
    }

    void shortSequenceRejected() {
        try {
            KernelRig rig("SequenceTask", {{"task", std::string("delayed_match")}, {"n", 4}, {"length", 4}}, {Shape()});
            QFAIL("length 4 accepted for a delay of 4");
        } catch (const BuildError& e) {
            QVERIFY(QString(e.what()).contains("length 4"));
        }
    }

    void tauRnnLearnsTwoParity() {
        Graph g;
        g.settings().seed = 3;
        g.settings().evalEvery = 0;
        const NodeId task = g.addNode("SequenceTask");
        g.setParam(task, "n", std::int64_t(2));
        g.setParam(task, "length", std::int64_t(5));
        g.setParam(task, "batch_size", std::int64_t(64));
        const NodeId rnn = g.addNode("TauRNN");
        g.setParam(rnn, "units", std::int64_t(16));
        g.setParam(rnn, "output", std::string("last"));
        const NodeId dense = g.addNode("Dense");
        g.setParam(dense, "units", std::int64_t(2));
        const NodeId loss = g.addNode("Loss");
        g.setParam(loss, "learning_rate", 0.02);
        const NodeId cls = g.addNode("Classifier");
        QVERIFY(!g.rename(cls, "readout"));
        QVERIFY(!g.rename(task, "task"));
        g.connect({task, "x"}, {rnn, "in"});
        g.connect({rnn, "out"}, {dense, "in"});
        g.connect({dense, "out"}, {loss, "pred"});
        g.connect({task, "y"}, {loss, "target"});
        g.connect({dense, "out"}, {cls, "logits"});
        g.connect({task, "y"}, {cls, "labels"});
        g.connect({dense, "out"}, {task, "pred"});  // delayed: the task measures training accuracy
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        double acc = 0;
        int steps = 0;
        for (; steps < 1500 && acc <= 0.95; steps += 100) {
            for (int s = 0; s < 100; ++s) QVERIFY2(e.step(), e.error().c_str());
            e.evaluate();
            acc = e.scalars().at("readout/test_accuracy");
        }
        qInfo("2-parity test accuracy %.3f after %d steps of 64", acc, steps);
        QVERIFY2(acc > 0.9, qPrintable(QString("test accuracy %1").arg(acc)));
        QVERIFY(e.scalars().at("task/curriculum_accuracy") > 0.8);
        QCOMPARE(e.scalars().at("task/task_n"), 2.0);
    }
};

QTEST_GUILESS_MAIN(TstSequenceTask)
#include "tst_sequence_task.moc"
