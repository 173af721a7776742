// A Selection KAN layer: every output node chooses its own edge-function type from a library of
// bases while it trains. After Yang, Zhang, Luo, Lu & Shen, "Activation Space Selectable
// Kolmogorov-Arnold Networks" (S-KAN, arXiv:2408.08338, 2024): each node of a KAN keeps a pool
// of candidate activation spaces (B-spline, Chebyshev, RBF, ...), trains their weighted
// combination, then selects one per node and drops the others. Here the weights are a softmax
// with an annealed temperature (a continuous relaxation of that selection):
//
//   y_o = Σ_c p_oc · y^c_o,   p_oc = softmax_c(s_oc / T),
//
// where y^c is a complete pykan-style kan::Layer with basis c (same inputs, outputs, grid, order
// and range for every candidate), s (out x C) are trainable logits and T falls geometrically
// from T0 to T_min over `annealSteps` training steps. An optional entropy penalty
// λ·Σ_o H(p_o) pushes each node toward one choice. A node is frozen to its argmax candidate once
// its largest p exceeds the freeze threshold (or on demand): its p becomes one-hot, its logits get
// no gradient, and the other candidates drop their row for it (Layer::subset), so they neither
// compute nor count it; a candidate no output uses any more is empty and skipped. Candidate c
// thus holds the rows rows(c) (the outputs not frozen to another candidate). The mixed edge is
// φ_oi(x) = Σ_c p_oc φ^c_oi(x) (each candidate's bias is mixed into the outputs the same way).
#pragma once

#include "core/kan/kan_layer.h"

#include <string>
#include <vector>

namespace ganglion::kan {

struct SelectConfig {
    LayerConfig layer;                    ///< in, out, grid, order, range, init (basis unused)
    std::vector<std::string> candidates;  ///< basis names (basisFromName), distinct, at least one
    float t0 = 1.f, tMin = 0.05f;         ///< temperature at step 0 and after annealSteps
    int annealSteps = 1000;               ///< 0: T = T_min from the start
    double entropy = 0.0;                 ///< λ of the entropy penalty
    float freezeThreshold = 1.f;          ///< freeze a node whose max p exceeds this (>= 1: never)
};

/// Checks a candidate list: throws std::invalid_argument naming the bad entry and the valid
/// names (unknown, duplicate or empty list). Returns the bases in order.
std::vector<BasisKind> parseCandidates(const std::vector<std::string>& names);
/// "a, b,c" → {"a", "b", "c"} (spaces trimmed, empty items kept as "" so they are reported).
std::vector<std::string> splitCandidates(const std::string& list);

class SelectLayer {
public:
    SelectLayer() = default;
    /// Throws std::invalid_argument for a bad candidate list or layer configuration.
    SelectLayer(const SelectConfig& cfg, Rng& rng);

    const SelectConfig& config() const { return cfg_; }
    /// The settings that may change while training (entropy λ, freeze threshold).
    void setLive(double entropy, float freezeThreshold) {
        cfg_.entropy = entropy;
        cfg_.freezeThreshold = freezeThreshold;
    }
    int in() const { return cfg_.layer.in; }
    int out() const { return cfg_.layer.out; }
    int count() const { return int(layers_.size()); }  ///< candidates C
    const std::string& name(int c) const { return cfg_.candidates[size_t(c)]; }
    /// Candidate c's layer: one output row per entry of rows(c) (empty when rows(c) is).
    Layer& candidate(int c) { return layers_[size_t(c)]; }
    const Layer& candidate(int c) const { return layers_[size_t(c)]; }
    /// The outputs candidate c serves, in its row order.
    const std::vector<int>& rows(int c) const { return rows_[size_t(c)]; }
    /// A candidate in use (every candidate shares the same grid points).
    const Layer& anyUsed() const;

    Matrix logits, gLogits;  ///< out x C

    std::vector<Parameter> parameters();  ///< "logits", then "<candidate>.coef", ...
    void zeroGrad();

    /// Temperature now (after the training steps counted so far).
    float temperature() const;
    long steps() const { return steps_; }
    /// One training step passed: anneals T and freezes nodes past the threshold.
    /// Returns how many nodes it froze.
    int advance();

    /// p (out x C): softmax(s / T) per row; one-hot rows for frozen nodes.
    Matrix probabilities() const;
    /// Per output: the argmax candidate (the frozen one for a frozen node).
    std::vector<int> choices() const;
    /// Per output: -1 or the candidate it is frozen to.
    const std::vector<int>& frozen() const { return frozen_; }
    /// Freezes every unfrozen node whose max p exceeds `threshold`; returns how many.
    int freeze(float threshold);
    int freezeAll() { return freeze(-1.f); }
    /// Whether candidate c contributes to any output (else it is skipped).
    bool used(int c) const { return !rows_[size_t(c)].empty(); }

    void forward(const Matrix& x, Matrix& y, bool train = true);
    /// Accumulates all gradients (candidates, logits, entropy penalty) from gy; writes dL/dx
    /// into *gx when non-null.
    void backward(const Matrix& gy, Matrix* gx);
    /// λ·Σ_o H(p_o) over the unfrozen nodes at the last backward (0 without the penalty).
    double lastPenalty() const { return lastPenalty_; }

    /// The mixed edge functions of input i at the samples xs (1 x n): out x n.
    Matrix edgeValues(int i, const Eigen::RowVectorXf& xs) const;
    /// Attribution of the mixed edges: std of φ_oi over the samples x (in x n), out x in.
    Matrix edgeScores(const Matrix& x) const;

    /// Sum over the candidates of their layers as compacted (a frozen node counts its chosen
    /// candidate only) plus the logits and the mixing.
    NodeCost cost() const;

    /// "logits", "select" (steps, frozen choice per output), "<candidate>/<entry>" per candidate in
    /// use (its rows follow from the frozen choices).
    KernelState saveState() const;
    /// Strong guarantee; throws std::runtime_error naming the entry.
    void loadState(const KernelState& s);

private:
    /// The rows each candidate serves under `frozen`.
    std::vector<std::vector<int>> rowsFor(const std::vector<int>& frozen) const;
    /// Drops the rows of newly frozen nodes from the other candidates.
    void compact();
    LayerConfig candidateConfig(int c, int rows) const;

    SelectConfig cfg_;
    std::vector<BasisKind> kinds_;
    std::vector<Layer> layers_;
    std::vector<std::vector<int>> rows_;
    std::vector<int> frozen_;
    long steps_ = 0;
    double lastPenalty_ = 0;
    // caches of the last forward
    Matrix p_;
    std::vector<Matrix> ys_;
    Matrix gyc_, gxc_, yc_;
    float T_ = 1.f;
};

}  // namespace ganglion::kan
