#include "core/kan/skan_node.h"

#include <algorithm>
#include <memory>

namespace ganglion {

std::vector<Shape> SKanLayerKernel::build(const BuildContext& ctx) {
    const auto& p = ctx.params;
    const int in = ctx.inputs.empty() ? -1 : ctx.inputs[0].features;
    if (in <= 0) throw BuildError("in", "input width is unknown (connect a tensor source)");
    kan::SelectConfig c;
    c.layer.in = in;
    c.layer.out = int(p.getInt("width"));
    c.layer.grid = int(p.getInt("grid"));
    c.layer.order = int(p.getInt("order"));
    c.layer.lo = float(p.getFloat("range_min"));
    c.layer.hi = float(p.getFloat("range_max"));
    if (!(c.layer.hi > c.layer.lo)) throw BuildError("", "range_min must be below range_max");
    c.layer.bias = p.getBool("bias");
    c.layer.noiseScale = float(p.getFloat("noise_scale"));
    c.candidates = kan::splitCandidates(p.getString("candidates"));
    c.t0 = float(p.getFloat("temperature_start"));
    c.tMin = float(p.getFloat("temperature_min"));
    c.annealSteps = int(p.getInt("anneal_steps"));
    c.entropy = p.getFloat("entropy_weight");
    c.freezeThreshold = float(p.getFloat("freeze_threshold"));
    try {
        layer_ = kan::SelectLayer(c, ctx.rng);
    } catch (const std::exception& e) {
        throw BuildError("", std::string("candidates: ") + e.what());
    }
    recent_.reset(in);
    scores_.reset();
    const Shape& sh = ctx.inputs[0];
    const bool image = sh.width > 0 && sh.height > 0 && sh.width * sh.height == in;
    imageWidth_ = image ? sh.width : 0;
    imageHeight_ = image ? sh.height : 0;
    trainSteps_ = 0;
    advancedAt_ = ~std::uint64_t(0);
    ++revision_;
    return {Shape::tensor(c.layer.out)};
}

void SKanLayerKernel::setParams(const ParamSet& p) {
    layer_.setLive(p.getFloat("entropy_weight"), float(p.getFloat("freeze_threshold")));
}

void SKanLayerKernel::loadState(const KernelState& s) {
    layer_.loadState(s);
    ++revision_;
}

int SKanLayerKernel::freezeAll() {
    const int n = layer_.freezeAll();
    if (n) ++revision_;
    return n;
}

void SKanLayerKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    const bool train = ctx.phase == Phase::Train;
    if (train) {
        ++trainSteps_;
        recent_.add(x);
        if (ctx.learning && ctx.step != advancedAt_) {
            advancedAt_ = ctx.step;
            if (layer_.advance() > 0) ++revision_;
        }
    }
    layer_.forward(x, out[0].tensor, train);
    thumb_.record(ctx.phase, out[0].tensor, 32);
}

void SKanLayerKernel::backward(const StepContext&, std::span<const Value* const>, std::span<const Value>,
                               std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut.empty() || gradOut[0].size() == 0) return;
    Matrix* gx = !gradIn.empty() && gradIn[0].size() > 0 ? &gradIn[0] : nullptr;
    layer_.backward(gradOut[0], gx);
}

void SKanLayerKernel::observe(Observables& obs) const {
    const int in = layer_.in(), out = layer_.out(), C = layer_.count();
    const Matrix p = layer_.probabilities();
    const auto choice = layer_.choices();
    Matrix ch(out, 1), chp(out, 1);
    int frozen = 0;
    for (int o = 0; o < out; ++o) {
        ch(o) = float(choice[size_t(o)]);
        chp(o) = p(o, choice[size_t(o)]);
        frozen += layer_.frozen()[size_t(o)] >= 0 ? 1 : 0;
    }
    obs.arrays["choice"] = ch;
    obs.arrays["choice_probability"] = chp;
    obs.arrays["probabilities"] = p;
    obs.scalars["temperature"] = layer_.temperature();
    obs.scalars["frozen_nodes"] = frozen;
    obs.scalars["selection_entropy"] = layer_.lastPenalty();
    thumb_.publish(obs);

    auto s = std::make_shared<KanLayerSamples>();
    s->in = in;
    s->out = out;
    s->basis = "s-kan";
    s->grid = layer_.config().layer.grid;
    s->order = layer_.config().layer.order;
    s->revision = revision_;
    s->imageWidth = imageWidth_;
    s->imageHeight = imageHeight_;
    for (int c = 0; c < C; ++c) s->candidates.push_back(layer_.name(c));
    s->choice = choice;
    s->choiceP.assign(chp.data(), chp.data() + out);
    s->frozen.resize(size_t(out));
    for (int o = 0; o < out; ++o) s->frozen[size_t(o)] = layer_.frozen()[size_t(o)] >= 0;
    // Every candidate shares the grid: its points are the knots drawn under the mixed edges.
    const auto& basis = layer_.anyUsed().basis();
    s->knots.resize(size_t(in));
    std::vector<float> gridLo(static_cast<size_t>(in)), gridHi(static_cast<size_t>(in));
    for (int i = 0; i < in; ++i) {
        const auto pts = basis.points(i);
        s->knots[size_t(i)].assign(pts.data(), pts.data() + pts.size());
        gridLo[size_t(i)] = pts(0);
        gridHi[size_t(i)] = pts(pts.size() - 1);
    }
    kan::EdgeSource src;
    src.values = [this](int i, const Eigen::RowVectorXf& xs) { return layer_.edgeValues(i, xs); };
    src.describe = [](int, int, KanEdgeSamples& e) { e.active = true; };
    const Matrix& scores = scores_.get(in, out, recent_.matrix(), revision_, trainSteps_,
                                       [this](const Matrix& x) { return layer_.edgeScores(x); });
    kan::publishEdges(*s, gridLo, gridHi, recent_.matrix(), scores, src, obs);
    obs.extra["kan"] = std::shared_ptr<const KanLayerSamples>(std::move(s));
}

NodeSpec makeSKanLayerSpec() {
    NodeSpec s;
    s.type = "SKanLayer";
    s.title = "S-KAN layer";
    s.category = "Layers";
    s.observables = {"kan", "activations", "edge_scores", "input_importance", "choice", "choice_probability", "probabilities"};
    std::string names;
    for (const auto& n : kan::basisNames()) names += (names.empty() ? "" : ", ") + n;
    s.help = "Selection KAN layer: each output node keeps one KAN layer per candidate basis and mixes them "
             "with softmax weights p = softmax(s/T) over trainable scores s; the temperature T falls from "
             "temperature_start to temperature_min over anneal_steps training steps and an optional entropy "
             "penalty pushes each node toward one basis. A node whose largest weight exceeds freeze_threshold is "
             "fixed to that basis (the others stop contributing to it). Observables: choice (per node, the "
             "index of its leading candidate), choice_probability (its weight), probabilities (nodes x "
             "candidates) and the mixed edge functions for the KAN view, which colours each node by its type. "
             "Candidate bases: " + names + ".";
    s.reference = "Yang, Zhang, Luo, Lu & Shen, Activation Space Selectable Kolmogorov-Arnold Networks (S-KAN), "
                  "arXiv:2408.08338 (2024)";
    s.inputs = {{"in", PortType::Tensor, "features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "width x batch"}};
    s.params = {
        intParam("width", 5, 1, 4096, "Number of outputs (nodes that each select a basis)."),
        stringParam("candidates", "bspline,rbf,chebyshev,relu",
                    "Comma-separated candidate bases, each distinct (" + names + ")."),
        intParam("grid", 5, 1, 100, "Grid intervals G of every candidate (Chebyshev: polynomial degree)."),
        intParam("order", 3, 0, 10, "Spline order k (B-spline and ReLU-KAN candidates)."),
        floatParam("range_min", -1.0, -1e6, 1e6, "Lower end of the grid."),
        floatParam("range_max", 1.0, -1e6, 1e6, "Upper end of the grid."),
        boolParam("bias", true, "Add a trainable bias per output (one per candidate, mixed like the outputs)."),
        floatParam("noise_scale", 0.5, 0.0, 10.0, "Initial spline noise of every candidate (pykan noise_scale)."),
        floatParam("temperature_start", 1.0, 1e-4, 100.0, "Softmax temperature T0 at the first training step."),
        floatParam("temperature_min", 0.05, 1e-4, 100.0, "Temperature reached after anneal_steps steps (geometric)."),
        intParam("anneal_steps", 1000, 0, 100000000, "Training steps over which T falls to temperature_min (0: at once)."),
        floatParam("entropy_weight", 0.0, 0.0, 10.0, "λ of the penalty λ·Σ H(p) pushing each node toward one basis.", "", true),
        floatParam("freeze_threshold", 0.98, 0.0, 1.0,
                   "Fix a node to its leading basis once its weight exceeds this (1 = never).", "", true),
    };
    s.create = [] { return std::make_unique<SKanLayerKernel>(); };
    return s;
}

}  // namespace ganglion
