// Ganglion surrogate-gradient chain → NIR file → Ganglion chain: same structure, same weights,
// identical spikes; unsupported NIR node types reported by name.
#include "kernel_harness.h"

#include "core/snn/nir_convert.h"

#include <QtTest>

#include <algorithm>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

Matrix floatMatrix(int r, int c, unsigned seed) { return randomMatrix(r, c, seed, 1.5f); }

ganglion::Graph chain() {
    ganglion::Graph g;
    const NodeId enc = g.addNode("SpikeEncoder");
    g.setParam(enc, "steps", std::int64_t(6));
    const NodeId h = g.addNode("LIFLayer");
    g.rename(h, "hidden");
    g.setParam(h, "units", std::int64_t(5));
    g.setParam(h, "steps", std::int64_t(6));
    g.setParam(h, "beta", 0.8);
    g.setParam(h, "threshold", 0.5);
    const NodeId o = g.addNode("LIFLayer");
    g.rename(o, "readout");
    g.setParam(o, "units", std::int64_t(2));
    g.setParam(o, "steps", std::int64_t(6));
    g.setParam(o, "readout", true);
    g.connect({enc, "out"}, {h, "in"});
    g.connect({h, "out"}, {o, "in"});
    return g;
}

/// Runs hidden → readout kernels with the given params/state on a fixed input.
std::pair<Matrix, Matrix> run(const ganglion::Graph& g, const std::map<std::string, KernelState>& st) {
    auto params = [&](const char* name) {
        std::vector<std::pair<std::string, ParamValue>> p;
        for (auto& [k, v] : g.nodeByName(name)->params.values()) p.push_back({k, v});
        return p;
    };
    KernelRig h("LIFLayer", params("hidden"), {Shape::tensor(18)});
    KernelRig o("LIFLayer", params("readout"), {Shape::tensor(30)});
    h.kernel->loadState(st.at("hidden"));
    o.kernel->loadState(st.at("readout"));
    h.inputs = {tensorValue(floatMatrix(18, 8, 9))};
    h.forward();
    o.inputs = {h.outputs[0]};
    o.forward();
    return {h.outputs[0].tensor, o.outputs[0].tensor};
}

}  // namespace

class TestNirConvert : public QObject {
    Q_OBJECT
private slots:
    void exportImportRoundTrip() {
        const ganglion::Graph g = chain();
        std::map<std::string, KernelState> st;
        st["hidden"] = {{"weight", floatMatrix(5, 3, 1)}, {"bias", floatMatrix(5, 1, 2)}};
        st["readout"] = {{"weight", floatMatrix(2, 5, 3)}, {"bias", floatMatrix(2, 1, 4)}};
        const double dt = 1e-3;
        nir::Graph ng = nir::exportLifChain(g, st, dt);
        QCOMPARE(ng.nodes.at("hidden").type, std::string("LIF"));
        QCOMPARE(ng.nodes.at("readout").type, std::string("LI"));
        QCOMPARE(ng.nodes.at("hidden.affine").type, std::string("Affine"));
        QVERIFY(std::abs(ng.nodes.at("hidden").params.at("tau")[0] - (-dt / std::log(0.8))) < 1e-12);

        const QString path = QDir::temp().filePath(QString("ganglion_tst_nirconv_%1.nir").arg(QCoreApplication::applicationPid()));
        nir::write(ng, path.toStdString());
        nir::Graph back = nir::read(path.toStdString());
        QFile::remove(path);
        QVERIFY(back == ng);

        auto imp = nir::importLifChain(back, dt, 6);
        QCOMPARE(int(imp.graph.nodes().size()), 3);
        for (const char* name : {"hidden", "readout"}) {
            const auto* a = g.nodeByName(name);
            const auto* b = imp.graph.nodeByName(name);
            QVERIFY2(b, name);
            for (const char* p : {"units", "steps", "readout", "bias"})
                QVERIFY2(a->params.get(p) == b->params.get(p), p);
            QVERIFY(std::abs(a->params.getFloat("beta") - b->params.getFloat("beta")) < 1e-12);
            QVERIFY(std::abs(a->params.getFloat("threshold") - b->params.getFloat("threshold")) < 1e-12 ||
                    a->params.getBool("readout"));
            QVERIFY((imp.state[name]["weight"] - st[name]["weight"]).cwiseAbs().maxCoeff() < 1e-6f);
        }
        QCOMPARE(int(imp.graph.edges().size()), 2);
        auto [s1, y1] = run(g, st);
        auto [s2, y2] = run(imp.graph, imp.state);
        QVERIFY(s1.sum() > 0);
        QCOMPARE(s1, s2);  // identical spikes
        QVERIFY((y1 - y2).cwiseAbs().maxCoeff() < 1e-5f);
    }

    void recurrentLayerRoundTrip() {
        // a recurrent hidden layer exports as a Linear loop on its LIF node and imports back as a
        // recurrent layer with the same weights: identical spikes through the file
        ganglion::Graph g = chain();
        QVERIFY(!g.setParam(g.nodeByName("hidden")->id, "recurrent", true));
        std::map<std::string, KernelState> st;
        st["hidden"] = {{"weight", floatMatrix(5, 3, 1)}, {"bias", floatMatrix(5, 1, 2)},
                        {"recurrent_weight", floatMatrix(5, 5, 7)}};
        st["readout"] = {{"weight", floatMatrix(2, 5, 3)}, {"bias", floatMatrix(2, 1, 4)}};
        const double dt = 1e-3;
        nir::Graph ng = nir::exportLifChain(g, st, dt);
        QCOMPARE(ng.nodes.at("hidden.recurrent").type, std::string("Linear"));
        QVERIFY(std::count(ng.edges.begin(), ng.edges.end(), std::pair<std::string, std::string>{"hidden", "hidden.recurrent"}));
        QVERIFY(std::count(ng.edges.begin(), ng.edges.end(), std::pair<std::string, std::string>{"hidden.recurrent", "hidden"}));
        const QString path = QDir::temp().filePath(QString("ganglion_tst_nirrec_%1.nir").arg(QCoreApplication::applicationPid()));
        nir::write(ng, path.toStdString());
        nir::Graph back = nir::read(path.toStdString());
        QFile::remove(path);
        auto imp = nir::importLifChain(back, dt, 6);
        QVERIFY(imp.graph.nodeByName("hidden")->params.getBool("recurrent"));
        QVERIFY((imp.state["hidden"]["recurrent_weight"] - st["hidden"]["recurrent_weight"]).cwiseAbs().maxCoeff() < 1e-6f);
        auto [s1, y1] = run(g, st);
        auto [s2, y2] = run(imp.graph, imp.state);
        QVERIFY(s1.sum() > 0);
        QCOMPARE(s1, s2);
        QVERIFY((y1 - y2).cwiseAbs().maxCoeff() < 1e-5f);
        // the recurrence matters: without it the spikes differ
        auto plain = st;
        plain["hidden"]["recurrent_weight"].setZero();
        QVERIFY(run(g, plain).first != s1);
        // a loop that is not a simple self-loop (two of them) is refused by name
        nir::Graph two = back;
        two.nodes["hidden.recurrent2"] = two.nodes.at("hidden.recurrent");
        two.edges.push_back({"hidden", "hidden.recurrent2"});
        two.edges.push_back({"hidden.recurrent2", "hidden"});
        try {
            nir::importLifChain(two, dt, 6);
            QFAIL("two recurrent loops were accepted");
        } catch (const nir::NirError& e) {
            QVERIFY2(QString(e.what()).contains("hidden"), e.what());
        }
    }

    void nirModelNodeRunsFile() {
        nir::Graph ng;
        ng.nodes["in"] = {"Input", {{"shape", nir::Array::ints({2})}}};
        ng.nodes["fc"] = {"Linear", {{"weight", nir::Array::matrix(3, 2, {1, 0, 0, 1, 0.5, 0.5})}}};
        ng.nodes["lif"] = {"CubaLIF", {{"tau_syn", nir::Array::filled(3, 5e-3)}, {"tau_mem", nir::Array::filled(3, 10e-3)},
                                       {"r", nir::Array::filled(3, 4.0)}, {"v_leak", nir::Array::filled(3, 0.0)},
                                       {"v_threshold", nir::Array::filled(3, 1.0)}}};
        ng.nodes["li"] = {"LI", {{"tau", nir::Array::filled(3, 20e-3)}, {"r", nir::Array::filled(3, 1.0)},
                                 {"v_leak", nir::Array::filled(3, 0.0)}}};
        ng.nodes["out"] = {"Output", {{"shape", nir::Array::ints({3})}}};
        ng.edges = {{"in", "fc"}, {"fc", "lif"}, {"lif", "li"}, {"li", "out"}};
        const QString path = QDir::temp().filePath(QString("ganglion_tst_nirnode_%1.nir").arg(QCoreApplication::applicationPid()));
        nir::write(ng, path.toStdString());
        KernelRig rig("NIRModel", {{"file", path.toStdString()}}, {Shape::tensor(2)});
        QCOMPARE(rig.outShapes[0].features, 3);
        QCOMPARE(rig.outShapes[1].features, 3);
        Matrix x(2, 1);
        x << 1.0f, 0.3f;
        rig.inputs = {tensorValue(x)};
        nir::Simulator ref(ng, 1e-4);
        int spikes = 0;
        for (int s = 0; s < 500; ++s) {
            rig.forward();
            ref.step({{"in", {1.0, double(0.3f)}}});
            for (int i = 0; i < 3; ++i) QCOMPARE(rig.outputs[0].tensor(i, 0), float(ref.output("out")[i]));
            int refSpikes = 0;
            for (double v : ref.output("lif")) refSpikes += v > 0.5;
            QCOMPARE(int(rig.outputs[1].spikes.fired.size()), refSpikes);
            spikes += refSpikes;
        }
        QVERIFY(spikes > 5);
        QFile::remove(path);
        try {
            KernelRig bad("NIRModel", {{"file", "/nonexistent/model.nir"}}, {Shape{}});
            QFAIL("missing file accepted");
        } catch (const BuildError& e) {
            QVERIFY2(QString(e.what()).contains("/nonexistent/model.nir: file not found"), e.what());
        }
    }

    void unsupportedReportedByName() {
        nir::Graph ng;
        ng.nodes["in"] = {"Input", {{"shape", nir::Array::ints({3})}}};
        ng.nodes["s"] = {"Scale", {{"scale", nir::Array::filled(3, 2.0)}}};
        ng.nodes["out"] = {"Output", {{"shape", nir::Array::ints({3})}}};
        ng.edges = {{"in", "s"}, {"s", "out"}};
        try {
            nir::importLifChain(ng, 1e-3, 5);
            QFAIL("Scale accepted as LIF layer");
        } catch (const nir::NirError& e) {
            QVERIFY2(QString(e.what()).contains("'s' of type 'Scale'"), e.what());
        }
        ganglion::Graph empty;
        QVERIFY_THROWS_EXCEPTION(nir::NirError, nir::exportLifChain(empty, {}, 1e-3));
        ganglion::Graph g = chain();
        try {
            nir::exportLifChain(g, {}, 1e-3);
            QFAIL("missing weights accepted");
        } catch (const nir::NirError& e) {
            QVERIFY(QString(e.what()).contains("'hidden'"));
        }
    }
};

QTEST_GUILESS_MAIN(TestNirConvert)
#include "tst_nir_convert.moc"
