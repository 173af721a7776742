#include "core/nodes/mean_over_time.h"

#include "core/model/node_spec.h"
#include "core/nodes/step_slice.h"

namespace ganglion {

std::vector<Shape> MeanOverTimeKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    T_ = x.steps;
    f_ = x.features;
    return {Shape::tensor(f_)};
}

void MeanOverTimeKernel::forward(const StepContext&, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    Matrix& y = out[0].tensor;
    y = x.topRows(f_);
    for (int t = 1; t < T_; ++t) y += x.middleRows(Eigen::Index(t) * f_, f_);
    y *= 1.f / float(T_);
}

void MeanOverTimeKernel::backward(const StepContext&, std::span<const Value* const>, std::span<const Value>,
                                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut[0].size() == 0 || gradIn[0].size() == 0) return;
    for (int t = 0; t < T_; ++t) gradIn[0].middleRows(Eigen::Index(t) * f_, f_) = gradOut[0] / float(T_);
}

NodeCost MeanOverTimeKernel::cost() const {
    NodeCost c;
    c.counted = true;
    c.forwardMacs = double(T_) * f_;
    c.trainMacs = 2 * c.forwardMacs;
    return c;
}

NodeSpec makeMeanOverTimeSpec() {
    NodeSpec s;
    s.type = "MeanOverTime";
    s.title = "Mean over time";
    s.category = "Time";
    s.help = "The mean of a sequence over its steps: (steps·features) x batch → features x batch (e.g. a "
             "rate readout of spikes, or pooling a recurrent layer's states). Every step gets 1/steps of "
             "the gradient.";
    s.inputs = {{"in", PortType::Tensor, "a sequence (steps·features x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "features x batch"}};
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<MeanOverTimeKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{}, {Shape::sequence(4, 3)}}; };
    return s;
}

}  // namespace ganglion
