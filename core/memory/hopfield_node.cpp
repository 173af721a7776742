// HopfieldNetwork: stores the patterns it is given by the Hebbian rule (again whenever they
// change, e.g. a live dilution edit) and relaxes from each new cue by Glauber dynamics, a few
// neuron updates per step so recall can be watched. Publishes the Mattis overlap of every stored
// pattern, the energy, the retrieval accuracy and the state as an image (see hopfield.h).
#include "core/memory/hopfield.h"
#include "core/memory/patterns.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

namespace ganglion {

namespace {

constexpr int kOverlapScalars = 16;  ///< overlaps also published as scalars (curves) for K up to this

template <class A, class B>
bool differs(const A& a, const B& b) {
    return a.rows() != b.rows() || a.cols() != b.cols() || (a.array() != b.array()).any();
}

class HopfieldKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& p = ctx.inputs[0];
        if (p.features <= 0) throw BuildError("patterns", "pattern width is unknown (connect a pattern source)");
        n_ = p.features;
        if (ctx.inputs.size() > 1 && ctx.inputs[1].features > 0 && ctx.inputs[1].features != n_)
            throw BuildError("cue", "the cue has " + std::to_string(ctx.inputs[1].features) + " entries but the patterns " +
                                        std::to_string(n_) + " (one per neuron)");
        width_ = p.width;
        height_ = p.height;
        if (width_ <= 0 || height_ <= 0 || width_ * height_ < n_) memory::squareLayout(n_, width_, height_);
        setParams(ctx.params);
        Shape s = Shape::tensor(n_);
        s.width = width_;
        s.height = height_;
        return {s, Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        sync_ = p.getString("update") == "synchronous";
        temperature_ = p.getFloat("temperature");
        sweepsPerStep_ = p.getFloat("sweeps_per_step");
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        Rng& rng = ctx.rng ? *ctx.rng : own_;
        const Matrix& P = in[0]->tensor;
        if (P.rows() != n_)
            throw std::runtime_error("patterns: " + std::to_string(P.rows()) + " entries per pattern, expected " +
                                     std::to_string(n_));
        if (ctx.learning && differs(raw_, P)) {  // Hebbian storage of what is presented
            net_.store(P);
            raw_ = P;
        }
        out[0].tensor.setZero(n_, 1);
        out[1].tensor.setZero(1, 1);
        if (net_.empty()) return;
        if (in.size() > 1 && in[1] && ctx.phase == Phase::Train) {  // an evaluation pass leaves the recall alone
            const Matrix& cueIn = in[1]->tensor;
            if (cueIn.rows() != n_ || cueIn.cols() < 1)
                throw std::runtime_error("cue: " + std::to_string(cueIn.rows()) + " entries, expected " +
                                         std::to_string(n_) + " (one per neuron)");
            const auto c = cueIn.col(0);
            if (!hasCue_ || differs(cue_, c)) {  // a new cue: start recall from it
                cue_ = c;
                hasCue_ = true;
                net_.setState(cue_, rng);
                updates_ = 0;
            }
        }
        const int k = net_.patterns();
        target_ = -1;
        if (in.size() > 2 && in[2] && in[2]->tensor.size())
            target_ = std::clamp(int(std::lround(in[2]->tensor(0))) - 1, 0, k - 1);
        if (ctx.phase == Phase::Train) {
            budget_ += sweepsPerStep_ * (sync_ ? 1.0 : double(n_));
            const long n = long(std::floor(budget_));
            budget_ -= double(n);
            if (sync_)
                for (long u = 0; u < n; ++u) net_.updateSync(temperature_, rng);
            else
                net_.updateAsync(n, temperature_, rng);
            updates_ += sync_ ? n * n_ : n;
        }
        out[0].tensor = net_.state();
        out[1].tensor(0, 0) = float(net_.overlaps()(targetOrBest()));
    }

    void observe(Observables& obs) const override {
        if (net_.empty()) return;
        const Vector m = net_.overlaps();
        const int k = int(m.size());
        obs.arrays["overlaps"] = m;
        obs.arrays["memory_state"] = net_.state();
        obs.arrays["memory_patterns"] = net_.stored();
        obs.arrays["memory_cue"] = hasCue_ ? Matrix(cue_) : Matrix::Zero(n_, 1);
        Matrix layout(2, 1);
        layout << float(width_), float(height_);
        obs.arrays["memory_layout"] = layout;
        obs.arrays["memory_target"] = Matrix::Constant(1, 1, float(targetOrBest()));  // 0-based
        obs.arrays["activations"] = memory::asImage(net_.state(), width_, height_);
        const double d = double((net_.stored().array() == 0.f).count()) / double(net_.stored().size());
        obs.arrays["overlap_prediction"] = memory::hierarchicalOverlaps(d, k);
        obs.scalars["dilution"] = d;
        // the second-strongest |m|: ≈ 0 in serial retrieval, ≈ d(1 − d) in the multitasking hierarchy
        Vector mag = m.cwiseAbs();
        std::partial_sort(mag.data(), mag.data() + std::min(2, k), mag.data() + k, std::greater<float>());
        obs.scalars["second_overlap"] = k > 1 ? double(mag(1)) : 0.0;
        obs.scalars["energy"] = net_.energy();
        obs.scalars["retrieval_accuracy"] = accuracy(targetOrBest());
        obs.scalars["sweeps"] = double(updates_) / double(n_);
        obs.scalars["converged"] = temperature_ <= 0 && net_.quietUpdates() >= n_ ? 1.0 : 0.0;
        if (k <= kOverlapScalars)
            for (int mu = 0; mu < k; ++mu) obs.scalars["overlap_" + std::to_string(mu + 1)] = m(mu);
    }

    KernelState saveState() const override {
        KernelState s;
        s["patterns"] = net_.empty() ? Matrix::Zero(n_, 0) : net_.stored();
        s["state"] = net_.empty() ? Matrix::Zero(n_, 1) : Matrix(net_.state());
        Matrix cue = Matrix::Zero(n_ + 1, 1);
        cue(0) = hasCue_ ? 1.f : 0.f;
        if (hasCue_) cue.bottomRows(n_) = cue_;
        s["cue"] = cue;
        s["sweep"] = net_.sweepState();
        s["budget"] = Matrix::Constant(1, 1, float(budget_));
        return s;
    }

    void loadState(const KernelState& state) override {
        // Every entry's shape first, then the values, all on copies: a throw leaves the kernel as it was.
        auto it = state.find("patterns");
        if (it == state.end()) throw std::runtime_error("HopfieldNetwork state: missing 'patterns'");
        const Matrix& xi = it->second;
        if (xi.rows() != n_)
            throw std::runtime_error("HopfieldNetwork state: 'patterns' has " + std::to_string(xi.rows()) +
                                     " rows, expected " + std::to_string(n_));
        const Matrix& s = checkedEntry(state, "HopfieldNetwork", "state", n_, 1);
        const Matrix& cue = checkedEntry(state, "HopfieldNetwork", "cue", n_ + 1, 1);
        const Matrix& budget = checkedEntry(state, "HopfieldNetwork", "budget", 1, 1);
        auto sw = state.find("sweep");
        if (sw == state.end()) throw std::runtime_error("HopfieldNetwork state: missing 'sweep'");
        if (sw->second.cols() != 1 || (sw->second.rows() != 1 && sw->second.rows() != n_ + 1))
            throw std::runtime_error("HopfieldNetwork state: 'sweep' has shape " + std::to_string(sw->second.rows()) +
                                     "x" + std::to_string(sw->second.cols()) + ", expected " + std::to_string(n_ + 1) +
                                     "x1");
        for (Eigen::Index i = 0; i < xi.size(); ++i)
            if (xi(i) != 0.f && xi(i) != 1.f && xi(i) != -1.f)
                throw std::runtime_error("HopfieldNetwork state: 'patterns' holds an entry other than -1, 0, +1");
        memory::HopfieldNet net;
        if (xi.cols() > 0) {
            net.store(xi);
            if ((s.array().abs() != 1.f).any())
                throw std::runtime_error("HopfieldNetwork state: 'state' holds an entry other than ±1");
            Rng unused;
            net.setState(s, unused);
            try {
                net.setSweepState(sw->second);
            } catch (const std::invalid_argument& e) {
                throw std::runtime_error(std::string("HopfieldNetwork state: 'sweep': ") + e.what());
            }
        }
        net_ = std::move(net);
        raw_ = xi;
        hasCue_ = cue(0) != 0.f;
        cue_ = hasCue_ ? Vector(cue.bottomRows(n_)) : Vector();
        budget_ = double(budget(0));
    }

private:
    int targetOrBest() const {
        if (target_ >= 0 && target_ < net_.patterns()) return target_;
        Eigen::Index best = 0;
        net_.overlaps().cwiseAbs().maxCoeff(&best);
        return int(best);
    }
    /// Fraction of the pattern's non-blank entries the state matches.
    double accuracy(int mu) const {
        const auto xi = net_.stored().col(mu);
        const auto& s = net_.state();
        long set = 0, right = 0;
        for (Eigen::Index i = 0; i < xi.size(); ++i)
            if (xi(i) != 0.f) {
                ++set;
                right += xi(i) == s(i);
            }
        return set ? double(right) / double(set) : 0.0;
    }

    memory::HopfieldNet net_;
    Matrix raw_;  ///< the patterns as last stored (to notice new ones)
    Vector cue_;
    bool hasCue_ = false;
    int n_ = 0, width_ = 0, height_ = 0, target_ = -1;
    bool sync_ = false;
    double temperature_ = 0, sweepsPerStep_ = 1, budget_ = 0;
    long long updates_ = 0;
    Rng own_{7};
};

}  // namespace

NodeSpec makeHopfieldNetworkSpec() {
    NodeSpec s;
    s.type = "HopfieldNetwork";
    s.title = "Hopfield network";
    s.category = "Memory";
    s.observables = {"overlaps", "overlap_prediction", "memory_state", "memory_cue", "memory_patterns",
                     "memory_layout", "memory_target", "activations", "energy", "retrieval_accuracy", "second_overlap",
                     "overlap_*"};
    s.help = "Associative memory of ±1 neurons: stores the incoming patterns ξ by the Hebbian rule "
             "J = (1/N) Σ ξ ξᵀ (zero diagonal) and, from each new cue, updates neurons by Glauber dynamics at "
             "temperature T (T = 0: s_i = sign(h_i)), asynchronously in random sweeps or synchronously. "
             "Diluted patterns (entries 0) make it the multitasking network: several patterns are retrieved at "
             "once, with overlaps (1−d), d(1−d), d²(1−d)… at mild dilution d. Publishes the Mattis overlaps (as "
             "curves overlap_1… for up to 16 patterns), the energy per neuron and the retrieval accuracy (share of "
             "the target pattern's bits right).";
    s.reference = "Hopfield (1982), PNAS 79; Agliari, Alessandrelli, Barra & Ricci-Tersenghi (2023), Parallel "
                  "learning by multitasking neural networks";
    s.inputs = {{"patterns", PortType::Tensor, "neurons x patterns to store (sign kept, 0 = blank)"},
                {"cue", PortType::Tensor, "neurons x 1: recall restarts from each new cue (0 entries: random)", true},
                {"target", PortType::Scalar, "the pattern (1-based) recall should reach, for the accuracy", true}};
    s.outputs = {{"state", PortType::Tensor, "neurons x 1, ±1"},
                 {"overlap", PortType::Scalar, "Mattis overlap with the target pattern (else the closest one)"}};
    s.params = {
        enumParam("update", "asynchronous", {"asynchronous", "synchronous"},
                  "Asynchronous: one neuron at a time in a random sweep order (the energy never rises at T = 0). "
                  "Synchronous: all neurons at once (may end in a 2-cycle).",
                  true),
        floatParam("temperature", 0.0, 0.0, 10.0, "Glauber noise T: P(s_i = +1) = 1 / (1 + exp(−2 h_i / T)); 0 is "
                   "deterministic.", "", true),
        floatParam("sweeps_per_step", 0.1, 0.001, 1000.0,
                   "Sweeps per step (a sweep updates every neuron once); below 1 a step updates a fraction of "
                   "the neurons, so recall can be watched.", "", true),
    };
    s.create = [] { return std::make_unique<HopfieldKernel>(); };
    return s;
}

}  // namespace ganglion
