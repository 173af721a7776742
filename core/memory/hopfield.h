// A Hopfield network with Hebbian storage, J = (1/N) Σ_μ ξ^μ ξ^μᵀ with zero diagonal, kept in its
// factored form: the stored patterns ξ (N x K) and the overlaps M_μ = Σ_i ξ_i^μ s_i, so the local
// field h_i = (1/N) Σ_μ ξ_i^μ M_μ − J_ii s_i costs O(K) and a flip updates M in O(K); an
// asynchronous sweep is O(N K) with no N x N matrix (10,000 neurons need no 400 MB of couplings).
// Entries of ξ are ±1, or 0 for the diluted patterns of the multitasking network (Agliari et al.).
// Dynamics: Glauber at temperature T (T = 0: s_i = sign(h_i), unchanged when h_i = 0), either
// asynchronous (single neurons in a random sweep order) or synchronous (all at once).
#pragma once

#include "core/model/kernel.h"

#include <cstdint>
#include <vector>

namespace ganglion::memory {

class HopfieldNet {
public:
    /// Stores `patterns` (N x K, one per column; each entry's sign is kept, 0 stays 0) by the
    /// Hebbian rule, replacing what was stored; the state keeps its values (resized to N with +1).
    /// Throws std::invalid_argument for an empty matrix or a non-finite entry.
    void store(const Matrix& patterns);
    bool empty() const { return xi_.size() == 0; }
    int neurons() const { return int(xi_.rows()); }
    int patterns() const { return int(xi_.cols()); }
    /// The stored patterns (entries -1, 0, +1): J's factor.
    const Matrix& stored() const { return xi_; }
    /// Coupling J_ij (zero on the diagonal), computed from the factor.
    double coupling(int i, int j) const;

    /// Sets the state; entries > 0 become +1, < 0 become -1, 0 (an erased cue) a random ±1 from rng.
    void setState(const Vector& s, Rng& rng);
    const Vector& state() const { return s_; }

    /// n single-neuron Glauber updates at temperature T, continuing the current random sweep
    /// (a fresh permutation of the neurons from rng once one is used up). Returns the flips.
    long updateAsync(long n, double temperature, Rng& rng);
    /// One synchronous update of every neuron from the same fields. Returns the flips.
    long updateSync(double temperature, Rng& rng);

    /// Local field of neuron i (J s)_i.
    double field(int i) const;
    /// Mattis overlaps m_μ = (1/N) Σ_i ξ_i^μ s_i (K entries).
    Vector overlaps() const;
    /// Energy per neuron, E/N with E = −½ Σ_{i≠j} J_ij s_i s_j.
    double energy() const;
    /// Consecutive single-neuron updates without a flip (>= N at T = 0: a fixed point).
    long quietUpdates() const { return quiet_; }

    /// The sweep bookkeeping (position in the current order, then the order), for save/load.
    Matrix sweepState() const;
    /// Inverse of sweepState(); throws std::invalid_argument when `m` is not a valid one for N.
    void setSweepState(const Matrix& m);

private:
    void recount();  ///< M from s
    bool decide(double h, float current, double temperature, Rng& rng) const;  ///< new state > 0?

    Matrix xi_;                ///< N x K stored patterns
    Matrix xiT_;               ///< K x N: neuron i's entries contiguous (column i)
    Vector diag_;              ///< J_ii = (1/N) Σ_μ (ξ_i^μ)², excluded from the field
    Vector s_;                 ///< state, ±1
    Vector M_;                 ///< K: Σ_i ξ_i^μ s_i (integers, exact in float for N < 2^24)
    std::vector<int> order_;   ///< current sweep order
    std::size_t pos_ = 0;      ///< next index into order_
    long quiet_ = 0;
};

/// Hierarchical overlaps the multitasking network reaches at T = 0 under mild dilution d (Agliari,
/// Barra, Galluzzi, Guerra & Moauro 2012; Agliari, Alessandrelli, Barra & Ricci-Tersenghi 2023):
/// the neurons a pattern leaves blank align with the next one, m_k = (1 − d) d^(k−1), k = 1..K,
/// valid while the first amplitude dominates the rest (d below about 1/2).
Vector hierarchicalOverlaps(double dilution, int k);

}  // namespace ganglion::memory
