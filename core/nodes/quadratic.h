// Quadratic neuron layer (Fan, Li, Wang et al., "On expressivity and trainability of quadratic
// networks"): out = (W_r·in + b_r) ⊙ (W_g·in + b_g) + W_b·(in ⊙ in) + c, each W units x inputs.
// It starts as a linear layer (W_g = 0, b_g = 1, W_b = 0, c = 0) and, with ReLinear on, trains the
// quadratic terms (W_g, b_g, W_b) at a smaller learning rate and keeps each neuron's departure from
// linear, ‖(W_g row, b_g − 1, W_b row)‖₂, within a bound, so they cannot blow up and collapse it.
// The smaller rate is applied in the tensors' projection (Parameter::project), which runs after the
// optimiser updated them: the layer keeps quadratic_rate times the change from the values the
// gradient was taken at (saved by backward()). For Adam and SGD (with or without momentum) that is
// exactly a learning rate quadratic_rate times smaller; for EG and CLASSP it shortens the step alike;
// under L-BFGS each trial point's quadratic terms move by that fraction of the proposed change.
#pragma once

#include "core/export/torch_module.h"
#include "core/model/kernel.h"

namespace ganglion {

/// Per-sample cost of a quadratic layer: three in·units products forward plus the squares of the
/// inputs and the element-wise products of the two linear parts.
NodeCost quadraticCost(int in, int units);

class QuadraticKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override;
    /// W_r and W_g act linearly on the input (the gating and the linear part keep their response to
    /// inputs whose subspace a rule protects); W_b acts on in ⊙ in and is not listed.
    std::vector<LinearMap> linearMaps() override { return {{&Wr, &br, 0}, {&Wg, &bg, 0}}; }
    void observe(Observables& obs) const override;
    NodeCost cost() const override { return quadraticCost(int(Wr.cols()), int(Wr.rows())); }
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;
    /// The same product in PyTorch; ReLinear as a learning-rate factor on the quadratic terms
    /// (lr_scale, read by model.py's make_optimizers) and the norm bound in project().
    TorchModule torchModule() const override;

    /// ReLinear after an update of the quadratic terms: keeps quadratic_rate times their change since
    /// backward() and rescales each neuron's (W_g row, b_g − 1, W_b row) to the norm bound.
    void applyReLinearStep();
    /// Rescales each neuron's (W_g row, b_g − 1, W_b row) to the norm bound, when one is set.
    void limitQuadraticNorm();
    /// Largest per-neuron ‖(W_g row, b_g − 1, W_b row)‖₂: how far the layer is from linear.
    double quadraticNorm() const;
    /// The learning-rate factor the quadratic terms train with (1 with ReLinear off).
    float quadraticRate() const { return quadRate_; }

    Matrix Wr, br, Wg, bg, Wb, c;
    Matrix dWr, dbr, dWg, dbg, dWb, dc;

private:
    void applyReLinear(const ParamSet& params);
    Matrix r_, g_, sq_, dr_, dg_;  // forward caches and backward scratch
    Matrix Wg0_, bg0_, Wb0_;       // the quadratic terms the latest gradient was taken at
    float quadRate_ = 1.f;
    double maxNorm_ = 0;
    ActivationThumbnail thumb_;
};

}  // namespace ganglion
