// Engine: learned state (save, load, optimiser restart), per-node outputs and kernels, and the
// cost count; the stepping itself is in engine.cpp.
#include "core/engine/continual.h"
#include "core/engine/counter_current.h"
#include "core/engine/engine.h"
#include "core/engine/engine_slot.h"
#include "core/engine/lbfgs.h"
#include "core/engine/optimizer.h"

#include <algorithm>

namespace ganglion {

void Engine::restartOptimizers() {
    for (auto& o : optimizers_) o->restart();
    for (auto& l : lbfgs_) l.reset();  // created again, without history, at the next L-BFGS step
}

const Value* Engine::output(NodeId id, int port) const {
    for (const auto& s : slots_)
        if (s->id == id) return port >= 0 && std::size_t(port) < s->outputs.size() ? &s->outputs[std::size_t(port)] : nullptr;
    return nullptr;
}

void Engine::countCosts() {
    cost_ = {};
    for (auto& sp : slots_) {
        auto& s = *sp;
        NodeCost c = s.kernel->cost();
        if (!c.counted) {
            c = {};
            for (const auto& p : s.kernel->parameters()) c.params += double(p.value->size());
            // A data source without parameters does no model compute: nothing to count.
            c.counted = s.spec->role == NodeRole::Source && c.params == 0;
        }
        if (s.perStep.active()) {  // the kernel counted one step; it runs on every step
            const double T = s.perStep.steps();
            c.forwardMacs *= T;
            c.trainMacs *= T;
            c.cacheBytes *= T;
        }
        double outBytes = 0;
        for (const Shape& sh : s.outShapes) outBytes += double(sizeof(float)) * std::max(sh.rows(), 0);
        c.forwardBytes = outBytes;
        const bool trains = !optimizers_.empty() && s.reachesLoss &&
                            (s.spec->role == NodeRole::Loss || s.kernel->differentiable());
        if (trains) {
            c.trainBytes = 2 * outBytes + c.cacheBytes;  // outputs, their gradients, backward caches
        } else {
            c.trainMacs = c.forwardMacs;
            c.trainBytes = outBytes;
            c.cacheBytes = 0;
        }
        s.cost = c;
        cost_.total += c;
        if (!c.counted) ++cost_.uncountedNodes;
    }
    cost_.total.counted = true;  // the sum over the nodes that counted; uncountedNodes says how many did not
}

NodeCost Engine::nodeCost(NodeId id) const {
    for (const auto& s : slots_)
        if (s->id == id) return s->cost;
    return {};
}

std::map<std::string, NodeCost> Engine::nodeCosts() const {
    std::map<std::string, NodeCost> out;
    for (const auto& s : slots_) out[s->name] = s->cost;
    return out;
}

Kernel* Engine::kernel(NodeId id) const {
    for (auto& s : slots_)
        if (s->id == id) return s->kernel.get();
    return nullptr;
}

std::map<std::string, KernelState> Engine::saveState() const {
    std::map<std::string, KernelState> out;
    for (auto& s : slots_) {
        auto st = s->kernel->saveState();
        if (const Optimizer* o = optimizerOf(*s)) st.merge(o->saveState());
        if (const int k = lossIndex(*s); k >= 0 && continual_[std::size_t(k)]) st.merge(continual_[std::size_t(k)]->saveState());
        if (const int k = lossIndex(*s); k >= 0 && counterCurrent_[std::size_t(k)]) st.merge(counterCurrent_[std::size_t(k)]->saveState());
        if (!st.empty()) out[s->name] = std::move(st);
    }
    return out;
}

int Engine::lossIndex(const Slot& s) const {
    for (std::size_t k = 0; k < lossSlot_.size(); ++k)
        if (slots_[lossSlot_[k]].get() == &s) return int(k);
    return -1;
}

Optimizer* Engine::optimizerOf(const Slot& s) const {
    const int k = lossIndex(s);
    return k < 0 ? nullptr : optimizers_[std::size_t(k)].get();
}

void Engine::loadState(const std::map<std::string, KernelState>& state) {
    for (auto& s : slots_) {
        auto it = state.find(s->name);
        if (it == state.end()) continue;
        s->kernel->loadState(it->second);
        if (Optimizer* o = optimizerOf(*s)) o->loadState(it->second);
        if (const int k = lossIndex(*s); k >= 0 && continual_[std::size_t(k)]) continual_[std::size_t(k)]->loadState(it->second);
        if (const int k = lossIndex(*s); k >= 0 && counterCurrent_[std::size_t(k)]) counterCurrent_[std::size_t(k)]->loadState(it->second);
    }
}

}  // namespace ganglion
