#include "core/nodes/concept_shift.h"

#include "core/model/node_spec.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace ganglion {

std::vector<int> conceptShiftMap(int classes, int moved, std::uint64_t seed, int shifts) {
    std::vector<int> map(std::size_t(std::max(classes, 0)));
    std::iota(map.begin(), map.end(), 0);
    const int k = moved <= 0 || moved > classes ? classes : moved;
    if (k < 2) return map;
    std::vector<int> order(map.size()), cycle(map.size());
    for (int s = 0; s < shifts; ++s) {
        std::seed_seq seq{std::uint32_t(seed), std::uint32_t(seed >> 32), std::uint32_t(s), 0xc0cecu};
        std::mt19937_64 rng(seq);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        std::iota(cycle.begin(), cycle.end(), 0);
        for (int i = 0; i < k; ++i) cycle[std::size_t(order[std::size_t(i)])] = order[std::size_t((i + 1) % k)];
        for (int& m : map) m = cycle[std::size_t(m)];  // the new shift acts on the labels in force
    }
    return map;
}

namespace {

class ConceptShiftKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& y = ctx.inputs[0];
        if (y.features != 1 || y.classes < 2)
            throw BuildError("labels", "needs class-index labels (1 row, at least 2 classes) from a data source");
        classes_ = y.classes;
        const auto& p = ctx.params;
        moved_ = int(p.getInt("classes_moved"));
        if (moved_ == 1) throw BuildError("", "classes_moved = 1: one class alone cannot change its label (use 0 or ≥ 2)");
        if (moved_ > classes_)
            throw BuildError("", "classes_moved = " + std::to_string(moved_) + " but the labels have only " +
                                     std::to_string(classes_) + " classes");
        shiftStep_ = p.getInt("shift_step");
        shiftEvery_ = p.getInt("shift_every");
        seed_ = std::uint64_t(p.getInt("seed"));
        batches_ = 0;
        shifts_ = -1;
        return {y};
    }

    /// Shifts in force for training batch number b (0-based).
    int shiftsAt(std::int64_t b) const {
        if (b < shiftStep_) return 0;
        return 1 + (shiftEvery_ > 0 ? int((b - shiftStep_) / shiftEvery_) : 0);
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        const std::int64_t b = ctx.phase == Phase::Train ? batches_++ : std::max<std::int64_t>(batches_ - 1, 0);
        if (const int s = shiftsAt(b); s != shifts_) {
            shifts_ = s;
            map_ = conceptShiftMap(classes_, moved_, seed_, s);
        }
        const Matrix& y = in[0]->tensor;
        Matrix& o = out[0].tensor;
        o.resize(y.rows(), y.cols());
        for (Eigen::Index k = 0; k < y.size(); ++k) {
            const int c = int(y(k));
            o(k) = c >= 0 && c < classes_ ? float(map_[std::size_t(c)]) : y(k);  // out of range: left for the loss to report
        }
    }

    void observe(Observables& obs) const override {
        obs.scalars["shifts"] = std::max(shifts_, 0);
        const auto map = conceptShiftMap(classes_, moved_, seed_, std::max(shifts_, 0));
        Matrix m(1, classes_);
        Matrix onehot = Matrix::Zero(classes_, classes_);  // the thumbnail: row = label now, column = original class
        for (int c = 0; c < classes_; ++c) {
            m(0, c) = float(map[std::size_t(c)]);
            onehot(map[std::size_t(c)], c) = 1.f;
        }
        obs.arrays["label_map"] = m;
        obs.arrays["activations"] = onehot;
    }

    KernelState saveState() const override { return {{"batches", seedState(std::uint64_t(batches_))}}; }
    void loadState(const KernelState& s) override {
        auto it = s.find("batches");
        if (it == s.end()) return;  // a model saved before the node existed: the stream starts afresh
        batches_ = std::int64_t(seedFromState(it->second, "ConceptShift batches"));
        shifts_ = -1;
    }

private:
    int classes_ = 0, moved_ = 0, shifts_ = -1;
    std::int64_t shiftStep_ = 0, shiftEvery_ = 0, batches_ = 0;
    std::uint64_t seed_ = 0;
    std::vector<int> map_;
};

}  // namespace

NodeSpec makeConceptShiftSpec() {
    NodeSpec s;
    s.type = "ConceptShift";
    s.title = "Concept shift";
    s.category = "Data";
    s.observables = {"shifts", "label_map", "activations"};
    s.help = "Concept shift: the labels of a data source change meaning while the model learns. Labels pass "
             "through unchanged until training batch shift_step; from then on they are permuted (a fixed "
             "random permutation drawn from the seed), and with shift_every > 0 permuted again every "
             "shift_every batches. Each shift moves classes_moved classes along a cycle (0: all classes), so "
             "each moved class really gets another label. Test evaluations see the permutation in force. "
             "Publishes 'shifts' (how many happened) and 'label_map' (the label each original class now has); the "
             "canvas draws the permutation (column: original class, row: its label now).";
    s.reference = "Man, Damasio & Neven, \"Need is all you need: homeostatic neural networks adapt to concept "
                  "shift\", arXiv:2205.08645, 2022";
    s.inputs = {{"labels", PortType::Tensor, "class indices (1 x batch)"}};
    s.outputs = {{"labels", PortType::Tensor, "the class indices under the permutation in force"}};
    s.params = {
        intParam("shift_step", 500, 0, 100000000, "Training batch (0-based) from which the labels are permuted."),
        intParam("shift_every", 0, 0, 100000000, "Batches between further shifts after the first (0: one shift only)."),
        intParam("classes_moved", 0, 0, 1000,
                 "Classes each shift moves along one cycle (2: two classes swap labels); 0: every class."),
        intParam("seed", 0, 0, 1000000000, "Seed of the permutations."),
    };
    s.create = [] { return std::make_unique<ConceptShiftKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{{"shift_step", std::int64_t(1)}}, {Shape::labels(3)}}; };
    return s;
}

}  // namespace ganglion
