// The E/I reservoir: memory capacity of a linear reservoir, the ridge readout against an
// independent least-squares solution, the optimised step against a plain one, the inhibitory-gain
// adaptation, the Mackey-Glass discretisation, prediction tasks, save/load and parameter errors,
// and the bundled example's claim (balanced and self-adapted reservoirs remember more than an
// excitation-dominated one). The spiking (LIF) variant: tests/core/tst_reservoir_lif.cpp.
#include "core/reservoir/reservoir_node.h"
#include "reservoir_rig.h"

#include <Eigen/QR>
#include <QtTest>

using namespace ganglion;
using namespace ganglion::reservoir;
using ganglion::testing::KernelRig;
using ganglion::testing::runStream;

namespace {

/// Drives `net` with `stream` for `steps` and returns the readout's held-out scores.
RidgeReadout drive(EINetwork& net, TaskStream& stream, int steps, int washout, double lambda, bool adapt = false) {
    RidgeReadout ro;
    ro.configure(net.neurons(), stream.targets(), steps - washout, lambda, 0.3);
    std::vector<float> y(std::size_t(stream.targets()));
    float u = 0;
    for (int t = 0; t < steps; ++t) {
        stream.next(&u, y.data());
        net.step(&u, adapt, 0.01);
        if (t >= washout) ro.record(net.r.data(), y.data());
    }
    ro.refit();
    return ro;
}

double sum(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
}

}  // namespace

class TestReservoir : public QObject {
    Q_OBJECT
private slots:
    // Jaeger (2001): a linear reservoir of N neurons has memory capacity at most N, and nearly N
    // for an orthogonal recurrent matrix. N = 20, W = 0.95·Q, 80 delays, 6000 steps (30% held out):
    // 0.8 N < MC <= N.
    void linearOrthogonalReservoirRemembersNearlyN() {
        const int n = 20;
        NetworkConfig cfg;
        cfg.neurons = n;
        cfg.inhibitoryFraction = 0.0;
        cfg.activation = Activation::Linear;
        cfg.leak = 1.0;
        cfg.bias = 0.0;
        cfg.inputGain = 1.0;
        Rng rng(5);
        EINetwork net;
        net.build(cfg, rng);
        std::normal_distribution<double> g;
        Eigen::MatrixXd a(n, n);
        for (Eigen::Index k = 0; k < a.size(); ++k) a(k) = g(rng);
        const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(a).householderQ();
        QVERIFY((q.transpose() * q - Eigen::MatrixXd::Identity(n, n)).norm() < 1e-9);
        SparseMatrix w = (0.95 * q).cast<float>().sparseView();
        net.setWeights(w, SparseMatrix(n, 0));
        TaskStream stream;
        stream.reset(Task::Memory, 4 * n, 25, 17, 1, 11);
        const RidgeReadout ro = drive(net, stream, 6000, 200, 1e-9);
        const double mc = sum(ro.r2());
        qInfo("linear orthogonal reservoir, N = %d: memory capacity %.2f", n, mc);
        QVERIFY2(mc > 0.8 * n, qPrintable(QString("MC %1").arg(mc)));
        QVERIFY2(mc <= n, qPrintable(QString("MC %1 exceeds N").arg(mc)));
        // an orthogonal matrix spreads the capacity evenly over about N delays (0.95^k fades
        // slowly): every delay up to N/2 is recalled with r² > 0.5, the last (4N) not at all
        for (int k = 0; k < n / 2; ++k)
            QVERIFY2(ro.r2()[std::size_t(k)] > 0.5, qPrintable(QString("r² at delay %1: %2").arg(k + 1).arg(ro.r2()[std::size_t(k)])));
        QVERIFY(ro.r2()[std::size_t(4 * n - 1)] < 0.05);
    }

    // The tiled (or row-wise) recurrent product, on one thread and on two, against the update
    // written out with dense matrices: the same rates within float rounding over 100 steps.
    void optimisedStepMatchesReference_data() {
        QTest::addColumn<int>("neurons");
        QTest::addColumn<double>("inhibitoryFraction");
        QTest::addColumn<double>("connectionProb");
        QTest::addColumn<QString>("activation");
        QTest::addColumn<int>("threads");
        QTest::newRow("1000 sigmoid") << 1000 << 0.2 << 0.1 << "sigmoid" << 1;
        QTest::newRow("1000 sigmoid, 2 threads") << 1000 << 0.2 << 0.1 << "sigmoid" << 2;
        QTest::newRow("37 tanh, dense") << 37 << 0.3 << 1.0 << "tanh" << 1;  // rows and columns off the tile grid
        QTest::newRow("100 excitatory only") << 100 << 0.0 << 0.2 << "sigmoid" << 1;
        QTest::newRow("300 linear") << 300 << 0.5 << 0.05 << "linear" << 1;
        QTest::newRow("2000 sparse, 2 threads") << 2000 << 0.2 << 0.03 << "sigmoid" << 2;
    }
    void optimisedStepMatchesReference() {
        QFETCH(int, neurons);
        QFETCH(double, inhibitoryFraction);
        QFETCH(double, connectionProb);
        QFETCH(QString, activation);
        QFETCH(int, threads);
        NetworkConfig cfg;
        cfg.neurons = neurons;
        cfg.inhibitoryFraction = inhibitoryFraction;
        cfg.connectionProb = connectionProb;
        cfg.activation = activation == "tanh" ? Activation::Tanh : activation == "linear" ? Activation::Linear : Activation::Sigmoid;
        if (cfg.activation != Activation::Sigmoid) cfg.targetRate = 0.1;
        // weaker weights keep the tanh and linear networks out of chaos, which would amplify rounding
        if (cfg.activation == Activation::Tanh) cfg.excitatoryWeight = cfg.inhibitoryWeight = 2.0;
        if (cfg.activation == Activation::Linear) cfg.excitatoryWeight = cfg.inhibitoryWeight = 0.4;
        cfg.targetSpread = 0.3;
        Rng rng(21);
        EINetwork net;
        net.build(cfg, rng);
        net.setThreads(threads);
        const Eigen::MatrixXd we = net.weightsE().toDense().cast<double>(), wi = net.weightsI().toDense().cast<double>();
        const int nE = net.excitatory(), nI = neurons - nE;
        Eigen::VectorXd x = net.x.cast<double>(), r = net.r.cast<double>(), g = net.gain.cast<double>();
        const double a = cfg.leak, b = cfg.bias, eta = 0.01;
        std::uniform_real_distribution<float> uin(-1.f, 1.f);
        double worst = 0;
        for (int t = 0; t < 100; ++t) {
            const float u = uin(rng);
            net.step(&u, true, eta);
            const Eigen::VectorXd e = we * r.head(nE), i = wi * r.tail(nI);
            if (t == 0) {
                QVERIFY((net.exc.cast<double>() - e).cwiseAbs().maxCoeff() < 1e-5 * (1 + e.cwiseAbs().maxCoeff()));
                QVERIFY((net.inh.cast<double>() - i).cwiseAbs().maxCoeff() < 1e-5 * (1 + i.cwiseAbs().maxCoeff()));
            }
            for (int k = 0; k < neurons; ++k) {
                x(k) = (1 - a) * x(k) + a * (e(k) - g(k) * i(k) + double(net.win(k, 0)) * u + b);
                r(k) = cfg.activation == Activation::Sigmoid ? 1 / (1 + std::exp(-x(k)))
                       : cfg.activation == Activation::Tanh  ? std::tanh(x(k))
                                                             : x(k);
                g(k) = std::max(0.0, g(k) + eta * (r(k) - double(net.target(k))));
            }
            worst = std::max(worst, (net.r.cast<double>() - r).cwiseAbs().maxCoeff());
        }
        QCOMPARE(net.threads(), threads);
        qInfo("threads used %d, largest |rate - reference| over 100 steps %.2g", net.threads(), worst);
        QVERIFY2(worst < 1e-4, qPrintable(QString("difference %1").arg(worst)));
        QVERIFY(net.r.cwiseAbs().maxCoeff() > 0.01f);  // the network is not silent
    }

    // The refit solves the ridge normal equations: compare with the augmented least-squares
    // problem [X 1; √λ I 0] w = [y; 0] solved by column-pivoting QR (no normal equations).
    void readoutIsTheClosedFormRidgeSolution() {
        const int f = 12, k = 3, steps = 400;
        const double lambda = 0.5;
        Rng rng(9);
        std::normal_distribution<float> g;
        Matrix xs(f, steps), ys(k, steps);
        for (Eigen::Index i = 0; i < xs.size(); ++i) xs(i) = g(rng);
        for (Eigen::Index i = 0; i < ys.size(); ++i) ys(i) = g(rng) + (i % 2 ? xs(i % xs.size()) : 0.f);
        RidgeReadout ro;
        ro.configure(f, k, steps, lambda, 0.25);
        for (int t = 0; t < steps; ++t) ro.record(xs.col(t).data(), ys.col(t).data());
        QVERIFY(ro.refit());
        const int train = steps - int(std::lround(steps * 0.25));
        Eigen::MatrixXd aug = Eigen::MatrixXd::Zero(train + f, f + 1);
        Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(train + f, k);
        aug.topLeftCorner(train, f) = xs.leftCols(train).transpose().cast<double>();
        aug.col(f).head(train).setOnes();
        aug.bottomLeftCorner(f, f) = std::sqrt(lambda) * Eigen::MatrixXd::Identity(f, f);
        rhs.topRows(train) = ys.leftCols(train).transpose().cast<double>();
        const Eigen::MatrixXd expected = aug.colPivHouseholderQr().solve(rhs).transpose();
        const Eigen::MatrixXd got = ro.weights().cast<double>();
        QCOMPARE(got.rows(), Eigen::Index(k));
        QCOMPARE(got.cols(), Eigen::Index(f + 1));
        QVERIFY2((got - expected).norm() < 1e-5 * (1 + expected.norm()),
                 qPrintable(QString("difference %1").arg((got - expected).norm())));
        // the held-out score is that of these weights on the last quarter
        Eigen::MatrixXd xt(steps - train, f + 1);
        xt.leftCols(f) = xs.rightCols(steps - train).transpose().cast<double>();
        xt.col(f).setOnes();
        const Eigen::MatrixXd p = xt * expected.transpose();
        const Eigen::VectorXd y0 = ys.row(0).tail(steps - train).transpose().cast<double>();
        QVERIFY(std::abs(ro.r2()[0] - squaredCorrelation(p.col(0), y0)) < 1e-6);
    }

    // Starting excitation-dominated (gain 0.3), the adaptation brings each neuron's rate to its
    // target: the mean |rate - target| over steps 4500..5000 is at least 5 times smaller than
    // over the first 200 steps and 10 times smaller than without adaptation, which does not fall.
    void adaptationDrivesRatesToTarget() {
        auto meanError = [](bool adapt, double& early, double& late) {
            NetworkConfig cfg;
            cfg.initialGain = 0.3;
            cfg.targetRate = 0.2;
            cfg.targetSpread = 0.3;
            Rng rng(3);
            EINetwork net;
            net.build(cfg, rng);
            TaskStream stream;
            stream.reset(Task::Memory, 1, 25, 17, 1, 4);
            float u = 0, y = 0;
            early = late = 0;
            for (int t = 0; t < 5000; ++t) {
                stream.next(&u, &y);
                net.step(&u, adapt, 0.01);
                const double e = double((net.r - net.target).cwiseAbs().mean());
                if (t < 200) early += e / 200;
                if (t >= 4500) late += e / 500;
            }
            return net;
        };
        double e0, e1, f0, f1;
        const EINetwork adapted = meanError(true, e0, e1);
        meanError(false, f0, f1);
        qInfo("mean |rate - target|: adapted %.4f -> %.4f, fixed %.4f -> %.4f", e0, e1, f0, f1);
        QVERIFY2(e1 * 5 < e0, qPrintable(QString("%1 -> %2").arg(e0).arg(e1)));
        QVERIFY(f1 > 0.5 * f0);
        QVERIFY2(e1 * 10 < f1, qPrintable(QString("%1 vs %2 without adaptation").arg(e1).arg(f1)));
        // more inhibition was needed: every gain rose from 0.3, none went negative
        QVERIFY(adapted.gain.minCoeff() >= 0.f);
        QVERIFY(adapted.gain.mean() > 0.6f);
    }

    // The memory task's target k is the input k steps back (0 before the stream began); the
    // prediction tasks' target is the next input.
    void tasksTargetWhatTheySay() {
        TaskStream mem;
        mem.reset(Task::Memory, 5, 25, 17, 1, 3);
        std::vector<float> inputs, y(5);
        for (int t = 0; t < 50; ++t) {
            float u = 0;
            mem.next(&u, y.data());
            QVERIFY(u > -1.f && u < 1.f);
            for (int k = 1; k <= 5; ++k) QCOMPARE(y[std::size_t(k - 1)], t - k >= 0 ? inputs[std::size_t(t - k)] : 0.f);
            inputs.push_back(u);
        }
        for (Task task : {Task::Sine, Task::MackeyGlass}) {
            TaskStream s;
            s.reset(task, 1, 25, 17, 1, 3);
            float u = 0, next = 0, prevTarget = 0;
            for (int t = 0; t < 60; ++t) {
                s.next(&u, &next);
                if (t > 0) QCOMPARE(u, prevTarget);
                prevTarget = next;
            }
        }
    }

    // Heterogeneous targets spread log-normally around the mean and stay inside the rate range.
    void targetsAreSpreadWithinRange() {
        NetworkConfig cfg;
        cfg.targetRate = 0.5;
        cfg.targetSpread = 1.0;
        Rng rng(2);
        EINetwork net;
        net.build(cfg, rng);
        QVERIFY(net.target.minCoeff() >= 0.01f && net.target.maxCoeff() <= 0.99f);
        const float sd = std::sqrt((net.target.array() - net.target.mean()).square().mean());
        QVERIFY2(sd > 0.1f, qPrintable(QString("spread %1").arg(sd)));
        cfg.targetSpread = 0.0;
        net.build(cfg, rng);
        QVERIFY(net.target.minCoeff() == 0.5f && net.target.maxCoeff() == 0.5f);
    }

    // RK4 with h = 0.1 against h = 0.02 from the same constant history: the first 100 samples agree.
    void mackeyGlassIsDiscretisedConsistently() {
        MackeyGlass coarse(17, 1, 0.1, 0), fine(17, 1, 0.02, 0);
        double worst = 0, lo = 1e9, hi = -1e9;
        for (int k = 0; k < 100; ++k) {
            const double a = coarse.next(), b = fine.next();
            worst = std::max(worst, std::abs(a - b));
            lo = std::min(lo, a);
            hi = std::max(hi, a);
        }
        QVERIFY2(worst < 1e-4, qPrintable(QString("max difference %1").arg(worst)));
        // the chaotic attractor (after the default transient) stays within its known band
        MackeyGlass mg;
        for (int k = 0; k < 2000; ++k) {
            const double x = mg.next();
            QVERIFY(x > 0.2 && x < 1.45);
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
        QVERIFY(hi - lo > 0.7);
    }

    // One-step prediction by a default (balanced) reservoir node, 2600 steps: held-out NRMSE
    // below 0.01 for a sine of period 25 and below 0.05 for Mackey-Glass (τ 17).
    void predictsSineAndMackeyGlass() {
        for (auto [task, bound] : {std::pair{Task::Sine, 0.01}, std::pair{Task::MackeyGlass, 0.05}}) {
            TaskStream stream;
            stream.reset(task, 1, 25, 17, 1, 2);
            KernelRig rig("Reservoir", {}, {Shape::tensor(1), Shape::tensor(1)}, 8);
            runStream(rig, stream, 2600);
            auto* k = dynamic_cast<ReservoirKernel*>(rig.kernel.get());
            QVERIFY(k && k->readout().fitted());
            qInfo("task %d: NRMSE %.4f", int(task), k->meanNrmse());
            QVERIFY2(k->meanNrmse() < bound, qPrintable(QString("NRMSE %1").arg(k->meanNrmse())));
            Observables obs;
            k->observe(obs);
            QVERIFY(obs.scalars.count("nrmse") && !obs.scalars.count("memory_capacity"));
        }
    }

    void stateRoundTripsAndBadStateIsNamed() {
        TaskStream stream;
        stream.reset(Task::Memory, 5, 25, 17, 1, 2);
        const std::vector<std::pair<std::string, ParamValue>> p{{"neurons", std::int64_t(50)}, {"adapt", true},
                                                                {"window", std::int64_t(300)}, {"refit_every", std::int64_t(100)}};
        KernelRig a("Reservoir", p, {Shape::tensor(1), Shape::tensor(5)}, 1);
        runStream(a, stream, 600);
        auto* ka = dynamic_cast<ReservoirKernel*>(a.kernel.get());
        QVERIFY(ka->readout().fitted() && ka->readout().weights().norm() > 0);
        const KernelState saved = a.kernel->saveState();
        KernelRig b("Reservoir", p, {Shape::tensor(1), Shape::tensor(5)}, 99);
        b.kernel->loadState(saved);
        auto* kb = dynamic_cast<ReservoirKernel*>(b.kernel.get());
        QVERIFY(kb->network().gain == ka->network().gain);
        QVERIFY(kb->readout().weights() == ka->readout().weights());
        QVERIFY(kb->network().weightsE().toDense() == ka->network().weightsE().toDense());
        // the same inputs give the same states and predictions, learning frozen on both
        TaskStream s2 = stream;
        b.inputs = a.inputs;
        for (int t = 0; t < 20; ++t) {
            for (KernelRig* r : {&a, &b}) {
                TaskStream& s = r == &a ? stream : s2;
                r->inputs[0].tensor.resize(1, 1);
                s.next(r->inputs[0].tensor.data(), r->inputs[1].tensor.data());
                StepContext ctx;
                ctx.learning = false;
                std::vector<const Value*> in{&r->inputs[0], &r->inputs[1]};
                r->kernel->forward(ctx, in, r->outputs);
            }
            QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);
            QVERIFY(a.outputs[1].tensor == b.outputs[1].tensor);
        }
        // a wrong shape names the entry and leaves the kernel as it was
        KernelState bad = saved;
        bad["readout"] = Matrix::Zero(5, 3);
        const Matrix before = kb->readout().weights();
        try {
            b.kernel->loadState(bad);
            QFAIL("accepted a readout of the wrong shape");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("'readout'"), e.what());
        }
        QVERIFY(kb->readout().weights() == before);
    }

    void badParametersAreNamed() {
        auto buildError = [](std::vector<std::pair<std::string, ParamValue>> p) -> QString {
            try {
                KernelRig rig("Reservoir", std::move(p), {Shape::tensor(1), Shape::tensor(3)});
            } catch (const BuildError& e) {
                return e.what();
            }
            return {};
        };
        QVERIFY(buildError({{"neurons", std::int64_t(20)}, {"inhibitory_fraction", 0.01}}).contains("'inhibitory_fraction'"));
        QVERIFY(buildError({{"neurons", std::int64_t(10)}, {"inhibitory_fraction", 0.9}}).isEmpty());
        QVERIFY(buildError({{"target_rate", 1.5}}).contains("'target_rate'"));
        QVERIFY(buildError({{"activation", std::string("tanh")}, {"target_rate", -0.5}}).isEmpty());
        QVERIFY(buildError({{"window", std::int64_t(25)}, {"test_fraction", 0.1}}).contains("'window'"));
        try {
            KernelRig rig("Reservoir", {}, {Shape{}, Shape::tensor(3)});
            QFAIL("built without an input");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("in"));
        }
    }

    // The bundled example: after its run, the memory capacity of the balanced and of the
    // self-adapted reservoir each exceeds the excitation-dominated one's by more than half again.
    void exampleShowsBalanceAndAdaptationWin() {
        std::map<std::string, double> sc;
        ganglion::testing::runExampleToEnd("reservoir_balance", sc);
        if (QTest::currentTestFailed()) return;
        const double exc = sc.at("Excitation-dominated/memory_capacity");
        const double bal = sc.at("Balanced/memory_capacity");
        const double ada = sc.at("Self-adapted/memory_capacity");
        qInfo("memory capacity: excitation-dominated %.2f, balanced %.2f, self-adapted %.2f", exc, bal, ada);
        QVERIFY2(bal > 1.5 * exc && ada > 1.5 * exc, qPrintable(QString("%1 %2 %3").arg(exc).arg(bal).arg(ada)));
        QVERIFY(ada > 0.8 * bal);  // self-adaptation recovers most of the balanced reservoir's capacity
        // the adapted reservoir moved toward balance: its inhibition/excitation ratio rose from 0.3
        QVERIFY(sc.at("Self-adapted/ei_ratio") > 2 * sc.at("Excitation-dominated/ei_ratio"));
    }
};

QTEST_GUILESS_MAIN(TestReservoir)
#include "tst_reservoir.moc"
