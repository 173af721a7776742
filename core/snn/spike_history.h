// Recent spike history for rasters and membrane traces for probes, published to views as
// immutable data (Observables::extra["spikes"] = std::shared_ptr<const SpikeRaster>,
// extra["membrane"] = std::shared_ptr<const MembraneTraces>).
//
// Spikes are stored in chunks of `chunkSteps` steps; a full chunk is frozen into a
// shared_ptr<const SpikeChunk> and shared by every later raster, so publishing a raster copies
// only chunk pointers plus the open chunk — never the whole history.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace ganglion::snn {

struct SpikeChunk {
    std::uint64_t firstStep = 0;
    int steps = 0;                        ///< steps covered
    std::vector<std::uint32_t> offsets;   ///< steps+1 entries into `neurons`
    std::vector<std::int32_t> neurons;    ///< global neuron indices, step by step
};

struct SpikeRaster {
    int neurons = 0;
    double dt = 1e-4;
    std::uint64_t firstStep = 0;  ///< oldest step held
    std::uint64_t endStep = 0;    ///< one past the newest step held
    std::vector<std::string> populations;  ///< names, in index order
    std::vector<int> populationStart;      ///< first global index of each population, + total
    std::vector<std::shared_ptr<const SpikeChunk>> chunks;  ///< oldest first

    /// Population of a global neuron index (-1 outside).
    int populationOf(int neuron) const;
    std::size_t spikeCount() const;
    /// Calls f(step, neuron) for every spike with step in [s0, s1).
    template <class F> void forEach(std::uint64_t s0, std::uint64_t s1, F&& f) const {
        for (const auto& c : chunks) {
            if (c->firstStep + std::uint64_t(c->steps) <= s0 || c->firstStep >= s1) continue;
            for (int k = 0; k < c->steps; ++k) {
                const std::uint64_t s = c->firstStep + std::uint64_t(k);
                if (s < s0 || s >= s1) continue;
                for (auto j = c->offsets[k]; j < c->offsets[k + 1]; ++j) f(s, c->neurons[j]);
            }
        }
    }
};

class SpikeRecorder {
public:
    SpikeRecorder() = default;
    /// `historySteps` of spikes are kept (older chunks dropped).
    SpikeRecorder(std::vector<std::string> populations, std::vector<int> populationStart, double dt,
                  std::uint64_t historySteps, int chunkSteps = 200);

    /// Records one step: spikes of population p are `fired` (local indices).
    void beginStep(std::uint64_t step);
    void add(int population, const std::vector<std::int32_t>& fired);
    void endStep();
    void clear();

    std::shared_ptr<const SpikeRaster> raster() const;

private:
    std::vector<std::string> pops_;
    std::vector<int> start_;
    double dt_ = 1e-4;
    std::uint64_t history_ = 0;
    int chunkSteps_ = 200;
    std::deque<std::shared_ptr<const SpikeChunk>> frozen_;
    SpikeChunk open_;
    bool stepOpen_ = false;
};

/// Membrane potentials of probed neurons over recent steps.
struct MembraneTraces {
    std::vector<int> neurons;       ///< global indices
    double dt = 1e-4;
    std::uint64_t firstStep = 0;    ///< step of column 0
    Eigen::MatrixXf values;         ///< neurons x samples, oldest column first
};

class TraceRecorder {
public:
    void setProbes(std::vector<int> globalNeurons, int capacitySteps);
    const std::vector<int>& probes() const { return probes_; }
    /// values[i] = potential of probe i after `step`.
    void record(std::uint64_t step, const std::vector<float>& values);
    void clear();
    std::shared_ptr<const MembraneTraces> traces(double dt) const;

private:
    std::vector<int> probes_;
    int capacity_ = 0;
    Eigen::MatrixXf ring_;
    std::uint64_t count_ = 0, lastStep_ = 0;
};

}  // namespace ganglion::snn
