// How the engine applies a node that is not NodeSpec::sequenceAware to every step of a sequence.
//
// A sequence travels as a (steps·features) x batch tensor, time-major; column-major, that is bit
// for bit a features x (steps·batch) matrix whose column t + b·steps is step t of sample b. So the
// node is handed its sequence inputs reshaped in place (Eigen keeps the data when the total size
// does not change: no copy, no allocation), runs once over all steps·batch columns, and its Tensor
// outputs are reshaped back into sequences. A non-sequence Tensor input beside sequence ones (e.g.
// the labels of a per-step loss) is repeated over the steps, and its gradient summed over them.
// Each node's backward gets the gradient of the whole sequence, so back-propagation through time
// runs across node boundaries without any node knowing.
#pragma once

#include "core/model/node_spec.h"

#include <vector>

namespace ganglion {

/// The sequence length shared by `in` (0 when no input is a sequence). Throws BuildError naming
/// the port when two inputs are sequences of different lengths.
int commonSteps(const std::vector<Shape>& in, const std::vector<PortSpec>& ports);

class StepAdapter {
public:
    /// Build time, for a node that is not sequence-aware. Returns the shapes its kernel builds
    /// from (per step: steps = 0); the adapter is active when some input is a sequence.
    std::vector<Shape> configure(const std::vector<Shape>& in, const std::vector<PortSpec>& inPorts);
    /// Marks the kernel's Tensor outputs as sequences of the inputs' length (when active).
    void declareOutputs(std::vector<Shape>& out, const std::vector<PortSpec>& outPorts);
    bool active() const { return T_ > 0; }
    int steps() const { return T_; }

    /// Before forward (and backward): sequence sources seen per step, plain Tensor inputs
    /// repeated over the steps. `sources[i]` is what input i reads (nullptr: unconnected);
    /// `in[i]` receives what the kernel reads.
    void enter(const std::vector<Value*>& sources, std::vector<const Value*>& in);
    /// After forward: the sources back to sequences, the outputs made sequences. Throws
    /// std::runtime_error naming an output whose columns are not steps·batch.
    void leaveForward(std::vector<Value>& outputs, const std::vector<PortSpec>& outPorts);
    /// Before backward (after enter()): the kernel's own outputs and their gradients per step.
    void enterBackward(std::vector<Value>& outputs, std::vector<Matrix>& gradOut);
    /// After backward: everything back to sequences; input gradients of repeated inputs summed
    /// over the steps.
    void leaveBackward(std::vector<Value>& outputs, std::vector<Matrix>& gradOut, std::vector<Matrix>& gradIn);

private:
    void restoreSources();

    int T_ = 0;
    std::vector<bool> seqIn_, repeatIn_, seqOut_;
    std::vector<int> outFeatures_;  // per-step rows of each output as the kernel declared them
    std::vector<Value> repeated_;
    std::vector<Value*> reshaped_;  // sources currently seen per step (each once)
    Matrix sum_;
};

/// Adds "through_time:<port>" arrays (core/model/observables.h) for a node's sequence-valued
/// outputs, unless its kernel already published through-time arrays of its own.
void publishThroughTime(const NodeSpec& spec, const std::vector<Shape>& shapes, const std::vector<Value>& outputs,
                        Observables& obs);

}  // namespace ganglion
