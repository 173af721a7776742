#include "core/snn/snn_nodes.h"

#include "core/model/node_spec.h"
#include "core/snn/presets.h"

#include <cmath>
#include <sstream>

namespace ganglion {

// ---------------------------------------------------------------- SpikeObserver

void SpikeObserver::reset(const snn::Network& net, double dt, double historySeconds) {
    dt_ = dt;
    std::vector<std::string> names;
    std::vector<int> start;
    for (int p = 0; p < net.populationCount(); ++p) {
        names.push_back(net.population(p).name());
        start.push_back(net.offset(p));
    }
    start.push_back(net.totalNeurons());
    spikes_ = snn::SpikeRecorder(names, start, dt, std::uint64_t(std::max(1.0, historySeconds / dt)));
    std::vector<int> keep;
    for (auto& [p, i] : probeLoc_) keep.push_back(net.offset(p) + i);
    setProbes(net, keep);
}

void SpikeObserver::setProbes(const snn::Network& net, std::vector<int> global) {
    probeLoc_.clear();
    std::vector<int> valid;
    for (int g : global) {
        for (int p = 0; p < net.populationCount(); ++p)
            if (g >= net.offset(p) && g < net.offset(p) + net.population(p).size()) {
                probeLoc_.push_back({p, g - net.offset(p)});
                valid.push_back(g);
                break;
            }
    }
    probeValues_.resize(valid.size());
    traces_.setProbes(valid, int(std::max(1.0, 2.0 / dt_)));
}

void SpikeObserver::record(const snn::Network& net) {
    const std::uint64_t step = net.steps() - 1;
    spikes_.beginStep(step);
    for (int p = 0; p < net.populationCount(); ++p) spikes_.add(p, net.fired(p));
    spikes_.endStep();
    if (!probeLoc_.empty()) {
        for (size_t k = 0; k < probeLoc_.size(); ++k)
            probeValues_[k] = net.population(probeLoc_[k].first).v()[probeLoc_[k].second];
        traces_.record(step, probeValues_);
    }
}

void SpikeObserver::fill(Observables& obs, const snn::Network& net, double rateWindow) const {
    auto raster = spikes_.raster();
    obs.extra["spikes"] = raster;
    obs.extra["membrane"] = traces_.traces(dt_);
    obs.scalars["spikes_total"] = double(net.totalSpikes());
    if (raster->endStep <= raster->firstStep) return;
    const auto want = std::uint64_t(std::max(1.0, rateWindow / dt_));
    const std::uint64_t end = raster->endStep;
    const std::uint64_t begin = std::max(raster->firstStep, end > want ? end - want : 0);
    const double span = double(end - begin) * dt_;
    std::vector<std::uint64_t> perPop(std::size_t(net.populationCount()), 0);
    std::uint64_t total = 0;
    raster->forEach(begin, end, [&](std::uint64_t, int n) {
        const int p = raster->populationOf(n);
        if (p >= 0) ++perPop[std::size_t(p)];
        ++total;
    });
    for (int p = 0; p < net.populationCount(); ++p)
        obs.scalars["rate_" + net.population(p).name()] = double(perPop[std::size_t(p)]) / net.population(p).size() / span;
    const int n = net.totalNeurons();
    obs.scalars["rate"] = n ? double(total) / n / span : 0.0;
    // A neuron fires at most once per step, so the silent fraction of a step is 1 − spikes/N.
    obs.scalars["sparsity"] = n ? 1.0 - double(total) / double(n) / double(end - begin) : 1.0;
}

std::vector<int> parseIndexList(const std::string& text, const std::string& param) {
    std::vector<int> out;
    std::string tok;
    std::stringstream ss(text);
    while (std::getline(ss, tok, ',')) {
        const auto b = tok.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        const auto e = tok.find_last_not_of(" \t");
        tok = tok.substr(b, e - b + 1);
        std::size_t used = 0;
        int v = -1;
        try {
            v = std::stoi(tok, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != tok.size() || v < 0)
            throw BuildError("", param + ": '" + tok + "' is not a non-negative neuron index");
        out.push_back(v);
    }
    return out;
}

// ---------------------------------------------------------------- SpikingNetwork

std::vector<Shape> SpikingNetworkKernel::build(const BuildContext& ctx) {
    params_ = ctx.params;
    seed_ = ctx.rng();
    loaded_.clear();
    probes_ = parseIndexList(ctx.params.getString("probes"), "probes");
    const std::string preset = ctx.params.getString("preset");
    int n = 0;
    if (preset == "cuba") n = int(ctx.params.getInt("neurons"));
    else n = int(ctx.params.getInt("inputs")) + 1;
    net_.reset();
    dt_ = 0;
    try {
        construct(1e-4);  // validates parameters now; rebuilt with the engine's dt at first step
    } catch (const std::invalid_argument& e) {
        throw BuildError("", e.what());
    }
    return {Shape::tensor(n)};
}

void SpikingNetworkKernel::construct(double dt) {
    const auto& p = params_;
    if (p.getString("preset") == "cuba") {
        snn::CubaConfig c;
        c.neurons = int(p.getInt("neurons"));
        c.excFraction = p.getFloat("exc_fraction");
        c.pConnect = p.getFloat("p_connect");
        c.we = p.getFloat("w_exc");
        c.wi = -std::abs(p.getFloat("w_inh"));
        net_ = std::make_unique<snn::Network>(snn::buildCuba(c, dt, seed_));
    } else {
        snn::StdpPatternConfig c;
        c.inputs = int(p.getInt("inputs"));
        c.rate = p.getFloat("input_rate");
        c.duration = p.getFloat("duration");
        net_ = std::make_unique<snn::Network>(snn::buildStdpPattern(c, dt, seed_));
    }
    net_->setLearning(p.getBool("learning"));
    dt_ = dt;
    obs_.reset(*net_, dt, p.getFloat("history"));
    obs_.setProbes(*net_, probes_);
}

void SpikingNetworkKernel::setParams(const ParamSet& params) {
    params_ = params;
    if (net_) net_->setLearning(params.getBool("learning"));
}

void SpikingNetworkKernel::setProbes(std::vector<int> globalNeurons) {
    probes_ = std::move(globalNeurons);
    if (net_) obs_.setProbes(*net_, probes_);
}

void SpikingNetworkKernel::forward(const StepContext& ctx, std::span<const Value* const>,
                                   std::span<Value> out) {
    if (ctx.phase != Phase::Train) return;
    if (std::abs(ctx.dt - dt_) > 1e-15) {
        construct(ctx.dt);
        applyWeights(loaded_);  // learned weights survive the rebuild at the engine's dt
    }
    net_->step();
    obs_.record(*net_);
    SpikeFrame& f = out[0].spikes;
    f.neurons = net_->totalNeurons();
    f.t = net_->time();
    f.fired.clear();
    for (int p = 0; p < net_->populationCount(); ++p)
        for (auto i : net_->fired(p)) f.fired.push_back(net_->offset(p) + i);
}

void SpikingNetworkKernel::observe(Observables& obs) const {
    if (!net_) return;
    obs_.fill(obs, *net_);
    for (int k = 0; k < net_->projectionCount(); ++k) {
        const auto& pr = net_->projection(k);
        if (!pr.stdp().enabled) continue;
        const auto& w = pr.weights();
        Matrix m(1, Eigen::Index(w.size()));
        for (size_t i = 0; i < w.size(); ++i) m(0, Eigen::Index(i)) = w[i];
        obs.arrays["weights_" + pr.name()] = m;
        obs.scalars["mean_weight_" + pr.name()] = w.empty() ? 0.0 : double(m.mean());
    }
}

SpikingParts SpikingNetworkKernel::spikingParts(double) const {
    SpikingParts parts;
    parts.network = net_.get();
    return parts;
}

double SpikingNetworkKernel::progress() const {
    if (params_.getString("preset") != "stdp_pattern") return -1.0;
    return net_ && dt_ > 0 ? net_->time() / params_.getFloat("duration") : 0.0;
}

KernelState SpikingNetworkKernel::saveState() const {
    KernelState s;
    if (!net_) return s;
    s["seed"] = seedState(seed_);  // the random connectivity and input spikes are drawn from it
    for (int k = 0; k < net_->projectionCount(); ++k) {
        const auto& pr = net_->projection(k);
        if (!pr.stdp().enabled && !pr.homeostasis().enabled) continue;
        const auto& w = pr.weights();
        s["w_" + pr.name()] = Eigen::Map<const Matrix>(w.data(), 1, Eigen::Index(w.size()));
    }
    return s;
}

void SpikingNetworkKernel::loadState(const KernelState& state) {
    if (!net_) return;
    // A state that does not fit leaves the network as it was (the strong guarantee of kernel.h):
    // on a throw the previous seed, network and weights come back.
    const KernelState before = saveState();
    const KernelState beforeLoaded = loaded_;
    auto apply = [this](const KernelState& s) {
        if (auto it = s.find("seed"); it != s.end()) {
            const std::uint64_t seed = seedFromState(it->second, "seed");
            if (seed != seed_) {
                seed_ = seed;
                construct(dt_ > 0 ? dt_ : 1e-4);
            }
        }
        loaded_ = s;
        applyWeights(s);
    };
    try {
        apply(state);
    } catch (...) {
        apply(before);
        loaded_ = beforeLoaded;
        throw;
    }
}

void SpikingNetworkKernel::applyWeights(const KernelState& state) {
    for (auto& [key, m] : state) {
        if (key == "seed") continue;
        bool found = false;
        for (int k = 0; k < net_->projectionCount(); ++k) {
            auto& pr = net_->projection(k);
            if (key != "w_" + pr.name()) continue;
            if (std::size_t(m.size()) != pr.weights().size())
                throw std::runtime_error("SpikingNetwork state: '" + key + "' has " + std::to_string(m.size()) +
                                         " weights, expected " + std::to_string(pr.weights().size()));
            std::copy(m.data(), m.data() + m.size(), pr.weights().begin());
            found = true;
        }
        if (!found) throw std::runtime_error("SpikingNetwork state: no plastic projection for '" + key + "'");
    }
}

NodeSpec makeSpikingNetworkSpec() {
    NodeSpec s;
    s.type = "SpikingNetwork";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Spiking network";
    s.category = "Spiking";
    s.observables = {"spikes", "membrane", "weights_*"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.role = NodeRole::Source;
    s.help = "A complete spiking network simulated one step (GraphSettings dt) per engine step. "
             "Preset 'cuba': the CUBA benchmark, current-based LIF neurons, 80% excitatory, random "
             "connectivity keeping ~80 synapses per neuron. Preset 'stdp_pattern': afferents with a "
             "repeating frozen spike pattern hidden in Poisson noise drive one LIF neuron through "
             "plastic synapses (pair-based STDP); it learns to fire at the pattern.";
    s.reference = "Vogels & Abbott, J Neurosci 2005; Brette et al., J Comput Neurosci 2007; "
                  "Masquelier, Guyonneau & Thorpe, PLoS ONE 2008";
    s.outputs = {{"spikes", PortType::Spikes, "neurons that fired this step (global indices)"}};
    s.params = {
        enumParam("preset", "cuba", {"cuba", "stdp_pattern"}, "Which network to build."),
        intParam("neurons", 4000, 2, 1000000, "CUBA: number of neurons."),
        floatParam("exc_fraction", 0.8, 0.01, 0.99, "CUBA: fraction of excitatory neurons."),
        floatParam("p_connect", 0.0, 0.0, 1.0, "CUBA: connection probability; 0 keeps ~80 synapses per neuron (0.02·4000/N)."),
        floatParam("w_exc", 1.62, 0.0, 100.0, "CUBA: excitatory synaptic jump.", "mV"),
        floatParam("w_inh", 9.0, 0.0, 100.0, "CUBA: inhibitory synaptic jump (applied negative).", "mV"),
        intParam("inputs", 200, 2, 100000, "STDP demo: number of afferents."),
        floatParam("input_rate", 10.0, 0.1, 1000.0, "STDP demo: afferent Poisson rate.", "Hz"),
        floatParam("duration", 60.0, 1.0, 3600.0, "STDP demo: length of the stimulation protocol (the run finishes there).", "s"),
        boolParam("learning", true, "Plasticity (STDP) on.", true),
        floatParam("history", 2.0, 0.05, 60.0, "Seconds of spikes kept for the raster.", "s"),
        stringParam("probes", "0, 1, 2", "Neurons whose membrane potential is recorded (global indices, comma separated)."),
    };
    s.create = [] { return std::make_unique<SpikingNetworkKernel>(); };
    return s;
}

}  // namespace ganglion
