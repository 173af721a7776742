// Synaptic projections between populations: connectivity rules, sparse storage (CSR by
// presynaptic neuron with 32-bit indices, each row sorted by target, so delivering a step's
// spikes costs O(spikes × fan-out) and a row splits into one contiguous piece per range of
// postsynaptic neurons: the threads of a Network each deliver into their own range), optional
// per-synapse delays through a ring buffer, Dale's law, pair-based STDP and a homeostatic
// synaptic-scaling rule.
#pragma once

#include "core/snn/population.h"

#include <Eigen/Core>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace ganglion::snn {

/// A list of synapses before it is compiled into a projection.
struct Synapses {
    std::vector<std::int32_t> pre, post;
    std::vector<float> weight;
    std::vector<std::uint16_t> delay;  ///< in steps; empty = all zero
    std::size_t size() const { return pre.size(); }
};

/// Connectivity rules. `weight` is given to every synapse; `allowSelf` only matters when the
/// projection connects a population to itself.
namespace connect {
Synapses allToAll(int nPre, int nPost, float weight, bool allowSelf = true);
Synapses oneToOne(int n, float weight);
/// Each pair independently with probability p (geometric skipping: O(synapses)).
Synapses fixedProbability(int nPre, int nPost, double p, float weight, std::mt19937_64& rng,
                          bool allowSelf = true);
/// Every postsynaptic neuron receives exactly k distinct presynaptic partners.
Synapses fixedInDegree(int nPre, int nPost, int k, float weight, std::mt19937_64& rng,
                       bool allowSelf = true);
/// Non-zero entries of W (post × pre, like a dense layer's weight).
Synapses fromMatrix(const Eigen::MatrixXf& w);
}  // namespace connect

enum class Channel : std::uint8_t { Exc, Inh };

struct StdpParams {
    bool enabled = false;
    double tauPlus = 20e-3;   ///< s, presynaptic trace
    double tauMinus = 20e-3;  ///< s, postsynaptic trace
    double aPlus = 0.01;      ///< potentiation per pair at Δt = 0⁺
    double aMinus = 0.0105;   ///< depression per pair at Δt = 0⁻
    double wMin = 0.0;
    double wMax = 1.0;
};

struct HomeostasisParams {
    bool enabled = false;
    double targetRate = 5.0;  ///< Hz
    double tauRate = 1.0;     ///< s, postsynaptic rate estimate
    double eta = 0.05;        ///< relative weight change per second per Hz of rate error
    int every = 100;          ///< steps between scaling passes
};

class Projection {
public:
    /// Compiles `syn` (indices checked against the sizes; weights against Dale's law of the
    /// presynaptic population). Throws std::invalid_argument naming the projection. Synapses are
    /// stored by presynaptic neuron, then target (stable: duplicates keep their order); a list
    /// already in that order (the connection rules') is moved in without a copy.
    Projection(std::string name, int prePop, int postPop, const Population& pre,
               const Population& post, Synapses syn, Channel channel);

    const std::string& name() const { return name_; }
    int prePop() const { return prePop_; }
    int postPop() const { return postPop_; }
    Channel channel() const { return channel_; }
    /// Dale's law of the presynaptic population (bounds STDP's weights at 0 from one side).
    Dale preDale() const { return dale_; }
    std::size_t synapseCount() const { return target_.size(); }
    int maxDelay() const { return maxDelay_; }

    void setStdp(const StdpParams& p);
    void setHomeostasis(const HomeostasisParams& p);
    const StdpParams& stdp() const { return stdp_; }
    const HomeostasisParams& homeostasis() const { return homeo_; }

    void prepare(double dt);  ///< decay factors, clears delay buffer and traces
    void resetState();

    /// Deposits this step's presynaptic spikes (step index `step`). Delay-0 synapses act on
    /// the postsynaptic population's next update.
    void deliver(const std::vector<std::int32_t>& preFired, Population& post, std::uint64_t step);
    /// Moves delayed input due for the next update into `post` (call after deliver()).
    void flushDelayed(Population& post, std::uint64_t step);
    /// Splits delivery into parts by postsynaptic ranges [bounds[p], bounds[p+1]).
    void setPartition(const std::vector<int>& postBounds);
    int parts() const { return int(bounds_.size()) - 1; }
    /// deliver() then flushDelayed() for the targets of part `part` only; `preFired` is the step's
    /// presynaptic spikes as consecutive lists (one per part of the presynaptic population).
    void deliverPart(std::span<const std::vector<std::int32_t>* const> preFired, Population& post,
                     std::uint64_t step, int part);
    /// STDP and homeostasis for one step, after both populations fired.
    void learn(const std::vector<std::int32_t>& preFired, const std::vector<std::int32_t>& postFired,
               std::uint64_t step);

    // --- storage (CSR by presynaptic neuron) ---
    const std::vector<std::int32_t>& rowStart() const { return rowStart_; }
    const std::vector<std::int32_t>& targets() const { return target_; }
    const std::vector<float>& weights() const { return weight_; }
    std::vector<float>& weights() { return weight_; }
    const std::vector<std::uint16_t>& delays() const { return delay_; }
    /// Presynaptic index of synapse k (searches the CSR).
    int sourceOf(std::size_t k) const;
    /// Dense post × pre weight matrix (zeros where unconnected; sums duplicates).
    Eigen::MatrixXf toDense() const;
    /// Rate estimate of postsynaptic neurons (homeostasis), Hz.
    const std::vector<float>& postRate() const { return rate_; }

private:
    void clip(float& w) const;
    void buildColumns();
    void sortRows();
    void flushRange(Population& post, std::uint64_t step, int lo, int hi);
    template <class Row>
    void deliverRows(const std::vector<std::int32_t>& preFired, Population& post, std::uint64_t step, Row row);

    std::string name_;
    int prePop_, postPop_, nPre_, nPost_;
    Channel channel_;
    Dale dale_;
    std::vector<std::int32_t> rowStart_, target_;
    std::vector<float> weight_;
    std::vector<std::uint16_t> delay_;  // empty when every delay is 0
    int maxDelay_ = 0;
    std::vector<float> ring_;           // (maxDelay+1) × nPost
    std::vector<int> bounds_;           // postsynaptic part bounds (setPartition)
    std::vector<std::int32_t> split_;   // nPre × (parts−1): where each row's part p ≥ 1 starts
    // plasticity
    StdpParams stdp_;
    HomeostasisParams homeo_;
    std::vector<std::int32_t> colStart_, colSyn_, synPre_;  // CSC index into synapses
    std::vector<float> xPre_, yPost_, rate_;
    float decPlus_ = 1, decMinus_ = 1, decRate_ = 1;
    double dt_ = 0;
    float lo_ = 0, hi_ = 0;
};

}  // namespace ganglion::snn
