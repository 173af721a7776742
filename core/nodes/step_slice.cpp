#include "core/nodes/step_slice.h"

namespace ganglion {

const Shape& requireSequence(const BuildContext& ctx, const char* port) {
    const Shape& x = ctx.inputs[0];
    if (x.features <= 0) throw BuildError(port, "input width is unknown (connect a sequence)");
    if (x.steps <= 0)
        throw BuildError(port, "expects a sequence (a source with steps, a recurrent layer or a SpikeEncoder), got a "
                               "plain tensor of " + std::to_string(x.features) + " features");
    return x;
}

void StepSliceKernel::forward(const StepContext&, std::span<const Value* const> in, std::span<Value> out) {
    // time-major: the slice's steps are one block of rows of every column
    out[0].tensor = in[0]->tensor.middleRows(Eigen::Index(start_) * f_, Eigen::Index(length_) * f_);
}

void StepSliceKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                               std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut[0].size() == 0 || gradIn[0].size() == 0) return;
    gradIn[0].setZero(in[0]->tensor.rows(), in[0]->tensor.cols());
    gradIn[0].middleRows(Eigen::Index(start_) * f_, Eigen::Index(length_) * f_) = gradOut[0];
}

NodeCost StepSliceKernel::cost() const {
    NodeCost c;
    c.counted = true;  // a copy: no multiplies
    return c;
}

}  // namespace ganglion
