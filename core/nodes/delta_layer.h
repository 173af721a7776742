// "DeltaLayer": the Delta Activation Layer (temporal sparsity through delta inference).
//
// On a sequence a_t (features x batch per step) it keeps a held value â (starting at 0) and
// transmits Δ_t = a_t − â_{t−1} where |Δ_t| > θ, 0 elsewhere; â_t = â_{t−1} + Δ_t. The output is
// the held value â_t (what a delta-aware downstream layer reconstructs), a sequence of the same
// shape. In training it adds the sparsity penalty λ · Σ_t Σ_features |Δ_t|, averaged over the batch
// (the loss is a batch mean too), reported through penalty().
//
// Backward: a straight-through estimator for the threshold. The mask |Δ| > θ and the lag of the
// held value are treated as the identity, so ∂â_t/∂a_t = I (the output gradient passes through
// unchanged) and Δ_t behaves as a_t − a_{t−1}; the penalty then gives λ/B · (sign Δ_t − sign Δ_{t+1})
// on a_t, with the signs of the transmitted deltas (0 where nothing was sent). With θ = 0 the layer
// is exactly the identity and the penalty exactly λ/B · Σ|a_t − a_{t−1}|, so both are exact gradients.
//
// Observables (last training batch): spatial_sparsity (fraction of exact zeros in a_t),
// temporal_sparsity (fraction of zero transmitted deltas over the steps t ≥ 1 — the first step
// compares with the zero state, which is spatial sparsity), delta_skipped_macs (fraction of a
// downstream dense layer's MACs that a delta-aware one skips: it multiplies only the non-zero Δ and
// adds the product into its held pre-activation, one accumulate per output per step), and
// delta_penalty (λ·Σ|Δ| of that batch).
#pragma once

#include "core/export/torch_module.h"
#include "core/model/kernel.h"
#include "core/model/truncation.h"

namespace ganglion {

class DeltaLayerKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    double penalty() const override { return penalty_; }
    void observe(Observables& obs) const override;
    /// Per step and feature: the difference, the comparison and the held update forward; the
    /// straight-through gradient and the penalty's sign terms in training. Caches the deltas.
    NodeCost cost() const override;
    /// The same hold, the straight-through gradient and the penalty (module.penalty, which
    /// model.py's penalty() adds to the training loss).
    TorchModule torchModule() const override;

    /// The transmitted deltas of the last forward ((steps·features) x batch).
    const Matrix& deltas() const { return delta_; }

private:
    int T_ = 0, f_ = 0;
    float theta_ = 0.f, lambda_ = 0.f;
    Truncation trunc_;  ///< bptt_steps: the penalty's Δ_t does not reach a_{t−1} across a chunk boundary
    double penalty_ = 0;
    double spatial_ = -1, temporal_ = -1, skipped_ = -1;
    Matrix delta_;
    Matrix first_;  ///< features x steps: the deltas sent for the first sample of the last training batch
    Matrix firstHeld_;  ///< features x steps: the values held (the output) for that sample
};

}  // namespace ganglion
