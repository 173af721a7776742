#include "core/nodes/last_step.h"

#include "core/model/node_spec.h"

namespace ganglion {

const Shape& requireSequence(const BuildContext& ctx, const char* port) {
    const Shape& x = ctx.inputs[0];
    if (x.features <= 0) throw BuildError(port, "input width is unknown (connect a sequence)");
    if (x.steps <= 0)
        throw BuildError(port, "expects a sequence (a source with steps, a recurrent layer or a SpikeEncoder), got a "
                               "plain tensor of " + std::to_string(x.features) + " features");
    return x;
}

std::vector<Shape> LastStepKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    T_ = x.steps;
    f_ = x.features;
    return {Shape::tensor(f_)};
}

void LastStepKernel::forward(const StepContext&, std::span<const Value* const> in, std::span<Value> out) {
    out[0].tensor = in[0]->tensor.bottomRows(f_);
}

void LastStepKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                              std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut[0].size() == 0 || gradIn[0].size() == 0) return;
    gradIn[0].setZero(in[0]->tensor.rows(), in[0]->tensor.cols());
    gradIn[0].bottomRows(f_) = gradOut[0];
}

NodeCost LastStepKernel::cost() const {
    NodeCost c;
    c.counted = true;  // a copy: no multiplies
    return c;
}

NodeSpec makeLastStepSpec() {
    NodeSpec s;
    s.type = "LastStep";
    s.title = "Last step";
    s.category = "Time";
    s.help = "The last step of a sequence: (steps·features) x batch → features x batch, e.g. to classify "
             "a sequence from a recurrent layer's final state. The gradient flows into that step only.";
    s.inputs = {{"in", PortType::Tensor, "a sequence (steps·features x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "features x batch"}};
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<LastStepKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{}, {Shape::sequence(4, 3)}}; };
    return s;
}

}  // namespace ganglion
