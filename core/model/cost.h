// What running a node costs, per sample: learnable parameters, multiply-accumulates (MACs) and
// activation memory, for inference (forward) and for a training step (forward + backward).
// Kernels count it from their built shapes (Kernel::cost); the engine adds what it knows from the
// graph (output bytes, whether the node trains) and publishes the figures in every snapshot.
#pragma once

#include <string>

namespace ganglion {

struct NodeCost {
    /// The kernel counted its MACs. False (the Kernel default): only the parameters are known
    /// (counted from parameters()), the MACs are unknown and views show "–".
    bool counted = false;
    double params = 0;        ///< learnable scalars
    double forwardMacs = 0;   ///< MACs per sample of one forward pass (element-wise ops count 1)
    double trainMacs = 0;     ///< MACs per sample of a training step: forward + all gradients
    double cacheBytes = 0;    ///< bytes per sample the kernel keeps from forward for backward
    double forwardBytes = 0;  ///< activation bytes per sample of a forward pass (the outputs; engine)
    double trainBytes = 0;    ///< bytes per sample of a training step: outputs, their gradients, caches (engine)

    NodeCost& operator+=(const NodeCost& o) {
        params += o.params;
        forwardMacs += o.forwardMacs;
        trainMacs += o.trainMacs;
        cacheBytes += o.cacheBytes;
        forwardBytes += o.forwardBytes;
        trainBytes += o.trainBytes;
        return *this;
    }
};

/// Whole-graph cost: the sum over nodes (total.counted is true: MACs are the sum of the nodes
/// that counted them), with the number of nodes whose MACs were not counted.
struct GraphCost {
    NodeCost total;
    int uncountedNodes = 0;
};

/// A count for people: 950, 12.3k, 4.56M, 7.8G (three significant digits).
std::string formatCount(double v);
/// "1.23k params · 4.5k MACs/sample" (MACs "–" when not counted); `train` adds the training MACs.
std::string formatCost(const NodeCost& c, bool train = false);
/// The graph's total as formatCost(total, true), plus "(N nodes not counted)" when some are not;
/// "cost not counted (N nodes)" when no node counted anything.
std::string formatCost(const GraphCost& c);

}  // namespace ganglion
