// The compute side of a node type. A graph node holds a type name and parameters;
// the engine creates one Kernel per node at build time and drives it.
//
// Override contract (what the engine guarantees and what a kernel must do):
//  1. build() is called once per engine build, after the constructor, with the node's
//     parameters and the shapes of its connected inputs (unconnected optional inputs have
//     features == -1). It allocates state, initialises weights from ctx.rng and returns one
//     Shape per output port. Throw BuildError(port, message) for bad parameters or shapes; the
//     message names the problem, the engine prefixes the node name.
//  2. forward() is called once per step in topological order. in[i] is nullptr for an
//     unconnected optional input. out has one Value per output port; keep its storage between
//     steps (resize only when the batch changes) so steady-state steps do not allocate.
//     ctx.phase says whether this is a training step, a test evaluation or a grid evaluation
//     (decision-boundary field). Data sources choose what to emit from it.
//  3. backward() is called in reverse order during training, only when differentiable() (loss
//     kernels: always, see below).
//     gradOut[i] is dL/d(out[i]) (an empty matrix when nothing downstream needs a gradient).
//     gradIn[i] arrives already sized like in[i] when the engine wants dL/d(in[i]), and empty
//     (0x0) when not (e.g. the input comes straight from a data set): fill it only when sized.
//     ACCUMULATE (+=) into the gradients returned by parameters().
//     Loss kernels (NodeRole::Loss) start the chain. Their backward() runs on every training
//     step whether or not differentiable() says so; gradOut carries nothing for them (empty
//     matrices, if any) and must be ignored. Instead they write dL/d(in[i]) of exactly the value
//     loss() reports (same reduction, e.g. the mean over the batch) into each sized gradIn[i] —
//     the engine zeroes those first, so assigning is fine — and the engine hands that on as the
//     producers' gradOut. Leave a gradIn empty when it arrives empty (e.g. the target input).
//     A loss with learnable parameters accumulates into their gradients like any other kernel.
//  4. setParams() receives parameters marked `live` while running; apply at the next step.
//  5. observe() fills what views show. It runs on the engine thread between steps, so it may
//     read state freely; keep it cheap (it runs at publish rate, not every step). Every array
//     and extra it publishes is listed in NodeSpec::observables (views and the canvas go by it).
//  6. saveState()/loadState() carry learned state (weights) so a trained model round-trips:
//     loadState(saveState()) on a kernel built with the same parameters and input shapes (any
//     seed) reproduces its outputs exactly. loadState() gives the strong exception guarantee:
//     when an entry has the wrong shape (or is missing, for kernels that require it) it throws
//     std::runtime_error naming the node type and the entry, and the kernel is left exactly as
//     it was — check every entry first (checkedEntry() below), then assign.
//  7. progress() tells a node's natural end (a stimulation protocol, a number of generations
//     or epochs): the run pauses and says "finished" once every node that has one reached it.
//  8. cost() counts what the node costs per sample from its built shapes and current structure
//     (live connections, grid size): params, forwardMacs, trainMacs (forward + weight and input
//     gradients), cacheBytes (kept from forward for backward); set counted = true. The engine
//     fills the output and gradient bytes and, for a node that does not train, sets the training
//     figures to the forward ones. The default leaves counted false (MACs unknown, shown "–") and
//     the engine counts the params from parameters(). Called on the engine thread, at build and
//     at publish rate: keep it arithmetic.
//  9. linearMaps() names the weights that act linearly on one input, out = W·x (+ b) — for a
//     sequence input on every step — so training rules that use a layer's presynaptic activity
//     (the Loss node's Hebbian orthogonal projection, core/engine/continual.h) can apply to the
//     layer: the weight (outputs x input features), its bias or null, the input port. The
//     pointers must be those parameters() returns. Default: none.
// 10. task() — a data source presenting a stream of tasks (continual learning): the 0-based task
//     of its latest training batch, from build on. Default −1: not a task stream.
// 11. supervises() (data sources): false when the latest training batch must not teach the model
//     through its losses — a test-time stream whose labels serve only to score it. The engine then
//     runs no backward pass and no optimiser step for the losses downstream of that source, and the
//     nodes after it in the step see StepContext::supervised == false, so only forward-time (local,
//     unsupervised) rules learn on that step.
// 12. rateScale() (loss kernels): a factor on the learning rate of the optimiser this loss drives,
//     read after the step's forward and backward, before the update (the Loss node's homeostatic
//     modulation, core/engine/homeostasis.h). Default 1.
#pragma once

#include "core/model/cost.h"
#include "core/model/observables.h"
#include "core/model/params.h"
#include "core/model/types.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion {

using Rng = std::mt19937_64;

/// Thrown by Kernel::build(); `port` is the input port name at fault, or "" for a parameter.
struct BuildError : std::runtime_error {
    BuildError(std::string port, const std::string& msg)
        : std::runtime_error(msg), port(std::move(port)) {}
    std::string port;
};

enum class Phase : std::uint8_t {
    Train,  ///< a training (or simulation) step on a minibatch
    Test,   ///< evaluate on held-out data; no learning, no state carried into training
    Grid,   ///< evaluate a 2D data set's input plane for the decision-boundary view
};

/// The canvas thumbnail most kernels publish as "activations": their output over the input plane
/// when a Phase::Grid pass ran (each neuron's field, as TensorFlow Playground draws it), else the
/// first columns of the latest training batch.
class ActivationThumbnail {
public:
    void record(Phase phase, const Matrix& y, Eigen::Index maxCols = 64) {
        if (phase == Phase::Grid) grid_ = y;
        else if (phase == Phase::Train) batch_ = y.leftCols(std::min(maxCols, y.cols()));
    }
    void publish(Observables& obs) const {
        if (grid_.size() || batch_.size()) obs.arrays["activations"] = grid_.size() ? grid_ : batch_;
    }
    /// The output over the input plane (empty until a Phase::Grid pass).
    const Matrix& grid() const { return grid_; }

private:
    Matrix grid_, batch_;
};

struct BuildContext {
    const ParamSet& params;
    std::vector<Shape> inputs;  ///< one per input port
    Rng& rng;
    std::string nodeName;
    double dt = 1e-4;   ///< the graph's simulation step, seconds (GraphSettings::dt)
    int gridSize = 48;  ///< side of the Phase::Grid plane (GraphSettings::gridSize)
};

struct StepContext {
    Phase phase = Phase::Train;
    std::uint64_t step = 0;  ///< training/simulation steps completed before this one
    double dt = 1e-4;        ///< simulation time step in seconds (spiking / physics nodes)
    Rng* rng = nullptr;      ///< this node's generator (deterministic for a seed)
    bool learning = true;    ///< false: freeze weights (no plasticity, no optimiser)
    /// false on a test-time step (a data source upstream said its batch may not supervise, contract
    /// item 9): no optimiser step follows; label-free local rules may adapt.
    bool supervised = true;
};

/// A trainable tensor and its gradient, owned by the kernel.
struct Parameter {
    std::string name;
    Matrix* value = nullptr;
    Matrix* grad = nullptr;
    /// Optional constraint applied after each optimiser update (sign constraints, masks…).
    void (*project)(Matrix&, void* user) = nullptr;
    void* user = nullptr;
    /// Optional: linear indices into `value` whose optimiser state must start afresh (e.g.
    /// connections a sparse layer just regrew into reused slots). The kernel appends; the
    /// optimiser zeroes those entries' moments before its next update and clears the list.
    std::vector<Eigen::Index>* fresh = nullptr;
};

/// Named learned state for save/load.
using KernelState = std::map<std::string, Matrix>;

/// A 64-bit seed as a state entry (four exact 16-bit pieces). Kernels whose build draws data or
/// structure from the build generator save that seed, so a kernel loaded into one built from
/// another seed behaves the same.
inline Matrix seedState(std::uint64_t seed) {
    Matrix m(4, 1);
    for (int i = 0; i < 4; ++i) m(i) = float((seed >> (16 * i)) & 0xffffu);
    return m;
}
/// Inverse of seedState(); throws std::runtime_error naming `name` for a malformed entry.
inline std::uint64_t seedFromState(const Matrix& m, const std::string& name) {
    std::uint64_t seed = 0;
    if (m.size() != 4) throw std::runtime_error("state entry '" + name + "' is not a seed");
    for (int i = 0; i < 4; ++i) {
        if (!(m(i) >= 0 && m(i) <= 65535.f) || m(i) != float(int(m(i))))
            throw std::runtime_error("state entry '" + name + "' is not a seed");
        seed |= std::uint64_t(m(i)) << (16 * i);
    }
    return seed;
}

/// A weight acting linearly on one input of its kernel (contract item 9).
struct LinearMap {
    Matrix* weight = nullptr;  ///< outputs x input features
    Matrix* bias = nullptr;    ///< outputs x 1, or null
    int inputPort = 0;         ///< the input port it multiplies
};

class Kernel {
public:
    virtual ~Kernel() = default;

    virtual std::vector<Shape> build(const BuildContext& ctx) = 0;
    virtual void setParams(const ParamSet& /*params*/) {}
    virtual void forward(const StepContext& ctx, std::span<const Value* const> in,
                         std::span<Value> out) = 0;

    virtual bool differentiable() const { return false; }
    virtual void backward(const StepContext& /*ctx*/, std::span<const Value* const> /*in*/,
                          std::span<const Value> /*out*/, std::span<const Matrix> /*gradOut*/,
                          std::span<Matrix> /*gradIn*/) {}
    virtual std::vector<Parameter> parameters() { return {}; }

    /// Loss nodes: the scalar loss of the last forward() (engine reads it for reporting).
    virtual double loss() const { return 0.0; }
    /// Regularisation whose gradient the last backward() added: to parameters() for a penalty on
    /// weights, or to the input gradients (gradIn) for one on activity (DeltaLayer's L1 on deltas),
    /// which then reach upstream parameters. Part of the objective that line-searching optimisers
    /// (L-BFGS) evaluate. 0 when none.
    virtual double penalty() const { return 0.0; }
    /// Loss kernels: factor on the optimiser's learning rate for this step's update (contract item 12).
    virtual double rateScale() const { return 1.0; }

    virtual void observe(Observables& /*obs*/) const {}

    /// How far the node is through its natural end, 0..1 (>= 1: done), read after each step;
    /// negative (the default) when the node runs on without end.
    virtual double progress() const { return -1.0; }

    /// Data sources whose input is a 2D plane return true; the engine then runs a Phase::Grid
    /// forward pass at publish time so views can draw decision boundaries / neuron fields.
    virtual bool supportsGrid() const { return false; }

    /// Weights acting linearly on an input (contract item 9).
    virtual std::vector<LinearMap> linearMaps() { return {}; }
    /// A task stream's current task (contract item 10), −1 for every other kernel.
    virtual int task() const { return -1; }
    /// Data sources (contract item 11): may the latest training batch teach the model through its
    /// losses? false for a test-time stream (labels only for scoring).
    virtual bool supervises() const { return true; }

    /// Per-sample cost (contract item 8); the default: not counted.
    virtual NodeCost cost() const { return {}; }

    virtual KernelState saveState() const { return {}; }
    /// Throw std::runtime_error naming the entry when a stored matrix has the wrong shape; the
    /// kernel is then unchanged (see contract item 6).
    virtual void loadState(const KernelState& /*state*/) {}
};

/// The entry `key` of a state being loaded, checked to be rows x cols; throws std::runtime_error
/// "<what> state: missing 'key'" or "<what> state: 'key' has shape RxC, expected rxc". Kernels
/// check every entry with it before assigning any (the strong guarantee of loadState()).
inline const Matrix& checkedEntry(const KernelState& state, const std::string& what, const std::string& key,
                                  Eigen::Index rows, Eigen::Index cols) {
    auto it = state.find(key);
    if (it == state.end()) throw std::runtime_error(what + " state: missing '" + key + "'");
    if (it->second.rows() != rows || it->second.cols() != cols)
        throw std::runtime_error(what + " state: '" + key + "' has shape " + std::to_string(it->second.rows()) + "x" +
                                 std::to_string(it->second.cols()) + ", expected " + std::to_string(rows) + "x" +
                                 std::to_string(cols));
    return it->second;
}

}  // namespace ganglion
