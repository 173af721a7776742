// Homeostatic modulation of a learner's own learning rate, after Man, Damasio & Neven (2022, "Need
// is all you need: homeostatic neural networks adapt to concept shift", arXiv:2205.08645). In the
// paper the learner's classifications have consequences for its own substrate: what it decides on
// the items it classifies excites or inhibits its learning rate, so when the world changes under it
// (concept shift) its wrong classifications change its plasticity and it re-learns faster than a
// learner with a fixed rate. The paper's agent steps the rate up or down by a fixed amount after a
// look-ahead decision on excitatory/inhibitory classes; this homeostat keeps the paper's loop —
// consequences of its own classifications → internal state → learning rate — with a rule that any
// optimiser and any classification task can use:
//
//   c_t  = fraction of training batch t the learner classified correctly (argmax = label),
//          measured before the update of step t (the consequence of its own decisions)
//   a_t  = a_{t−1} + (c_t − a_{t−1}) / W           running accuracy, W = homeostatic_window batches
//   ā_t  = ā_{t−1} + (c_t − ā_{t−1}) / M           expected accuracy, M = homeostatic_memory batches (M > W)
//   n_t  = max(0, ā_t − a_t)                       need: how much worse things go than it is used to
//   m_t  = min(1 + G · n_t, m_max)                  G = homeostatic_gain, m_max = homeostatic_max
//   η_eff = η · m_t                                  the rate the optimiser uses at step t
//
// a and ā start at the first batch's c, so m starts at 1. A sudden fall of accuracy (the labels were
// permuted) makes a drop below ā: m rises and the learner becomes more plastic; as it re-learns, a
// climbs back past the (slowly falling) expectation and m relaxes to 1. In a steady world a ≈ ā and
// the learner trains at its base rate.
#pragma once

#include "core/model/kernel.h"

namespace ganglion {

struct HomeostasisConfig {
    double window = 10;   ///< W, batches
    double memory = 200;  ///< M, batches
    double gain = 10;     ///< G
    double maxModulation = 5;  ///< m_max (≥ 1)
};

class Homeostat {
public:
    void configure(const HomeostasisConfig& c) { cfg_ = c; }
    const HomeostasisConfig& config() const { return cfg_; }
    /// One batch's fraction of correct classifications c_t; returns the new m_t.
    double update(double correctFraction);
    double modulation() const { return m_; }
    double running() const { return a_; }
    double expected() const { return expected_; }
    bool started() const { return started_; }
    void reset() {
        started_ = false;
        a_ = expected_ = 0;
        m_ = 1;
    }

    /// "homeostasis/state": (started, a, ā, m) as a 4 x 1 entry.
    KernelState saveState() const;
    /// Loads the entry when present (throws std::runtime_error naming it for a wrong shape or a value
    /// out of range; nothing changes then). Without the entry the homeostat starts afresh.
    void loadState(const KernelState& state);

private:
    HomeostasisConfig cfg_;
    bool started_ = false;
    // Kept as floats, the precision of the saved state, so a loaded homeostat continues exactly.
    float a_ = 0, expected_ = 0, m_ = 1;
};

}  // namespace ganglion
