// The bundled worm examples run through the real engine: the NCAP swimmer swims forward, the
// ablated swimmers do not, training raises the speed, and the touch example responds (when the
// connectome table is present). Also: live parameter edits reach the circuit.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/worm/worm_observables.h"

#include <QtTest>

#include <filesystem>

using namespace ganglion;

namespace {

std::string example(const char* name) { return std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name; }

double scalarOf(Engine& e, const std::string& key) {
    const auto s = e.scalars();
    auto it = s.find(key);
    if (it == s.end()) throw std::runtime_error("no scalar " + key);
    return it->second;
}

void buildOrFail(Engine& e, const Graph& g) {
    const auto issues = e.build(g);
    QVERIFY2(e.ok(), (formatIssues(issues) + e.error()).c_str());
}

}  // namespace

class TstWormGraph : public QObject {
    Q_OBJECT
private slots:
    void swimmerExampleSwimsForward();
    void ablationExample();
    void liveWeightEditChangesGait();
    void trainExampleImproves();
    void touchExampleResponds();
};

void TstWormGraph::swimmerExampleSwimsForward() {
    Graph g = loadGraphFile(example("worm_swimmer.json"));
    Engine e;
    buildOrFail(e, g);
    for (int s = 0; s < 1000; ++s) QVERIFY(e.step());  // 30 s at 0.03 s per step
    auto snap = e.makeSnapshot();
    const NodeSnapshot* body = snap->firstOfType("SwimmerBody");
    QVERIFY(body);
    auto f = body->obs.get<worm::SwimmerFrame>("swimmer");
    QVERIFY(f);
    QVERIFY2(f->points(0, 0) > 2.0, qPrintable(QString("head x %1").arg(f->points(0, 0))));
    QCOMPARE(f->time, 30.0);
    QVERIFY(snap->firstOfType("NcapCircuit")->obs.get<worm::CircuitTrace>("ncap_trace"));
}

void TstWormGraph::ablationExample() {
    Graph g = loadGraphFile(example("worm_ablation.json"));
    Engine e;
    buildOrFail(e, g);
    for (int s = 0; s < 1000; ++s) QVERIFY(e.step());
    const double intact = scalarOf(e, "Intact/distance");
    const double noOsc = scalarOf(e, "No oscillator/distance");
    const double noProp = scalarOf(e, "No proprioception/distance");
    QVERIFY2(intact > 2.0, qPrintable(QString("intact %1").arg(intact)));
    QVERIFY2(noOsc < 0.05, qPrintable(QString("no oscillator %1").arg(noOsc)));
    QVERIFY2(noProp < 0.25 * intact, qPrintable(QString("no proprioception %1 vs %2").arg(noProp).arg(intact)));
}

void TstWormGraph::liveWeightEditChangesGait() {
    Graph g = loadGraphFile(example("worm_swimmer.json"));
    Engine intact, edited;
    buildOrFail(intact, g);
    buildOrFail(edited, g);
    const NodeId circuit = g.nodeByName("NCAP circuit")->id;
    QVERIFY(edited.setParam(circuit, "w_prop", 0.0));  // live: proprioception silenced
    for (int s = 0; s < 600; ++s) {
        QVERIFY(intact.step());
        QVERIFY(edited.step());
    }
    const double a = scalarOf(intact, "Swimmer/distance"), b = scalarOf(edited, "Swimmer/distance");
    QVERIFY2(b < 0.3 * a, qPrintable(QString("distance %1 without proprioceptive weight vs %2").arg(b).arg(a)));
    // and back: restoring the weight restores swimming
    QVERIFY(edited.setParam(circuit, "w_prop", 1.0));
    const double before = scalarOf(edited, "Swimmer/head_x");
    for (int s = 0; s < 600; ++s) QVERIFY(edited.step());
    QVERIFY(scalarOf(edited, "Swimmer/head_x") - before > 1.0);
}

void TstWormGraph::trainExampleImproves() {
    Graph g = loadGraphFile(example("worm_train.json"));
    // only the NCAP trainer, shorter episodes: keeps the test quick
    g.removeNode(g.nodeByName("MLP trainer")->id);
    const NodeId t = g.nodeByName("NCAP trainer")->id;
    QVERIFY(!g.setParam(t, "episode_seconds", 4.0));
    Engine e;
    buildOrFail(e, g);
    QVERIFY(e.step());
    const double first = scalarOf(e, "NCAP trainer/speed");
    for (int s = 0; s < 25; ++s) QVERIFY(e.step());
    const double last = scalarOf(e, "NCAP trainer/speed");
    QVERIFY2(last > first + 0.05, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    QCOMPARE(scalarOf(e, "NCAP trainer/parameters"), 4.0);
    // the canvas thumbnail: speed per generation (the initial one plus 26), with its own scale
    const auto snapshot = e.makeSnapshot();  // keeps the snapshot alive while ns points into it
    const NodeSnapshot* ns = snapshot->find(t);
    const Matrix& trace = ns->obs.arrays.at("trace");
    QCOMPARE(trace.cols(), Eigen::Index(27));
    QVERIFY(std::abs(double(trace(0, 26)) - last) < 1e-6);  // stored as float
    const Matrix& range = ns->obs.arrays.at("trace_range");
    QVERIFY(range(0) <= trace.minCoeff() && range(1) >= trace.maxCoeff());
}

void TstWormGraph::touchExampleResponds() {
    const std::string table = std::string(GANGLION_SHARED_DIR) + "/data/connectome/white_1986_whole.tsv";
    if (!std::filesystem::exists(table)) QSKIP("connectome table not found under GANGLION_SHARED_DIR");
    // the example names a path relative to the folder holding shared/
    qputenv("GANGLION_DATA_DIR", QByteArray(GANGLION_SHARED_DIR) + "/..");
    Graph g = loadGraphFile(example("worm_touch.json"));
    Engine e;
    buildOrFail(e, g);
    double peak = 0, before = 0;
    for (int s = 0; s < 200; ++s) {  // 1 s: stimulus from 0.2 s to 0.7 s
        QVERIFY(e.step());
        const double a = scalarOf(e, "Connectome/active_cells");
        if (s < 39) before = std::max(before, a);
        peak = std::max(peak, a);
    }
    QCOMPARE(before, 0.0);
    QVERIFY2(peak > 20, qPrintable(QString("peak %1 active cells").arg(peak)));
}

QTEST_GUILESS_MAIN(TstWormGraph)
#include "tst_worm_graph.moc"
