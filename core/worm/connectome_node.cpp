// Node type "Connectome": a connectome table (file) simulated as a graded or LIF network,
// with scheduled stimulation of named cells (e.g. the touch receptors ALML, ALMR, AVM).
#include "core/model/node_spec.h"
#include "core/worm/connectome_network.h"
#include "core/worm/worm_observables.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace ganglion {
namespace {

using namespace worm;

/// Relative paths are looked up from the working directory and then its parent folders,
/// and under $GANGLION_DATA_DIR when set.
std::string resolvePath(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path p(path);
    std::error_code ec;
    if (p.is_absolute() || fs::exists(p, ec)) return path;
    if (const char* dir = std::getenv("GANGLION_DATA_DIR"))
        if (fs::exists(fs::path(dir) / p, ec)) return (fs::path(dir) / p).string();
    fs::path d = fs::current_path(ec);
    for (int up = 0; up < 6 && !d.empty(); ++up) {
        if (fs::exists(d / p, ec)) return (d / p).string();
        if (d == d.parent_path()) break;
        d = d.parent_path();
    }
    return path;
}

NetworkConfig networkConfig(const ParamSet& p) {
    NetworkConfig c;
    c.model = p.getString("model") == "lif" ? NeuronModel::Lif : NeuronModel::Graded;
    c.dt = p.getFloat("dt") * 1e-3;
    c.tau = p.getFloat("tau") * 1e-3;
    c.chemWeight = p.getFloat("chem_weight");
    c.normalize = p.getBool("normalize");
    c.gapWeight = p.getFloat("gap_weight");
    c.threshold = p.getFloat("threshold");
    c.slope = p.getFloat("slope");
    c.adaptation = p.getFloat("adaptation");
    c.noise = p.getFloat("noise");
    return c;
}

class ConnectomeKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        const std::string file = p.getString("file");
        if (file.empty())
            throw BuildError("", "choose a connectome table file (tab/comma separated: pre, post, "
                                 "type, synapses), e.g. White et al. 1986 from OpenWorm");
        const std::string path = resolvePath(file);
        ConnectomeTable table;
        try {
            table = loadConnectomeFile(path);
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
        if (table.errorCount() > 0)
            throw BuildError("", file + ": " + std::to_string(table.errorCount()) + " malformed rows\n" +
                                     table.problemSummary(8));
        warnings_ = int(table.problems.size());
        try {
            net_ = ConnectomeNetwork(table, networkConfig(p));
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
        auto info = std::make_shared<ConnectomeInfo>();
        info->names = table.cells;
        for (auto c : table.classes) info->classes.push_back(int(c));
        for (const auto& r : table.rows) {
            ConnectomeInfo::Edge e;
            e.pre = r.pre;
            e.post = r.post;
            e.electrical = r.type == SynapseType::Electrical;
            e.inhibitory = !e.electrical && isInhibitoryNeuron(table.cells[r.pre]);
            e.count = r.count;
            info->edges.push_back(e);
        }
        info->source = path;
        info_ = info;
        applyStimulus(p, true);
        stepsPerTick_ = int(p.getInt("steps_per_tick"));
        recordEvery_ = int(p.getInt("record_every"));
        const int n = net_.size();
        histLen_ = int(p.getInt("history"));
        hist_.setZero(n, histLen_);
        histHead_ = histFilled_ = 0;
        tick_ = 0;
        return {Shape::tensor(n), Shape::tensor(n)};
    }

    void setParams(const ParamSet& p) override {
        try {
            auto c = networkConfig(p);
            c.model = net_.config().model;
            net_.setConfig(c);
        } catch (const std::exception&) {
            // out-of-range live values are rejected by the parameter specs; keep the old ones
        }
        applyStimulus(p, false);
        stepsPerTick_ = int(p.getInt("steps_per_tick"));
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        const int n = net_.size();
        out[1].type = PortType::Spikes;
        out[1].spikes.neurons = n;
        if (ctx.phase == Phase::Train) {
            out[1].spikes.fired.clear();
            const bool external = in.size() > 0 && in[0] && in[0]->tensor.size() > 0;
            for (int k = 0; k < stepsPerTick_; ++k) {
                const double t = net_.time();
                bool on = false;
                if (external) {
                    on = in[0]->tensor(0, 0) > 0.5f;
                } else if (t >= stimStart_) {
                    const double rel = t - stimStart_;
                    on = stimPeriod_ > 0 ? std::fmod(rel, stimPeriod_) < stimDuration_ : rel < stimDuration_;
                }
                net_.setStimulusOn(on);
                if (ctx.rng) net_.step(ctx.rng);  // noise from this node's generator
                else net_.step();
                for (int c : net_.fired()) out[1].spikes.fired.push_back(c);
                if (++tick_ % recordEvery_ == 0) {
                    hist_.col(histHead_) = net_.activity();
                    histHead_ = (histHead_ + 1) % histLen_;
                    histFilled_ = std::min(histFilled_ + 1, histLen_);
                }
            }
            out[1].spikes.t = net_.time();
        }
        out[0].type = PortType::Tensor;
        out[0].tensor = net_.activity();
    }

    void observe(Observables& obs) const override {
        obs.extra["connectome"] = std::shared_ptr<const ConnectomeInfo>(info_);
        auto tr = std::make_shared<ConnectomeTrace>();
        const int T = histFilled_;
        tr->history.resize(net_.size(), T);
        for (int k = 0; k < T; ++k) tr->history.col(k) = hist_.col((histHead_ - T + k + histLen_) % histLen_);
        tr->sampleDt = net_.config().dt * recordEvery_;
        tr->time = net_.time();
        tr->activity = net_.activity();
        tr->stimulated = net_.stimulated();
        tr->stimulusOn = net_.stimulusOn();
        obs.extra["connectome_trace"] = std::shared_ptr<const ConnectomeTrace>(tr);
        obs.arrays["activity"] = net_.activity();
        obs.arrays["activations"] = net_.activity();  // canvas thumbnail
        obs.scalars["active_cells"] = double((net_.activity().array() > 0.5f).count());
        obs.scalars["mean_activity"] = net_.size() ? double(net_.activity().mean()) : 0.0;
        obs.scalars["stimulus"] = net_.stimulusOn() ? 1.0 : 0.0;
        obs.scalars["table_warnings"] = warnings_;
    }

private:
    void applyStimulus(const ParamSet& p, bool initial) {
        try {
            net_.setStimulus(net_.resolve(p.getString("stimulus")), p.getFloat("stim_current"));
        } catch (const std::exception& e) {
            if (initial) throw BuildError("", e.what());
            // a live edit naming an unknown cell keeps the previous stimulus
        }
        stimStart_ = p.getFloat("stim_start");
        stimDuration_ = p.getFloat("stim_duration");
        stimPeriod_ = p.getFloat("stim_period");
    }

    ConnectomeNetwork net_;
    std::shared_ptr<const ConnectomeInfo> info_;
    double stimStart_ = 0, stimDuration_ = 0, stimPeriod_ = 0;
    int stepsPerTick_ = 5, recordEvery_ = 5, warnings_ = 0;
    long long tick_ = 0;
    Eigen::MatrixXf hist_;
    int histLen_ = 400, histHead_ = 0, histFilled_ = 0;
};

}  // namespace

NodeSpec makeConnectomeSpec() {
    NodeSpec s;
    s.type = "Connectome";
    s.title = "Connectome network";
    s.category = "C. elegans";
    s.observables = {"connectome", "connectome_trace", "activity", "activations"};
    s.help = "Imports a connectome table (pre, post, chemical/electrical, synapse count; tab or comma "
             "separated) into a network: graded neurons (sigmoidal release, slow adaptation) or LIF "
             "neurons; chemical synapses excite, or inhibit from GABAergic neurons (DD, VD, RME, AVL, "
             "DVB, RIS); gap junctions are symmetric. Stimulates the named cells on a schedule (or "
             "while the stim input is > 0.5). Relative file paths are searched from the working "
             "folder upwards and in $GANGLION_DATA_DIR.";
    s.reference = "White, Southgate, Thomson & Brenner (1986) The structure of the nervous system of "
                  "C. elegans, Phil. Trans. R. Soc. B (table as tabulated by OpenWorm c302)";
    s.inputs = {{"stim", PortType::Scalar, "stimulus on while > 0.5 (overrides the schedule)", true, false}};
    s.outputs = {{"activity", PortType::Tensor, "activity of every cell (graded release / LIF trace)"},
                 {"spikes", PortType::Spikes, "cells that spiked (LIF model)"}};
    s.params = {
        stringParam("file", "", "Connectome table file."),
        enumParam("model", "graded", {"graded", "lif"}, "Neuron model."),
        floatParam("dt", 1.0, 0.01, 10.0, "Integration step.", "ms"),
        intParam("steps_per_tick", 5, 1, 10000, "Integration steps per engine step.", true),
        floatParam("tau", 20.0, 0.1, 1000.0, "Membrane time constant.", "ms", true),
        floatParam("chem_weight", 2.0, 0.0, 100.0, "Chemical synapse conductance (relative to leak).", "", true),
        boolParam("normalize", true, "Chemical weights are fractions of each cell's total input."),
        floatParam("gap_weight", 0.05, 0.0, 100.0, "Conductance per gap junction (relative to leak).", "", true),
        floatParam("threshold", 0.3, -10.0, 10.0, "Graded: half-activation potential.", "", true),
        floatParam("slope", 0.05, 1e-3, 10.0, "Graded: sigmoid width.", "", true),
        floatParam("adaptation", 1.0, 0.0, 100.0, "Graded: slow activity-dependent inhibition.", "", true),
        floatParam("noise", 0.0, 0.0, 10.0, "Current noise amplitude.", "", true),
        stringParam("stimulus", "ALML, ALMR, AVM", "Cells (or classes, e.g. ALM) to stimulate.", true),
        floatParam("stim_current", 1.0, -100.0, 100.0, "Stimulus current (relative to leak).", "", true),
        floatParam("stim_start", 0.2, 0.0, 1e6, "Stimulus onset.", "s", true),
        floatParam("stim_duration", 0.5, 0.0, 1e6, "Stimulus duration.", "s", true),
        floatParam("stim_period", 3.0, 0.0, 1e6, "Repeat period (0 = once).", "s", true),
        intParam("history", 400, 10, 20000, "Samples of activity kept for traces."),
        intParam("record_every", 5, 1, 10000, "Integration steps per recorded sample."),
    };
    s.create = [] { return std::make_unique<ConnectomeKernel>(); };
    // a small touch circuit (the default stimulus names ALML, ALMR and AVM), with noise
    s.example = [](const std::string& dir) {
        const std::string path = dir + "/touch_circuit.tsv";
        std::ofstream f(path);
        f << "pre\tpost\ttype\tsynapses\n"
             "ALML\tAVDL\tchemical\t3\nALMR\tAVDR\tchemical\t3\nAVM\tAVDL\tchemical\t2\n"
             "AVDL\tAVAL\tchemical\t5\nAVDR\tAVAR\tchemical\t5\nAVAL\tAVAR\telectrical\t2\n"
             "AVAL\tDA1\tchemical\t4\nAVAR\tVA1\tchemical\t4\nDD1\tVB1\tchemical\t2\n";
        return NodeExample{{{"file", path}, {"noise", 0.2}, {"stim_start", 0.0}}, {}};
    };
    return s;
}

}  // namespace ganglion
