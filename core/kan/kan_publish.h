// What the KAN layer nodes (KanLayer, SKanLayer) share to publish their "kan" samples: the ring
// of recent training inputs, edge functions evaluated in batches, cached edge attributions for
// wide layers, and the filling of KanLayerSamples (input ranges and histograms, scores, ranked
// edges, sampled curves) from any layer that can evaluate its edges per input.
#pragma once

#include "core/kan/kan_layer.h"
#include "core/kan/kan_samples.h"
#include "core/model/observables.h"

#include <cstdint>
#include <functional>

namespace ganglion::kan {

/// φ_oi of every output o of `L` at the samples xs of input i (1 x n): out x n — the batched
/// Layer::edge (numeric part masked, plus the symbolic formula of snapped edges).
Matrix layerEdgeValues(const Layer& L, int i, const Eigen::RowVectorXf& xs);

/// Std over the samples of each row of `values` (out x n) → written into column i of scores.
void scoreColumn(const Matrix& values, Matrix& scores, int i);

/// The most recent training inputs (up to kRecent samples), a ring once full.
class RecentInputs {
public:
    static constexpr int kRecent = 512;
    void reset(int in);
    void add(const Matrix& x);
    const Matrix& matrix() const { return m_; }

private:
    Matrix m_;
    int cursor_ = 0;
};

/// Edge attributions of a layer over its recent inputs. Layers of more than kMaxScoreEdges
/// edges score an evenly strided subsample and reuse the result until the layer changes
/// (revision) or kScoreEvery training steps have passed, so observing them stays cheap.
class ScoreCache {
public:
    static constexpr int kMaxScoreEdges = 4096;
    static constexpr int kWideScoreSamples = 128;
    static constexpr std::uint64_t kScoreEvery = 20;
    using Scorer = std::function<Matrix(const Matrix& x)>;  ///< out x in scores on samples x
    const Matrix& get(int in, int out, const Matrix& recent, std::uint64_t revision, std::uint64_t trainSteps,
                      const Scorer& score) const;
    void reset() { scores_.resize(0, 0); }

private:
    mutable Matrix scores_;
    mutable std::uint64_t revision_ = ~std::uint64_t(0), step_ = 0;
};

/// How a layer's edges are published.
struct EdgeSource {
    /// Values of every output's edge from input i at xs (1 x n): out x n.
    std::function<Matrix(int i, const Eigen::RowVectorXf& xs)> values;
    /// Fills the non-curve fields of an edge (active, symbolic, label, r2, control points).
    std::function<void(int i, int o, KanEdgeSamples& e)> describe;
};

/// Fills s's input ranges (the grid range [gridLo, gridHi] of each input widened to the recent
/// inputs) and histograms, scores (and the "edge_scores" / "input_importance" arrays of obs),
/// ranked edges, and the sampled curves of every edge (layers of at most kMaxCurveEdges edges)
/// or of the best kTopEdges. s.in and s.out must be set.
void publishEdges(KanLayerSamples& s, const std::vector<float>& gridLo, const std::vector<float>& gridHi,
                  const Matrix& recent, const Matrix& scores, const EdgeSource& src, Observables& obs);

constexpr int kCurvePoints = 64;     ///< samples per edge curve
constexpr int kMaxCurveEdges = 1024; ///< layers with more edges publish their top edges only

}  // namespace ganglion::kan
