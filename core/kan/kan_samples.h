// What a KAN layer publishes for views (Observables::extra["kan"] as
// std::shared_ptr<const KanLayerSamples>): every edge's function sampled on its input range,
// knots, control points, attribution, masks and symbolic labels, plus input histograms.
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
    std::string basis;  ///< bspline, rbf, chebyshev, relu
    int grid = 0, order = 0;
    std::uint64_t revision = 0;        ///< bumps on grid change, pruning and snapping
    bool curves = true;                ///< false: layer too large, edges carry scores only
    std::vector<float> lo, hi;         ///< per input: sampled x range
    std::vector<std::vector<float>> knots;      ///< per input
    std::vector<std::vector<int>> histogram;    ///< per input: counts of recent inputs, bins over [lo, hi]
    std::vector<KanEdgeSamples> edges;          ///< index in·out_count + out
    float maxScore = 0;

    const KanEdgeSamples* edge(int i, int o) const {
        const size_t k = size_t(i) * size_t(out) + size_t(o);
        return i >= 0 && o >= 0 && i < in && o < out && k < edges.size() ? &edges[k] : nullptr;
    }
};

}  // namespace ganglion
