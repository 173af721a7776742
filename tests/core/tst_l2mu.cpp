// The L2MU node (core/rnn/l2mu.h) and the Legendre delay system under it (core/rnn/legendre.h):
// A and B for d = 2 by hand, the zero-order-hold Ā, B̄ against their power series, the memory alone
// (identity encoder) reading back a smooth input θ steps ago through the shifted Legendre
// polynomials, finite-difference gradients through time for the LMU cell and the spiking variants
// (smooth spike function), a save/load round trip, and bad parameters refused by name.
#include "core/graph/graph.h"
#include "core/rnn/l2mu.h"
#include "core/rnn/legendre.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

void perturb(KernelRig& rig, unsigned seed) {
    for (auto& p : rig.kernel->parameters()) *p.value += randomMatrix(int(p.value->rows()), int(p.value->cols()), seed++, 0.4f);
}

/// Σ_k M^k/k! and Σ_k M^k B/(k+1)! (the definitions of Ā and B̄), summed until the terms vanish.
void seriesZoh(const Eigen::MatrixXd& A, const Eigen::VectorXd& B, Eigen::MatrixXd& Abar, Eigen::VectorXd& Bbar) {
    const Eigen::Index d = A.rows();
    Eigen::MatrixXd term = Eigen::MatrixXd::Identity(d, d);  // A^k / k!
    Abar = term;
    Bbar = B;
    for (int k = 1; k < 60; ++k) {
        term = term * A / double(k);
        Abar += term;
        Bbar += term * B / double(k + 1);
    }
}

}  // namespace

class TstL2mu : public QObject {
    Q_OBJECT
private slots:
    void legendreSystemOrderTwo() {
        // A_ij = (2i+1)/θ·(−1 if i < j else (−1)^(i−j+1)), B_i = (2i+1)(−1)^i/θ, θ = 4
        const Eigen::MatrixXd A = legendreA(2, 4.0);
        const Eigen::VectorXd B = legendreB(2, 4.0);
        QCOMPARE(A(0, 0), -0.25);
        QCOMPARE(A(0, 1), -0.25);
        QCOMPARE(A(1, 0), 0.75);
        QCOMPARE(A(1, 1), -0.75);
        QCOMPARE(B(0), 0.25);
        QCOMPARE(B(1), -0.75);
        Eigen::MatrixXd Abar, As;
        Eigen::VectorXd Bbar, Bs;
        discretiseZoh(A, B, Abar, Bbar);
        seriesZoh(A, B, As, Bs);
        QVERIFY2((Abar - As).cwiseAbs().maxCoeff() < 1e-12, "Ā = e^A");
        QVERIFY2((Bbar - Bs).cwiseAbs().maxCoeff() < 1e-12, "B̄ = Σ A^k B/(k+1)!");
        // d = 1 is the leaky integrator: Ā = e^{−1/θ}, B̄ = 1 − e^{−1/θ}
        Eigen::MatrixXd a1;
        Eigen::VectorXd b1;
        discretiseZoh(legendreA(1, 3.0), legendreB(1, 3.0), a1, b1);
        QVERIFY(std::abs(a1(0, 0) - std::exp(-1.0 / 3)) < 1e-14);
        QVERIFY(std::abs(b1(0) - (1 - std::exp(-1.0 / 3))) < 1e-14);
        // a large order and a short window (‖A‖ ≫ 1: scaling and squaring) still match the series
        // where it converges, and the kernel uses the same Ā, B̄ in single precision
        discretiseZoh(legendreA(6, 20.0), legendreB(6, 20.0), Abar, Bbar);
        seriesZoh(legendreA(6, 20.0), legendreB(6, 20.0), As, Bs);
        QVERIFY((Abar - As).cwiseAbs().maxCoeff() < 1e-12);
        KernelRig rig("L2MU", {{"order", 6}, {"theta", 20.0}, {"neuron", std::string("none")}}, {Shape::sequence(1, 4)});
        const auto& k = static_cast<L2muKernel&>(*rig.kernel);
        QVERIFY((k.Abar().cast<double>() - Abar).cwiseAbs().maxCoeff() < 1e-6);
        QVERIFY((k.Bbar().cast<double>() - Bbar).cwiseAbs().maxCoeff() < 1e-6);
        // P̃_i(r) = P_i(2r − 1): P̃_i(1) = 1 (the far end of the window), P̃_i(0) = (−1)^i (the present),
        // P̃_2(½) = P_2(0) = −½
        const Eigen::VectorXd p0 = shiftedLegendre(5, 0.0), p1 = shiftedLegendre(5, 1.0);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(p0(i), i % 2 ? -1.0 : 1.0);
            QCOMPARE(p1(i), 1.0);
        }
        QCOMPARE(shiftedLegendre(3, 0.5)(2), -0.5);
    }

    void memoryRecallsDelayedInput() {
        // identity encoder (u = x), a smooth input: the memory reads back u θ steps ago
        const int T = 120, theta = 16;
        KernelRig rig("L2MU", {{"units", 2}, {"order", 12}, {"theta", double(theta)}, {"neuron", std::string("none")}},
                      {Shape::sequence(1, T)});
        auto& k = static_cast<L2muKernel&>(*rig.kernel);
        k.Ex.setOnes();
        k.Eh.setZero();
        k.Em.setZero();
        k.bu.setZero();
        Matrix x(T, 2);
        for (int t = 0; t < T; ++t) {
            x(t, 0) = float(std::sin(2 * M_PI * t / 45.0) + 0.5 * std::cos(2 * M_PI * t / 70.0));
            x(t, 1) = float(std::cos(2 * M_PI * t / 60.0));
        }
        rig.inputs = {tensorValue(x)};
        rig.forward();
        Observables obs;
        k.observe(obs);
        const double published = obs.scalars.at("recall_error");
        qInfo("relative RMS error of the recall of u(t − %d): %.4f", theta - 1, published);
        QVERIFY2(published < 0.05, qPrintable(QString("recall error %1").arg(published)));
        // u_{t−D} for other delays D, from the second sample's memory: ũ at t − (D + ½) is u_{t−D}
        const Matrix& M = k.memory();
        for (int D : {0, 5, 10}) {
            const Eigen::VectorXf P = shiftedLegendre(12, (D + 0.5) / theta).cast<float>();
            double err = 0, ref = 0;
            for (int t = 2 * theta; t < T; ++t) {
                const double e = P.dot(M.col(Eigen::Index(t) * 2 + 1)) - x(t - D, 1);
                err += e * e;
                ref += double(x(t - D, 1)) * x(t - D, 1);
            }
            const double rel = std::sqrt(err / ref);
            qInfo("delay %d: relative RMS error %.4f", D, rel);
            QVERIFY2(rel < 0.05, qPrintable(QString("delay %1: error %2").arg(D).arg(rel)));
        }
        // and a memory too short for the input's pace cannot (order 2 over 16 steps of a fast wave)
        KernelRig coarse("L2MU", {{"order", 2}, {"theta", double(theta)}, {"neuron", std::string("none")}},
                         {Shape::sequence(1, T)});
        static_cast<L2muKernel&>(*coarse.kernel).Ex.setOnes();
        coarse.inputs = {tensorValue(x)};
        coarse.forward();
        Observables o2;
        coarse.kernel->observe(o2);
        QVERIFY(o2.scalars.at("recall_error") > 5 * published);
    }

    void gradientsThroughTime_data() {
        QTest::addColumn<QString>("neuron");
        QTest::addColumn<QString>("output");
        QTest::newRow("LMU, sequence") << "none" << "sequence";
        QTest::newRow("LMU, last step") << "none" << "last";
        QTest::newRow("LIF, sequence") << "lif" << "sequence";
        QTest::newRow("CuBa-LIF, last step") << "cuba_lif" << "last";
    }
    void gradientsThroughTime() {
        QFETCH(QString, neuron);
        QFETCH(QString, output);
        KernelRig rig("L2MU",
                      {{"units", 3}, {"order", 3}, {"theta", 3.0}, {"memory_inputs", 2},
                       {"neuron", neuron.toStdString()}, {"output", output.toStdString()}, {"smooth_forward", true},
                       {"threshold", 0.5}, {"slope", 2.0}},
                      {Shape::sequence(2, 5)});
        perturb(rig, 3);
        rig.inputs = {tensorValue(randomMatrix(10, 3, 17, 1.f))};
        gradientCheck(rig, {0}, 1e-3, 1e-2);
    }

    void spikingPopulationsSpike() {
        // the binary spike function: outputs are 0/1 and the rates are published
        KernelRig rig("L2MU", {{"units", 8}, {"neuron", std::string("lif")}, {"threshold", 0.5}}, {Shape::sequence(1, 20)});
        perturb(rig, 5);
        rig.inputs = {tensorValue(randomMatrix(20, 16, 2, 2.f))};
        rig.forward();
        const Matrix& y = rig.outputs[0].tensor;
        QVERIFY((y.array() == 0.f || y.array() == 1.f).all());
        Observables obs;
        rig.kernel->observe(obs);
        const double rate = obs.scalars.at("hidden_spike_rate");
        QVERIFY2(rate > 0 && rate < 1, qPrintable(QString("rate %1").arg(rate)));
        QCOMPARE(rate, double(y.mean()));
        QVERIFY(obs.scalars.at("memory_norm") > 0);
        QCOMPARE(obs.arrays.at("through_time:hidden").cols(), Eigen::Index(20));
    }

    void saveLoadRoundTrip() {
        const std::vector<std::pair<std::string, ParamValue>> p{{"units", 4}, {"memory_inputs", 2}, {"neuron", std::string("cuba_lif")}};
        KernelRig a("L2MU", p, {Shape::sequence(3, 6)}, 1);
        perturb(a, 9);
        KernelRig b("L2MU", p, {Shape::sequence(3, 6)}, 2);
        const Matrix x = randomMatrix(18, 5, 4, 2.f);
        a.inputs = b.inputs = {tensorValue(x)};
        a.forward();
        b.forward();
        QVERIFY(a.outputs[0].tensor != b.outputs[0].tensor);
        KernelState state = a.kernel->saveState();
        QCOMPARE(state.size(), std::size_t(8));
        b.kernel->loadState(state);
        b.forward();
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);
        // a wrong shape is refused by name and changes nothing
        state["memory_weight"] = Matrix::Zero(2, 2);
        state["bias"] = Matrix::Zero(4, 1);
        try {
            b.kernel->loadState(state);
            QFAIL("a wrong shape was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("memory_weight"), e.what());
        }
        b.forward();
        QVERIFY(a.outputs[0].tensor == b.outputs[0].tensor);
    }

    void badParametersRefused() {
        Graph g;
        const NodeId id = g.addNode("L2MU");
        g.rename(id, "memory cell");
        const auto theta = g.setParam(id, "theta", 0.0);
        QVERIFY(theta.has_value());
        QVERIFY2(theta->find("memory cell") != std::string::npos && theta->find("theta") != std::string::npos, theta->c_str());
        const auto order = g.setParam(id, "order", std::int64_t(0));
        QVERIFY(order.has_value());
        QVERIFY2(order->find("memory cell") != std::string::npos && order->find("order") != std::string::npos, order->c_str());
        // a kernel handed such values anyway (bypassing the ranges) refuses to build, naming them
        for (const auto& [name, value] : std::vector<std::pair<std::string, ParamValue>>{{"theta", -2.0}, {"order", std::int64_t(0)}}) {
            try {
                KernelRig rig("L2MU", {{name, value}}, {Shape::sequence(1, 4)});
                QFAIL("built with a bad parameter");
            } catch (const BuildError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString("'" + name + "'")), e.what());
            }
        }
        try {
            KernelRig rig("L2MU", {}, {Shape::tensor(4)});
            QFAIL("a plain tensor was accepted");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("in"));
        }
    }
};

QTEST_GUILESS_MAIN(TstL2mu)
#include "tst_l2mu.moc"
