// "MeanOverTime": the mean of a sequence over its steps, (steps·features) x batch → features x batch.
#pragma once

#include "core/model/kernel.h"

namespace ganglion {

class MeanOverTimeKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    /// steps·features additions per sample (counted as MACs), the same again for the gradient.
    NodeCost cost() const override;

private:
    int T_ = 0, f_ = 0;
};

}  // namespace ganglion
