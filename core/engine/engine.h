// Executes a graph: builds one kernel per node, runs steps in topological order (inference or
// training), back-propagates from loss nodes, applies optimisers, evaluates on test data and
// makes snapshots. Synchronous and single-threaded; EngineRunner puts it on a worker thread.
#pragma once

#include "core/engine/metric_history.h"
#include "core/engine/snapshot.h"
#include "core/graph/graph.h"
#include "core/graph/validate.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ganglion {

class Optimizer;
class Lbfgs;
class HebbianProjection;
class ForwardForward;
class CounterCurrent;

/// Engine options come from the graph's settings (seed, evalEvery, dt, gridSize).
using EngineOptions = GraphSettings;

class Engine {
public:
    Engine();
    ~Engine();

    /// Validates and builds from a copy of `g` (options from g.settings()). Returns the problems found; when any is an
    /// error the engine is left empty (ok() == false) and step() does nothing.
    std::vector<GraphIssue> build(const Graph& g);
    bool ok() const { return built_; }
    const EngineOptions& options() const { return opt_; }

    /// One training/simulation step. Returns false when the model diverged (non-finite loss),
    /// in which case error() says which node and the engine stops stepping until reset().
    bool step();
    /// One training step on a supplied batch: each data source listed in `batch` takes the given
    /// tensors as its outputs (in its port order) instead of drawing its own; the other nodes run
    /// exactly as in step(). No periodic evaluation follows, so output() still holds this step's
    /// forward values. Refuses (false, error() says why) a node that is not a data source or a
    /// tensor count that does not match the source's ports. For checking the engine against an
    /// outside implementation on the same batch (the PyTorch export tests).
    bool stepOn(const std::map<NodeId, std::vector<Matrix>>& batch);
    /// The optimisers forget what they carry from step to step (Adam's moments, momentum,
    /// L-BFGS history, CLASSP's accumulated gradients), as after a rebuild: for weights that were
    /// replaced from outside (imported), where the old moments no longer belong.
    void restartOptimizers();
    /// Output `port` of node `id` from the latest forward pass (null when there is none).
    const Value* output(NodeId id, int port = 0) const;
    /// Runs the Test phase over every node and records test metrics.
    void evaluate();
    /// Re-creates every kernel from the graph with the seed: weights and state as at build.
    void reset();

    /// A live parameter change; returns false when the parameter is not live (rebuild needed).
    bool setParam(NodeId id, const std::string& name, const ParamValue& v);

    /// How far the run is through its natural end, 0..1 (>= 1: finished): the least advanced of
    /// the ends declared by the nodes (Kernel::progress) and the graph (GraphSettings::stopAt).
    /// Negative when nothing declares an end (the run goes on until paused).
    double progress() const;
    bool finished() const { return progress() >= 1.0; }

    std::uint64_t stepCount() const { return step_; }
    double simTime() const { return double(step_) * opt_.dt; }
    const std::string& error() const { return error_; }

    /// Observables of every node (runs a Grid evaluation first when a 2D data set is present).
    /// Appends every scalar to `history` when given.
    SnapshotPtr makeSnapshot(MetricHistory* history = nullptr);

    /// Latest scalars of every node, keyed "<node name>/<scalar>" (CLI report, tests).
    std::map<std::string, double> scalars() const;

    /// Per-sample cost of the whole graph (sum over nodes) and of one node, as counted at the
    /// latest build, reset or snapshot (kernels whose structure changes while running — grid
    /// extension, rewiring, pruning — are recounted at every snapshot). Zero when not built.
    const GraphCost& cost() const { return cost_; }
    NodeCost nodeCost(NodeId id) const;
    /// Node name → cost, for the CLI report.
    std::map<std::string, NodeCost> nodeCosts() const;
    /// Counts every node's cost again now (the engine thread; cheap arithmetic per node).
    void recountCost() { countCosts(); }

    Kernel* kernel(NodeId id) const;
    /// The forward-forward rule of loss node `lossId` (null when that loss back-propagates).
    const ForwardForward* forwardForward(NodeId lossId) const;
    /// The counter-current rule of loss node `lossId` (null when that loss back-propagates).
    const CounterCurrent* counterCurrent(NodeId lossId) const;
    const Graph& graph() const { return graph_; }

    /// Learned state of every node keyed by node name (save/load of trained models). A loss
    /// node's entry also holds its optimiser's state (Optimizer::saveState: "optimizer.…" keys).
    std::map<std::string, KernelState> saveState() const;
    void loadState(const std::map<std::string, KernelState>& state);

private:
    struct Slot;
    /// skipSources: re-run everything downstream of the data on the current batch (L-BFGS).
    void runForward(Phase phase, bool skipSources = false);
    const std::map<NodeId, std::vector<Matrix>>* supplied_ = nullptr;  ///< stepOn()'s batch while it runs
    void runLbfgs(std::size_t k);
    void runBackward();
    Optimizer* optimizerOf(const Slot& lossSlot) const;  ///< null when the slot is not a loss
    int lossIndex(const Slot& s) const;                  ///< index into optimizers_, -1 when not a loss
    /// The Hebbian projection of loss `k` over the layers it trains; false (error_ set) when the
    /// loss asks for it but nothing upstream can take it.
    bool addContinual(std::size_t k, const std::set<int>& ancestors, const std::vector<Parameter>& params);
    /// The forward-forward rule of loss `k` (core/engine/engine_ff.cpp); false (error_ set,
    /// naming the node) when the loss asks for it and the layers upstream cannot take it.
    bool addForwardForward(std::size_t k);
    /// The counter-current rule of loss `k` (core/engine/engine_ff.cpp), likewise.
    bool addCounterCurrent(std::size_t k);
    struct LocalChain;
    /// The chain of Dense layers from the data to loss `k` that the layer-local rule `rule` trains;
    /// false (error_ set, naming the node) when the graph upstream is not one.
    bool localChain(std::size_t k, const std::string& rule, LocalChain& out);
    void trainLocalRules(const std::vector<bool>& supervised);  ///< forward-forward and counter-current steps
    void createKernels();
    bool stepUnchecked(bool evaluateAfter = true);
    void fail(const std::string& what);
    void countCosts();  ///< fills every slot's cost and cost_  ///< records a kernel exception against current_

    Graph graph_;
    EngineOptions opt_;
    std::vector<std::unique_ptr<Slot>> slots_;  // topological order
    std::vector<std::unique_ptr<Optimizer>> optimizers_;  // one per loss node, in graph order
    std::vector<std::size_t> lossSlot_;                    // slot of each optimiser's loss node
    std::vector<std::vector<int>> optimizerSlots_;         // differentiable slots each optimiser updates
    std::vector<std::vector<int>> optimizerSources_;       // data-source slots upstream of each loss
    std::vector<std::unique_ptr<Lbfgs>> lbfgs_;            // created when a loss selects lbfgs
    std::vector<std::unique_ptr<HebbianProjection>> continual_;  // per optimiser, null unless continual is on
    std::vector<std::unique_ptr<ForwardForward>> forwardForward_;  // per optimiser, null unless rule = forward_forward
    std::vector<std::unique_ptr<CounterCurrent>> counterCurrent_;  // per optimiser, null unless rule = counter_current
    std::vector<int> taskSlot_;                            // the task stream each projection follows
    bool built_ = false;
    std::uint64_t step_ = 0;
    std::uint64_t buildId_ = 0;
    std::string error_;
    std::string current_;
    GraphCost cost_;  ///< name of the node whose kernel is running (for error messages)
};

}  // namespace ganglion
