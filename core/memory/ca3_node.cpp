// CA3Memory: the spiking CA3 content-addressable memory of core/memory/ca3.h as a graph node. It
// takes the patterns (neurons x patterns, active units > 0) and runs one of four phases, a live
// parameter: learn (present a pattern whole to DG; STDP stores it in the CA3 recurrent synapses),
// recall (present a random fragment of a pattern, e.g. 30% of its active units, and let the
// recurrence complete it), forget (the recurrent weights decay fast, all of them or back to what
// they were before the last pattern was learned) and protocol (all of it in
// turn: learn each pattern, recall each, forget, recall each again; the run then ends). Publishes
// the CA3 activity of the last three cycles as a pattern image beside the stored patterns with overlaps
// (the Patterns view), the spike raster of DG, CA3 and the interneurons (the Spikes view) and the
// overlap of every stored pattern as curves.
#include "core/memory/ca3.h"
#include "core/memory/patterns.h"
#include "core/model/node_spec.h"
#include "core/snn/snn_nodes.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace ganglion {

namespace {

constexpr int kOverlapScalars = 16;  ///< overlaps also published as scalars (curves) for K up to this

enum class Kind { Learn, Recall, Forget };

struct Presentation {
    Kind kind = Kind::Recall;
    int pattern = -1;         ///< 0-based; -1 in a forget phase
    std::int64_t trial = 0;   ///< which presentation of the phase (a new one starts a new trial)
    bool operator==(const Presentation&) const = default;
};

/// Steps as a state entry: the exact 64-bit count (seedState()'s encoding).
Matrix countState(std::int64_t n) { return seedState(std::uint64_t(n)); }

class Ca3Kernel : public Kernel, public ProbeTarget {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs[0];
        if (in.features < 2)
            throw BuildError("patterns", in.features <= 0 ? "pattern width is unknown (connect a pattern source)"
                                                          : "a CA3 memory needs patterns of at least 2 units");
        n_ = in.features;
        width_ = in.width;
        height_ = in.height;
        if (width_ <= 0 || height_ <= 0 || width_ * height_ < n_) memory::squareLayout(n_, width_, height_);
        const auto& p = ctx.params;
        base_.neurons = n_;
        base_.interneurons = int(p.getInt("interneurons"));
        base_.cycle = p.getFloat("cycle") * 1e-3;
        base_.refractory = p.getFloat("refractory") * 1e-3;
        base_.wMax = p.getFloat("w_max");
        base_.dgPeriod = p.getFloat("dg_period") * 1e-3;
        history_ = p.getFloat("history");
        setParams(p);
        probes_ = parseIndexList(p.getString("probes"), "probes");
        construct(ctx.dt);
        beforeLast_ = Matrix::Zero(n_, n_);
        return {Shape::tensor(n_), Shape::tensor(n_), Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        const std::string phase = p.getString("phase");
        if (phase != phase_) {
            phase_ = phase;
            phaseStart_ = clock_;
        }
        pattern_ = int(p.getInt("pattern"));
        fragment_ = p.getFloat("fragment");
        presentTime_ = p.getFloat("present_time") * 1e-3;
        decayTau_ = p.getFloat("decay_tau");
        forgetTau_ = p.getFloat("forget_tau") * 1e-3;
        forgetLast_ = p.getString("forget") == "last";
        base_.inhibition = p.getFloat("inhibition");
        base_.learningRate = p.getFloat("learning_rate");
        if (net_) {
            net_->setInhibition(base_.inhibition);
            net_->setLearningRate(base_.learningRate);  // from the next trial on
        }
    }

    void setProbes(std::vector<int> neurons) override {
        probes_ = std::move(neurons);
        if (net_) obs_.setProbes(net_->network(), probes_);
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (out[1].tensor.rows() != n_) {
            out[0].spikes.neurons = n_;
            out[1].tensor = Matrix::Constant(n_, 1, -1.f);
            out[2].tensor = Matrix::Zero(1, 1);
        }
        if (ctx.phase != Phase::Train) return;  // evaluations leave the simulation alone
        if (std::abs(ctx.dt - base_.dt) > 1e-15) construct(ctx.dt);
        const Matrix& P = in[0]->tensor;
        if (P.rows() != n_ || P.cols() < 1)
            throw std::runtime_error("patterns: " + std::to_string(P.rows()) + "x" + std::to_string(P.cols()) +
                                     ", expected " + std::to_string(n_) + " units x at least one pattern");
        if (pattern_ > P.cols())
            throw std::runtime_error("pattern: pattern " + std::to_string(pattern_) + " does not exist (there are " +
                                     std::to_string(P.cols()) + "; 0 takes each in turn)");
        const bool newPatterns = P.rows() != patterns_.rows() || P.cols() != patterns_.cols() ||
                                 (P.array() != patterns_.array()).any();
        if (newPatterns) patterns_ = P;
        const Presentation now = schedule(int(P.cols()));
        if (newPatterns || !shown_ || !(*shown_ == now)) startTrial(now, ctx.rng ? *ctx.rng : own_);
        const bool learn = ctx.learning && now.kind == Kind::Learn;
        net_->step(learn);
        ++clock_;
        obs_.record(net_->network());
        if (ctx.learning) {
            if (decayTau_ > 0) {  // passive: every memory fades, the older ones too
                const float passive = float(std::exp(-base_.dt / decayTau_));
                net_->decay(passive);
                beforeLast_ *= passive;
            }
            if (now.kind == Kind::Forget) {
                const float forget = float(std::exp(-base_.dt / forgetTau_));
                if (forgetLast_) net_->relax(beforeLast_, forget);
                else net_->decay(forget);
            }
        }
        overlaps_ = memory::activeOverlaps(net_->active(), patterns_);
        out[0].spikes.neurons = n_;
        out[0].spikes.t = double(clock_) * base_.dt;
        out[0].spikes.fired = net_->ca3Fired();
        Matrix& s = out[1].tensor;
        for (int i = 0; i < n_; ++i) s(i, 0) = net_->active()[std::size_t(i)] ? 1.f : -1.f;
        out[2].tensor(0, 0) = overlaps_.size() ? overlaps_(targetOrBest()) : 0.f;
    }

    void observe(Observables& obs) const override {
        if (!net_) return;
        obs_.fill(obs, net_->network());
        if (patterns_.size() == 0) return;
        const int k = int(patterns_.cols());
        Vector state(n_);
        for (int i = 0; i < n_; ++i) state(i) = net_->active()[std::size_t(i)] ? 1.f : -1.f;
        obs.arrays["overlaps"] = overlaps_;
        obs.arrays["memory_state"] = state;
        obs.arrays["memory_patterns"] = (patterns_.array() > 0.f).select(Matrix::Ones(n_, k), -Matrix::Ones(n_, k));
        obs.arrays["memory_cue"] = cueImage_;
        Matrix layout(2, 1);
        layout << float(width_), float(height_);
        obs.arrays["memory_layout"] = layout;
        obs.arrays["memory_target"] = Matrix::Constant(1, 1, float(targetOrBest()));
        obs.arrays["activations"] = memory::asImage(state, width_, height_);
        obs.extra["memory_phase"] = std::make_shared<const std::string>(phaseText());
        const int target = targetOrBest();
        obs.scalars["recall_overlap"] = overlaps_(target);
        const auto [completion, spurious] = completionOf(target);
        obs.scalars["completion"] = completion;
        obs.scalars["spurious"] = spurious;
        obs.scalars["mean_weight"] = net_->meanWeight();
        if (k <= kOverlapScalars)
            for (int mu = 0; mu < k; ++mu) obs.scalars["overlap_" + std::to_string(mu + 1)] = overlaps_(mu);
    }

    double progress() const override {
        if (phase_ != "protocol") return -1.0;
        if (patterns_.cols() == 0) return 0.0;  // the protocol's length follows the number of patterns
        return double(clock_ - phaseStart_) / double((3 * patterns_.cols() + 1) * presentSteps());
    }

    KernelState saveState() const override {
        return {{"weights", net_->weights()},
                {"before_last", beforeLast_},
                {"clock", countState(clock_)},
                {"phase_start", countState(phaseStart_)}};
    }

    void loadState(const KernelState& state) override {
        const Matrix& w = checkedEntry(state, "CA3Memory", "weights", n_, n_);
        const Matrix& before = checkedEntry(state, "CA3Memory", "before_last", n_, n_);
        const Matrix& c = checkedEntry(state, "CA3Memory", "clock", 4, 1);
        const Matrix& s = checkedEntry(state, "CA3Memory", "phase_start", 4, 1);
        const auto clock = std::int64_t(seedFromState(c, "clock")), start = std::int64_t(seedFromState(s, "phase_start"));
        if (start > clock) throw std::runtime_error("CA3Memory state: 'phase_start' is after 'clock'");
        memory::Ca3Network net(net_->params());
        try {
            net.setWeights(before);  // checks its range
            net.setWeights(w);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string("CA3Memory state: ") + e.what());
        }
        *net_ = std::move(net);
        beforeLast_ = before;
        beforeLast_.diagonal().setZero();
        obs_.reset(net_->network(), base_.dt, history_);
        obs_.setProbes(net_->network(), probes_);
        clock_ = clock;
        phaseStart_ = start;
        shown_.reset();  // the next step starts a fresh trial
    }

private:
    std::int64_t presentSteps() const { return std::max<std::int64_t>(1, std::llround(presentTime_ / base_.dt)); }

    /// What is presented now: from the phase parameter and the steps since it was set.
    Presentation schedule(int k) const {
        const std::int64_t idx = (clock_ - phaseStart_) / presentSteps();
        const int chosen = pattern_ > 0 ? pattern_ - 1 : int(idx % k);
        if (phase_ == "learn") return {Kind::Learn, chosen, idx};
        if (phase_ == "recall") return {Kind::Recall, chosen, idx};
        if (phase_ == "forget") return {Kind::Forget, -1, 0};
        const std::int64_t at = idx % (3 * k + 1);  // protocol: learn all, recall all, forget, recall all
        if (at < k) return {Kind::Learn, int(at), idx};
        if (at < 2 * k) return {Kind::Recall, int(at - k), idx};
        if (at == 2 * k) return {Kind::Forget, -1, idx};
        return {Kind::Recall, int(at - 2 * k - 1), idx};
    }

    /// A new trial: the whole pattern (learn), a random fragment of its active units (recall) or
    /// nothing (forget) drives DG from rest.
    void startTrial(const Presentation& now, Rng& rng) {
        shown_ = now;
        std::vector<std::uint8_t> cue(std::size_t(n_), 0);
        cueImage_ = Matrix::Constant(n_, 1, -1.f);
        if (now.pattern >= 0) {
            std::vector<int> on;
            for (int i = 0; i < n_; ++i)
                if (patterns_(i, now.pattern) > 0.f) on.push_back(i);
            std::size_t keep = on.size();
            if (now.kind == Kind::Recall) {
                keep = std::min(on.size(), std::size_t(std::max(1L, std::lround(fragment_ * double(on.size())))));
                for (std::size_t j = 0; j < keep; ++j)  // partial Fisher-Yates: `keep` distinct units
                    std::swap(on[j], on[j + std::size_t(rng() % std::uint64_t(on.size() - j))]);
                for (std::size_t j = keep; j < on.size(); ++j) cueImage_(on[j]) = 0.f;  // erased: grey
            }
            for (std::size_t j = 0; j < keep; ++j) {
                cue[std::size_t(on[j])] = 1;
                cueImage_(on[j]) = 1.f;
            }
        }
        if (now.kind == Kind::Learn) beforeLast_ = net_->weights();  // what "forget the last" returns to
        net_->present(cue, now.kind == Kind::Learn);
    }

    /// (Re)creates the network for step dt, keeping the learned weights.
    void construct(double dt) {
        std::optional<Eigen::MatrixXf> keep;
        if (net_) keep = net_->weights();
        base_.dt = dt;
        try {
            auto net = std::make_unique<memory::Ca3Network>(base_);
            if (keep) net->setWeights(*keep);
            net_ = std::move(net);
        } catch (const std::invalid_argument& e) {
            throw BuildError("", e.what());
        }
        obs_.reset(net_->network(), dt, history_);
        obs_.setProbes(net_->network(), probes_);
        shown_.reset();
    }

    int targetOrBest() const {
        if (shown_ && shown_->pattern >= 0 && shown_->pattern < overlaps_.size()) return shown_->pattern;
        Eigen::Index best = 0;
        if (overlaps_.size()) overlaps_.maxCoeff(&best);
        return int(best);
    }

    /// Share of the target's active units the cue left out that CA3 fires (what recall added),
    /// and share of the firing units outside the target.
    std::pair<double, double> completionOf(int mu) const {
        long missing = 0, added = 0, on = 0, outside = 0;
        for (int i = 0; i < n_; ++i) {
            const bool a = net_->active()[std::size_t(i)] != 0;
            on += a;
            if (patterns_(i, mu) > 0.f) {
                if (cueImage_(i) <= 0.f) ++missing, added += a;
            } else {
                outside += a;
            }
        }
        return {missing ? double(added) / double(missing) : 1.0, on ? double(outside) / double(on) : 0.0};
    }

    std::string phaseText() const {
        if (!shown_) return "starting";
        const int k = int(patterns_.cols());
        const std::string which = "pattern " + std::to_string(shown_->pattern + 1) + " of " + std::to_string(k);
        std::string text;
        switch (shown_->kind) {
        case Kind::Learn: text = "learning " + which + " (shown whole, STDP on)"; break;
        case Kind::Recall:
            text = "recalling " + which + " from a " + std::to_string(int(std::lround(fragment_ * 100))) + "% fragment";
            break;
        case Kind::Forget:
            text = std::string(forgetLast_ ? "forgetting the last pattern learned" : "forgetting every pattern") +
                   " (weights decay with τ = " + std::to_string(int(std::lround(forgetTau_ * 1e3))) + " ms)";
            break;
        }
        if (phase_ == "protocol") text = "protocol: " + text;
        return text;
    }

    int n_ = 0, width_ = 0, height_ = 0, pattern_ = 0;
    memory::Ca3Params base_;
    std::unique_ptr<memory::Ca3Network> net_;
    Matrix patterns_;
    Matrix cueImage_;
    Matrix beforeLast_;  ///< the weights before the last pattern was learned (N x N, post x pre)
    Vector overlaps_;
    std::optional<Presentation> shown_;
    std::string phase_;
    std::int64_t clock_ = 0, phaseStart_ = 0;
    bool forgetLast_ = false;
    double fragment_ = 0.3, presentTime_ = 0.3, decayTau_ = 0, forgetTau_ = 0.05, history_ = 2.0;
    SpikeObserver obs_;
    std::vector<int> probes_;
    Rng own_{11};
};

}  // namespace

NodeSpec makeCa3MemorySpec() {
    NodeSpec s;
    s.type = "CA3Memory";
    s.title = "CA3 memory (spiking)";
    s.category = "Memory";
    s.timed = true;
    s.observables = {"spikes", "membrane", "overlaps", "memory_state", "memory_cue", "memory_patterns", "memory_layout",
                     "memory_target", "memory_phase", "activations", "recall_overlap", "completion", "spurious",
                     "mean_weight", "overlap_*"};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.help = "A spiking content-addressable memory after hippocampal CA3. Dentate-gyrus (DG) LIF neurons, one per "
             "unit, fire in volleys for the cued units and each fires its CA3 partner; CA3 neurons excite one "
             "another through all-to-all synapses learned by pair-based STDP while a pattern is shown (only the "
             "synapses between co-active units grow); interneurons count each CA3 wave and inhibit all of CA3 in "
             "proportion (k-winners-like), so a neuron fires only when wired to more than the share 'inhibition' "
             "of the active ones. Phases (live): learn a pattern, recall one from a fragment of its active units, "
             "forget (the weights decay), or the whole protocol in turn. Overlap = cosine between the CA3 "
             "neurons active in the last cycle and a pattern's active units.";
    s.reference = "Marr (1971); Treves & Rolls (1994), Computational analysis of the role of the hippocampus in "
                  "memory; Song, Miller & Abbott (2000), STDP";
    s.inputs = {{"patterns", PortType::Tensor, "neurons x patterns; active units > 0"}};
    s.outputs = {{"spikes", PortType::Spikes, "CA3 spikes of this step"},
                 {"state", PortType::Tensor, "neurons x 1: +1 for CA3 neurons active in the last cycle, else -1"},
                 {"overlap", PortType::Scalar, "overlap of the CA3 activity with the presented pattern"}};
    s.params = {
        enumParam("phase", "protocol", {"protocol", "learn", "recall", "forget"},
                  "learn: show a pattern whole, STDP stores it. recall: show a fragment and let CA3 complete it. "
                  "forget: weights decay with 'forget_tau' (all of them, or what the last pattern added: see "
                  "'forget'). protocol: learn each pattern, recall each, forget, recall each again (then the run "
                  "ends).",
                  true),
        intParam("pattern", 0, 0, 100000, "The pattern learned or recalled (1-based); 0 takes each in turn.", true),
        floatParam("fragment", 0.3, 0.01, 1.0, "Share of the pattern's active units a recall cue keeps (drawn at random).",
                   "", true),
        floatParam("present_time", 300.0, 1.0, 1e7, "How long each pattern (or the forgetting) is presented.", "ms", true),
        floatParam("inhibition", 0.65, 0.0, 1.0,
                   "Feedback inhibition g: a CA3 neuron fires when wired to more than this share of the last wave "
                   "(k-winners-like).", "", true),
        floatParam("learning_rate", 0.1, 0.0, 1.0, "STDP change per spike pair at Δt = 0, potentiation and depression (a change applies from the "
                   "next presentation).",
                   "", true),
        floatParam("w_max", 1.0, 0.001, 100.0, "Upper bound of a CA3 recurrent weight (threshold 1)."),
        floatParam("decay_tau", 0.0, 0.0, 1e6, "Passive forgetting: weights decay with this time constant in every "
                   "phase (0: never).", "s", true),
        enumParam("forget", "all", {"all", "last"},
                  "What the forget phase erases: every memory (all weights decay to 0) or the last pattern learned "
                  "(the weights return to what they were before it was shown).",
                  true),
        floatParam("forget_tau", 50.0, 0.1, 1e7, "Time constant of the weight decay in the forget phase.", "ms", true),
        floatParam("dg_period", 30.0, 0.01, 1e5, "Time between the volleys of the cued DG neurons, rounded to whole "
                   "cycles (so they come in step with CA3's reverberation).", "ms"),
        intParam("interneurons", 100, 1, 1000000, "Inhibitory interneurons counting the CA3 waves (about as many as "
                 "CA3 neurons counts them exactly)."),
        floatParam("cycle", 10.0, 0.01, 1000.0, "CA3 recurrent delay: one reverberation cycle (the inhibitory loop "
                   "takes as long).", "ms"),
        floatParam("refractory", 5.0, 0.0, 1000.0, "CA3 refractory period (shorter than the cycle).", "ms"),
        floatParam("history", 2.0, 0.05, 60.0, "Seconds of spikes kept for the raster.", "s"),
        stringParam("probes", "", "Neurons whose membrane potential is recorded (global: DG, then CA3, then "
                    "interneurons)."),
    };
    s.create = [] { return std::make_unique<Ca3Kernel>(); };
    return s;
}

}  // namespace ganglion
