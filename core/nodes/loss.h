// Training objective: softmax cross-entropy over class indices, or mean squared error.
// Its parameters also choose the optimiser that updates every parameter upstream of it.
#pragma once

#include "core/engine/homeostasis.h"
#include "core/model/kernel.h"

namespace ganglion {

/// Column-wise softmax, numerically stable.
void softmaxColumns(const Matrix& logits, Matrix& probs);

class LossKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    double loss() const override { return loss_; }
    void observe(Observables& obs) const override;
    /// The homeostatic modulation m_t of the latest training batch (1 without homeostasis).
    double rateScale() const override { return homeostasis_ ? homeostat_.modulation() : 1.0; }
    KernelState saveState() const override { return homeostasis_ ? homeostat_.saveState() : KernelState{}; }
    void loadState(const KernelState& state) override {
        if (homeostasis_) homeostat_.loadState(state);
    }
    /// Cross-entropy: 2 ops per class (exponential, normalisation) forward; MSE: 1 per output
    /// (the squared difference). Training adds the gradient, 1 per output.
    NodeCost cost() const override {
        NodeCost c;
        c.counted = true;
        c.forwardMacs = crossEntropy_ ? 2.0 * width_ : width_;
        c.trainMacs = c.forwardMacs + width_;
        return c;
    }

private:
    int width_ = 0;
    bool crossEntropy_ = true;
    int classes_ = 0;
    double loss_ = 0, testLoss_ = -1, smooth_ = -1;
    Matrix probs_;
    bool homeostasis_ = false;
    Homeostat homeostat_;
};

}  // namespace ganglion
