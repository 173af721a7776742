#include "core/nodes/window.h"

#include "core/model/node_spec.h"
#include "core/nodes/last_step.h"

namespace ganglion {

std::vector<Shape> WindowKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    start_ = int(ctx.params.getInt("start"));
    length_ = int(ctx.params.getInt("length"));
    if (start_ + length_ > x.steps)
        throw BuildError("", "the window (start " + std::to_string(start_) + ", length " + std::to_string(length_) +
                                 ") ends after the input's " + std::to_string(x.steps) + " steps");
    f_ = x.features;
    return {Shape::sequence(f_, length_)};
}

void WindowKernel::forward(const StepContext&, std::span<const Value* const> in, std::span<Value> out) {
    // time-major: the window's steps are one block of rows of every column
    out[0].tensor = in[0]->tensor.middleRows(Eigen::Index(start_) * f_, Eigen::Index(length_) * f_);
}

void WindowKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                            std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut[0].size() == 0 || gradIn[0].size() == 0) return;
    gradIn[0].setZero(in[0]->tensor.rows(), in[0]->tensor.cols());
    gradIn[0].middleRows(Eigen::Index(start_) * f_, Eigen::Index(length_) * f_) = gradOut[0];
}

NodeCost WindowKernel::cost() const {
    NodeCost c;
    c.counted = true;  // a copy: no multiplies
    return c;
}

NodeSpec makeWindowSpec() {
    NodeSpec s;
    s.type = "Window";
    s.title = "Window";
    s.category = "Time";
    s.help = "Steps start … start+length−1 of a sequence, passed on as a sequence of 'length' steps (e.g. "
             "to skip a warm-up, or to read out a late part of a response). Steps outside get no gradient.";
    s.inputs = {{"in", PortType::Tensor, "a sequence (steps·features x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "a sequence of 'length' steps"}};
    s.params = {
        intParam("start", 0, 0, 100000, "First step kept (0 = the first step)."),
        intParam("length", 1, 1, 100000, "Number of steps kept; start + length may not exceed the input's steps."),
    };
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<WindowKernel>(); };
    s.example = [](const std::string&) {
        return NodeExample{{{"start", std::int64_t(1)}, {"length", std::int64_t(2)}}, {Shape::sequence(4, 3)}};
    };
    return s;
}

}  // namespace ganglion
