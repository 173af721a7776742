// Ready-made networks: the CUBA benchmark and an STDP pattern-learning demo.
#pragma once

#include "core/snn/network.h"

#include <cstdint>

namespace ganglion::snn {

/// Vogels & Abbott (2005) current-based network as used by Brette et al. (2007) and Brian2's
/// CUBA example. Potentials in mV, times in s.
struct CubaConfig {
    int neurons = 4000;
    double excFraction = 0.8;
    /// Connection probability; <= 0 means 0.02·4000/neurons (in-degree kept at ~80).
    double pConnect = -1.0;
    double we = 60 * 0.27 / 10;   ///< mV, excitatory jump of the synaptic current
    double wi = -20 * 4.5 / 10;   ///< mV, inhibitory jump
    double tauMem = 20e-3, tauExc = 5e-3, tauInh = 10e-3, refractory = 5e-3;
    double vThreshold = -50, vReset = -60, vLeak = -49;
};

/// Populations "exc" and "inh" (CubaLIF, Dale's law), four fixed-probability projections,
/// prepared with dt and seed, membrane potentials uniform in [v_reset, v_threshold).
Network buildCuba(const CubaConfig& cfg, double dt, std::uint64_t seed);

/// STDP demo (after Masquelier, Guyonneau & Thorpe 2008, simplified): `inputs` afferents fire
/// Poisson noise at `rate` Hz; every `period` s the same frozen `patternLength`-second spike
/// pattern (drawn once at `patternRate` Hz for half of the afferents) is replayed. One LIF neuron "out" listens through a
/// plastic projection "stdp" and, as STDP potentiates the pattern's afferents, fires at the
/// pattern's onset. The input spike list covers `duration` seconds; an afferent is refractory
/// for max(1 ms, dt) after each spike (a spike that would come sooner is dropped).
struct StdpPatternConfig {
    int inputs = 200;
    double rate = 10.0;
    double patternRate = 20.0;  ///< Hz of the pattern afferents inside the frozen pattern
    double period = 0.25;
    double patternLength = 0.05;
    double duration = 60.0;
    double w0 = 0.075;  ///< mean initial weight (jump of v; threshold 1); STDP bound 2·w0
};
Network buildStdpPattern(const StdpPatternConfig& cfg, double dt, std::uint64_t seed);

}  // namespace ganglion::snn
