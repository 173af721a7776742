// The NCAP circuit expanded to its neurons: each part's equation on hand-computed inputs, the
// expansion's structure, expanded and composite circuits swimming the same for every switch,
// weight and ablation, exact undo/redo of the expansion, JSON round trip, and refusals that
// leave the graph untouched.
#include "core/engine/engine.h"
#include "core/graph/expand.h"
#include "core/graph/json_io.h"
#include "core/graph/validate.h"
#include "core/worm/worm_observables.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace ganglion;
using ganglion::testing::KernelRig;

namespace {

Value scalar(float x) {
    Value v;
    v.type = PortType::Scalar;
    v.tensor = Matrix::Constant(1, 1, x);
    return v;
}

float out0(const KernelRig& r) { return r.outputs[0].tensor(0, 0); }

/// The bundled swimmer graph with NCAP parameters overridden.
Graph swimmer(const std::vector<std::pair<std::string, ParamValue>>& params) {
    Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/worm_swimmer.json");
    const Node* ncap = g.nodeByName("NCAP circuit");
    if (!ncap) throw std::runtime_error("example has no 'NCAP circuit'");
    const NodeId id = ncap->id;
    for (const auto& [k, v] : params)
        if (auto err = g.setParam(id, k, v)) throw std::runtime_error(*err);
    return g;
}

struct Run {
    Eigen::Matrix2Xd points;
    Eigen::VectorXd torque;
};

Run simulate(const Graph& g, int steps) {
    Engine e;
    const auto issues = e.build(g);
    if (!e.ok()) throw std::runtime_error(formatIssues(issues) + e.error());
    for (int s = 0; s < steps; ++s)
        if (!e.step()) throw std::runtime_error("step failed: " + e.error());
    auto snap = e.makeSnapshot();
    auto f = snap->firstOfType("SwimmerBody")->obs.get<worm::SwimmerFrame>("swimmer");
    return {f->points, f->torque};
}

}  // namespace

class TstWormExpand : public QObject {
    Q_OBJECT
private slots:
    void bNeuronHandComputed_data();
    void bNeuronHandComputed();
    void muscleHandComputed();
    void oscillatorSquareWave();
    void jointWritesItsEntry();
    void commandUnits();
    void expansionStructure();
    void expandedSwimsLikeComposite_data();
    void expandedSwimsLikeComposite();
    void undoRedoExact();
    void jsonRoundTrip();
    void refusalsLeaveGraphUnchanged();
    void droppedConnectionsReported();
    void bundledNeuronExampleMatchesSwimmer();
};

void TstWormExpand::bNeuronHandComputed_data() {
    QTest::addColumn<QString>("side");
    QTest::addColumn<int>("joint");
    QTest::addColumn<float>("osc");
    QTest::addColumn<float>("expected");
    // angles (0.5, -0.3, 0.1): 3 joints, normaliser 2π/4 = 1.570796.
    // joint 2 senses joint 1's bend 0.5 -> 0.31831 dorsally, 0 ventrally.
    QTest::newRow("DB2 stretch") << "dorsal" << 2 << 0.f << 0.31831f * 2.f;
    QTest::newRow("VB2 no stretch") << "ventral" << 2 << 0.f << 0.f;
    // joint 3 senses -0.3 -> 0.19099 ventrally; w_prop 2 -> 0.38197
    QTest::newRow("VB3 stretch") << "ventral" << 3 << 0.f << 0.19099f * 2.f;
    // head: no proprioception, oscillator 1 with w_osc 0.7
    QTest::newRow("DB1 oscillator") << "dorsal" << 1 << 1.f << 0.7f;
    // saturates at 1: stretch 0.63662 + osc 0.7 -> 1
    QTest::newRow("DB2 clamps") << "dorsal" << 2 << 1.f << 1.f;
}

void TstWormExpand::bNeuronHandComputed() {
    QFETCH(QString, side);
    QFETCH(int, joint);
    QFETCH(float, osc);
    QFETCH(float, expected);
    KernelRig r("NcapBNeuron",
                {{"side", side.toStdString()}, {"joint", std::int64_t(joint)}, {"w_prop", 2.0}, {"w_osc", 0.7}},
                {Shape::tensor(1), Shape::tensor(3), Shape::tensor(1), Shape::tensor(1)});
    r.inputs.resize(4);
    r.inputs[0] = scalar(osc);
    r.inputs[1].tensor = (Matrix(3, 1) << 0.5f, -0.3f, 0.1f).finished();
    r.forward();
    QCOMPARE(r.outputs[0].type, PortType::Scalar);
    QVERIFY2(std::abs(out0(r) - expected) < 1e-5, qPrintable(QString("got %1").arg(out0(r))));
    // ablated: silent whatever the input
    r.params.set("ablated", true);
    r.kernel->setParams(r.params);
    r.forward();
    QCOMPARE(out0(r), 0.f);
}

void TstWormExpand::muscleHandComputed() {
    KernelRig r("NcapMuscle", {{"w_ipsi", 0.5}, {"w_contra", -0.25}}, {Shape::tensor(1), Shape::tensor(1)});
    r.inputs = {scalar(0.8f), scalar(0.4f)};
    r.forward();
    QVERIFY(std::abs(out0(r) - 0.3f) < 1e-6);  // 0.5·0.8 − 0.25·0.4
    r.inputs = {scalar(0.1f), scalar(1.f)};
    r.forward();
    QCOMPARE(out0(r), 0.f);  // 0.05 − 0.25 < 0 -> 0
    r.inputs = {scalar(1.f), scalar(0.f)};
    r.params.set("w_ipsi", 3.0);
    r.kernel->setParams(r.params);
    r.forward();
    QCOMPARE(out0(r), 1.f);  // saturates
}

void TstWormExpand::oscillatorSquareWave() {
    // period 0.12 s at 0.03 s per step = 4 steps: dorsal, dorsal, ventral, ventral, dorsal…
    KernelRig r("NcapOscillator", {{"period", 0.12}, {"control_dt", 0.03}}, {});
    const float dorsal[] = {1, 1, 0, 0, 1, 1, 0, 0};
    for (float d : dorsal) {
        r.forward();
        QCOMPARE(r.outputs[0].tensor(0, 0), d);
        QCOMPARE(r.outputs[1].tensor(0, 0), 1.f - d);
    }
    r.params.set("active", false);
    r.kernel->setParams(r.params);
    r.forward();
    QCOMPARE(r.outputs[0].tensor(0, 0) + r.outputs[1].tensor(0, 0), 0.f);
    Observables obs;
    r.kernel->observe(obs);
    QCOMPARE(obs.arrays.at("trace").rows(), 2);
    QCOMPARE(obs.arrays.at("trace").cols(), 9);
    // a period shorter than two control steps is refused with a message
    bool threw = false;
    try {
        KernelRig bad("NcapOscillator", {{"period", 0.06}, {"control_dt", 0.05}}, {});
    } catch (const BuildError& e) {
        threw = QString(e.what()).contains("two control steps");
    }
    QVERIFY(threw);
}

void TstWormExpand::jointWritesItsEntry() {
    KernelRig r("NcapJoint", {{"joint", std::int64_t(2)}, {"joints", std::int64_t(3)}},
                {Shape::tensor(1), Shape::tensor(1), Shape::tensor(3)});
    QCOMPARE(r.outShapes[0].features, 3);
    r.inputs.resize(3);
    r.inputs[0] = scalar(0.9f);
    r.inputs[1] = scalar(0.25f);
    r.inputs[2].tensor = (Matrix(3, 1) << 0.1f, 7.f, -0.2f).finished();
    r.forward();
    const Matrix expected = (Matrix(3, 1) << 0.1f, 0.65f, -0.2f).finished();
    QVERIFY(r.outputs[0].tensor.isApprox(expected));
    // beyond the body, or a chain of another length: refused, naming the port
    try {
        KernelRig bad("NcapJoint", {{"joint", std::int64_t(2)}, {"joints", std::int64_t(3)}},
                      {Shape::tensor(1), Shape::tensor(1), Shape::tensor(4)});
        QFAIL("a 4-entry chain into a 3-joint node was accepted");
    } catch (const BuildError& e) {
        QCOMPARE(QString::fromStdString(e.port), QString("torques"));
    }
    QVERIFY_THROWS_EXCEPTION(BuildError, KernelRig("NcapJoint", {{"joint", std::int64_t(4)}, {"joints", std::int64_t(3)}}, {}));
}

void TstWormExpand::commandUnits() {
    KernelRig r("NcapCommand", {{"speed", 0.25}, {"turn", -0.5}}, {Shape::tensor(1), Shape::tensor(1)});
    r.inputs.resize(2);
    r.forward();
    QCOMPARE(r.outputs[0].tensor(0, 0), 0.75f);  // slow = 1 − 0.25
    QCOMPARE(r.outputs[1].tensor(0, 0), 0.f);
    QCOMPARE(r.outputs[2].tensor(0, 0), 0.5f);
    r.inputs[0] = scalar(1.7f);  // a connected command wins and is clamped to [0, 1]
    r.inputs[1] = scalar(0.3f);
    r.forward();
    QCOMPARE(r.outputs[0].tensor(0, 0), 0.f);
    QCOMPARE(r.outputs[1].tensor(0, 0), 0.3f);
    QCOMPARE(r.outputs[2].tensor(0, 0), 0.f);
}

void TstWormExpand::expansionStructure() {
    Graph g = swimmer({{"ablate", std::string("VB2, DM4")}, {"w_prop", 0.6}});
    const NodeId ncap = g.nodeByName("NCAP circuit")->id;
    QVERIFY(canExpand(g, ncap));
    QVERIFY(!canExpand(g, g.nodeByName("Swimmer")->id));
    const double bodyX = g.nodeByName("Swimmer")->x;
    const ExpandRecord r = expandNode(g, ncap);
    QVERIFY(!g.node(ncap));
    QCOMPARE(int(r.added.size()), 1 + 5 * 5);  // oscillator + per joint DB, VB, DM, VM, joint
    // osc→head (2) + angles→B2..B5 (8) + B→muscles (20) + muscles→joints (10) + chain (4)
    // + last joint→body (1)
    QCOMPARE(int(r.addedEdges.size()), 45);
    QVERIFY(r.dropped.empty());
    for (const char* name : {"Oscillator", "DB1", "VB5", "DM3", "VM1", "Joint 5"}) QVERIFY2(g.nodeByName(name), name);
    QCOMPARE(g.nodeByName("VB2")->params.getBool("ablated"), true);
    QCOMPARE(g.nodeByName("DM4")->params.getBool("ablated"), true);
    QCOMPARE(g.nodeByName("DB2")->params.getBool("ablated"), false);
    QCOMPARE(g.nodeByName("DB3")->params.getFloat("w_prop"), 0.6);
    QCOMPARE(g.nodeByName("VM2")->params.getString("side"), std::string("ventral"));
    // the body now takes its torque from the last joint and moved right to make room
    const Node* body = g.nodeByName("Swimmer");
    const Edge* torque = g.edgeIntoPort({body->id, "torque"});
    QVERIFY(torque);
    QCOMPARE(torque->from.node, g.nodeByName("Joint 5")->id);
    QVERIFY(body->x > bodyX + 500);
    QCOMPARE(int(r.moved.size()), 1);
    QVERIFY2(validateStructure(g).empty(), formatIssues(validateStructure(g)).c_str());
    // no two parts overlap on the canvas (nodes are at most 180 wide and 190 tall)
    for (size_t a = 0; a < r.added.size(); ++a)
        for (size_t b = a + 1; b < r.added.size(); ++b) {
            const Node& p = *g.node(r.added[a].id);
            const Node& q = *g.node(r.added[b].id);
            QVERIFY2(std::abs(p.x - q.x) >= 180 || std::abs(p.y - q.y) >= 90, (p.name + " / " + q.name).c_str());
        }
    // a second circuit's parts get names of their own
    Graph two = swimmer({});
    const NodeId second = two.addNode("NcapCircuit", -200, 900);
    expandNode(two, two.nodeByName("NCAP circuit")->id);
    expandNode(two, second);
    QVERIFY(two.nodeByName("DB1"));
    QCOMPARE(int(two.nodes().size()), 1 + 2 * 26);
}

void TstWormExpand::expandedSwimsLikeComposite_data() {
    QTest::addColumn<QString>("params");
    QTest::newRow("paper weights") << "";
    QTest::newRow("scaled weights") << "w_osc=0.8 w_prop=1.6 w_ipsi=0.7 w_contra=-0.4";
    QTest::newRow("unshared weights") << "weight_sharing=0";
    QTest::newRow("no oscillator") << "oscillator=0";
    QTest::newRow("no proprioception") << "proprioception=0";
    QTest::newRow("ablations") << "ablate=osc,VB3,DM2";
    QTest::newRow("period and joints") << "period=1.2 joints=3";
    QTest::newRow("speed and turn units") << "speed_unit=1 turn_unit=1 speed=0.6 turn=0.4 w_speed=-0.5";
}

void TstWormExpand::expandedSwimsLikeComposite() {
    QFETCH(QString, params);
    std::vector<std::pair<std::string, ParamValue>> overrides;
    const ParamSet defaults = ParamSet::defaults(NodeRegistry::instance().find("NcapCircuit")->params);
    for (const QString& kv : params.split(' ', Qt::SkipEmptyParts)) {
        const QString key = kv.section('=', 0, 0), val = kv.section('=', 1);
        const ParamValue& def = defaults.get(key.toStdString());
        if (std::holds_alternative<bool>(def)) overrides.emplace_back(key.toStdString(), val == "1");
        else if (std::holds_alternative<std::int64_t>(def)) overrides.emplace_back(key.toStdString(), std::int64_t(val.toLongLong()));
        else if (std::holds_alternative<double>(def)) overrides.emplace_back(key.toStdString(), val.toDouble());
        else overrides.emplace_back(key.toStdString(), val.toStdString());
    }
    const Graph composite = swimmer(overrides);
    Graph expanded = composite;
    expandNode(expanded, expanded.nodeByName("NCAP circuit")->id);
    const int steps = 1000;  // 30 s
    const Run a = simulate(composite, steps), b = simulate(expanded, steps);
    QCOMPARE(a.torque.size(), b.torque.size());
    const double drift = (a.points - b.points).cwiseAbs().maxCoeff();
    QVERIFY2(drift < 1e-4, qPrintable(QString("bodies differ by %1 m after 30 s").arg(drift)));
    QVERIFY2((a.torque - b.torque).cwiseAbs().maxCoeff() < 1e-4, "torques differ");
}

void TstWormExpand::undoRedoExact() {
    Graph g = swimmer({{"w_ipsi", 0.9}});
    const std::string before = graphToJson(g);
    const ExpandRecord r = expandNode(g, g.nodeByName("NCAP circuit")->id);
    const std::string after = graphToJson(g);
    QVERIFY(before != after);
    for (int round = 0; round < 2; ++round) {
        revertExpand(g, r);
        QCOMPARE(graphToJson(g), before);
        applyExpand(g, r);
        QCOMPARE(graphToJson(g), after);
    }
}

void TstWormExpand::jsonRoundTrip() {
    Graph g = swimmer({{"speed_unit", true}});
    expandNode(g, g.nodeByName("NCAP circuit")->id);
    const Graph back = graphFromJson(graphToJson(g));
    QVERIFY(back.sameContent(g));
    QCOMPARE(graphToJson(back), graphToJson(g));
}

void TstWormExpand::refusalsLeaveGraphUnchanged() {
    Graph g = swimmer({{"ablate", std::string("DB9")}});  // only 5 joints
    const std::string before = graphToJson(g);
    try {
        expandNode(g, g.nodeByName("NCAP circuit")->id);
        QFAIL("an unknown ablated neuron was accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("DB9") && QString(e.what()).contains("NCAP circuit"), e.what());
    }
    QCOMPARE(graphToJson(g), before);
    try {
        expandNode(g, g.nodeByName("Swimmer")->id);
        QFAIL("a body was expanded");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("cannot be expanded"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, expandNode(g, 12345));
    QCOMPARE(graphToJson(g), before);
}

void TstWormExpand::droppedConnectionsReported() {
    // the composite's 'activity' output has no single-neuron counterpart: its edge is dropped
    // and named; the speed input goes to the command units when the circuit has them
    Graph g = swimmer({{"speed_unit", true}});
    const NodeId ncap = g.nodeByName("NCAP circuit")->id;
    const NodeId plot = g.addNode("NcapCircuit", 400, 600);  // any node with a tensor input
    g.connect({ncap, "activity"}, {plot, "angles"});
    const NodeId cmd = g.addNode("NcapCommand", -600, 0);
    g.connect({cmd, "slow"}, {ncap, "speed"});
    const ExpandRecord r = expandNode(g, ncap);
    QCOMPARE(int(r.dropped.size()), 1);
    QVERIFY2(QString::fromStdString(r.dropped[0]).contains("activity"), r.dropped[0].c_str());
    const Edge* speed = g.edgeIntoPort({g.nodeByName("Commands")->id, "speed"});
    QVERIFY(speed);
    QCOMPARE(speed->from.node, cmd);
}

void TstWormExpand::bundledNeuronExampleMatchesSwimmer() {
    // "Worm swimmer, neuron by neuron" is the swimmer example expanded: same motion, and it swims
    const Graph neurons = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/worm_neurons.json");
    QVERIFY(!neurons.nodeByName("NCAP circuit"));
    QVERIFY(neurons.nodeByName("VM5"));
    Graph fresh = swimmer({});  // right-click → Expand to neurons makes exactly this graph
    expandNode(fresh, fresh.nodeByName("NCAP circuit")->id);
    fresh.settings() = neurons.settings();  // the example has its own title and description
    QVERIFY(fresh.sameContent(neurons));
    const Run a = simulate(swimmer({}), 1000), b = simulate(neurons, 1000);
    QVERIFY((a.points - b.points).cwiseAbs().maxCoeff() < 1e-4);
    QVERIFY2(b.points(0, 0) > 2.0, qPrintable(QString("head x %1 m after 30 s").arg(b.points(0, 0))));
}

QTEST_GUILESS_MAIN(TstWormExpand)
#include "tst_worm_expand.moc"
