// The spiking variant of the E/I reservoir (ei_network.h): the same random E/I structure, input
// weights and targets, with leaky integrate-and-fire neurons (snn::Population, model LIF:
// τ_m dv/dt = -v + bias + Win·u, threshold 1, reset 0, refractory period; a spike of neuron j
// jumps v_i by W_ij, inhibitory ones by -g_i W_ij, one simulation step dt later).
//
// One reservoir time step lasts T = `stepDuration` (several steps dt); the input u is held over
// it. The readout sees each neuron's filtered spike train, an exponential trace with time
// constant τ_trace in Hz (jumps 1/τ_trace per spike, so its mean is the firing rate), sampled at
// the end of the step. The inhibitory gains adapt toward target firing rates ρ_i (Hz):
//
//   g_i <- max(0, g_i + η (n_i - ρ_i T))     n_i: spikes of neuron i in the step
//
// the rate rule of the rate reservoir with the rate counted in spikes per step.
#pragma once

#include "core/reservoir/ei_network.h"
#include "core/snn/population.h"

#include <optional>

namespace ganglion::reservoir {

struct LifConfig {
    double tauMem = 20e-3;       ///< s
    double refractory = 2e-3;    ///< s
    double tauTrace = 20e-3;     ///< s, the readout's filter
    double stepDuration = 10e-3; ///< s, one input sample
    double dt = 1e-3;            ///< s, simulation step (stepDuration is a whole number of them)
};

/// Highest firing rate (Hz) a LIF neuron can reach: one spike per refractory period or step.
double maxFiringRate(const LifConfig& lif);

class LifNetwork : public ReservoirNetwork {
public:
    /// Draws the network as EINetwork::build does (targets in Hz); potentials start uniform in
    /// [0, 1) (drawn from `rng` after the network), traces at the targets.
    void build(const NetworkConfig& cfg, const LifConfig& lif, Rng& rng);

    void step(const float* u, bool adapt, double eta) override;
    void resetState() override;
    /// "state": v, "trace", "refractory" (steps left), "spikes" (1 for the neurons that fired in
    /// the last simulation step; they reach their targets in the next one)
    void saveState(KernelState& s) const override;
    void checkState(const KernelState& s) const override;
    void loadState(const KernelState& s) override;

    const LifConfig& lifConfig() const { return lif_; }
    int substeps() const { return substeps_; }
    /// Spikes of every neuron in the last step.
    const Vector& spikeCounts() const { return counts_; }
    const snn::Population& population() const { return *pop_; }

private:
    NetworkConfig cfg_;
    LifConfig lif_;
    int substeps_ = 1;
    float traceDecay_ = 0, traceJump_ = 0;
    Eigen::SparseMatrix<float> colE_, colI_;  ///< column-major copies: the targets of each spike
    std::optional<snn::Population> pop_;
    std::mt19937_64 unused_;                  ///< Population::step's generator (Poisson only)
    std::vector<std::int32_t> fired_;         ///< neurons that fired in the last simulation step
    Vector v0_;                               ///< potentials at reset
    Vector counts_, arriveE_, arriveI_;
};

}  // namespace ganglion::reservoir
