// Brian2 export (core/export/brian2_export.h), run by Debian's python3-brian (numpy target):
// the CUBA network gives per-population rates within 10% of Ganglion's run of the same network;
// a generator spike through delayed projections reaches a LIF and a CubaLIF neuron at the same
// steps (and a LIF input arriving while refractory is lost in both); a pair protocol changes an
// STDP weight by the same amount; the STDP example (snn_stdp) learns the same 200 weights over
// 0.2 s; the fine-grained populations example exported from its graph fires at Ganglion's rates;
// homeostasis and a non-spiking node are refused by name.
// Skipped, with the reason, only when brian2 cannot be imported.
// ctest-cost: 60
#include "core/export/brian2_export.h"
#include "core/graph/json_io.h"
#include "core/graph/validate.h"
#include "core/snn/presets.h"
#include "core/snn/snn_nodes.h"
#include "python_rig.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

using namespace ganglion;
using namespace ganglion::testing;

namespace {

std::string example(const char* name) { return std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name; }

// Runs each exported folder given as "DIR|ARGS" in one Brian2 process (importing brian2 once):
// DIR/run.log gets what the script printed, or its traceback. Exit 77 when brian2 is missing.
const char* kDriver = R"PY(
import contextlib, gc, io, os, runpy, shlex, sys, traceback, warnings
warnings.simplefilter('ignore')
try:
    import brian2
except ImportError as e:
    print('brian2 is missing (%s)' % e)
    sys.exit(77)
for spec in sys.argv[1:]:
    d, args = spec.split('|', 1)
    out = io.StringIO()
    sys.argv = [os.path.join(d, 'network.py')] + shlex.split(args)
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(sys.argv[0], run_name='__main__')
    except BaseException:
        out.write(traceback.format_exc())
    with open(os.path.join(d, 'run.log'), 'w') as f:
        f.write(out.getvalue())
    gc.collect()
)PY";

/// The rates DIR/network.py printed, by population.
constexpr int kNoBrian2 = 77;

std::map<std::string, double> printedRates(const std::string& log) {
    std::map<std::string, double> rates;
    static const std::regex line(R"(rate (.+)=([0-9.eE+-]+) Hz)");
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) rates[(*it)[1]] = std::stod((*it)[2]);
    return rates;
}

snn::NeuronParams neuron(snn::Model m) {
    snn::NeuronParams p;
    p.model = m;
    p.vThreshold = 1.0;
    p.vReset = 0.0;
    p.refractory = 0.5e-3;  // 5 steps of 0.1 ms
    return p;
}

snn::Population generator(const std::string& name, int n, std::vector<snn::GeneratorSpike> spikes) {
    snn::Population p(name, n, snn::NeuronParams{snn::Model::Generator}, snn::Dale::Excitatory);
    p.setGeneratorSpikes(std::move(spikes));
    return p;
}

snn::Synapses one(float w, std::uint16_t delay) {
    snn::Synapses s = snn::connect::oneToOne(1, w);
    s.delay = {delay};
    return s;
}

/// Steps at which neuron 0 of each population fired, over `steps` steps.
std::map<std::string, std::vector<long>> spikeSteps(snn::Network& net, int steps) {
    std::map<std::string, std::vector<long>> out;
    for (int s = 0; s < steps; ++s) {
        net.step();
        for (int p = 0; p < net.populationCount(); ++p)
            for (auto i : net.fired(p))
                if (i == 0) out[net.population(p).name()].push_back(s);
    }
    return out;
}

std::vector<long> brianSteps(const std::map<std::string, io::NpyArray>& spikes, const std::string& group) {
    std::vector<long> out;
    const auto& i = spikes.at(group + "_i").data;
    const auto& st = spikes.at(group + "_step").data;
    for (std::size_t k = 0; k < i.size(); ++k)
        if (i[k] == 0) out.push_back(long(st[k]));
    return out;
}

}  // namespace

class TestBrian2Export : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    bool brian2_ = false;
    std::string why_;
    // Ganglion's side of each case, run before the one Brian2 process
    std::map<std::string, double> cubaRates_, graphRates_;
    std::map<std::string, std::vector<long>> delaySteps_, graphDelaySteps_;
    std::vector<long> stdpPost_;
    double stdpWeight_ = 0;
    std::vector<float> exampleWeights0_, exampleWeights_;
    long examplePostSpikes_ = 0;
    std::vector<long> examplePost_;  // steps the output neuron fired at
    std::vector<std::string> runs_;  // "DIR|ARGS" for the driver

    std::string dir(const char* name) const { return tmp_.path().toStdString() + "/" + name; }
    void exported(const Brian2Export& x, const char* name, const std::string& args = {}) {
        writeBrian2Export(x, dir(name));
        runs_.push_back(dir(name) + "|" + args);
    }
    /// What DIR/network.py printed; fails the test on a traceback.
    std::string ran(const char* name) {
        const std::string log = readText(dir(name) + "/run.log");
        if (log.find("Traceback") != std::string::npos) std::fputs(log.c_str(), stderr);
        return log;
    }

    void prepareCuba() {
        snn::CubaConfig c;
        c.neurons = 2000;  // connection probability 0.04: ~80 synapses per neuron, as at 4000
        const double duration = 0.3;
        snn::Network net = snn::buildCuba(c, 1e-4, 11);
        Brian2Options o;
        o.duration = duration;
        o.title = "CUBA 2000";
        exported(exportBrian2(net, o), "cuba");  // the state as built: v uniform in [v_reset, v_threshold)
        net.run(duration);
        for (int p = 0; p < net.populationCount(); ++p)
            cubaRates_[net.population(p).name()] = double(net.spikeCount(p)) / net.population(p).size() / duration;
    }

    void prepareDelay() {
        // Generator spikes at 1.05, 1.25 and 3.05 ms: steps 10, 12 and 30 at dt = 0.1 ms.
        snn::Network net;
        const int in = net.addPopulation(generator("in", 1, {{1.05e-3, 0}, {1.25e-3, 0}, {3.05e-3, 0}}));
        const int lif = net.addPopulation(snn::Population("lif", 1, neuron(snn::Model::LIF)));
        const int cuba = net.addPopulation(snn::Population("cuba", 1, neuron(snn::Model::CubaLIF)));
        net.addProjection("in->lif", in, lif, one(1.5f, 3));
        net.addProjection("in->cuba", in, cuba, one(400.f, 5));
        net.prepare(1e-4, 3);
        Brian2Options o;
        o.duration = 0.005;
        exported(exportBrian2(net, o), "delay", "--spikes '" + dir("delay") + "/spikes.npz'");
        delaySteps_ = spikeSteps(net, 50);
    }

    void prepareStdp() {
        // "pre" fires at 10 + 50k ms; "drive" makes "post" fire 5 ms after (k even: potentiation)
        // or 5 ms before (k odd: depression). The plastic synapse is delayed by 2 steps: STDP still
        // sees the presynaptic spike when it happens, as in Ganglion.
        std::vector<snn::GeneratorSpike> pre, drive;
        for (int k = 0; k < 6; ++k) {
            const double t = 10.05e-3 + 50e-3 * k;
            pre.push_back({t, 0});
            drive.push_back({t + (k % 2 ? -5e-3 : 5e-3) - 0.1e-3, 0});
        }
        snn::Network net;
        const int a = net.addPopulation(generator("pre", 1, pre));
        const int d = net.addPopulation(generator("drive", 1, drive));
        const int post = net.addPopulation(snn::Population("post", 1, neuron(snn::Model::LIF)));
        net.addProjection("drive", d, post, one(1.5f, 0));
        const int plastic = net.addProjection("stdp", a, post, one(0.2f, 2));
        snn::StdpParams sp;
        sp.enabled = true;
        sp.tauPlus = 16.8e-3;
        sp.tauMinus = 33.7e-3;
        sp.aPlus = 0.01;
        sp.aMinus = 0.012;
        net.projection(plastic).setStdp(sp);
        net.prepare(1e-4, 3);
        Brian2Options o;
        o.duration = 0.3;
        exported(exportBrian2(net, o), "stdp", "--weights '" + dir("stdp") + "/weights.npz'");
        stdpPost_ = spikeSteps(net, 3000)["post"];
        stdpWeight_ = net.projection(plastic).weights()[0];
    }

    void prepareStdpExample() {
        // The bundled example: 200 afferents replaying a frozen pattern into one plastic LIF.
        Engine e;
        e.build(loadGraphFile(example("snn_stdp.json")));
        QVERIFY2(e.ok(), e.error().c_str());
        const double duration = 0.2, dt = e.graph().settings().dt;
        Brian2Options o;
        o.duration = duration;
        exported(exportBrian2(e, o), "stdp_example",
                 "--weights '" + dir("stdp_example") + "/weights.npz' --spikes '" + dir("stdp_example") + "/spikes.npz'");
        const Node& node = e.graph().nodes().front();
        const snn::Network& net = *dynamic_cast<const SpikingExportable*>(e.kernel(node.id))->spikingParts(dt).network;
        QCOMPARE(net.projectionCount(), 1);
        exampleWeights0_ = net.projection(0).weights();
        const long steps = std::lround(duration / dt);
        for (long s = 0; s < steps; ++s) {
            e.step();
            if (!net.fired(1).empty()) examplePost_.push_back(s);
        }
        exampleWeights_ = net.projection(0).weights();
        examplePostSpikes_ = long(net.spikeCount(1));
    }

    void prepareGraph() {
        Engine e;
        e.build(loadGraphFile(example("snn_populations.json")));
        QVERIFY2(e.ok(), e.error().c_str());
        const double duration = 0.2;
        Brian2Options o;
        o.duration = duration;
        const Brian2Export x = exportBrian2(e, o);
        for (const char* s : {"S_Excitatory_exc", "S_Inhibitory_exc"}) QVERIFY2(x.networkPy.find(s) != std::string::npos, s);
        exported(x, "graph");
        const auto steps = long(std::lround(duration / e.graph().settings().dt));
        for (long s = 0; s < steps; ++s) e.step();
        for (const Node& n : e.graph().nodes()) {
            const auto* k = dynamic_cast<const SpikingExportable*>(e.kernel(n.id));
            QVERIFY(k);
            const snn::Network& net = *k->spikingParts(e.graph().settings().dt).network;
            graphRates_[n.name] = double(net.spikeCount(0)) / net.population(0).size() / duration;
        }
    }

    void prepareGraphDelay() {
        // SpikeGenerator -> LIF "A" through 'exc' (0.3 ms: 3 steps) and -> LIF "B" through the delayed
        // 'rec' port (0.2 ms), which sees the generator's previous step: one more step.
        Graph g;
        g.settings().dt = 1e-4;
        const NodeId gen = g.addNode("SpikeGenerator"), a = g.addNode("LIFPopulation"), b = g.addNode("LIFPopulation");
        QVERIFY(!g.rename(gen, "Gen") && !g.rename(a, "A") && !g.rename(b, "B"));
        QVERIFY(!g.setParam(gen, "neurons", std::int64_t(1)) && !g.setParam(gen, "spikes", std::string("1.05:0, 3.05:0")));
        for (NodeId n : {a, b}) {
            QVERIFY(!g.setParam(n, "neurons", std::int64_t(1)) && !g.setParam(n, "refractory", 0.5));
            QVERIFY(!g.setParam(n, "exc_rule", std::string("one_to_one")) && !g.setParam(n, "rec_rule", std::string("one_to_one")));
        }
        QVERIFY(!g.setParam(a, "exc_weight", 1.5) && !g.setParam(a, "exc_delay", 0.3));
        QVERIFY(!g.setParam(b, "rec_weight", 1.5) && !g.setParam(b, "rec_delay", 0.2));
        g.connect({gen, "spikes"}, {a, "exc"});
        g.connect({gen, "spikes"}, {b, "rec"});
        Engine e;
        e.build(g);
        QVERIFY2(e.ok(), e.error().c_str());
        Brian2Options o;
        o.duration = 0.005;
        exported(exportBrian2(e, o), "graph_delay", "--spikes '" + dir("graph_delay") + "/spikes.npz'");
        for (long s = 0; s < 50; ++s) {
            e.step();
            for (const auto& [id, name] : {std::pair{a, "A"}, std::pair{b, "B"}})
                if (!dynamic_cast<const SpikingExportable*>(e.kernel(id))->spikingParts(1e-4).network->fired(0).empty())
                    graphDelaySteps_[name].push_back(s);
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        prepareCuba();
        prepareDelay();
        prepareStdp();
        prepareStdpExample();
        prepareGraph();
        prepareGraphDelay();
        const std::string script = dir("driver.py"), log = dir("driver.log");
        std::ofstream(script) << kDriver;
        std::string cmd = pythonInterpreter() + " '" + script + "'";
        for (const std::string& r : runs_) cmd += " \"" + r + "\"";
        const int rc = runLogged(cmd, log);
        brian2_ = rc == 0;
        why_ = "brian2 is not importable by " + pythonInterpreter() + " (apt-get install python3-brian): " + tail(readText(log), 300);
        QVERIFY2(rc == 0 || rc == kNoBrian2, tail(readText(log), 600).c_str());
    }

    void cubaRatesMatch() {
        if (!brian2_) QSKIP(why_.c_str());
        const auto theirs = printedRates(ran("cuba"));
        for (const auto& [name, mine] : cubaRates_) {
            QVERIFY2(theirs.count(name), ("no rate printed for " + name + ": " + tail(ran("cuba"), 600)).c_str());
            qInfo("CUBA %s: Ganglion %.3f Hz, Brian2 %.3f Hz", name.c_str(), mine, theirs.at(name));
            QVERIFY(mine > 1.0);  // the network is active, not silent in both
            QVERIFY2(std::abs(theirs.at(name) - mine) <= 0.1 * mine, name.c_str());
        }
    }

    void delayedSpikeArrivesAtTheSameStep() {
        // By hand: the spike of step 10 acts on the update of step 10+1+3 = 14; the one of step 12
        // reaches the LIF at step 16, inside its refractory period (steps 15-19), and is lost.
        QCOMPARE(delaySteps_["lif"], (std::vector<long>{14, 34}));
        QVERIFY(!delaySteps_["cuba"].empty());
        QCOMPARE(delaySteps_["cuba"].front(), 16L);
        if (!brian2_) QSKIP(why_.c_str());
        const std::string log = ran("delay");
        QVERIFY2(std::filesystem::exists(dir("delay") + "/spikes.npz"), tail(log, 600).c_str());
        const auto theirs = io::readNpz(dir("delay") + "/spikes.npz");
        QCOMPARE(brianSteps(theirs, "G_in"), (std::vector<long>{10, 12, 30}));
        QCOMPARE(brianSteps(theirs, "G_lif"), delaySteps_["lif"]);
        QCOMPARE(brianSteps(theirs, "G_cuba"), delaySteps_["cuba"]);
    }

    void stdpPairsChangeTheWeightAlike() {
        QCOMPARE(stdpPost_.size(), std::size_t(6));  // one postsynaptic spike per pair
        qInfo("STDP weight 0.2 -> %.6f in Ganglion", stdpWeight_);
        QVERIFY(std::abs(stdpWeight_ - 0.2) > 1e-3);
        if (!brian2_) QSKIP(why_.c_str());
        const std::string log = ran("stdp");
        QVERIFY2(std::filesystem::exists(dir("stdp") + "/weights.npz"), tail(log, 600).c_str());
        const auto w = io::readNpz(dir("stdp") + "/weights.npz");
        QVERIFY(w.count("S_stdp"));
        qInfo("STDP weight 0.2 -> %.6f in Brian2", w.at("S_stdp").data.at(0));
        QVERIFY(std::abs(w.at("S_stdp").data.at(0) - stdpWeight_) < 1e-5);
    }

    void stdpExampleLearnsTheSameWeights() {
        QCOMPARE(exampleWeights_.size(), std::size_t(200));
        QVERIFY2(examplePostSpikes_ >= 5, qPrintable(QString("the output neuron fired %1 times").arg(examplePostSpikes_)));
        double moved = 0;
        for (std::size_t k = 0; k < exampleWeights_.size(); ++k) moved = std::max(moved, double(std::abs(exampleWeights_[k] - exampleWeights0_[k])));
        QVERIFY2(moved > 1e-3, "STDP changed no weight: nothing to compare");
        if (!brian2_) QSKIP(why_.c_str());
        const std::string log = ran("stdp_example");
        QVERIFY2(std::filesystem::exists(dir("stdp_example") + "/weights.npz"), tail(log, 600).c_str());
        const auto spikes = io::readNpz(dir("stdp_example") + "/spikes.npz");
        std::vector<long> theirPost;
        for (const auto& [key, a] : spikes)
            if (key.size() > 9 && key.compare(key.size() - 9, 9, "_out_step") == 0)
                for (double st : a.data) theirPost.push_back(long(st));
        QCOMPARE(theirPost, examplePost_);
        const auto w = io::readNpz(dir("stdp_example") + "/weights.npz");
        QCOMPARE(w.size(), std::size_t(1));  // the one plastic projection
        const auto& theirs = w.begin()->second.data;
        QCOMPARE(theirs.size(), exampleWeights_.size());
        double worst = 0;
        for (std::size_t k = 0; k < theirs.size(); ++k) worst = std::max(worst, std::abs(theirs[k] - double(exampleWeights_[k])));
        qInfo("snn_stdp over 0.2 s: %ld output spikes, weights moved up to %.4f, Brian2 differs by at most %.2e", examplePostSpikes_,
              moved, worst);
        QVERIFY2(worst < 1e-5, qPrintable(QString("weights differ by %1").arg(worst)));
    }

    void graphOfPopulationsFiresAlike() {
        if (!brian2_) QSKIP(why_.c_str());
        const std::string log = ran("graph");
        const auto theirs = printedRates(log);
        for (const auto& [name, rate] : graphRates_) {
            QVERIFY2(theirs.count(name), ("no rate printed for " + name + ": " + tail(log, 600)).c_str());
            qInfo("%s: Ganglion %.3f Hz, Brian2 %.3f Hz", name.c_str(), rate, theirs.at(name));
        }
        for (const auto& [name, rate] : graphRates_) {
            QVERIFY(rate > 1.0);
            QVERIFY2(std::abs(theirs.at(name) - rate) <= 0.1 * rate, name.c_str());
        }
    }

    void graphDelaysKeepTheirStep() {
        // By hand: the generator fires at steps 10 and 30; A 3 steps later + 1, B 2 + 1 + 1.
        QCOMPARE(graphDelaySteps_["A"], (std::vector<long>{14, 34}));
        QCOMPARE(graphDelaySteps_["B"], (std::vector<long>{14, 34}));
        if (!brian2_) QSKIP(why_.c_str());
        const std::string log = ran("graph_delay");
        QVERIFY2(std::filesystem::exists(dir("graph_delay") + "/spikes.npz"), tail(log, 600).c_str());
        const auto theirs = io::readNpz(dir("graph_delay") + "/spikes.npz");
        QCOMPARE(brianSteps(theirs, "G_A"), graphDelaySteps_["A"]);
        QCOMPARE(brianSteps(theirs, "G_B"), graphDelaySteps_["B"]);
    }

    void refusesWhatItCannotRepresent() {
        snn::Network net;
        const int a = net.addPopulation(generator("spikes", 2, {{1e-3, 0}}));
        const int b = net.addPopulation(snn::Population("target", 2, neuron(snn::Model::LIF)));
        const int k = net.addProjection("scaled", a, b, snn::connect::allToAll(2, 2, 0.5f));
        snn::HomeostasisParams h;
        h.enabled = true;
        net.projection(k).setHomeostasis(h);
        net.prepare(1e-4, 1);
        try {
            exportBrian2(net, Brian2Options{});
            QFAIL("homeostasis was exported");
        } catch (const std::runtime_error& ex) {
            QVERIFY2(std::string(ex.what()).find("'scaled'") != std::string::npos, ex.what());
            QVERIFY2(std::string(ex.what()).find("homeostatic") != std::string::npos, ex.what());
        }
        net.setLearning(false);  // without learning the scaling never acts: exported
        QVERIFY(exportBrian2(net, Brian2Options{}).networkPy.find("S_scaled") != std::string::npos);

        // A graph with non-spiking nodes: the first one is named.
        Engine e;
        e.build(loadGraphFile(example("spiral_classifier.json")));
        QVERIFY2(e.ok(), e.error().c_str());
        const Node& first = *e.graph().node(topologicalOrder(e.graph()).front());
        try {
            exportBrian2(e, Brian2Options{});
            QFAIL("a classifier was exported to Brian2");
        } catch (const std::runtime_error& ex) {
            QVERIFY2(std::string(ex.what()).find("node '" + first.name + "'") != std::string::npos, ex.what());
            QVERIFY2(std::string(ex.what()).find("no Brian2 equivalent") != std::string::npos, ex.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestBrian2Export)
#include "tst_brian2_export.moc"
