#include "core/engine/continual.h"

#include <stdexcept>

namespace ganglion {

ContinualConfig ContinualConfig::fromParams(const ParamSet& p) {
    ContinualConfig c;
    if (p.has("continual")) c.hebbianProjection = p.getString("continual") == "hebbian_projection";
    if (p.has("subspace_per_task")) c.perTask = int(p.getInt("subspace_per_task"));
    if (p.has("hebbian_rate")) c.hebbianRate = p.getFloat("hebbian_rate");
    return c;
}

HebbianProjection::HebbianProjection(std::vector<Layer> layers, const ContinualConfig& cfg, std::uint64_t seed)
    : layers_(std::move(layers)), cfg_(cfg) {
    learners_.resize(layers_.size());
    w0_.resize(layers_.size());
    b0_.resize(layers_.size());
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Layer& l = layers_[i];
        const int n = int(l.weight->cols()) + (l.bias ? 1 : 0);
        learners_[i].reset(n, cfg.perTask, seed + 0x9e3779b97f4a7c15ull * (i + 1));
    }
}

void HebbianProjection::configure(const ContinualConfig& cfg) { cfg_.hebbianRate = cfg.hebbianRate; }

const Matrix& HebbianProjection::augmentedInput(std::size_t i) {
    const Layer& l = layers_[i];
    const Matrix& in = l.input->tensor;
    const Eigen::Index n = l.weight->cols();
    // A sequence is time-major ((T·n) x batch): bit for bit n x (T·batch), one column per step.
    if (in.size() % n != 0 || in.rows() % n != 0)
        throw std::runtime_error("Hebbian projection: the input of '" + l.name + "' has " + std::to_string(in.rows()) +
                                 " rows, not a multiple of the weight's " + std::to_string(n) + " columns");
    const Eigen::Map<const Matrix> x(in.data(), n, in.size() / n);
    x_.resize(n + (l.bias ? 1 : 0), x.cols());
    x_.topRows(n) = x;
    if (l.bias) x_.row(n).setOnes();
    return x_;
}

void HebbianProjection::beforeUpdate(int task) {
    if (task != task_) {
        if (task_ >= 0)
            for (auto& learner : learners_) learner.consolidate();
        task_ = task;
    }
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        learners_[i].learn(augmentedInput(i), float(cfg_.hebbianRate));
        w0_[i] = *layers_[i].weight;
        if (layers_[i].bias) b0_[i] = *layers_[i].bias;
    }
}

void HebbianProjection::afterUpdate() {
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        if (learners_[i].basis().rows() == 0) continue;
        Matrix& w = *layers_[i].weight;
        Matrix* b = layers_[i].bias;
        const Eigen::Index n = w.cols();
        delta_.resize(w.rows(), n + (b ? 1 : 0));
        delta_.leftCols(n) = w - w0_[i];
        if (b) delta_.col(n) = *b - b0_[i];
        learners_[i].project(delta_);
        w = w0_[i] + delta_.leftCols(n);
        if (b) *b = b0_[i] + delta_.col(n);
    }
}

int HebbianProjection::components() const {
    int k = 0;
    for (const auto& l : learners_) k += int(l.basis().rows());
    return k;
}

KernelState HebbianProjection::saveState() const {
    KernelState out;
    out["hebbian/task"] = Matrix::Constant(1, 1, float(task_));
    for (std::size_t i = 0; i < layers_.size(); ++i) learners_[i].save(out, "hebbian/" + layers_[i].name + "/");
    return out;
}

void HebbianProjection::loadState(const KernelState& state) {
    if (!state.count("hebbian/task")) return;  // saved without the rule: start afresh
    const Matrix& task = checkedEntry(state, "Hebbian projection", "hebbian/task", 1, 1);
    if (!(task(0, 0) >= -1.f) || task(0, 0) != float(int(task(0, 0))))
        throw std::runtime_error("Hebbian projection state: 'hebbian/task' is not a task index");
    // Load into copies first: a throw leaves every learner as it was.
    std::vector<HebbianSubspace> loaded = learners_;
    for (std::size_t i = 0; i < layers_.size(); ++i)
        loaded[i].load(state, "hebbian/" + layers_[i].name + "/", "Hebbian projection");
    learners_ = std::move(loaded);
    task_ = int(task(0, 0));
}

}  // namespace ganglion
