// LIFPopulation node: one population plus the projections into it (one per Spikes input).
#include "core/model/node_spec.h"
#include "core/snn/snn_nodes.h"

#include <array>
#include <cmath>
#include <optional>

namespace ganglion {

namespace {

const char* kPorts[3] = {"exc", "inh", "rec"};

class LifPopulationKernel : public Kernel, public ProbeTarget, public SpikingExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        n_ = int(p.getInt("neurons"));
        seed_ = ctx.rng();
        probes_ = parseIndexList(p.getString("probes"), "probes");
        history_ = p.getFloat("history");
        const std::string dale = p.getString("dale");
        dale_ = dale == "excitatory" ? snn::Dale::Excitatory : dale == "inhibitory" ? snn::Dale::Inhibitory : snn::Dale::Any;
        net_ = std::make_unique<snn::Network>();
        try {
            net_->addPopulation(snn::Population("pop", n_, neuronParams(p), dale_));
            if (p.getFloat("threshold_jitter") > 0) {
                std::normal_distribution<float> g(float(p.getFloat("v_threshold")), float(p.getFloat("threshold_jitter")));
                snn::Heterogeneity h;
                h.vThreshold.resize(n_);
                for (auto& v : h.vThreshold) v = g(ctx.rng);
                net_->population(0).setHeterogeneity(std::move(h));
            }
            for (int k = 0; k < 3; ++k) buildProjection(k, ctx);
        } catch (const std::invalid_argument& e) {
            throw BuildError("", e.what());
        }
        if (ctx.inputs[3].features > 0 && ctx.inputs[3].features != n_ && ctx.inputs[3].features != 1)
            throw BuildError("current", "current input has " + std::to_string(ctx.inputs[3].features) +
                                            " features; expected 1 or " + std::to_string(n_));
        currentInput_ = ctx.inputs[3].features > 0;
        dt_ = 0;
        return {Shape::tensor(n_), Shape::tensor(n_)};
    }

    void setProbes(std::vector<int> neurons) override {
        probes_ = std::move(neurons);
        if (net_ && dt_ > 0) obs_.setProbes(*net_, probes_);
    }

    SpikingParts spikingParts(double dt) const override {
        SpikingParts parts;
        parts.network = net_.get();
        for (int k = 0; k < 3; ++k)
            if (proj_[k])
                parts.inputs.push_back({kPorts[k], &*proj_[k], 0, int(std::clamp<long>(std::lround(delayMs_[k] * 1e-3 / dt), 0, 65535))});
        if (currentInput_) parts.refusal = "its 'current' input is connected (a current computed by the graph every step)";
        return parts;
    }

    void setParams(const ParamSet& p) override {
        net_->setPopulationParams(0, neuronParams(p));
        net_->setLearning(p.getBool("learning"));
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        if (std::abs(ctx.dt - dt_) > 1e-15) prepare(ctx.dt);
        auto& pop = net_->population(0);
        if (in[3]) {
            auto& ext = pop.extCurrent();
            const Matrix& x = in[3]->tensor;
            for (int i = 0; i < n_; ++i) ext[i] = x.rows() == 1 ? x(0, 0) : x(i, 0);
        }
        const std::uint64_t step = net_->steps();
        net_->step();
        obs_.record(*net_);
        const auto& fired = net_->fired(0);
        for (int k = 0; k < 3; ++k) {
            if (!proj_[k] || !in[k]) continue;
            const auto& pre = in[k]->spikes.fired;
            for (auto i : pre)
                if (i < 0 || i >= int(proj_[k]->rowStart().size()) - 1) {
                    error_ = std::string("spike index out of range on port ") + kPorts[k];
                    return;
                }
            proj_[k]->deliver(pre, pop, step);
            proj_[k]->flushDelayed(pop, step);
            if (net_->learning()) proj_[k]->learn(pre, fired, step);
        }
        SpikeFrame& f = out[0].spikes;
        f.neurons = n_;
        f.t = net_->time();
        f.fired = fired;
        Matrix& v = out[1].tensor;
        v.resize(n_, 1);
        for (int i = 0; i < n_; ++i) v(i, 0) = pop.v()[i];
    }

    void observe(Observables& obs) const override {
        if (!net_) return;
        obs_.fill(obs, *net_);
        for (int k = 0; k < 3; ++k)
            if (proj_[k] && (proj_[k]->stdp().enabled || proj_[k]->homeostasis().enabled)) {
                const auto& w = proj_[k]->weights();
                obs.scalars[std::string("mean_weight_") + kPorts[k]] =
                    w.empty() ? 0.0 : double(Eigen::Map<const Eigen::VectorXf>(w.data(), Eigen::Index(w.size())).mean());
            }
        if (!error_.empty()) obs.scalars["input_errors"] = 1.0;
    }

    /// Everything the build drew at random, so a kernel built from another seed behaves the same:
    /// each projection's weights and connectivity ("syn_<port>": 2 x synapses, pre and post
    /// indices), the per-neuron thresholds when jittered, and the seed of the neuron noise.
    KernelState saveState() const override {
        KernelState s;
        for (int k = 0; k < 3; ++k)
            if (proj_[k]) {
                const auto& w = proj_[k]->weights();
                s[std::string("w_") + kPorts[k]] = Eigen::Map<const Matrix>(w.data(), 1, Eigen::Index(w.size()));
                const snn::Synapses& syn = syn_[k];
                Matrix c(2, Eigen::Index(syn.size()));
                for (std::size_t i = 0; i < syn.size(); ++i)
                    c(0, Eigen::Index(i)) = float(syn.pre[i]), c(1, Eigen::Index(i)) = float(syn.post[i]);
                s[std::string("syn_") + kPorts[k]] = c;
            }
        const auto& th = net_->population(0).heterogeneity().vThreshold;
        if (!th.empty()) s["v_threshold"] = Eigen::Map<const Matrix>(th.data(), 1, Eigen::Index(th.size()));
        s["seed"] = seedState(seed_);
        return s;
    }
    void loadState(const KernelState& state) override {
        auto fail = [](const std::string& msg) { throw std::runtime_error("LIFPopulation state: " + msg); };
        // check everything first: a state that does not fit changes nothing
        std::array<const Matrix*, 3> w{}, c{};
        for (auto& [key, m] : state) {
            int k = 0;
            while (k < 3 && key != std::string("w_") + kPorts[k] && key != std::string("syn_") + kPorts[k]) ++k;
            if (k < 3) {
                if (!proj_[k]) fail("no projection for '" + key + "'");
                (key[0] == 'w' ? w : c)[std::size_t(k)] = &m;
            } else if (key == "v_threshold") {
                if (m.size() != n_) fail("'v_threshold' has " + std::to_string(m.size()) + " entries, expected " + std::to_string(n_));
            } else if (key == "seed") {
                // its value is checked below, after the shapes (still before anything changes)
            } else {
                fail("unknown entry '" + key + "'");
            }
        }
        for (int k = 0; k < 3; ++k) {
            if (!w[std::size_t(k)]) continue;
            const Matrix* syn = c[std::size_t(k)];
            const std::size_t expected = syn ? std::size_t(syn->cols()) : proj_[k]->weights().size();
            if (std::size_t(w[std::size_t(k)]->size()) != expected)
                fail(std::string("'w_") + kPorts[k] + "' has " + std::to_string(w[std::size_t(k)]->size()) +
                     " weights, expected " + std::to_string(expected) +
                     (syn ? std::string(" (one per connection in 'syn_") + kPorts[k] + "')" : std::string()));
            if (syn && (syn->rows() != 2 || (syn->size() && (syn->row(0).minCoeff() < 0 || syn->row(0).maxCoeff() >= float(syn_nPre_[k]) ||
                                                             syn->row(1).minCoeff() < 0 || syn->row(1).maxCoeff() >= float(n_)))))
                fail(std::string("'syn_") + kPorts[k] + "' does not connect " + std::to_string(syn_nPre_[k]) + " to " +
                     std::to_string(n_) + " neurons");
        }
        if (auto it = state.find("seed"); it != state.end()) seed_ = seedFromState(it->second, "seed");
        if (auto it = state.find("v_threshold"); it != state.end()) {
            snn::Heterogeneity h = net_->population(0).heterogeneity();
            h.vThreshold.assign(it->second.data(), it->second.data() + it->second.size());
            net_->population(0).setHeterogeneity(std::move(h));
        }
        for (int k = 0; k < 3; ++k) {
            if (const Matrix* syn = c[std::size_t(k)]) {
                snn::Synapses& s = syn_[k];
                const std::size_t n = std::size_t(syn->cols());
                s.pre.resize(n);
                s.post.resize(n);
                s.weight.assign(n, 0.f);
                for (std::size_t i = 0; i < n; ++i)
                    s.pre[i] = std::int32_t((*syn)(0, Eigen::Index(i))), s.post[i] = std::int32_t((*syn)(1, Eigen::Index(i)));
                proj_[k].reset();
                makeProjection(k, dt_ > 0 ? dt_ : 1e-4);
                if (dt_ > 0) proj_[k]->prepare(dt_);
            }
            if (const Matrix* m = w[std::size_t(k)]) std::copy(m->data(), m->data() + m->size(), proj_[k]->weights().begin());
        }
        if (dt_ > 0) prepare(dt_);  // the noise restarts from the loaded seed
    }

private:
    static snn::NeuronParams neuronParams(const ParamSet& p) {
        snn::NeuronParams np;
        np.model = snn::modelFromName(p.getString("model"));
        np.tauMem = p.getFloat("tau_mem") * 1e-3;
        np.tauExc = p.getFloat("tau_exc") * 1e-3;
        np.tauInh = p.getFloat("tau_inh") * 1e-3;
        np.r = p.getFloat("r");
        np.vLeak = p.getFloat("v_leak");
        np.vThreshold = p.getFloat("v_threshold");
        np.vReset = p.getFloat("v_reset");
        np.refractory = p.getFloat("refractory") * 1e-3;
        np.bias = p.getFloat("bias");
        np.tauAdapt = p.getFloat("tau_adapt") * 1e-3;
        np.adaptIncrement = p.getFloat("adapt_increment");
        return np;
    }

    void buildProjection(int k, const BuildContext& ctx) {
        proj_[k].reset();
        const int nPre = ctx.inputs[k].features;
        if (nPre <= 0) return;
        const std::string port = kPorts[k];
        const auto& p = ctx.params;
        const std::string rule = p.getString(port + "_rule");
        double w = p.getFloat(port + "_weight");
        snn::Dale preDale = snn::Dale::Excitatory;
        if (k == 1) w = -std::abs(w), preDale = snn::Dale::Inhibitory;
        if (k == 2) {
            preDale = dale_;
            if ((dale_ == snn::Dale::Excitatory && w < 0) || (dale_ == snn::Dale::Inhibitory && w > 0))
                throw BuildError("rec", "rec_weight " + std::to_string(w) + " breaks Dale's law of this " +
                                            p.getString("dale") + " population");
        }
        std::mt19937_64& rng = ctx.rng;
        syn_nPre_[k] = nPre;
        snn::Synapses syn;
        const bool self = k != 2;
        if (rule == "all_to_all") syn = snn::connect::allToAll(nPre, n_, float(w), self);
        else if (rule == "one_to_one") {
            if (nPre != n_)
                throw BuildError(port, "one_to_one needs " + std::to_string(n_) + " presynaptic neurons, got " + std::to_string(nPre));
            syn = snn::connect::oneToOne(n_, float(w));
        } else if (rule == "fixed_probability")
            syn = snn::connect::fixedProbability(nPre, n_, p.getFloat(port + "_p"), float(w), rng, self);
        else {
            const int kin = int(p.getInt(port + "_in_degree"));
            if (kin > (self ? nPre : nPre - 1))
                throw BuildError(port, port + "_in_degree " + std::to_string(kin) + " exceeds the " + std::to_string(nPre) + " presynaptic neurons");
            syn = snn::connect::fixedInDegree(nPre, n_, kin, float(w), rng, self);
        }
        syn_[k] = std::move(syn);
        preDale_[k] = preDale;
        channel_[k] = k == 1 ? snn::Channel::Inh : (w < 0 ? snn::Channel::Inh : snn::Channel::Exc);
        delayMs_[k] = p.getFloat(port + "_delay");
        stdp_[k].enabled = k == 0 && p.getBool("exc_stdp");
        stdp_[k].wMax = p.getFloat("exc_w_max");
        homeo_[k].enabled = k == 0 && p.getBool("exc_homeostasis");
        homeo_[k].targetRate = p.getFloat("target_rate");
        makeProjection(k, 1e-4);
        net_->setLearning(p.getBool("learning"));
    }

    /// (Re)creates projection k with its delay expressed in steps of dt; learned weights are kept.
    void makeProjection(int k, double dt) {
        snn::Synapses& syn = syn_[k];
        const auto delay = std::uint16_t(std::clamp<long>(std::lround(delayMs_[k] * 1e-3 / dt), 0, 65535));
        if (delay > 0) syn.delay.assign(syn.size(), delay);
        else syn.delay.clear();
        std::vector<float> keep;
        if (proj_[k]) keep = proj_[k]->weights();
        const snn::Population pre("pre", int(syn_nPre_[k]), snn::NeuronParams{snn::Model::Generator}, preDale_[k]);
        proj_[k].emplace(std::string(kPorts[k]), -1, 0, pre, net_->population(0), syn, channel_[k]);
        if (keep.size() == proj_[k]->weights().size()) proj_[k]->weights() = keep;
        proj_[k]->setStdp(stdp_[k]);
        proj_[k]->setHomeostasis(homeo_[k]);
    }

    void prepare(double dt) {
        dt_ = dt;
        net_->prepare(dt, seed_);
        for (int k = 0; k < 3; ++k) {
            if (!proj_[k]) continue;
            if (delayMs_[k] > 0) makeProjection(k, dt);
            proj_[k]->prepare(dt);
        }
        obs_.reset(*net_, dt, history_);
        obs_.setProbes(*net_, probes_);
    }

    int n_ = 0;
    std::uint64_t seed_ = 1;
    snn::Dale dale_ = snn::Dale::Any;
    std::unique_ptr<snn::Network> net_;
    std::optional<snn::Projection> proj_[3];
    snn::Synapses syn_[3];
    int syn_nPre_[3] = {0, 0, 0};
    snn::Dale preDale_[3] = {snn::Dale::Any, snn::Dale::Any, snn::Dale::Any};
    snn::Channel channel_[3] = {snn::Channel::Exc, snn::Channel::Inh, snn::Channel::Exc};
    double delayMs_[3] = {0, 0, 0};
    snn::StdpParams stdp_[3];
    snn::HomeostasisParams homeo_[3];
    SpikeObserver obs_;
    std::vector<int> probes_;
    double dt_ = 0, history_ = 2.0;
    bool currentInput_ = false;
    std::string error_;
};

std::vector<ParamSpec> projectionParams(const std::string& port, double weight, const std::string& help) {
    return {
        enumParam(port + "_rule", "fixed_probability", {"all_to_all", "one_to_one", "fixed_probability", "fixed_in_degree"},
                  "Connectivity of the '" + port + "' projection (" + help + ")."),
        floatParam(port + "_p", 0.1, 0.0, 1.0, "Connection probability (fixed_probability)."),
        intParam(port + "_in_degree", 10, 0, 1000000, "Presynaptic partners per neuron (fixed_in_degree)."),
        floatParam(port + "_weight", weight, -1e6, 1e6, "Synaptic weight (jump of the synaptic current, or of v for LIF/IF)."),
        floatParam(port + "_delay", 0.0, 0.0, 6553.0, "Axonal delay, rounded to whole steps of dt.", "ms"),
    };
}

}  // namespace

NodeSpec makeLifPopulationSpec() {
    NodeSpec s;
    s.type = "LIFPopulation";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "LIF population";
    s.category = "Spiking";
    s.observables = {"spikes", "membrane"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.help = "A population of integrate-and-fire neurons (LIF, CubaLIF, IF, LI readout, adaptive LIF) "
             "integrated exactly over each step, with the projections into it: 'exc' and 'inh' spike "
             "inputs and a delayed 'rec' input for recurrence, each with its own connectivity rule. "
             "Optional per-neuron threshold jitter, STDP and homeostatic scaling on 'exc'.";
    s.reference = "Gerstner, Kistler, Naud & Paninski, Neuronal Dynamics (2014); Song, Miller & Abbott 2000 (STDP); "
                  "Turrigiano 2008 (synaptic scaling)";
    s.inputs = {{"exc", PortType::Spikes, "excitatory presynaptic spikes", true},
                {"inh", PortType::Spikes, "inhibitory presynaptic spikes (previous step)", true, true},
                {"rec", PortType::Spikes, "recurrent spikes (previous step)", true, true},
                {"current", PortType::Tensor, "injected current (1 or neurons features; first sample)", true}};
    s.outputs = {{"spikes", PortType::Spikes, "neurons that fired this step"},
                 {"v", PortType::Tensor, "membrane potentials (neurons x 1)"}};
    s.params = {
        enumParam("model", "LIF", {"LIF", "CubaLIF", "IF", "LI", "AdaptiveLIF"}, "Neuron model."),
        intParam("neurons", 100, 1, 10000000, "Population size."),
        enumParam("dale", "excitatory", {"excitatory", "inhibitory", "any"}, "Sign of this population's outgoing weights (Dale's law, checked on 'rec')."),
        floatParam("tau_mem", 20.0, 0.01, 1e5, "Membrane time constant.", "ms", true),
        floatParam("tau_exc", 5.0, 0.01, 1e5, "Excitatory synaptic time constant (CubaLIF).", "ms", true),
        floatParam("tau_inh", 10.0, 0.01, 1e5, "Inhibitory synaptic time constant (CubaLIF).", "ms", true),
        floatParam("r", 1.0, 0.0, 1e9, "Resistance: drive = r·current.", "", true),
        floatParam("v_leak", 0.0, -1e6, 1e6, "Leak (resting) potential.", "", true),
        floatParam("v_threshold", 1.0, -1e6, 1e6, "Firing threshold.", "", true),
        floatParam("v_reset", 0.0, -1e6, 1e6, "Reset potential.", "", true),
        floatParam("refractory", 2.0, 0.0, 1e4, "Refractory period.", "ms", true),
        floatParam("bias", 0.0, -1e6, 1e6, "Constant input current.", "", true),
        floatParam("threshold_jitter", 0.0, 0.0, 1e6, "Per-neuron threshold heterogeneity (standard deviation)."),
        floatParam("tau_adapt", 100.0, 0.01, 1e6, "Threshold adaptation time constant (AdaptiveLIF).", "ms", true),
        floatParam("adapt_increment", 0.1, 0.0, 1e6, "Threshold increase per spike (AdaptiveLIF).", "", true),
    };
    for (auto& v : {projectionParams("exc", 0.2, "weight >= 0"), projectionParams("inh", 0.5, "magnitude, applied negative"),
                    projectionParams("rec", 0.1, "signed, must obey 'dale'")})
        s.params.insert(s.params.end(), v.begin(), v.end());
    s.params.push_back(boolParam("exc_stdp", false, "Pair-based STDP on the 'exc' projection."));
    s.params.push_back(floatParam("exc_w_max", 1.0, 0.0, 1e6, "Upper weight bound for STDP."));
    s.params.push_back(boolParam("exc_homeostasis", false, "Homeostatic synaptic scaling of the 'exc' projection."));
    s.params.push_back(floatParam("target_rate", 5.0, 0.0, 1000.0, "Homeostasis target rate.", "Hz"));
    s.params.push_back(boolParam("learning", true, "Plasticity on.", true));
    s.params.push_back(floatParam("history", 2.0, 0.05, 60.0, "Seconds of spikes kept for the raster.", "s"));
    s.params.push_back(stringParam("probes", "0", "Neurons whose membrane potential is recorded."));
    s.create = [] { return std::make_unique<LifPopulationKernel>(); };
    // 20 neurons driven by 16 excitatory and 16 inhibitory sources, recurrent, with STDP and a
    // threshold jitter (so the state is not just the initial one)
    s.example = [](const std::string&) {
        return NodeExample{{{"neurons", std::int64_t(20)}, {"exc_stdp", true}, {"threshold_jitter", 0.1}, {"bias", 0.5}},
                           {Shape::tensor(16), Shape::tensor(16), Shape::tensor(20), Shape::tensor(1)}};
    };
    return s;
}

}  // namespace ganglion
