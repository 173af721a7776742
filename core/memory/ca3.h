// A spiking CA3 content-addressable memory on the simulator of core/snn (network.h): three LIF
// populations in one snn::Network.
//   DG   N input neurons, one per memory unit. The cue's active units get a brief strong input every
//        'dgPeriod' (a whole number of cycles, from the start of a trial), so they fire in
//        synchronous volleys in step with CA3's reverberation and never interfere with it. While a
//        pattern is learned they fire every cycle: the whole pattern is held active by its input, so
//        a half-learned pattern cannot fall into an older, stronger one that overlaps it.
//   CA3  N excitatory neurons. DG → CA3 one-to-one (a DG spike fires its CA3 partner); CA3 → CA3
//        all-to-all without self-connections, weights starting at 0 and learned by pair-based STDP
//        while a pattern is presented: co-active units fire together, so only their synapses grow
//        (up to w_max); a silent unit's synapses never change.
//   Inh  M interneurons: every CA3 spike excites each of them by 1, and interneuron k fires when at
//        least k·q + 1 CA3 neurons fired together (q = ceil(N / M), graded thresholds), so the number
//        that fire counts the CA3 wave; each inhibits every CA3 neuron by g·w_max·q. The loop CA3 →
//        Inh → CA3 takes exactly as long as the recurrent CA3 → CA3 delay, so a wave of S spikes
//        reaches every CA3 neuron as excitation Σ w (from the wave's units) together with inhibition
//        ≈ g·w_max·S: a neuron fires only when it is wired to more than a share g of the wave, a
//        k-winners-take-all that lets the stored pattern complete itself from a fragment and keeps
//        the units of other (overlapping) patterns silent.
// Forgetting: the recurrent weights decay by a factor per step (slow passive decay, or a fast
// explicit forget), or relax back to an earlier set of weights (forgetting only what was learned
// since, e.g. the last pattern).
#pragma once

#include "core/snn/network.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace ganglion::memory {

struct Ca3Params {
    int neurons = 100;         ///< N: DG and CA3 units
    int interneurons = 100;    ///< M
    double dt = 1e-3;          ///< s
    double cycle = 10e-3;      ///< s: CA3 → CA3 delay, one reverberation cycle (>= 2 steps)
    double refractory = 5e-3;  ///< s, CA3 (shorter than the cycle)
    double tauCa3 = 4e-3, tauDg = 20e-3, tauInh = 2e-3;  ///< s, membrane time constants
    double dgPeriod = 30e-3;   ///< s between DG volleys (rounded to whole cycles, at least one)
    double dgWeight = 1000;    ///< DG → CA3 jump: a detonator synapse, no inhibition stops it
    double wMax = 1.0;         ///< CA3 → CA3 weight bound
    double inhibition = 0.65;  ///< g: the share of a wave a CA3 neuron must be wired to
    double learningRate = 0.1;  ///< STDP potentiation per pair at Δt = 0 (depression the same)
};

class Ca3Network {
public:
    /// Throws std::invalid_argument naming the parameter that makes the network impossible.
    explicit Ca3Network(const Ca3Params& p);

    const Ca3Params& params() const { return p_; }
    int neurons() const { return p_.neurons; }
    /// Steps of one reverberation cycle.
    int cycleSteps() const { return cycle_; }

    /// A new trial: every neuron back at rest, nothing in flight; the DG neurons of `active` (N
    /// entries, non-zero = cued) are driven from now on, every cycle when `teach` (learning), else
    /// every dgPeriod.
    void present(const std::vector<std::uint8_t>& active, bool teach = false);
    /// One step of dt; STDP on the recurrent synapses when `learn`.
    void step(bool learn);
    /// Multiplies every recurrent weight by `factor` (forgetting).
    void decay(float factor);
    /// Moves every recurrent weight towards `toward` (N x N, post x pre): w ← t + (w − t)·factor
    /// (forgetting what was learned since the weights were `toward`).
    void relax(const Eigen::MatrixXf& toward, float factor);

    /// Live changes: the inhibition share g (in [0, 1]), the STDP rate (from the next trial on).
    void setInhibition(double g);
    void setLearningRate(double rate);

    /// Recurrent weights, N x N, post x pre (zero diagonal).
    Eigen::MatrixXf weights() const;
    /// Sets them from `w` (N x N, post x pre; the diagonal is ignored). Throws std::invalid_argument
    /// for a wrong shape or a weight outside [0, w_max].
    void setWeights(const Eigen::MatrixXf& w);
    double meanWeight() const;

    /// CA3 neurons that fired in the last step (local indices).
    const std::vector<std::int32_t>& ca3Fired() const { return net_.fired(kCa3); }
    /// 1 for CA3 neurons that fired during the last three cycles (longer than the DG volleys'
    /// period, so a cue that is not completed still shows), else 0.
    const std::vector<std::uint8_t>& active() const { return active_; }
    const snn::Network& network() const { return net_; }

    static constexpr int kDg = 0, kCa3 = 1, kInh = 2;

private:
    void drive(bool on);

    Ca3Params p_;
    snn::Network net_;
    int rec_ = -1, inhOut_ = -1;  ///< projection indices
    int cycle_ = 2, q_ = 1, dgPeriod_ = 3, dgEvery_ = 3;
    bool driving_ = false;
    std::vector<std::uint8_t> cue_, active_;
    std::vector<std::int64_t> lastFired_;
    std::int64_t steps_ = 0, trialStep_ = 0;
};

/// Cosine similarity of the binary vectors `a` (non-zero = on) and the active units (> 0) of each
/// column of `patterns`: |A ∩ P| / sqrt(|A| |P|), 0 when either is empty.
Eigen::VectorXf activeOverlaps(const std::vector<std::uint8_t>& a, const Eigen::MatrixXf& patterns);

}  // namespace ganglion::memory
