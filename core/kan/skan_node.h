// The SKanLayer node: a Selection KAN layer (kan::SelectLayer, S-KAN) as an engine kernel. Every
// output node mixes candidate bases by annealed softmax weights and settles on one; it publishes
// the choice per node ("choice", "choice_probability", "probabilities") and the same "kan"
// samples as KanLayer (mixed edges, with the candidates and choices filled in), so the KAN view
// draws its functions and colours its nodes by type.
#pragma once

#include "core/kan/kan_publish.h"
#include "core/kan/kan_select.h"
#include "core/model/node_spec.h"

#include <cstdint>

namespace ganglion {

class SKanLayerKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override { return layer_.parameters(); }
    void observe(Observables& obs) const override;
    double penalty() const override { return layer_.lastPenalty(); }
    NodeCost cost() const override { return layer_.cost(); }
    KernelState saveState() const override { return layer_.saveState(); }
    void loadState(const KernelState& s) override;

    kan::SelectLayer& layer() { return layer_; }
    const kan::SelectLayer& layer() const { return layer_; }
    const Matrix& recentInputs() const { return recent_.matrix(); }
    /// Fixes every node to its current choice; returns how many were still free.
    int freezeAll();

private:
    kan::SelectLayer layer_;
    kan::RecentInputs recent_;
    kan::ScoreCache scores_;
    ActivationThumbnail thumb_;
    std::uint64_t revision_ = 0, trainSteps_ = 0;
    /// The engine step the selection last advanced at: a line search evaluating one step several
    /// times (L-BFGS) anneals and freezes once.
    std::uint64_t advancedAt_ = ~std::uint64_t(0);
    int imageWidth_ = 0, imageHeight_ = 0;
};

NodeSpec makeSKanLayerSpec();

}  // namespace ganglion
