// Swimmer body physics: rest stays at rest, dissipation, momentum conservation under internal
// torques, mirror symmetry, straight swimming, RFT anisotropy, stability; and the NCAP swimmer
// (circuit + body) moving forward in 30 s simulated, also through the SwimmerBody node kernel.
#include "core/worm/ncap_circuit.h"
#include "core/worm/swimmer_body.h"
#include "core/worm/worm_observables.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace ganglion;
using namespace ganglion::worm;

namespace {

/// Runs circuit + body for `seconds`; returns the centre-of-mass displacement.
Eigen::Vector2d swimNcap(const BodyConfig& bc, double seconds, const std::string& ablate = {},
                         SwimmerBody* out = nullptr) {
    SwimmerBody body(bc);
    NcapConfig nc;
    nc.joints = bc.links - 1;
    NcapCircuit c(nc);
    c.setAblation(ablate);
    Eigen::VectorXf a(nc.joints), t(nc.joints);
    const Eigen::Vector2d start = body.centerOfMass();
    const int steps = int(std::lround(seconds / bc.controlDt));
    for (int s = 0; s < steps; ++s) {
        body.jointAngles(a);
        c.step(s, a, t);
        body.step(t);
    }
    if (out) *out = body;
    return body.centerOfMass() - start;
}

}  // namespace

class TstWormBody : public QObject {
    Q_OBJECT
private slots:
    void matricesMatchEnergyAndDissipation_data();
    void matricesMatchEnergyAndDissipation();
    void noTorqueNoMotion();
    void dragDissipatesEnergy();
    void internalTorquesConserveMomentum();
    void mirrorSymmetry();
    void symmetricGaitGoesStraight();
    void ncapSwimsForward();
    void ablationStopsSwimming_data();
    void ablationStopsSwimming();
    void speedAndTurnCommandsSteer();
    void isotropicDragGivesNoThrust();
    void stableWithOneSubstep();
    void rejectsBadConfig();
    void nodeSwimsForward();
};

void TstWormBody::matricesMatchEnergyAndDissipation_data() {
    QTest::addColumn<int>("links");
    QTest::newRow("2 links") << 2;
    QTest::newRow("6 links") << 6;
    QTest::newRow("11 links") << 11;
}

void TstWormBody::matricesMatchEnergyAndDissipation() {
    // The closed-form M and D against link-by-link kinetic energy and dissipated power, for
    // random poses and velocities: 1/2 v^T M v = KE and v^T D v = P.
    QFETCH(int, links);
    BodyConfig cfg;
    cfg.links = links;
    cfg.dragNormal = 7.0;
    cfg.dragTangent = 1.3;
    cfg.jointDamping = 0.01;
    SwimmerBody b(cfg);
    std::mt19937_64 rng(links);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    for (int trial = 0; trial < 20; ++trial) {
        Eigen::VectorXd q(links + 2), v(links + 2);
        for (int i = 0; i < q.size(); ++i) {
            q(i) = u(rng);
            v(i) = u(rng);
        }
        b.setState(q, v);
        b.assemble();
        const double ke = 0.5 * v.dot(b.massMatrix() * v);
        const double pw = v.dot(b.dragMatrix() * v);
        QVERIFY2(std::abs(ke - b.kineticEnergy()) < 1e-10 * (1 + ke), qPrintable(QString("KE %1 vs %2").arg(ke).arg(b.kineticEnergy())));
        QVERIFY2(std::abs(pw - b.dissipation()) < 1e-10 * (1 + pw), qPrintable(QString("P %1 vs %2").arg(pw).arg(b.dissipation())));
        QVERIFY((b.massMatrix() - b.massMatrix().transpose()).norm() < 1e-12);
        QVERIFY((b.dragMatrix() - b.dragMatrix().transpose()).norm() < 1e-12);
    }
}

void TstWormBody::noTorqueNoMotion() {
    SwimmerBody b{BodyConfig{}};
    const Eigen::VectorXd q0 = b.state();
    const Eigen::VectorXf zero = Eigen::VectorXf::Zero(b.joints());
    for (int s = 0; s < 300; ++s) b.step(zero);
    QVERIFY((b.state() - q0).norm() < 1e-12);
    QVERIFY(b.kineticEnergy() < 1e-20);
    QCOMPARE(b.time(), 300 * 0.03);
}

void TstWormBody::dragDissipatesEnergy() {
    SwimmerBody b{BodyConfig{}};
    Eigen::VectorXd qd = Eigen::VectorXd::Zero(b.links() + 2);
    qd(0) = 0.3;
    qd(1) = -0.2;
    qd(4) = 2.0;
    b.setState(b.state(), qd);
    double e = b.kineticEnergy();
    const double e0 = e;
    const Eigen::VectorXf zero = Eigen::VectorXf::Zero(b.joints());
    for (int s = 0; s < 100; ++s) {
        b.step(zero);
        const double e2 = b.kineticEnergy();
        QVERIFY2(e2 <= e + 1e-12, qPrintable(QString("energy rose at step %1").arg(s)));
        e = e2;
    }
    QVERIFY2(e < 1e-3 * e0, qPrintable(QString("%1 of %2 left").arg(e).arg(e0)));
}

void TstWormBody::internalTorquesConserveMomentum() {
    // With (almost) no fluid, joint torques are internal forces: the centre of mass stays put,
    // up to the integrator's first-order error, which shrinks with the sub-step.
    auto drift = [](int substeps, double* ke) {
        BodyConfig cfg;
        cfg.dragNormal = 1e-9;
        cfg.dragTangent = 1e-9;
        cfg.substeps = substeps;
        SwimmerBody b(cfg);
        const Eigen::Vector2d c0 = b.centerOfMass();
        Eigen::VectorXf t(b.joints());
        for (int s = 0; s < 100; ++s) {
            for (int j = 0; j < b.joints(); ++j) t(j) = 0.3f * float(std::sin(0.3 * s - j));
            b.step(t);
        }
        *ke = b.kineticEnergy();
        return (b.centerOfMass() - c0).norm();
    };
    double ke = 0;
    const double coarse = drift(20, &ke);
    const double fine = drift(200, &ke);
    QVERIFY(ke > 1e-5);  // it did move internally
    QVERIFY2(fine < 2e-3, qPrintable(QString("COM moved %1 body lengths").arg(fine)));
    QVERIFY2(fine < 0.3 * coarse, qPrintable(QString("drift %1 -> %2 does not shrink with h").arg(coarse).arg(fine)));
}

void TstWormBody::mirrorSymmetry() {
    SwimmerBody a{BodyConfig{}}, b{BodyConfig{}};
    Eigen::VectorXf t(a.joints());
    for (int s = 0; s < 400; ++s) {
        for (int j = 0; j < a.joints(); ++j) t(j) = float(std::sin(2 * std::numbers::pi * s * 0.03 / 1.5 - 0.8 * j) + 0.3);
        a.step(t);
        b.step(-t);
    }
    const Eigen::Vector2d pa = a.centerOfMass(), pb = b.centerOfMass();
    QVERIFY(std::abs(pa.x() - pb.x()) < 1e-9);
    QVERIFY(std::abs(pa.y() + pb.y()) < 1e-9);
    QVERIFY(std::abs(pa.y()) > 1e-3);  // the biased gait does turn, and mirrors exactly
}

void TstWormBody::symmetricGaitGoesStraight() {
    // A travelling sine wave with zero mean: after the start-up transient, the body swims straight.
    SwimmerBody b{BodyConfig{}};
    Eigen::VectorXf t(b.joints());
    auto run = [&](int steps) {
        for (int k = 0; k < steps; ++k) {
            const double time = b.time();
            for (int j = 0; j < b.joints(); ++j)
                t(j) = float(std::sin(2 * std::numbers::pi * time / 1.5 - 1.0 * j));
            b.step(t);
        }
    };
    run(300);  // 9 s transient
    const Eigen::Vector2d c1 = b.centerOfMass();
    run(500);  // 15 s, 10 periods
    const Eigen::Vector2d c2 = b.centerOfMass();
    run(500);
    const Eigen::Vector2d c3 = b.centerOfMass();
    const Eigen::Vector2d d1 = c2 - c1, d2 = c3 - c2;
    QVERIFY2(d1.norm() > 0.5, qPrintable(QString("moved only %1").arg(d1.norm())));
    const double turn = std::acos(std::clamp(d1.normalized().dot(d2.normalized()), -1.0, 1.0));
    QVERIFY2(turn < 5.0 * std::numbers::pi / 180.0, qPrintable(QString("direction changed %1 rad").arg(turn)));
}

void TstWormBody::ncapSwimsForward() {
    SwimmerBody body{BodyConfig{}};
    const Eigen::Vector2d d = swimNcap(BodyConfig{}, 30.0, {}, &body);
    QVERIFY2(d.x() > 2.0, qPrintable(QString("forward %1 m").arg(d.x())));  // > 2 body lengths
    QVERIFY(body.headPosition().x() > 2.0);
    QVERIFY(std::abs(d.y()) < 0.5 * d.x());
    QVERIFY(body.jointAngles().cwiseAbs().maxCoeff() < 1.5f);  // a swim, not a knot
}

void TstWormBody::ablationStopsSwimming_data() {
    QTest::addColumn<QString>("ablate");
    QTest::newRow("oscillator") << "osc";
    QTest::newRow("head B-neurons") << "DB1 VB1";
}

void TstWormBody::ablationStopsSwimming() {
    QFETCH(QString, ablate);
    const Eigen::Vector2d d = swimNcap(BodyConfig{}, 30.0, ablate.toStdString());
    QVERIFY2(d.norm() < 0.05, qPrintable(QString("still moved %1 m").arg(d.norm())));
}

void TstWormBody::speedAndTurnCommandsSteer() {
    auto run = [](float speed, float turn) {
        SwimmerBody body{BodyConfig{}};
        NcapConfig nc;
        nc.speedUnit = true;
        nc.turnUnit = true;
        NcapCircuit c(nc);
        c.setCommands(speed, turn);
        Eigen::VectorXf a(5), t(5);
        const Eigen::Vector2d c0 = body.centerOfMass();
        for (int s = 0; s < 1000; ++s) {
            body.jointAngles(a);
            c.step(s, a, t);
            body.step(t);
        }
        return Eigen::Vector2d(body.centerOfMass() - c0);
    };
    // the speed unit slows the swimmer down monotonically, to a standstill at 0
    const double full = run(1.f, 0.f).x(), some = run(0.6f, 0.f).x(), little = run(0.3f, 0.f).x();
    QVERIFY2(full > some && some > little && little > 0.0,
             qPrintable(QString("%1 > %2 > %3 > 0").arg(full).arg(some).arg(little)));
    QVERIFY(run(0.f, 0.f).norm() < 1e-6);
    // the turn units steer to opposite sides
    const Eigen::Vector2d left = run(0.6f, 0.5f), right = run(0.6f, -0.5f);
    QVERIFY2(left.y() > 0.3 && right.y() < -0.3, qPrintable(QString("%1 / %2").arg(left.y()).arg(right.y())));
}

void TstWormBody::isotropicDragGivesNoThrust() {
    BodyConfig iso;
    iso.dragTangent = iso.dragNormal;
    const double forwardIso = swimNcap(iso, 30.0).x();
    const double forward = swimNcap(BodyConfig{}, 30.0).x();
    QVERIFY2(std::abs(forwardIso) < 0.1 * forward,
             qPrintable(QString("isotropic %1 vs anisotropic %2").arg(forwardIso).arg(forward)));
}

void TstWormBody::stableWithOneSubstep() {
    BodyConfig cfg;
    cfg.substeps = 1;
    cfg.mass = 1e-3;  // stiff: tiny inertia against strong drag
    const Eigen::Vector2d d = swimNcap(cfg, 30.0);
    QVERIFY(std::isfinite(d.x()) && std::isfinite(d.y()));
    QVERIFY(d.x() > 1.0);
}

void TstWormBody::rejectsBadConfig() {
    BodyConfig c;
    c.links = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SwimmerBody{c});
    c = BodyConfig{};
    c.dragNormal = 0;
    try {
        SwimmerBody b(c);
        QFAIL("zero drag accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY(QString(e.what()).contains("normal drag"));
    }
    c = BodyConfig{};
    c.substeps = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SwimmerBody{c});
}

void TstWormBody::nodeSwimsForward() {
    testing::KernelRig circuit("NcapCircuit", {}, {Shape::tensor(5), Shape{}, Shape{}});
    testing::KernelRig body("SwimmerBody", {}, {Shape::tensor(5)});
    QCOMPARE(body.outShapes[0].features, 5);
    circuit.inputs = {testing::tensorValue(Matrix::Zero(5, 1)), Value{PortType::Scalar}, Value{PortType::Scalar}};
    for (int s = 0; s < 1000; ++s) {  // 30 s
        circuit.forward();
        body.inputs = {circuit.outputs[0]};
        body.forward();
        circuit.inputs[0] = body.outputs[0];
    }
    Observables obs;
    body.kernel->observe(obs);
    auto frame = obs.get<SwimmerFrame>("swimmer");
    QVERIFY(frame);
    QCOMPARE(int(frame->points.cols()), 7);
    QVERIFY(frame->points(0, 0) > 2.0);  // head tip x
    QVERIFY(frame->distance > 2.0);
    QVERIFY(frame->speed > 0.05);
    QVERIFY(frame->trail.cols() > 100);
    QCOMPARE(frame->time, 30.0);
    QVERIFY(obs.scalars.at("distance") > 2.0);
    QVERIFY(frame->headVelocity.norm() > 0.0);
    QCOMPARE(obs.scalars.at("head_speed"), frame->headVelocity.norm());
    // body state round trip
    KernelState s = body.kernel->saveState();
    testing::KernelRig other("SwimmerBody", {}, {Shape::tensor(5)});
    other.kernel->loadState(s);
    QCOMPARE(other.kernel->saveState().at("state"), s.at("state"));
    try {
        testing::KernelRig bad("SwimmerBody", {}, {Shape{}});
        QFAIL("unconnected torque accepted");
    } catch (const BuildError& e) {
        QCOMPARE(QString::fromStdString(e.port), QString("torque"));
    }
}

QTEST_GUILESS_MAIN(TstWormBody)
#include "tst_worm_body.moc"
