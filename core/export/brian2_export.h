// Export of a population-level spiking network to Brian2 (issue #20), so that large simulations
// run on Brian2's C++ standalone (or GPU) back ends.
//
// exportBrian2() writes, for a folder:
//  - network.py: a runnable, readable Brian2 script. One NeuronGroup per population with the
//    equations of its model (LIF, CubaLIF with separate excitatory and inhibitory currents, IF, LI,
//    AdaptiveLIF), threshold, reset, refractory period and per-neuron values; PoissonGroup and
//    SpikeGeneratorGroup for the sources; one Synapses object per projection, its spikes going to
//    the right variable (v through a pending jump for LIF/IF, I_exc or I_inh for CubaLIF), with the
//    per-synapse weights and delays (steps x dt) and, when plastic, pair-based STDP as Brian2's
//    event-driven traces; step currents as TimedArrays. defaultclock.dt is the network's dt. It
//    takes --duration, --target (numpy, cython, cpp_standalone), --seed, --spikes FILE.npz and
//    --weights FILE.npz (the plastic weights after the run), and prints `rate <population>=X Hz`
//    per spiking population.
//  - synapses.npz: per projection "<P>_i", "<P>_j" (int32), "<P>_w" (float32), "<P>_delay" (int32,
//    in steps); per population the initial "<G>_v" (and "<G>_I_exc", "<G>_I_inh", "<G>_a" when not
//    zero), per-neuron parameters "<G>_v_threshold", … when heterogeneous, Poisson "<G>_rates",
//    generator "<G>_indices" and "<G>_steps". <P>, <G>: the object names the script uses.
// The script reproduces Ganglion's step (core/snn/network.h) exactly: the spike of step n reaches
// its target's update of step n+1+delay, a LIF input is discarded while the target is refractory,
// STDP sees the undelayed presynaptic spike. Poisson sources draw their own random numbers.
// The state at export time (v, synaptic currents) is the initial state; spikes in flight and
// refractory counters are not carried over.
// Refused with std::runtime_error naming the population, projection or node: homeostatic
// scaling (when learning is on), a current or rates set from outside every step, a projection
// out of a population that never spikes (LI), a generator neuron spiking twice in one step (the
// STDP preset's afferents are refractory, so it exports), and
// in a graph every node that is not a spiking population or source.
#pragma once

#include "core/engine/engine.h"
#include "core/io/npz.h"
#include "core/snn/network.h"

#include <string>

namespace ganglion {

struct Brian2Options {
    double duration = 1.0;         ///< s, the script's default run length (--duration overrides)
    std::string target = "numpy";  ///< default code generation target: numpy, cython or cpp_standalone
    std::uint64_t seed = 1;        ///< default seed of Brian2's random numbers (Poisson sources)
    std::string title;             ///< named in the script's docstring
};

struct Brian2Export {
    std::string networkPy;
    io::NpzArrays arrays;  ///< synapses.npz
};

/// A prepared network (Network::prepare). Throws std::runtime_error naming what cannot be exported.
Brian2Export exportBrian2(const snn::Network& net, const Brian2Options& options);
/// The engine's graph (built: ok()) at the graph's dt: a SpikingNetwork node's network, or the
/// fine-grained populations and the projections into them. Every node must export.
Brian2Export exportBrian2(const Engine& engine, Brian2Options options);
/// Writes network.py and synapses.npz into `dir`, creating it. Throws std::runtime_error naming
/// the file that could not be written.
void writeBrian2Export(const Brian2Export& x, const std::string& dir);

}  // namespace ganglion
