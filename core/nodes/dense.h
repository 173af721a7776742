// Fully connected layer: out = W·in + b, W is units x inputs.
#pragma once

#include "core/export/torch_module.h"
#include "core/model/weight_stats.h"

namespace ganglion {

/// Per-sample cost of a dense layer: in·units MACs forward; training adds the weight gradient
/// and the input gradient (in·units each). Bias additions are not multiplies.
NodeCost denseCost(int in, int units, bool bias);

class DenseKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override;
    std::vector<LinearMap> linearMaps() override { return {{&W, useBias_ ? &b : nullptr, 0}}; }
    void observe(Observables& obs) const override;
    NodeCost cost() const override { return denseCost(int(W.cols()), int(W.rows()), useBias_); }
    TorchModule torchModule() const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

    Matrix W, b, dW, db;

protected:
    /// Sizes W (units x in, drawn by the "init" parameter's scheme), b, dW and db from the
    /// "units", "bias" and "init" parameters; returns the number of units.
    int initWeights(int in, const ParamSet& params, Rng& rng);

    bool useBias_ = true;
    ActivationThumbnail thumb_;
    bool watchWeights_ = false;  ///< the "weight_stats" parameter: publish the weights' distribution
    WeightSignWatch signs_;      ///< signs at build (or load): the flips are counted from them
};

}  // namespace ganglion
