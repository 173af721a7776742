// What a KAN layer publishes for views (Observables::extra["kan"] as
// std::shared_ptr<const KanLayerSamples>): every edge's function sampled on its input range,
// knots, control points, attribution, masks and symbolic labels, plus input histograms. Layers
// too wide to sample every edge publish the attribution of every edge, the per-input importance
// and the curves of their most important edges only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ganglion {

struct KanEdgeSamples {
    int in = 0, out = 0;       ///< edge (in → out)
    bool active = true;        ///< false: pruned (draw faded / not at all)
    bool symbolic = false;     ///< replaced by a formula (draw in the symbolic colour)
    std::string label;         ///< formula of a symbolic edge, e.g. "2*sin(3.14*x+0.5)"
    double r2 = 0;             ///< R² of the symbolic fit when symbolic
    float score = 0;           ///< attribution: std of φ over recent inputs
    std::vector<float> x, y;   ///< sampled curve φ(x)
    std::vector<float> ctrlX, ctrlY;  ///< control points (anchor of each coefficient, its value)
};

struct KanLayerSamples {
    int in = 0, out = 0;
    std::string basis;  ///< a name from kan::basisNames(), or "s-kan" for a selection layer
    int grid = 0, order = 0;
    std::uint64_t revision = 0;        ///< bumps on grid change, pruning and snapping
    bool curves = true;                ///< false: layer too large, edges carry scores only
    std::vector<float> lo, hi;         ///< per input: sampled x range
    std::vector<std::vector<float>> knots;      ///< per input
    std::vector<std::vector<int>> histogram;    ///< per input: counts of recent inputs, bins over [lo, hi]
    std::vector<KanEdgeSamples> edges;          ///< index in·out_count + out (empty for wide layers)
    float maxScore = 0;
    /// Declared by the upstream node when the inputs are an image (imageWidth · imageHeight == in),
    /// row-major pixels; 0 otherwise.
    int imageWidth = 0, imageHeight = 0;
    /// Attribution of every edge (std of φ over recent inputs, in output units), index in·out_count
    /// + out; empty before any training input was seen.
    std::vector<float> scores;
    /// Edge indices (in·out_count + out) by falling score, at most kRankedEdges of them.
    std::vector<int> ranked;
    /// The most important edges with their sampled curves, best first (at most kTopEdges).
    std::vector<KanEdgeSamples> top;
    /// A layer whose output nodes each select their function type (S-KAN): the candidate basis
    /// names and, per output node, the index of its leading candidate, that candidate's weight
    /// and whether the node is fixed to it. All empty for a plain KAN layer.
    std::vector<std::string> candidates;
    std::vector<int> choice;
    std::vector<float> choiceP;
    std::vector<char> frozen;
    bool selects() const { return !candidates.empty() && choice.size() == size_t(out); }
    static constexpr int kRankedEdges = 2048;
    static constexpr int kTopEdges = 12;

    /// Edge (i, o) with its curve: from `edges`, else from `top` (nullptr when not published).
    const KanEdgeSamples* edge(int i, int o) const {
        if (i < 0 || o < 0 || i >= in || o >= out) return nullptr;
        const size_t k = size_t(i) * size_t(out) + size_t(o);
        if (k < edges.size()) return &edges[k];
        for (const auto& e : top)
            if (e.in == i && e.out == o) return &e;
        return nullptr;
    }
    float score(int i, int o) const {
        const size_t k = size_t(i) * size_t(out) + size_t(o);
        return i >= 0 && o >= 0 && i < in && o < out && k < scores.size() ? scores[k] : 0.f;
    }
    /// Importance of every input: the attribution of its edge into output `o`, or summed over all
    /// outputs when o < 0. Empty before scores exist.
    std::vector<float> inputImportance(int o = -1) const {
        std::vector<float> v;
        if (scores.size() != size_t(in) * size_t(out) || o >= out) return v;
        v.assign(size_t(in), 0.f);
        for (int i = 0; i < in; ++i)
            for (int k = o < 0 ? 0 : o; k < (o < 0 ? out : o + 1); ++k) v[size_t(i)] += scores[size_t(i) * size_t(out) + size_t(k)];
        return v;
    }
};

}  // namespace ganglion
