// Continual-learning training rules a Loss node can switch on beside its optimiser
// (parameter `continual`). "hebbian_projection" is HLOP (Xiao et al., ICLR 2024): every layer the
// loss trains whose weight acts linearly on an input (Kernel::linearMaps: Dense, LIFLayer) gets a
// HebbianSubspace learner (core/engine/hebbian_subspace.h) fed with that layer's presynaptic
// activity on every training batch — the input augmented by a constant 1 when the layer has a bias,
// so the bias is protected like a weight. When the task stream upstream (a Kernel::task() source)
// moves to a new task, each learner consolidates what it extracted of the finished task. After the
// optimiser's step the whole update of [W b] is projected orthogonally to the consolidated
// subspace, ΔW ← ΔW (I − BᵀB), whatever the optimiser (Adam's per-weight scaling included): the
// layer's responses to the inputs of past tasks stay as they were, up to what the k components
// per task leave out. The paper runs its Hebbian phase after each task on the task's data; here
// it runs alongside the task on the same batches, so the subspace is ready at the switch.
#pragma once

#include "core/engine/hebbian_subspace.h"
#include "core/model/kernel.h"

#include <string>
#include <vector>

namespace ganglion {

struct ContinualConfig {
    bool hebbianProjection = false;  ///< continual = "hebbian_projection" (else "none")
    int perTask = 20;                ///< subspace_per_task: lateral neurons added per task and layer
    double hebbianRate = 0.15;       ///< hebbian_rate: η of the lateral weights' Oja rule
    static ContinualConfig fromParams(const ParamSet& p);  ///< missing keys keep defaults
};

class HebbianProjection {
public:
    struct Layer {
        std::string name;              ///< "<node>.<weight>" (state keys)
        Matrix* weight = nullptr;      ///< outputs x n
        Matrix* bias = nullptr;        ///< outputs x 1 or null
        const Value* input = nullptr;  ///< the presynaptic activity (n rows per step)
    };
    HebbianProjection(std::vector<Layer> layers, const ContinualConfig& cfg, std::uint64_t seed);
    void configure(const ContinualConfig& cfg);  ///< the rate (live); the subspace size needs a rebuild

    /// Before the optimiser's step of a training step whose batch belongs to `task`: consolidates
    /// every learner when the task changed, runs one Hebbian step on each layer's input and keeps
    /// the weights to project the coming update.
    void beforeUpdate(int task);
    /// After the optimiser's step: each layer's update projected out of its learnt subspace.
    void afterUpdate();

    int layers() const { return int(layers_.size()); }
    const HebbianSubspace& learner(int i) const { return learners_[std::size_t(i)]; }
    const std::string& layerName(int i) const { return layers_[std::size_t(i)].name; }
    /// Consolidated components summed over the layers.
    int components() const;

    /// Keys "hebbian/task" and "hebbian/<layer>/{basis,current,power,rng}".
    KernelState saveState() const;
    /// Entries absent (a state saved without the rule) leave the learners fresh; a malformed entry
    /// throws std::runtime_error naming it, nothing changed.
    void loadState(const KernelState& state);

private:
    const Matrix& augmentedInput(std::size_t i);
    std::vector<Layer> layers_;
    std::vector<HebbianSubspace> learners_;
    ContinualConfig cfg_;
    int task_ = -1;
    std::vector<Matrix> w0_, b0_;
    Matrix x_, delta_;
};

}  // namespace ganglion
