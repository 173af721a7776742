// Graph nodes of the spiking simulator.
//
// How graph nodes map onto the simulator (core/snn/network.h):
//  * Every engine step advances spiking nodes by one simulation step of length StepContext::dt
//    (GraphSettings::dt). Spikes ports carry the SpikeFrame of that step.
//  * "SpikingNetwork" holds a whole Network built from a preset (the CUBA benchmark, the STDP
//    pattern demo) and runs it at full simulator speed; its "spikes" port carries every neuron
//    (global indices, populations in order). Use it for big recurrent networks.
//  * Fine-grained graphs: "PoissonInput" / "SpikeGenerator" are spike sources; "LIFPopulation"
//    owns one Population plus the projections INTO it — one per connected Spikes input port
//    ("exc", and the delayed ports "inh" and "rec", so E→I→E loops and recurrence are legal).
//    A projection's rule, probability,
//    weight, delay and plasticity are parameters of the target population, because a graph edge
//    carries spikes, not synapses. Spikes arriving on "exc" at step n act on the update of
//    step n+1 (as inside Network); "inh" and "rec" see the previous step's output, so they have
//    one extra step of delay.
//  * Stepping only happens in the Train phase (simulation); Test/Grid evaluations leave the
//    state untouched and repeat the last output.
//  * Observables: extra["spikes"] (SpikeRaster), extra["membrane"] (MembraneTraces of the
//    neurons listed in the "probes" parameter or set with setProbes()), scalars "rate" and
//    "rate_<population>" (Hz over the last 0.2 s), "sparsity" (mean fraction of silent neurons
//    per step over the same window), "spikes_total".
#pragma once

#include "core/model/kernel.h"
#include "core/snn/network.h"
#include "core/snn/spike_history.h"

#include <memory>
#include <vector>

namespace ganglion {

/// Implemented by every spiking kernel that records membrane traces: views pick neurons through
/// the runner, e.g. post([=](Engine& e){ if (auto* p = dynamic_cast<ProbeTarget*>(e.kernel(id)))
/// p->setProbes({n}); }).
class ProbeTarget {
public:
    virtual ~ProbeTarget() = default;
    /// Global neuron indices (out-of-range ones are ignored).
    virtual void setProbes(std::vector<int> globalNeurons) = 0;
};

/// What a spiking kernel simulates, for exporters that rebuild it elsewhere (the Brian2 export,
/// core/export/brian2_export.h): its populations and the projections into them.
struct SpikingParts {
    const snn::Network* network = nullptr;  ///< the node's populations and the projections among them
    /// Population 0 replays these generator spikes (nullptr: the population's own list), repeating
    /// them every `generatorPeriod` seconds when that is > 0.
    const std::vector<snn::GeneratorSpike>* generatorSpikes = nullptr;
    double generatorPeriod = 0;
    /// A projection listening to the Spikes input `port` (its presynaptic neurons are those of the
    /// node feeding the port) into population `post` of `network`.
    struct Input {
        std::string port;
        const snn::Projection* projection = nullptr;
        int post = 0;
        int delaySteps = -1;  ///< one delay for every synapse at the export's dt; -1: the projection's own
    };
    std::vector<Input> inputs;
    std::string refusal;  ///< non-empty: what this node does that an export cannot reproduce
};

/// Implemented by every kernel that simulates spiking populations.
class SpikingExportable {
public:
    virtual ~SpikingExportable() = default;
    /// The parts at simulation step `dt` (valid until the kernel is rebuilt or stepped).
    virtual SpikingParts spikingParts(double dt) const = 0;
};

/// Shared recording and statistics of a spiking kernel.
class SpikeObserver {
public:
    void reset(const snn::Network& net, double dt, double historySeconds);
    /// After net.step(): records spikes, probe potentials and rate statistics.
    void record(const snn::Network& net);
    void setProbes(const snn::Network& net, std::vector<int> globalNeurons);
    /// Fills the observables; rates and sparsity cover the last `rateWindow` seconds recorded.
    void fill(Observables& obs, const snn::Network& net, double rateWindow = 0.2) const;
    double dt() const { return dt_; }

private:
    snn::SpikeRecorder spikes_;
    snn::TraceRecorder traces_;
    std::vector<std::pair<int, int>> probeLoc_;  // (population, local index)
    std::vector<float> probeValues_;
    double dt_ = 1e-4;
};

/// Parses "1, 5, 17" into indices; throws BuildError naming `param` on bad text.
std::vector<int> parseIndexList(const std::string& text, const std::string& param);

class SpikingNetworkKernel : public Kernel, public ProbeTarget, public SpikingExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    /// The STDP demo's protocol ends after `duration` simulated seconds; CUBA runs on.
    double progress() const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

    void setProbes(std::vector<int> globalNeurons) override;
    const snn::Network& network() const { return *net_; }
    SpikingParts spikingParts(double) const override;

private:
    void construct(double dt);
    ParamSet params_;
    std::uint64_t seed_ = 1;
    KernelState loaded_;  ///< the last loadState(), re-applied when the network is rebuilt
    void applyWeights(const KernelState& state);
    std::unique_ptr<snn::Network> net_;
    SpikeObserver obs_;
    std::vector<int> probes_;
    double dt_ = 0;
};

}  // namespace ganglion
