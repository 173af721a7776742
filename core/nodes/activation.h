// Element-wise non-linearity with activation-sparsity observables.
#pragma once

#include "core/export/torch_module.h"

namespace ganglion {

enum class ActivationFn { ReLU, Tanh, Sigmoid, SiLU, Linear };
ActivationFn activationFromName(const std::string& name);
void applyActivation(ActivationFn f, const Matrix& x, Matrix& y);
/// dL/dx given x, y = f(x) and dL/dy.
void activationGradient(ActivationFn f, const Matrix& x, const Matrix& y, const Matrix& gy, Matrix& gx);

class ActivationKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    void observe(Observables& obs) const override;
    TorchModule torchModule() const override;
    /// One op per element forward, one more for its gradient.
    NodeCost cost() const override {
        NodeCost c;
        c.counted = true;
        c.forwardMacs = width_;
        c.trainMacs = 2.0 * width_;
        return c;
    }

private:
    int width_ = 0;
    ActivationFn fn_ = ActivationFn::ReLU;
    double eps_ = 1e-3;
    double zeroFrac_ = 0, smallFrac_ = 0, runningZero_ = -1;
    ActivationThumbnail thumb_;
};

}  // namespace ganglion
