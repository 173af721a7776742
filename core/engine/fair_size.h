// "Fair comparison" sizing of KAN against MLP (after "KAN or MLP: a fairer comparison", Yu et al.
// 2024): the hidden width of an MLP with the same parameter count or the same forward MACs
// (FLOPs = 2·MACs) as a given KAN, and back. Costs are counted by the same functions the built
// kernels use (denseCost, the Activation node's one op per element, kan::layerCost), so a sized
// network built in the engine reports the figures the helper matched.
#pragma once

#include "core/kan/kan_basis.h"
#include "core/model/cost.h"

namespace ganglion {

/// An MLP in → [hidden] × layers → out: Dense layers with an element-wise activation after each
/// hidden one.
struct MlpShape {
    int in = 2, out = 1, hiddenLayers = 1;
    bool bias = true;
};

/// A KAN [in, hidden × layers, out] of KanLayer nodes sharing basis, grid and order.
struct KanShape {
    int in = 2, out = 1, hiddenLayers = 1;
    kan::BasisKind basis = kan::BasisKind::BSpline;
    int grid = 5, order = 3;
    bool bias = true;
};

enum class FairMeasure { Params, ForwardMacs };

/// Per-sample cost of the whole network with hidden width `hidden` (>= 1).
NodeCost mlpCost(const MlpShape& s, int hidden);
NodeCost kanCost(const KanShape& s, int hidden);
double fairMeasure(const NodeCost& c, FairMeasure m);

/// The hidden width (>= 1) whose measure is closest to `target` (the smaller width on a tie).
/// Throws std::invalid_argument naming the problem for a shape without inputs or outputs, fewer
/// than one hidden layer, or a target that is not a positive finite number.
int mlpWidthMatching(const MlpShape& s, double target, FairMeasure m);
int kanWidthMatching(const KanShape& s, double target, FairMeasure m);

}  // namespace ganglion
