// The spiking simulator: populations and projections in flat arrays, advanced with a global
// step dt. Used directly by the CUBA benchmark, by NIR import, and by the graph nodes in
// core/snn/snn_nodes.cpp.
//
// One step (index n, covering (n·dt, (n+1)·dt]):
//   1. step currents active at the step are applied as population bias;
//   2. every population integrates exactly over dt, detects threshold crossings, resets;
//   3. every projection deposits the spikes of step n into its target's synaptic input
//      (delay d ≥ 0 steps: the input acts on the update of step n+1+d), then learns (STDP,
//      homeostasis) when learning is on.
// This is Brian2's default schedule (groups → thresholds → synapses → resets), so a network built
// like Brian2's CUBA example has the same dynamics.
//
// Threads (setThreads): every population is cut into one range of neurons per thread (at
// multiples of 16, so the vectorised update is the same); each thread updates its neurons and
// delivers every spike of the step into its own targets only (a projection's rows are sorted by
// target and split per range), so no two threads write the same value and each target sums its
// inputs in the same order whatever the thread count. Source populations (Poisson, generators)
// draw from the network's one generator on the first thread, and learning runs there too. The
// results for a seed are therefore bit-identical for any thread count.
#pragma once

#include "core/snn/population.h"
#include "core/snn/projection.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ganglion {
class SpinBarrier;
}

namespace ganglion::snn {

/// A current `amplitude` added to a population's bias during [t0, t1).
struct StepCurrent {
    int population = 0;
    double t0 = 0.0, t1 = 0.0;
    double amplitude = 0.0;
};

/// Threads a new Network uses (1 or more; default 1).
void setDefaultThreads(int n);
int defaultThreads();

class Network {
public:
    /// Returns the population index. Throws std::invalid_argument on a duplicate name.
    int addPopulation(Population p);
    /// `channel` defaults to Inh for an inhibitory presynaptic population, else Exc.
    int addProjection(const std::string& name, int pre, int post, Synapses syn,
                      std::optional<Channel> channel = std::nullopt);
    void addStepCurrent(const StepCurrent& c);
    const std::vector<StepCurrent>& stepCurrents() const { return currents_; }

    int populationCount() const { return int(pops_.size()); }
    int projectionCount() const { return int(projs_.size()); }
    Population& population(int i) { return pops_.at(i); }
    const Population& population(int i) const { return pops_.at(i); }
    Projection& projection(int i) { return projs_.at(i); }
    const Projection& projection(int i) const { return projs_.at(i); }
    int populationIndex(const std::string& name) const;  ///< -1 when absent
    /// Live parameter change of population i that prepare() keeps (it restores the parameters the
    /// population had when added, or was last given here, undoing step currents).
    void setPopulationParams(int i, const NeuronParams& p);
    /// First global neuron index of population i (populations are numbered in order).
    int offset(int i) const { return offsets_.at(i); }
    int totalNeurons() const { return offsets_.empty() ? 0 : offsets_.back(); }

    /// Sets dt, seeds the generator, resets every state variable and counter.
    void prepare(double dt, std::uint64_t seed);
    void setLearning(bool on) { learning_ = on; }
    bool learning() const { return learning_; }

    void step();
    void run(double seconds);
    /// Advances n steps (threads are started once for the n steps, when the work pays for them).
    void runSteps(std::uint64_t n);
    /// Threads used by runSteps (≥ 1). Default defaultThreads(): 1, as the engine thread shares the
    /// machine's two cores with the GUI thread; benchmarks and batch runs ask for 2.
    /// With `adaptive`, chunks of steps fall back to one thread while that is faster (a busy
    /// machine); without, runSteps always splits work large enough to pay for a thread start.
    void setThreads(int n, bool adaptive = true);
    int threads() const { return threads_; }
    /// Threads the last chunk of runSteps() used (1 when the work was too small to split, or when
    /// lock-step threads were slower on a busy machine).
    int threadsUsed() const { return parts_; }

    std::uint64_t steps() const { return step_; }
    double time() const { return double(step_) * dt_; }
    double dt() const { return dt_; }
    std::mt19937_64& rng() { return rng_; }

    /// Neurons of population i that fired in the last step.
    const std::vector<std::int32_t>& fired(int i) const { return fired_.at(i); }
    std::uint64_t spikeCount(int i) const { return counts_.at(i); }
    std::uint64_t totalSpikes() const;
    std::uint64_t synapticEvents() const { return events_; }
    std::size_t synapseCount() const;

private:
    void applyStepCurrents(double t);
    void partition(int parts);
    void runParallel(std::uint64_t n, int parts);
    void stepPart(int part, int parts, std::uint64_t step, SpinBarrier& bar);

    std::vector<Population> pops_;
    std::vector<Projection> projs_;
    std::vector<StepCurrent> currents_;
    std::vector<NeuronParams> baseParams_;
    std::vector<int> offsets_{0};
    std::vector<std::vector<std::int32_t>> fired_;
    std::vector<std::uint64_t> counts_;
    std::vector<std::uint8_t> plastic_;
    std::uint64_t step_ = 0, events_ = 0;
    double dt_ = 0.0;
    bool learning_ = true;
    bool anyPlastic_ = false;
    std::mt19937_64 rng_{1};
    int threads_ = defaultThreads(), parts_ = 0;
    bool adaptive_ = true;
    double perStep_[2] = {0, 0};  // recent wall time per step on 1 and on threads_ threads
    std::uint64_t chunks_ = 0;
    std::vector<std::vector<int>> bounds_;  // per population: parts_+1 neuron range bounds
    // Fired lists per part, two sets used alternately by even and odd steps: [parity][part·P+pop],
    // and per projection's presynaptic population the parts' lists in order: [parity][pop·parts+q].
    std::vector<std::vector<std::int32_t>> partFired_[2];
    std::vector<const std::vector<std::int32_t>*> views_[2];
};

}  // namespace ganglion::snn
