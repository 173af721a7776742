// NCAP circuit: equations on hand-computed inputs, oscillator timing, ablation, sign constraints,
// and the NcapCircuit node kernel (forward, state round trip, bad parameters).
#include "core/worm/ncap_circuit.h"
#include "core/worm/worm_observables.h"
#include "kernel_harness.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::worm;

class TstWormCircuit : public QObject {
    Q_OBJECT
private slots:
    void handComputed_data();
    void handComputed();
    void saturates();
    void oscillatorPeriod();
    void ablation();
    void ablationRejectsUnknownNames();
    void signConstraints();
    void unsharedWeightsPerJoint();
    void speedAndTurnUnits();
    void kernelForwardMatchesCircuit();
    void kernelStateRoundTrip();
    void kernelRejectsBadParameters();
};

void TstWormCircuit::handComputed_data() {
    QTest::addColumn<float>("osc");
    QTest::addColumn<float>("prop");
    QTest::addColumn<float>("ipsi");
    QTest::addColumn<float>("contra");
    QTest::addColumn<int>("step");
    QTest::addColumn<QList<float>>("torque");
    QTest::addColumn<QList<float>>("bDorsal");
    QTest::addColumn<QList<float>>("muscleVentral");
    // joints = 3, angles = (0.5, -0.3, 0.1), normaliser 2π/4 = 1.570796
    // paper weights, dorsal phase: head B_d = 1 -> M_d = 1; joint 2 sees 0.5/1.5708 = 0.31831
    // dorsally; joint 3 sees 0.3/1.5708 = 0.19099 ventrally.
    QTest::newRow("paper weights, dorsal phase")
        << 1.f << 1.f << 1.f << -1.f << 0 << QList<float>{1.f, 0.31831f, -0.19099f}
        << QList<float>{1.f, 0.31831f, 0.f} << QList<float>{0.f, 0.f, 0.19099f};
    // osc 0.8, prop 2, ipsi 0.5, contra -0.25, step 30 of a 60-step period = ventral phase:
    // head B_v = 0.8 -> M_v = 0.4, M_d = clamp(-0.2) = 0 -> -0.4; joint 2 B_d = 0.63662 ->
    // M_d = 0.31831, M_v = clamp(-0.159) = 0; joint 3 B_v = 0.38197 -> M_v = 0.19099.
    QTest::newRow("scaled weights, ventral phase")
        << 0.8f << 2.f << 0.5f << -0.25f << 30 << QList<float>{-0.4f, 0.31831f, -0.19099f}
        << QList<float>{0.f, 0.63662f, 0.f} << QList<float>{0.4f, 0.f, 0.19099f};
}

void TstWormCircuit::handComputed() {
    QFETCH(float, osc);
    QFETCH(float, prop);
    QFETCH(float, ipsi);
    QFETCH(float, contra);
    QFETCH(int, step);
    QFETCH(QList<float>, torque);
    QFETCH(QList<float>, bDorsal);
    QFETCH(QList<float>, muscleVentral);
    NcapConfig cfg;
    cfg.joints = 3;
    NcapCircuit c(cfg);
    Eigen::VectorXf p(4);
    p << osc, prop, ipsi, contra;
    c.setParameterVector(p);
    Eigen::VectorXf angles(3), out(3);
    angles << 0.5f, -0.3f, 0.1f;
    c.step(step, angles, out);
    for (int j = 0; j < 3; ++j) {
        QVERIFY2(std::abs(out(j) - torque[j]) < 1e-4f, qPrintable(QString("torque %1: %2 vs %3").arg(j).arg(out(j)).arg(torque[j])));
        QVERIFY(std::abs(c.bDorsal()(j) - bDorsal[j]) < 1e-4f);
        QVERIFY(std::abs(c.muscleVentral()(j) - muscleVentral[j]) < 1e-4f);
    }
}

void TstWormCircuit::saturates() {
    NcapConfig cfg;
    cfg.joints = 2;
    NcapCircuit c(cfg);
    Eigen::VectorXf angles(2), out(2);
    angles << 3.0f, 0.f;  // 3 / (2π/3) = 1.43 -> clamped to 1
    c.step(0, angles, out);
    QCOMPARE(c.bDorsal()(1), 1.f);
    QCOMPARE(out(1), 1.f);
    QCOMPARE(NcapCircuit::graded(-2.f), 0.f);
    QCOMPARE(NcapCircuit::graded(0.25f), 0.25f);
    QCOMPARE(NcapCircuit::graded(7.f), 1.f);
}

void TstWormCircuit::oscillatorPeriod() {
    NcapConfig cfg;  // period 1.8 s at 0.03 s = 60 steps
    NcapCircuit c(cfg);
    for (int s = 0; s < 30; ++s) QVERIFY(c.oscillatorDorsal(s));
    for (int s = 30; s < 60; ++s) QVERIFY(!c.oscillatorDorsal(s));
    QVERIFY(c.oscillatorDorsal(60));
    cfg.period = 0.6;  // 20 steps
    NcapCircuit d(cfg);
    QVERIFY(d.oscillatorDorsal(9));
    QVERIFY(!d.oscillatorDorsal(10));
    QVERIFY(d.oscillatorDorsal(20));
    cfg.period = 0.03;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, NcapCircuit{cfg});
}

void TstWormCircuit::ablation() {
    NcapConfig cfg;
    cfg.joints = 3;
    NcapCircuit c(cfg);
    Eigen::VectorXf angles(3), out(3);
    angles << 0.5f, -0.3f, 0.f;
    c.setAblation("DB2, vm3");
    c.step(0, angles, out);
    QCOMPARE(c.bDorsal()(1), 0.f);
    QCOMPARE(out(1), 0.f);           // joint 2 had only dorsal drive
    QCOMPARE(c.muscleVentral()(2), 0.f);
    QCOMPARE(out(0), 1.f);           // head untouched
    c.setAblation("osc");
    c.step(0, angles, out);
    QCOMPARE(out(0), 0.f);
    QCOMPARE(c.oscDorsal(), 0.f);
    c.setAblation("");
    c.step(0, angles, out);
    QCOMPARE(out(0), 1.f);
    // switching proprioception off silences every joint but the head
    c.setSwitches(true, false, 1.8);
    c.step(0, angles, out);
    QCOMPARE(out(1), 0.f);
    QCOMPARE(out(2), 0.f);
}

void TstWormCircuit::ablationRejectsUnknownNames() {
    NcapConfig cfg;
    cfg.joints = 3;
    NcapCircuit c(cfg);
    for (const char* bad : {"DB4", "XB1", "DB", "DB0", "AVA"}) {
        try {
            c.setAblation(bad);
            QFAIL(qPrintable(QString("accepted %1").arg(bad)));
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains(bad), e.what());
        }
    }
}

void TstWormCircuit::signConstraints() {
    NcapConfig cfg;
    NcapCircuit c(cfg);
    QVERIFY(c.weightsRespectSigns());
    Eigen::VectorXf p(4);
    p << -0.5f, 2.f, -1.f, 0.7f;  // osc, ipsi negative and contra positive: all violate
    c.setParameterVector(p);
    QVERIFY(c.weightsRespectSigns());
    const Eigen::VectorXf q = c.parameterVector();
    QCOMPARE(q(0), 0.f);
    QCOMPARE(q(1), 2.f);
    QCOMPARE(q(2), 0.f);
    QCOMPARE(q(3), 0.f);
    QCOMPARE(c.parameterSigns()(3), -1.f);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, c.setParameterVector(Eigen::VectorXf::Ones(3)));
}

void TstWormCircuit::unsharedWeightsPerJoint() {
    NcapConfig cfg;
    cfg.joints = 3;
    cfg.weightSharing = false;
    NcapCircuit c(cfg);
    QCOMPARE(c.parameterCount(), 12);
    Eigen::VectorXf p = c.parameterVector();
    p(3 + 2) = 0.f;  // layout osc[3], prop[3], ipsi[3], contra[3]: prop of joint 3
    c.setParameterVector(p);
    Eigen::VectorXf angles(3), out(3);
    angles << 0.5f, -0.3f, 0.f;
    c.step(0, angles, out);
    QVERIFY(out(1) > 0.3f);
    QCOMPARE(out(2), 0.f);
}

void TstWormCircuit::speedAndTurnUnits() {
    NcapConfig cfg;
    cfg.joints = 2;
    cfg.speedUnit = true;
    cfg.turnUnit = true;
    NcapCircuit c(cfg);
    QCOMPARE(c.parameterCount(), 6);
    Eigen::VectorXf angles = Eigen::VectorXf::Zero(2), out(2);
    c.setCommands(0.f, 0.f);  // speed 0: B-neurons inhibited by w_speed (-1) -> head 1 - 1 = 0
    c.step(0, angles, out);
    QCOMPARE(out(0), 0.f);
    c.setCommands(1.f, -0.5f);  // full speed, turn right: head B_v gets 0.5 during dorsal phase
    c.step(0, angles, out);
    QCOMPARE(c.bVentral()(0), 0.5f);
    QCOMPARE(out(0), 0.5f);  // M_d = 1 - 0.5, M_v = 0.5 - 1 -> 0
}

void TstWormCircuit::kernelForwardMatchesCircuit() {
    testing::KernelRig rig("NcapCircuit", {{"joints", std::int64_t(3)}}, {Shape::tensor(3), Shape{}, Shape{}});
    QCOMPARE(rig.outShapes[0].features, 3);
    QCOMPARE(rig.outShapes[1].features, 12);
    Matrix a(3, 1);
    a << 0.5f, -0.3f, 0.1f;
    rig.inputs = {testing::tensorValue(a), Value{PortType::Scalar}, Value{PortType::Scalar}};
    rig.forward();
    const Matrix& t = rig.outputs[0].tensor;
    QCOMPARE(t.rows(), 3);
    QVERIFY(std::abs(t(0) - 1.f) < 1e-5f);
    QVERIFY(std::abs(t(1) - 0.31831f) < 1e-4f);
    QVERIFY(std::abs(t(2) + 0.19099f) < 1e-4f);
    // a Test-phase forward does not advance the oscillator or change the output
    rig.forward(Phase::Test);
    QVERIFY(std::abs(rig.outputs[0].tensor(1) - 0.31831f) < 1e-4f);
    Observables obs;
    rig.kernel->observe(obs);
    auto trace = obs.get<CircuitTrace>("ncap_trace");
    QVERIFY(trace);
    QCOMPARE(trace->joints, 3);
    QCOMPARE(int(trace->bDorsal.cols()), 1);
}

void TstWormCircuit::kernelStateRoundTrip() {
    testing::KernelRig rig("NcapCircuit", {{"weight_sharing", false}}, {Shape::tensor(5), Shape{}, Shape{}});
    KernelState s = rig.kernel->saveState();
    QCOMPARE(int(s.at("weights").cols()), 5);
    s["weights"](1, 2) = 0.25f;
    s["weights"](3, 4) = -2.5f;
    rig.kernel->loadState(s);
    const KernelState back = rig.kernel->saveState();
    QCOMPARE(back.at("weights"), s.at("weights"));
    KernelState bad = s;
    bad["weights"] = Matrix::Ones(4, 2);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, rig.kernel->loadState(bad));
    // sign constraints are enforced on load too
    s["weights"](3, 0) = 3.f;
    rig.kernel->loadState(s);
    QCOMPARE(rig.kernel->saveState().at("weights")(3, 0), 0.f);
}

void TstWormCircuit::kernelRejectsBadParameters() {
    const NodeSpec* spec = NodeRegistry::instance().find("NcapCircuit");
    QVERIFY(spec);
    QVERIFY(spec->param("w_contra")->check(0.5).has_value());   // inhibitory must be <= 0
    QVERIFY(spec->param("w_ipsi")->check(-0.1).has_value());    // excitatory must be >= 0
    QVERIFY(!spec->param("w_contra")->check(-0.5).has_value());
    try {
        testing::KernelRig rig("NcapCircuit", {{"ablate", std::string("DB9")}}, {Shape::tensor(5), Shape{}, Shape{}});
        QFAIL("unknown ablation accepted");
    } catch (const BuildError& e) {
        QVERIFY2(QString(e.what()).contains("DB9"), e.what());
    }
    try {
        testing::KernelRig rig("NcapCircuit", {}, {Shape::tensor(4), Shape{}, Shape{}});
        QFAIL("joint mismatch accepted");
    } catch (const BuildError& e) {
        QCOMPARE(QString::fromStdString(e.port), QString("angles"));
    }
}

QTEST_GUILESS_MAIN(TstWormCircuit)
#include "tst_worm_circuit.moc"
