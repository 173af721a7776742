// "Window": steps start … start+length−1 of a sequence, itself a sequence of `length` steps.
#pragma once

#include "core/model/kernel.h"

namespace ganglion {

class WindowKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    NodeCost cost() const override;

private:
    int start_ = 0, length_ = 0, f_ = 0;
};

}  // namespace ganglion
