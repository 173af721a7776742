// "LastStep": the last step of a sequence, (steps·features) x batch → features x batch.
#pragma once

#include "core/model/kernel.h"

namespace ganglion {

/// The sequence shape on input `port` of a reducer: throws BuildError naming the port when the
/// input is not a sequence (shared by LastStep, MeanOverTime and Window).
const Shape& requireSequence(const BuildContext& ctx, const char* port);

class LastStepKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    NodeCost cost() const override;

private:
    int T_ = 0, f_ = 0;
};

}  // namespace ganglion
