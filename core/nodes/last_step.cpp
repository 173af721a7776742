#include "core/nodes/last_step.h"

#include "core/model/node_spec.h"

namespace ganglion {

std::vector<Shape> LastStepKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    setSlice(x.steps - 1, 1, x.features);
    return {Shape::tensor(x.features)};
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
