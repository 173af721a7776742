// Engine: the layer-local training rules of a loss node — forward-forward
// (core/engine/forward_forward.h) and counter-current learning (core/engine/counter_current.h):
// which layers they train, what they refuse, and their step.
#include "core/engine/continual.h"
#include "core/engine/counter_current.h"
#include "core/engine/engine.h"
#include "core/engine/engine_slot.h"
#include "core/engine/forward_forward.h"
#include "core/engine/optimizer.h"

#include <algorithm>

namespace ganglion {

namespace {
/// Does the kernel's every parameter belong to its single linear map (a Dense layer)?
bool isLinearLayer(Kernel& k) {
    const auto maps = k.linearMaps();
    if (maps.size() != 1) return false;
    for (const auto& p : k.parameters())
        if (p.value != maps[0].weight && p.value != maps[0].bias) return false;
    return true;
}
}  // namespace

/// The chain of layers from the data to loss k that a layer-local rule trains.
struct Engine::LocalChain {
    std::vector<ForwardForward::Layer> layers;
    std::vector<std::vector<int>> layerSlots;  ///< the slots of each layer, its Dense first
    int data = -1;                             ///< the data source's slot
    const Value* input = nullptr;              ///< what the first layer reads
    const Value* labels = nullptr;
    Shape inShape;
    int classes = 0;
};

bool Engine::localChain(std::size_t k, const std::string& rule, LocalChain& out) {
    Slot& loss = *slots_[lossSlot_[k]];
    const std::string where = "node '" + loss.name + "' parameter 'rule': " + rule + " ";
    auto refuse = [&](const std::string& why) {
        error_ = where + why;
        return false;
    };
    if (loss.params.has("loss") && loss.params.getString("loss") != "cross_entropy")
        return refuse("trains classifiers: it needs loss = cross_entropy");
    if (optimizers_[k]->config().kind == "lbfgs")
        return refuse("takes a first-order optimiser (adam, sgd, eg, classp), not lbfgs");
    if (ContinualConfig::fromParams(loss.params).hebbianProjection) return refuse("cannot be combined with a continual-learning rule (set continual = none)");
    const Slot::Source pred = loss.inputs[0], target = loss.inputs[1];
    if (pred.slot < 0 || target.slot < 0) return refuse("needs the loss's pred and target connected");
    // Walk from the prediction back to the data: one chain of layers, each input single.
    std::vector<int> chain;
    int j = pred.slot;
    while (slots_[std::size_t(j)]->kernel->differentiable()) {
        Slot& s = *slots_[std::size_t(j)];
        const auto connected = std::count_if(s.inputs.begin(), s.inputs.end(), [](const Slot::Source& i) { return i.slot >= 0; });
        if (connected != 1 || s.inputs[0].slot < 0 || s.inputs[0].delayed)
            return refuse("needs one chain of layers from the data to the loss; node '" + s.name + "' has " +
                          std::to_string(connected) + " connected inputs");
        if (!s.kernel->parameters().empty() && !isLinearLayer(*s.kernel))
            return refuse("trains Dense layers only (a weight acting on one input, and a bias); node '" + s.name +
                          "' (" + s.spec->type + ") has other trainable parameters — train it with rule = backprop");
        chain.push_back(j);
        j = s.inputs[0].slot;
    }
    std::reverse(chain.begin(), chain.end());
    for (int c : chain) {
        Slot& s = *slots_[std::size_t(c)];
        if (!s.kernel->parameters().empty()) {
            out.layers.push_back({{}, s.name});
            out.layerSlots.emplace_back();
        } else if (out.layers.empty()) {
            return refuse("needs a Dense layer first after the data; node '" + s.name + "' comes before it");
        }
        out.layers.back().kernels.push_back(s.kernel.get());
        out.layerSlots.back().push_back(c);
    }
    if (out.layers.empty()) return refuse("finds no Dense layer between the data and the loss");
    for (int u : optimizerSlots_[k])
        if (!slots_[std::size_t(u)]->kernel->parameters().empty() && std::find(chain.begin(), chain.end(), u) == chain.end())
            return refuse("trains the chain of layers before the loss only; node '" + slots_[std::size_t(u)]->name +
                          "' has trainable parameters outside it");
    Slot& data = *slots_[std::size_t(j)];
    const int port = slots_[std::size_t(chain.front())]->inputs[0].port;
    out.data = j;
    out.inShape = data.outShapes[std::size_t(port)];
    out.classes = slots_[std::size_t(pred.slot)]->outShapes[std::size_t(pred.port)].features;
    if (out.inShape.steps > 0) return refuse("takes one vector per sample, not a sequence (node '" + data.name + "')");
    out.input = &data.outputs[std::size_t(port)];
    out.labels = &slots_[std::size_t(target.slot)]->outputs[std::size_t(target.port)];
    return true;
}

bool Engine::addForwardForward(std::size_t k) {
    forwardForward_.emplace_back();
    Slot& loss = *slots_[lossSlot_[k]];
    const ForwardForwardConfig cfg = ForwardForwardConfig::fromParams(loss.params);
    if (!cfg.on) return true;
    LocalChain c;
    if (!localChain(k, "forward_forward", c)) return false;
    if (c.inShape.features <= c.classes) {
        error_ = "node '" + loss.name + "' parameter 'rule': forward_forward writes the label over the first " +
                 std::to_string(c.classes) + " input features, but node '" + slots_[std::size_t(c.data)]->name +
                 "' gives only " + std::to_string(c.inShape.features);
        return false;
    }
    loss.wantsGradIn[0] = false;  // no back-propagation from this loss
    slots_[std::size_t(loss.inputs[0].slot)]->ffScores = int(k);
    forwardForward_.back() = std::make_unique<ForwardForward>(std::move(c.layers), c.input, c.labels, c.classes, cfg, loss.rng());
    return true;
}

bool Engine::addCounterCurrent(std::size_t k) {
    counterCurrent_.emplace_back();
    Slot& loss = *slots_[lossSlot_[k]];
    if (!loss.params.has("rule") || loss.params.getString("rule") != "counter_current") return true;
    LocalChain c;
    if (!localChain(k, "counter_current", c)) return false;
    // the feedback network's own copies of each layer's activations (all but the top layer's)
    std::vector<std::vector<std::unique_ptr<Kernel>>> acts(c.layers.size() - 1);
    for (std::size_t l = 0; l < c.layerSlots.size(); ++l) {
        const auto& ls = c.layerSlots[l];
        const int units = slots_[std::size_t(ls.front())]->outShapes[0].features;
        const Slot& last = *slots_[std::size_t(ls.back())];
        if (last.outShapes[0].features != units) {
            error_ = "node '" + loss.name + "' parameter 'rule': counter_current pairs each layer with a feedback layer of "
                     "its width; node '" + last.name + "' changes the width of layer '" + c.layers[l].name + "' from " +
                     std::to_string(units) + " to " + std::to_string(last.outShapes[0].features);
            return false;
        }
        for (std::size_t i = 1; l + 1 < c.layerSlots.size() && i < ls.size(); ++i) {
            const Slot& s = *slots_[std::size_t(ls[i])];
            acts[l].push_back(s.spec->create());
            Rng rng(loss.rng());
            BuildContext bc{s.params, {Shape::tensor(units)}, rng, s.name + " (feedback)", opt_.dt, opt_.gridSize};
            acts[l].back()->build(bc);
        }
    }
    loss.wantsGradIn[0] = false;  // no back-propagation from this loss
    counterCurrent_.back() = std::make_unique<CounterCurrent>(std::move(c.layers), std::move(acts), c.input, c.labels, loss.rng());
    counterCurrent_.back()->setFeedbackOptimizer(OptimizerConfig::fromParams(loss.params), cclFeedbackRate(loss.params), loss.rng());
    return true;
}

void Engine::trainLocalRules(const std::vector<bool>& supervised) {
    for (std::size_t k = 0; k < lossSlot_.size(); ++k) {
        if (!supervised[k] || (!forwardForward_[k] && !counterCurrent_[k])) continue;
        Slot& loss = *slots_[lossSlot_[k]];
        StepContext ctx;
        ctx.step = step_;
        ctx.dt = opt_.dt;
        ctx.rng = &loss.rng;
        current_ = loss.name;
        if (forwardForward_[k]) forwardForward_[k]->train(ctx, step_);
        else counterCurrent_[k]->train(ctx);
    }
}

const ForwardForward* Engine::forwardForward(NodeId lossId) const {
    for (std::size_t k = 0; k < lossSlot_.size(); ++k)
        if (slots_[lossSlot_[k]]->id == lossId) return forwardForward_[k].get();
    return nullptr;
}

const CounterCurrent* Engine::counterCurrent(NodeId lossId) const {
    for (std::size_t k = 0; k < lossSlot_.size(); ++k)
        if (slots_[lossSlot_[k]]->id == lossId) return counterCurrent_[k].get();
    return nullptr;
}

}  // namespace ganglion
