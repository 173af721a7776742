// Fine-grained spiking nodes: PoissonInput, SpikeGenerator and LIFPopulation (see snn_nodes.h
// for how they map onto the simulator).
#include "core/model/node_spec.h"
#include "core/snn/snn_nodes.h"

#include <cmath>
#include <optional>
#include <sstream>

namespace ganglion {

namespace {

snn::Population makeSource(const std::string& name, int n, snn::Model m, snn::Dale dale = snn::Dale::Any) {
    snn::NeuronParams p;
    p.model = m;
    return snn::Population(name, n, p, dale);
}

void emit(const snn::Network& net, double t, SpikeFrame& f) {
    f.neurons = net.totalNeurons();
    f.t = t;
    f.fired = net.fired(0);
}

/// Base for single-population nodes: a one-population Network plus the observer.
class SinglePopulationKernel : public Kernel, public ProbeTarget, public SpikingExportable {
public:
    SpikingParts spikingParts(double) const override {
        SpikingParts parts;
        parts.network = net_.get();
        return parts;
    }
    void observe(Observables& obs) const override {
        if (net_) obs_.fill(obs, *net_);
    }
    void setProbes(std::vector<int> neurons) override {
        probes_ = std::move(neurons);
        if (net_) obs_.setProbes(*net_, probes_);
    }

protected:
    void ready(double dt) {
        if (std::abs(dt - dt_) < 1e-15) return;
        dt_ = dt;
        net_->prepare(dt, seed_);
        afterPrepare();
        obs_.reset(*net_, dt, history_);
        obs_.setProbes(*net_, probes_);
    }
    virtual void afterPrepare() {}

    std::unique_ptr<snn::Network> net_;
    SpikeObserver obs_;
    std::vector<int> probes_;
    std::uint64_t seed_ = 1;
    double dt_ = 0, history_ = 2.0;
};

// ------------------------------------------------------------------ PoissonInput

class PoissonKernel : public SinglePopulationKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        n_ = int(ctx.params.getInt("neurons"));
        gain_ = ctx.params.getFloat("gain");
        if (ctx.inputs[0].features > 0 && ctx.inputs[0].features != n_)
            throw BuildError("rates", "rates input has " + std::to_string(ctx.inputs[0].features) +
                                          " features but the node has " + std::to_string(n_) + " neurons");
        ratesInput_ = ctx.inputs[0].features > 0;
        seed_ = ctx.rng();
        net_ = std::make_unique<snn::Network>();
        net_->addPopulation(makeSource("poisson", n_, snn::Model::Poisson, snn::Dale::Excitatory));
        setParams(ctx.params);
        dt_ = 0;
        return {Shape::tensor(n_)};
    }
    SpikingParts spikingParts(double dt) const override {
        SpikingParts parts = SinglePopulationKernel::spikingParts(dt);
        if (ratesInput_) parts.refusal = "its 'rates' input is connected (rates computed by the graph every step)";
        return parts;
    }
    void setParams(const ParamSet& p) override {
        auto np = net_->population(0).params();
        np.rate = p.getFloat("rate");
        net_->setPopulationParams(0, np);  // kept when the network is prepared at the first step
        gain_ = p.getFloat("gain");
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        ready(ctx.dt);
        if (in[0]) {
            const Matrix& x = in[0]->tensor;
            rates_.resize(n_);
            for (int i = 0; i < n_; ++i) rates_[i] = std::max(0.f, float(gain_) * x(i, 0));
            net_->population(0).setRates(rates_);
        }
        net_->step();
        obs_.record(*net_);
        emit(*net_, net_->time(), out[0].spikes);
    }

private:
    int n_ = 0;
    bool ratesInput_ = false;
    double gain_ = 1;
    std::vector<float> rates_;
};

// ---------------------------------------------------------------- SpikeGenerator

class GeneratorKernel : public SinglePopulationKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const int n = int(ctx.params.getInt("neurons"));
        period_ = ctx.params.getFloat("period");
        spikes_.clear();
        std::stringstream ss(ctx.params.getString("spikes"));
        std::string tok;
        while (std::getline(ss, tok, ',')) {
            if (tok.find_first_not_of(" \t") == std::string::npos) continue;
            const auto colon = tok.find(':');
            double tMs = 0;
            int neuron = -1;
            try {
                if (colon == std::string::npos) throw std::invalid_argument("no colon");
                tMs = std::stod(tok.substr(0, colon));
                neuron = std::stoi(tok.substr(colon + 1));
            } catch (const std::exception&) {
                throw BuildError("", "spikes: '" + tok + "' is not 'time_ms:neuron'");
            }
            if (neuron < 0 || neuron >= n)
                throw BuildError("", "spikes: neuron " + std::to_string(neuron) + " outside 0.." + std::to_string(n - 1));
            if (tMs < 0) throw BuildError("", "spikes: negative time in '" + tok + "'");
            spikes_.push_back({tMs * 1e-3, neuron});
        }
        if (period_ > 0)
            for (const auto& s : spikes_)
                if (s.t >= period_) throw BuildError("", "spikes: a spike at " + std::to_string(s.t * 1e3) +
                                                          " ms lies beyond the repeat period");
        net_ = std::make_unique<snn::Network>();
        net_->addPopulation(makeSource("generator", n, snn::Model::Generator));
        dt_ = 0;
        return {Shape::tensor(n)};
    }
    SpikingParts spikingParts(double dt) const override {
        SpikingParts parts = SinglePopulationKernel::spikingParts(dt);
        parts.generatorSpikes = &spikes_;
        parts.generatorPeriod = period_;
        return parts;
    }
    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        ready(ctx.dt);
        // Repeating pattern: reload the list shifted by one period when a period starts.
        if (period_ > 0) {
            const auto stepsPerPeriod = std::uint64_t(std::llround(period_ / dt_));
            if (stepsPerPeriod > 0 && net_->steps() % stepsPerPeriod == 0) {
                const double t0 = double(net_->steps()) * dt_;
                std::vector<snn::GeneratorSpike> shifted = spikes_;
                for (auto& s : shifted) s.t += t0;
                net_->population(0).setGeneratorSpikes(std::move(shifted));
            }
        }
        net_->step();
        obs_.record(*net_);
        emit(*net_, net_->time(), out[0].spikes);
    }

protected:
    void afterPrepare() override { net_->population(0).setGeneratorSpikes(spikes_); }

private:
    std::vector<snn::GeneratorSpike> spikes_;
    double period_ = 0;
};

}  // namespace

NodeSpec makePoissonInputSpec() {
    NodeSpec s;
    s.type = "PoissonInput";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Poisson input";
    s.category = "Spiking";
    s.observables = {"spikes", "membrane"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.role = NodeRole::Source;
    s.help = "Independent Poisson spike trains. With the optional 'rates' tensor connected, neuron i "
             "fires at gain·rates[i] Hz (first sample of the batch): a rate encoder.";
    s.inputs = {{"rates", PortType::Tensor, "per-neuron rate (features = neurons)", true}};
    s.outputs = {{"spikes", PortType::Spikes, "neurons that fired this step"}};
    s.params = {
        intParam("neurons", 100, 1, 10000000, "Number of spike sources."),
        floatParam("rate", 10.0, 0.0, 10000.0, "Rate of every source when 'rates' is unconnected.", "Hz", true),
        floatParam("gain", 100.0, 0.0, 1e6, "Hz per unit of the 'rates' input.", "Hz", true),
    };
    s.create = [] { return std::make_unique<PoissonKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{{"neurons", std::int64_t(8)}}, {Shape::tensor(8)}}; };
    return s;
}

NodeSpec makeSpikeGeneratorSpec() {
    NodeSpec s;
    s.type = "SpikeGenerator";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Spike generator";
    s.category = "Spiking";
    s.observables = {"spikes", "membrane"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.role = NodeRole::Source;
    s.help = "Replays a list of spikes 'time_ms:neuron, …', optionally repeating every period.";
    s.outputs = {{"spikes", PortType::Spikes, "neurons that fired this step"}};
    s.params = {
        intParam("neurons", 4, 1, 1000000, "Number of generator neurons."),
        stringParam("spikes", "1:0, 2:1, 3:2, 4:3", "Spikes as time_ms:neuron, comma separated."),
        floatParam("period", 0.0, 0.0, 3600.0, "Repeat the list every period (0 = play once).", "s"),
    };
    s.create = [] { return std::make_unique<GeneratorKernel>(); };
    return s;
}

}  // namespace ganglion
