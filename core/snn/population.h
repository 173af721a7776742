// Neuron populations of the spiking simulator: state in flat float arrays, one update per step
// with exact exponential integration over the global step dt.
//
// Models (time in seconds, potentials in any consistent unit, e.g. mV):
//   LIF      τ_mem dv/dt = (v_leak − v) + r·I_ext ; input spikes of weight w jump v by r·w
//   CubaLIF  τ_mem dv/dt = (v_leak − v) + r·(I_exc + I_inh + I_ext),  τ_exc dI_exc/dt = −I_exc,
//            τ_inh dI_inh/dt = −I_inh ; an input spike of weight w jumps I_exc (or I_inh) by w
//            (two synaptic channels so excitation and inhibition keep their own time constants,
//            as in the CUBA benchmark; NIR's single-channel CubaLIF is τ_exc = τ_inh)
//   IF       dv/dt = r·I_ext ; spikes jump v by r·w ; no leak
//   LI       LIF without threshold (a readout integrator)
//   AdaptiveLIF  LIF whose threshold rises by `adapt_increment` per spike and relaxes with τ_adapt
//   Poisson  independent Poisson spike sources (rate per neuron)
//   Generator  replays a list of (time, neuron) spikes
// Threshold crossing (v > v_threshold) emits a spike, sets v = v_reset and holds v there for
// `refractory` seconds (synaptic currents keep decaying meanwhile, as in Brian2's
// "unless refractory"). Within one step the closed-form solution is used, so results do not
// depend on dt except through when spikes are detected.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ganglion::snn {

enum class Model : std::uint8_t { LIF, CubaLIF, IF, LI, AdaptiveLIF, Poisson, Generator };

const char* modelName(Model m);
/// Inverse of modelName; throws std::invalid_argument naming the text when unknown.
Model modelFromName(const std::string& name);

/// Sign constraint of a population's outgoing weights (Dale's law).
enum class Dale : std::int8_t { Inhibitory = -1, Any = 0, Excitatory = 1 };

struct NeuronParams {
    Model model = Model::LIF;
    double tauMem = 20e-3;     ///< s
    double tauExc = 5e-3;      ///< s, CubaLIF excitatory synaptic current
    double tauInh = 10e-3;     ///< s, CubaLIF inhibitory synaptic current
    double r = 1.0;            ///< resistance: drive = r·current
    double vLeak = 0.0;
    double vThreshold = 1.0;
    double vReset = 0.0;
    double refractory = 0.0;   ///< s
    double bias = 0.0;         ///< constant external current I_ext
    double tauAdapt = 100e-3;  ///< s, AdaptiveLIF
    double adaptIncrement = 0.0;
    double rate = 10.0;        ///< Hz, Poisson
};

/// Optional per-neuron values overriding NeuronParams (empty = homogeneous).
struct Heterogeneity {
    std::vector<float> vThreshold, vLeak, vReset, bias;
};

struct GeneratorSpike {
    double t = 0.0;
    std::int32_t neuron = 0;
};

class Population {
public:
    Population(std::string name, int size, NeuronParams params, Dale dale = Dale::Any);

    const std::string& name() const { return name_; }
    int size() const { return size_; }
    const NeuronParams& params() const { return p_; }
    Dale dale() const { return dale_; }
    bool isSource() const { return p_.model == Model::Poisson || p_.model == Model::Generator; }
    bool spikes() const { return p_.model != Model::LI; }

    /// Live parameter change (thresholds, rates, bias…); decay factors are recomputed.
    void setParams(const NeuronParams& p);
    /// Per-neuron values; each non-empty vector must have size() entries (throws otherwise).
    void setHeterogeneity(Heterogeneity h);
    const Heterogeneity& heterogeneity() const { return het_; }
    /// Poisson: per-neuron rates in Hz (empty = params().rate for all).
    void setRates(std::vector<float> ratesHz);
    /// Generator: spikes to replay (any order; sorted internally). Throws on a bad neuron index.
    void setGeneratorSpikes(std::vector<GeneratorSpike> spikes);
    /// Per-neuron Poisson rates (empty: params().rate) and the generator's spikes, sorted by time.
    const std::vector<float>& rates() const { return rates_; }
    const std::vector<GeneratorSpike>& generatorSpikes() const { return gen_; }
    /// True once extCurrent() was asked for: a per-neuron current set from outside every step.
    bool hasExtCurrent() const { return hasExt_; }

    /// Prepares decay factors for step dt and clears state (v = v_reset unless set later).
    void prepare(double dt);
    void resetState();

    /// Advance one step of length dt ending at time t; appends indices of neurons that fired to
    /// `fired` (cleared first). Input deposited into inExc()/inInh() since the last step is used.
    void step(double t, std::mt19937_64& rng, std::vector<std::int32_t>& fired);
    /// step() for neurons [lo, hi) only (neuron models; a source population steps whole). Ranges
    /// that start at a multiple of 16 give bit-identical results to one step() of all neurons.
    void stepRange(double t, std::mt19937_64& rng, std::vector<std::int32_t>& fired, int lo, int hi);

    // --- state (flat arrays; exposed for projections, observables and tests) ---
    std::vector<float>& v() { return v_; }
    const std::vector<float>& v() const { return v_; }
    std::vector<float>& inExc() { return iExc_; }  ///< CubaLIF current / other models: pending jump
    std::vector<float>& inInh() { return iInh_; }
    const std::vector<float>& inExc() const { return iExc_; }
    const std::vector<float>& inInh() const { return iInh_; }
    const std::vector<float>& adaptation() const { return adapt_; }
    /// Remaining refractory steps per neuron (state to save and restore with v).
    std::vector<float>& refractory() { return refr_; }
    const std::vector<float>& refractory() const { return refr_; }
    /// Per-neuron external current added to bias for the next steps (rate encoders, tensors).
    std::vector<float>& extCurrent();
    double dt() const { return dt_; }

private:
    template <bool Hetero> void stepCuba(std::vector<std::int32_t>& fired, int lo, int hi);
    template <bool Hetero> void stepLif(std::vector<std::int32_t>& fired, int lo, int hi);
    void stepPoisson(std::mt19937_64& rng, std::vector<std::int32_t>& fired);
    void stepGenerator(double t, std::vector<std::int32_t>& fired);
    void collect(std::vector<std::int32_t>& fired, int from, int to);

    std::string name_;
    int size_;
    NeuronParams p_;
    Dale dale_;
    Heterogeneity het_;
    double dt_ = 0.0;
    // decay factors for dt
    float pm_ = 0, pe_ = 0, pi_ = 0, pa_ = 0, ke_ = 0, ki_ = 0;
    std::int32_t nRef_ = 0;
    bool hasExt_ = false;
    std::vector<float> v_, iExc_, iInh_, adapt_, ext_;
    std::vector<float> refr_;  // remaining refractory steps
    std::vector<float> flag_;  // 1 where the neuron fired this step
    std::vector<float> rates_;
    std::vector<GeneratorSpike> gen_;
    std::size_t genPos_ = 0;
};

}  // namespace ganglion::snn
