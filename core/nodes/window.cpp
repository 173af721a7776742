#include "core/nodes/window.h"

#include "core/model/node_spec.h"

namespace ganglion {

std::vector<Shape> WindowKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    const int start = int(ctx.params.getInt("start")), length = int(ctx.params.getInt("length"));
    if (start + length > x.steps)
        throw BuildError("", "the window (start " + std::to_string(start) + ", length " + std::to_string(length) +
                                 ") ends after the input's " + std::to_string(x.steps) + " steps");
    setSlice(start, length, x.features);
    return {Shape::sequence(x.features, length)};
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
