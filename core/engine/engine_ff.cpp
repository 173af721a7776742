// Engine: the forward-forward training rule of a loss node (core/engine/forward_forward.h) — which
// layers it trains, what it refuses, and its step.
#include "core/engine/continual.h"
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

bool Engine::addForwardForward(std::size_t k) {
    forwardForward_.emplace_back();
    Slot& loss = *slots_[lossSlot_[k]];
    const ForwardForwardConfig cfg = ForwardForwardConfig::fromParams(loss.params);
    if (!cfg.on) return true;
    const std::string where = "node '" + loss.name + "' parameter 'rule': forward_forward ";
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
    std::vector<ForwardForward::Layer> layers;
    for (int c : chain) {
        Slot& s = *slots_[std::size_t(c)];
        if (!s.kernel->parameters().empty()) layers.push_back({{}, s.name});
        else if (layers.empty())
            return refuse("needs a Dense layer first after the data; node '" + s.name + "' comes before it");
        layers.back().kernels.push_back(s.kernel.get());
    }
    if (layers.empty()) return refuse("finds no Dense layer between the data and the loss");
    for (int u : optimizerSlots_[k])
        if (!slots_[std::size_t(u)]->kernel->parameters().empty() && std::find(chain.begin(), chain.end(), u) == chain.end())
            return refuse("trains the chain of layers before the loss only; node '" + slots_[std::size_t(u)]->name +
                          "' has trainable parameters outside it");
    Slot& data = *slots_[std::size_t(j)];
    const Shape& xs = data.outShapes[std::size_t(slots_[std::size_t(chain.front())]->inputs[0].port)];
    const int classes = slots_[std::size_t(pred.slot)]->outShapes[std::size_t(pred.port)].features;
    if (xs.steps > 0) return refuse("takes one vector per sample, not a sequence (node '" + data.name + "')");
    if (xs.features <= classes)
        return refuse("writes the label over the first " + std::to_string(classes) + " input features, but node '" +
                      data.name + "' gives only " + std::to_string(xs.features));
    loss.wantsGradIn[0] = false;  // no back-propagation from this loss
    slots_[std::size_t(pred.slot)]->ffScores = int(k);
    const Value* input = &data.outputs[std::size_t(slots_[std::size_t(chain.front())]->inputs[0].port)];
    const Value* labels = &slots_[std::size_t(target.slot)]->outputs[std::size_t(target.port)];
    forwardForward_.back() = std::make_unique<ForwardForward>(std::move(layers), input, labels, classes, cfg, loss.rng());
    return true;
}

void Engine::trainForwardForward(const std::vector<bool>& supervised) {
    for (std::size_t k = 0; k < forwardForward_.size(); ++k) {
        if (!supervised[k] || !forwardForward_[k]) continue;
        Slot& loss = *slots_[lossSlot_[k]];
        StepContext ctx;
        ctx.step = step_;
        ctx.dt = opt_.dt;
        ctx.rng = &loss.rng;
        current_ = loss.name;
        forwardForward_[k]->train(ctx, step_);
    }
}

const ForwardForward* Engine::forwardForward(NodeId lossId) const {
    for (std::size_t k = 0; k < lossSlot_.size(); ++k)
        if (slots_[lossSlot_[k]]->id == lossId) return forwardForward_[k].get();
    return nullptr;
}

}  // namespace ganglion
