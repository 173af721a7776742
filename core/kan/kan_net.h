// A stack of KAN layers with the network-level operations of pykan: training losses, node
// pruning, automatic symbolic snapping and the formula of the whole network. Used by the
// tests, the benchmark and the "KAN discovers a formula" tooling; the engine runs the same
// Layer objects inside KanLayer kernels.
#pragma once

#include "core/kan/kan_layer.h"
#include "core/kan/kan_symbolic.h"

#include <string>
#include <vector>

namespace ganglion::kan {

class Net {
public:
    Net() = default;
    /// widths = {in, hidden…, out}; `base` supplies basis/grid/order/range (in/out ignored).
    Net(const std::vector<int>& widths, const LayerConfig& base, Rng& rng);

    std::vector<Layer> layers;
    std::vector<int> widths() const;

    const Matrix& forward(const Matrix& x, bool train = true);
    /// Back-propagates gy (dL/d output) through every layer (no gradient for the input).
    /// Returns the regularisation value added (0 when `reg` is null or inactive).
    double backward(const Matrix& gy, const RegConfig* reg = nullptr);
    std::vector<Parameter> parameters();
    void zeroGrad();
    /// Inputs of every layer in the last forward (acts()[0] = x) and the output last.
    const std::vector<Matrix>& acts() const { return acts_; }

    /// Removes hidden nodes whose best incoming and best outgoing edge scores are both below
    /// `threshold` (pykan prune_node). Returns how many nodes were removed.
    int pruneNodes(const Matrix& x, float threshold);
    /// Edge pruning in every layer; returns the edges removed.
    int pruneEdges(const Matrix& x, float threshold);
    /// pykan update_grid_from_samples on every layer with its inputs on x; returns max error.
    double updateGrid(const Matrix& x, float gridEps = 0.02f);
    double extendGrid(int newGrid, const Matrix& x);

    /// Candidates for edge (layer, i, o) on the layer's inputs from x, best first.
    std::vector<SymbolicFit> suggest(const Matrix& x, int layer, int i, int o,
                                     const SymbolicOptions& opt = {}) const;
    /// Snaps every numeric edge whose best candidate reaches R² >= r2Threshold. Returns count.
    int autoSymbolic(const Matrix& x, double r2Threshold, const SymbolicOptions& opt = {});
    /// Output formulas, one per output, in the variable names (default x1, x2, …). Numeric
    /// edges that are not snapped appear as phi[l,i,o](…).
    std::vector<std::string> formula(std::vector<std::string> names = {}) const;

private:
    std::vector<Matrix> acts_, grads_;
};

/// Mean squared error over all entries; grad (optional) receives dL/dpred.
double mseLoss(const Matrix& pred, const Matrix& target, Matrix* grad);
/// Softmax cross-entropy, labels as class indices (1 x n); grad optional; counts correct.
double crossEntropyLoss(const Matrix& logits, const Matrix& labels, Matrix* grad, int* correct);

/// Samples of the inputs of each layer for x (inputs of layer l = acts after l layers).
std::vector<Matrix> layerInputs(Net& net, const Matrix& x);

}  // namespace ganglion::kan
