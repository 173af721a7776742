// What the sequence reducers share: a sequence input checked by name, and a slice of consecutive
// steps passed on with its gradient routed back to those steps only (LastStep, Window).
#pragma once

#include "core/model/kernel.h"

namespace ganglion {

/// The sequence shape on input `port` of a reducer: throws BuildError naming the port when the
/// input is not a sequence (LastStep, MeanOverTime, Window, DeltaLayer).
const Shape& requireSequence(const BuildContext& ctx, const char* port);

/// Passes steps start … start+length−1 of a time-major sequence ((steps·features) x batch); a
/// subclass's build() sets the slice (setSlice) and says what shape it makes of it.
class StepSliceKernel : public Kernel {
public:
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    NodeCost cost() const override;

protected:
    void setSlice(int start, int length, int features) {
        start_ = start;
        length_ = length;
        f_ = features;
    }

private:
    int start_ = 0, length_ = 0, f_ = 0;
};

}  // namespace ganglion
