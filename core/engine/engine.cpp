#include "core/engine/engine.h"
#include "core/engine/engine_slot.h"

#include "core/engine/continual.h"
#include "core/engine/counter_current.h"
#include "core/engine/forward_forward.h"
#include "core/engine/lbfgs.h"
#include "core/engine/optimizer.h"
#include "core/engine/sequence_steps.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace ganglion {

Engine::Engine() = default;
Engine::~Engine() = default;

namespace {
Rng nodeRng(std::uint64_t seed, NodeId id) {
    std::seed_seq seq{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(id), std::uint32_t(id >> 32)};
    return Rng(seq);
}
}  // namespace

std::vector<GraphIssue> Engine::build(const Graph& g) {
    built_ = false;
    cost_ = {};
    error_.clear();
    slots_.clear();
    optimizers_.clear();
    step_ = 0;
    ++buildId_;
    graph_ = g;
    opt_ = g.settings();
    auto issues = validateStructure(graph_);
    if (hasErrors(issues)) {
        error_ = formatIssues(issues);
        return issues;
    }
    createKernels();  // records a build failure in error_ and leaves that slot's kernel null
    for (const auto& s : slots_)
        if (!s->kernel) {  // the first slot without a kernel is the one that failed
            GraphIssue i;
            i.node = s->id;
            i.nodeName = s->name;
            i.message = error_;
            issues.push_back(i);
            slots_.clear();
            return issues;
        }
    built_ = true;
    countCosts();
    return issues;
}

void Engine::createKernels() {
    slots_.clear();
    optimizers_.clear();
    lossSlot_.clear();
    optimizerSlots_.clear();
    optimizerSources_.clear();
    lbfgs_.clear();
    continual_.clear();
    forwardForward_.clear();
    counterCurrent_.clear();
    taskSlot_.clear();
    const auto order = topologicalOrder(graph_);
    std::map<NodeId, int> index;
    for (NodeId id : order) {
        auto s = std::make_unique<Slot>();
        const Node* n = graph_.node(id);
        s->id = id;
        s->name = n->name;
        s->spec = graph_.spec(id);
        s->params = n->params;
        s->rng = nodeRng(opt_.seed, id);
        index[id] = int(slots_.size());
        slots_.push_back(std::move(s));
    }
    // Wire inputs.
    for (auto& s : slots_) {
        s->inputs.resize(s->spec->inputs.size());
        for (std::size_t i = 0; i < s->spec->inputs.size(); ++i) {
            const Edge* e = graph_.edgeIntoPort({s->id, s->spec->inputs[i].name});
            if (!e) continue;
            auto& src = s->inputs[i];
            src.slot = index[e->from.node];
            src.port = graph_.spec(e->from.node)->outputIndex(e->from.port);
            src.delayed = s->spec->inputs[i].delayed;
            if (src.delayed) slots_[src.slot]->feedsDelayed = true;
        }
    }
    // Shape inference in order. A delayed input whose source comes later (or is the node itself)
    // has no shape yet in that pass: such nodes are built again once every shape is known, from
    // the same generator state, and must then declare the same outputs.
    std::vector<std::vector<Shape>> shapes(slots_.size());
    auto buildSlot = [&](std::size_t k) {
        auto& s = *slots_[k];
        std::vector<Shape> in(s.inputs.size());
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const auto& src = s.inputs[i];
            if (src.slot >= 0 && !shapes[std::size_t(src.slot)].empty()) in[i] = shapes[std::size_t(src.slot)][src.port];
        }
        s.kernel = s.spec->create();
        try {
            // sequence inputs must agree on their length; a kernel that does not know sequences
            // is built per step and applied to every step (core/engine/sequence_steps.h)
            if (s.spec->sequenceAware) commonSteps(in, s.spec->inputs);
            BuildContext ctx{s.params, s.spec->sequenceAware ? in : s.perStep.configure(in, s.spec->inputs), s.rng,
                             s.name, opt_.dt, opt_.gridSize};
            std::vector<Shape> out = s.kernel->build(ctx);
            if (!s.spec->sequenceAware && out.size() == s.spec->outputs.size()) s.perStep.declareOutputs(out, s.spec->outputs);
            if (!shapes[k].empty() && out != shapes[k])
                throw std::runtime_error("its output shape depends on a delayed input; give the delayed loop's source a fixed size");
            shapes[k] = std::move(out);
        } catch (const BuildError& e) {
            error_ = "node '" + s.name + "'" + (e.port.empty() ? "" : " input '" + e.port + "'") + ": " + e.what();
        } catch (const std::exception& e) {
            error_ = "node '" + s.name + "': " + e.what();
        }
        if (error_.empty() && shapes[k].size() != s.spec->outputs.size())
            error_ = "node '" + s.name + "': kernel returned " + std::to_string(shapes[k].size()) + " output shapes for " +
                     std::to_string(s.spec->outputs.size()) + " ports";
        if (!error_.empty()) s.kernel.reset();
        return error_.empty();
    };
    std::vector<std::pair<std::size_t, Rng>> again;  // slots fed by a later source, with their generator before building
    for (std::size_t k = 0; k < slots_.size(); ++k) {
        auto& s = *slots_[k];
        if (std::any_of(s.inputs.begin(), s.inputs.end(), [&](const Slot::Source& src) { return src.slot >= int(k); }))
            again.emplace_back(k, s.rng);
        if (!buildSlot(k)) return;
    }
    for (auto& [k, rng] : again) {
        slots_[k]->rng = rng;
        if (!buildSlot(k)) return;
    }
    for (std::size_t k = 0; k < slots_.size(); ++k) {
        auto& s = *slots_[k];
        s.outShapes = shapes[k];
        s.outputs.resize(s.spec->outputs.size());
        for (std::size_t o = 0; o < s.outputs.size(); ++o) s.outputs[o].type = s.spec->outputs[o].type;
        s.previous = s.outputs;
        s.gradOut.resize(s.outputs.size());
        s.gradIn.resize(s.inputs.size());
        s.inPtrs.resize(s.inputs.size());
        s.sources.assign(s.inputs.size(), nullptr);
        s.wantsGradIn.assign(s.inputs.size(), false);
    }
    // Which nodes need backward: ancestors of loss nodes through non-delayed edges.
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
        auto& s = **it;
        if (s.spec->role == NodeRole::Loss) s.reachesLoss = true;
        if (!s.reachesLoss) continue;
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const auto& src = s.inputs[i];
            if (src.slot < 0 || src.delayed) continue;
            if (s.spec->inputs[i].type != PortType::Tensor) continue;
            slots_[src.slot]->reachesLoss = true;
        }
    }
    // Does any differentiable node sit upstream of an input? Then that input wants a gradient.
    std::vector<bool> hasParamsUpstream(slots_.size(), false);
    for (std::size_t k = 0; k < slots_.size(); ++k) {
        auto& s = *slots_[k];
        bool up = !s.kernel->parameters().empty();
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const auto& src = s.inputs[i];
            if (src.slot < 0 || src.delayed) continue;
            if (hasParamsUpstream[src.slot] && slots_[src.slot]->kernel->differentiable()) {
                s.wantsGradIn[i] = s.spec->inputs[i].type == PortType::Tensor;
                up = true;
            }
        }
        hasParamsUpstream[k] = up;
    }
    // One optimiser per loss node over the parameters of its differentiable ancestors; a
    // parameter reachable from several losses is updated by the first loss (graph order) only.
    std::set<const Matrix*> owned;
    for (std::size_t k = 0; k < slots_.size(); ++k) {
        auto& loss = *slots_[k];
        if (loss.spec->role != NodeRole::Loss) continue;
        std::set<int> ancestors;
        std::vector<int> stack{int(k)};
        while (!stack.empty()) {
            int j = stack.back();
            stack.pop_back();
            for (const auto& src : slots_[j]->inputs)
                if (src.slot >= 0 && !src.delayed && ancestors.insert(src.slot).second) stack.push_back(src.slot);
        }
        std::vector<Parameter> params;
        std::vector<int> updated, sources;
        for (int j : ancestors) {
            if (slots_[j]->spec->role == NodeRole::Source) sources.push_back(j);
            if (!slots_[j]->kernel->differentiable()) continue;
            updated.push_back(j);
            for (auto p : slots_[j]->kernel->parameters())
                if (owned.insert(p.value).second) {
                    p.name = slots_[j]->name + "." + p.name;  // names the optimiser's saved state
                    params.push_back(std::move(p));
                }
        }
        // The loss node's own generator seeds its optimiser's noise (the loss kernel draws none).
        optimizers_.push_back(std::make_unique<Optimizer>(params, OptimizerConfig::fromParams(loss.params), loss.rng()));
        lossSlot_.push_back(k);
        optimizerSlots_.push_back(std::move(updated));
        optimizerSources_.push_back(std::move(sources));
        lbfgs_.emplace_back();
        if (!addForwardForward(optimizers_.size() - 1) || !addCounterCurrent(optimizers_.size() - 1) ||
            !addContinual(optimizers_.size() - 1, ancestors, params)) {
            loss.kernel.reset();  // build() reports the slot without a kernel, with error_
            return;
        }
    }
}

bool Engine::addContinual(std::size_t k, const std::set<int>& ancestors, const std::vector<Parameter>& params) {
    continual_.emplace_back();
    taskSlot_.push_back(-1);
    Slot& loss = *slots_[lossSlot_[k]];
    const ContinualConfig cfg = ContinualConfig::fromParams(loss.params);
    if (!cfg.hebbianProjection) return true;
    std::vector<HebbianProjection::Layer> layers;
    for (int j : optimizerSlots_[k]) {
        const auto maps = slots_[j]->kernel->linearMaps();
        for (std::size_t m = 0; m < maps.size(); ++m) {
            const auto& src = slots_[j]->inputs[std::size_t(maps[m].inputPort)];
            const bool owned = std::any_of(params.begin(), params.end(), [&](const Parameter& p) { return p.value == maps[m].weight; });
            if (src.slot < 0 || !owned) continue;  // unconnected, or trained by another loss
            Slot& from = *slots_[src.slot];
            layers.push_back({slots_[j]->name + (m ? "#" + std::to_string(m) : ""), maps[m].weight, maps[m].bias,
                              src.delayed ? &from.previous[std::size_t(src.port)] : &from.outputs[std::size_t(src.port)]});
        }
    }
    for (int j : ancestors)  // topological order: the first task stream upstream
        if (slots_[j]->kernel->task() >= 0) {
            taskSlot_.back() = j;
            break;
        }
    const std::string where = "node '" + loss.name + "' parameter 'continual': hebbian_projection ";
    if (layers.empty()) error_ = where + "finds no layer upstream whose weight acts on an input (Dense, LIFLayer)";
    else if (taskSlot_.back() < 0) error_ = where + "needs a task stream upstream (a data source presenting tasks, e.g. TaskStream)";
    if (!error_.empty()) return false;
    continual_.back() = std::make_unique<HebbianProjection>(std::move(layers), cfg, loss.rng());
    return true;
}

void Engine::runForward(Phase phase, bool skipSources) {
    StepContext ctx;
    ctx.phase = phase;
    ctx.step = step_;
    ctx.dt = opt_.dt;
    ctx.learning = phase == Phase::Train;
    for (auto& sp : slots_) {
        auto& s = *sp;
        if (skipSources && s.spec->role == NodeRole::Source) continue;
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const auto& src = s.inputs[i];
            if (src.slot < 0) s.sources[i] = nullptr;
            else if (src.delayed) s.sources[i] = &slots_[src.slot]->previous[src.port];
            else s.sources[i] = &slots_[src.slot]->outputs[src.port];
            s.inPtrs[i] = s.sources[i];
        }
        ctx.rng = &s.rng;
        current_ = s.name;
        if (supplied_ && s.spec->role == NodeRole::Source)
            if (auto given = supplied_->find(s.id); given != supplied_->end()) {
                for (std::size_t i = 0; i < s.outputs.size(); ++i) s.outputs[i].tensor = given->second[i];
                continue;
            }
        if (s.perStep.active()) s.perStep.enter(s.sources, s.inPtrs);
        s.kernel->forward(ctx, s.inPtrs, s.outputs);
        if (s.perStep.active()) s.perStep.leaveForward(s.outputs, s.spec->outputs);
        if (s.ffScores >= 0) forwardForward_[std::size_t(s.ffScores)]->predict(ctx, s.outputs[0].tensor);
        // a test-time stream: the nodes after it adapt without labels (contract item 9)
        if (phase == Phase::Train && s.spec->role == NodeRole::Source && !s.kernel->supervises())
            ctx.supervised = false;
    }
}

void Engine::runBackward() {
    StepContext ctx;
    ctx.step = step_;
    ctx.dt = opt_.dt;
    for (auto& s : slots_)
        for (auto& g : s->gradOut) g.resize(0, 0);
    for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
        auto& s = **it;
        if (!s.reachesLoss) continue;
        const bool isLoss = s.spec->role == NodeRole::Loss;
        bool any = isLoss;
        for (const auto& g : s.gradOut) any = any || g.size() > 0;
        if (!any || !(isLoss || s.kernel->differentiable())) continue;
        if (s.perStep.active()) {
            s.perStep.enter(s.sources, s.inPtrs);
            s.perStep.enterBackward(s.outputs, s.gradOut);
        }
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            if (s.wantsGradIn[i] && s.inPtrs[i]) {
                const Matrix& x = s.inPtrs[i]->tensor;
                s.gradIn[i].setZero(x.rows(), x.cols());
            } else {
                s.gradIn[i].resize(0, 0);
            }
        }
        ctx.rng = &s.rng;
        current_ = s.name;
        s.kernel->backward(ctx, s.inPtrs, s.outputs, s.gradOut, s.gradIn);
        if (s.perStep.active()) s.perStep.leaveBackward(s.outputs, s.gradOut, s.gradIn);
        for (std::size_t i = 0; i < s.inputs.size(); ++i) {
            const auto& src = s.inputs[i];
            if (src.slot < 0 || src.delayed || s.gradIn[i].size() == 0) continue;
            Matrix& target = slots_[src.slot]->gradOut[src.port];
            if (target.size() == 0) target = s.gradIn[i];
            else target += s.gradIn[i];
        }
    }
}

void Engine::fail(const std::string& what) {
    error_ = (current_.empty() ? std::string("engine") : "node '" + current_ + "'") + " failed: " + what +
             " — the engine stopped; fix the node and reset";
}

bool Engine::step() {
    if (!built_ || !error_.empty()) return false;
    try {
        return stepUnchecked();
    } catch (const std::exception& e) {  // a kernel threw: report it by node, never take the thread down
        fail(e.what());
        return false;
    }
}

bool Engine::stepOn(const std::map<NodeId, std::vector<Matrix>>& batch) {
    if (!built_ || !error_.empty()) return false;
    for (const auto& [id, tensors] : batch) {
        const Slot* s = nullptr;
        for (const auto& sp : slots_)
            if (sp->id == id) s = sp.get();
        if (!s || s->spec->role != NodeRole::Source) {
            error_ = "stepOn: node " + (s ? "'" + s->name + "' is not a data source" : std::to_string(id) + " does not exist");
            return false;
        }
        if (tensors.size() != s->outputs.size()) {
            error_ = "stepOn: data source '" + s->name + "' has " + std::to_string(s->outputs.size()) + " outputs, " +
                     std::to_string(tensors.size()) + " tensors were given";
            return false;
        }
    }
    supplied_ = &batch;
    bool ok = false;
    try {
        ok = stepUnchecked(false);
    } catch (const std::exception& e) {
        fail(e.what());
    }
    supplied_ = nullptr;
    return ok;
}

bool Engine::stepUnchecked(bool evaluateAfter) {
    for (auto& o : optimizers_) o->zeroGrad();
    runForward(Phase::Train);
    for (auto& s : slots_) {
        if (s->spec->role != NodeRole::Loss) continue;
        double l = s->kernel->loss();
        if (!std::isfinite(l)) {
            std::ostringstream os;
            os << "node '" << s->name << "': the loss became " << l << " at step " << step_ + 1
               << " — the model diverged (try a smaller learning rate), reset to continue";
            error_ = os.str();
            return false;
        }
    }
    // A loss fed by a source whose batch may not supervise (a test-time stream) takes no step.
    std::vector<bool> supervised(optimizers_.size(), true);
    bool anySupervised = false;
    for (std::size_t k = 0; k < optimizers_.size(); ++k) {
        for (int j : optimizerSources_[k]) supervised[k] = supervised[k] && slots_[j]->kernel->supervises();
        anySupervised = anySupervised || supervised[k];
    }
    if (anySupervised) {
        runBackward();
        trainLocalRules(supervised);
        for (std::size_t k = 0; k < optimizers_.size(); ++k)
            if (supervised[k] && continual_[k])
                continual_[k]->beforeUpdate(slots_[std::size_t(taskSlot_[k])]->kernel->task());
        for (std::size_t k = 0; k < optimizers_.size(); ++k)
            if (supervised[k] && optimizers_[k]->config().kind != "lbfgs")
                optimizers_[k]->step(slots_[lossSlot_[k]]->kernel->rateScale());
        for (std::size_t k = 0; k < optimizers_.size(); ++k)
            if (supervised[k] && optimizers_[k]->config().kind == "lbfgs") runLbfgs(k);
        for (std::size_t k = 0; k < continual_.size(); ++k)
            if (supervised[k] && continual_[k]) continual_[k]->afterUpdate();
    }
    for (auto& s : slots_)
        if (s->feedsDelayed) s->previous = s->outputs;
    ++step_;
    if (evaluateAfter && opt_.evalEvery > 0 && step_ % std::uint64_t(opt_.evalEvery) == 0 && !optimizers_.empty())
        evaluate();
    return true;
}

void Engine::runLbfgs(std::size_t k) {
    if (!lbfgs_[k]) lbfgs_[k] = std::make_unique<Lbfgs>(optimizers_[k]->parameters(), LbfgsConfig{});
    Kernel* loss = slots_[lossSlot_[k]]->kernel.get();
    // The closure re-evaluates the whole graph below the data sources on this step's batch.
    lbfgs_[k]->step([&] {
        optimizers_[k]->zeroGrad();
        runForward(Phase::Train, true);
        runBackward();
        double objective = loss->loss();
        for (int j : optimizerSlots_[k]) objective += slots_[j]->kernel->penalty();
        return objective;
    });
    for (const auto& p : optimizers_[k]->parameters())
        if (p.project) p.project(*p.value, p.user);
}

void Engine::evaluate() {
    if (!built_ || !error_.empty()) return;
    try {
        runForward(Phase::Test);
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

void Engine::reset() {
    if (!built_) return;
    error_.clear();
    step_ = 0;
    createKernels();
    if (!error_.empty()) built_ = false;
    else countCosts();
}

bool Engine::setParam(NodeId id, const std::string& name, const ParamValue& v) {
    for (auto& s : slots_) {
        if (s->id != id) continue;
        const ParamSpec* ps = s->spec->param(name);
        if (!ps || !ps->live || ps->check(v)) return false;
        s->params.set(name, *ps->coerce(v));
        graph_.setParam(id, name, v);
        s->kernel->setParams(s->params);
        if (s->spec->role == NodeRole::Loss) {
            int k = 0;
            for (auto& o : slots_) {
                if (o->spec->role != NodeRole::Loss) continue;
                if (o.get() == s.get()) {
                    optimizers_[k]->configure(OptimizerConfig::fromParams(s->params));
                    if (continual_[k]) continual_[k]->configure(ContinualConfig::fromParams(s->params));
                    if (forwardForward_[k]) forwardForward_[k]->configure(ForwardForwardConfig::fromParams(s->params));
                    if (counterCurrent_[k])
                        counterCurrent_[k]->setFeedbackOptimizer(OptimizerConfig::fromParams(s->params), cclFeedbackRate(s->params));
                    lbfgs_[k].reset();  // its curvature history belongs to the previous run of updates
                }
                ++k;
            }
        }
        return true;
    }
    return false;
}

double Engine::progress() const {
    if (!built_) return -1.0;
    double least = opt_.stopAt > 0 ? double(step_) / double(opt_.stopAt) : -1.0;
    for (const auto& s : slots_) {
        const double p = s->kernel->progress();
        if (p >= 0 && (least < 0 || p < least)) least = p;
    }
    return least;
}

SnapshotPtr Engine::makeSnapshot(MetricHistory* history) {
    auto snap = std::make_shared<Snapshot>();
    snap->step = step_;
    snap->simTime = simTime();
    snap->buildId = buildId_;
    snap->progress = progress();
    if (!built_) return snap;
    bool grid = false;
    for (auto& s : slots_) grid = grid || s->kernel->supportsGrid();
    if (grid && !optimizers_.empty() && error_.empty()) {
        try {
            runForward(Phase::Grid);
        } catch (const std::exception& e) {
            fail(e.what());
        }
    }
    countCosts();
    snap->cost = cost_;
    snap->nodes.reserve(slots_.size());
    for (auto& s : slots_) {
        NodeSnapshot n;
        n.cost = s->cost;
        n.id = s->id;
        n.name = s->name;
        n.type = s->spec->type;
        try {
            s->kernel->observe(n.obs);
        } catch (const std::exception& e) {
            n.obs = {};
            if (error_.empty()) {
                current_ = s->name;
                fail(e.what());
            }
        }
        publishThroughTime(*s->spec, s->outShapes, s->outputs, n.obs);
        if (const int k = lossIndex(*s); k >= 0 && continual_[std::size_t(k)])
            n.obs.scalars["hebbian_components"] = continual_[std::size_t(k)]->components();
        if (const int k = lossIndex(*s); k >= 0 && forwardForward_[std::size_t(k)] && forwardForward_[std::size_t(k)]->localLoss() >= 0)
            n.obs.scalars["ff_loss"] = forwardForward_[std::size_t(k)]->localLoss();
        if (const int k = lossIndex(*s); k >= 0 && counterCurrent_[std::size_t(k)] && counterCurrent_[std::size_t(k)]->localLoss() >= 0)
            n.obs.scalars["ccl_loss"] = counterCurrent_[std::size_t(k)]->localLoss();
        if (history)
            for (const auto& [k, v] : n.obs.scalars)
                if (std::isfinite(v)) history->append(s->name + "/" + k, step_, v);
        snap->nodes.push_back(std::move(n));
    }
    return snap;
}

std::map<std::string, double> Engine::scalars() const {
    std::map<std::string, double> out;
    for (auto& s : slots_) {
        Observables o;
        s->kernel->observe(o);
        for (const auto& [k, v] : o.scalars) out[s->name + "/" + k] = v;
    }
    return out;
}

}  // namespace ganglion
