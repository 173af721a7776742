#include "core/kan/kan_node.h"

#include "core/kan/kan_publish.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace ganglion {

std::vector<Shape> KanLayerKernel::build(const BuildContext& ctx) {
    const auto& p = ctx.params;
    const int in = ctx.inputs.empty() ? -1 : ctx.inputs[0].features;
    if (in <= 0) throw BuildError("in", "input width is unknown (connect a tensor source)");
    kan::LayerConfig c;
    c.in = in;
    c.out = int(p.getInt("width"));
    c.basis = kan::basisFromName(p.getString("basis"));
    c.grid = int(p.getInt("grid"));
    c.order = int(p.getInt("order"));
    c.lo = float(p.getFloat("range_min"));
    c.hi = float(p.getFloat("range_max"));
    if (!(c.hi > c.lo)) throw BuildError("", "range_min must be below range_max");
    c.bias = p.getBool("bias");
    c.noiseScale = float(p.getFloat("noise_scale"));
    c.baseMu = float(p.getFloat("scale_base_mu"));
    c.baseSigma = float(p.getFloat("scale_base_sigma"));
    c.spScale = float(p.getFloat("scale_sp"));
    c.sinFrequencies = int(p.getInt("sin_frequencies"));
    c.layerNorm = p.getBool("layer_norm");
    if (c.sinFrequencies > 0 && c.basis != kan::BasisKind::RbfAdaptive)
        throw BuildError("", "sin_frequencies applies to the rbf_adaptive basis only (basis is '" + p.getString("basis") + "')");
    kmeansPending_ = p.getBool("kmeans_init");
    if (kmeansPending_ && c.basis != kan::BasisKind::RbfAdaptive)
        throw BuildError("", "kmeans_init applies to the rbf_adaptive basis only (basis is '" + p.getString("basis") + "')");
    if (c.layerNorm && in < 2)
        throw BuildError("in", "layer_norm needs at least 2 input features to normalise over (got " + std::to_string(in) + ")");
    try {
        layer_ = kan::Layer(c, ctx.rng);
    } catch (const std::exception& e) {
        throw BuildError("", e.what());
    }
    recent_.reset(in);
    const Shape& sh = ctx.inputs[0];
    const bool image = sh.width > 0 && sh.height > 0 && sh.width * sh.height == in;
    imageWidth_ = image ? sh.width : 0;
    imageHeight_ = image ? sh.height : 0;
    scores_.reset();
    trainSteps_ = 0;
    setParams(p);
    ++revision_;
    return {Shape::tensor(c.out)};
}

void KanLayerKernel::setParams(const ParamSet& p) {
    // A live grid change is a grid extension (or coarsening): the learned functions are refitted
    // onto the new grid, as pykan's refine does, instead of restarting the layer.
    if (const int g = int(p.getInt("grid")); layer_.config().in > 0 && g != layer_.config().grid) extendGrid(g);
    reg_.l1 = p.getFloat("lambda_l1");
    reg_.entropy = p.getFloat("lambda_entropy");
    gridEvery_ = int(p.getInt("grid_update_every"));
    gridUntil_ = int(p.getInt("grid_update_until"));
    gridEps_ = float(p.getFloat("grid_eps"));
    pruneThreshold_ = float(p.getFloat("prune_threshold"));
    snapR2_ = p.getFloat("snap_r2");
}

void KanLayerKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    const bool train = ctx.phase == Phase::Train;
    if (train) {
        ++trainSteps_;
        if (kmeansPending_ && x.cols() > 1) {  // NeuRBF: centres from k-means on the first batch
            layer_.fitCentres(x);
            kmeansPending_ = false;
            ++revision_;
        }
        recent_.add(x);
        // pykan fit(update_grid=True): refit the grid to the data every few steps early on.
        if (gridEvery_ > 0 && ctx.step > 0 && ctx.step <= std::uint64_t(gridUntil_) &&
            ctx.step % std::uint64_t(gridEvery_) == 0 && x.cols() > 1) {
            lastGridError_ = layer_.updateGrid(x, gridEps_);
            ++revision_;
        }
    }
    layer_.forward(x, out[0].tensor, train);
    thumb_.record(ctx.phase, out[0].tensor, 32);
}

void KanLayerKernel::backward(const StepContext&, std::span<const Value* const>, std::span<const Value>,
                              std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut.empty() || gradOut[0].size() == 0) return;
    Matrix* gx = !gradIn.empty() && gradIn[0].size() > 0 ? &gradIn[0] : nullptr;
    layer_.backward(gradOut[0], gx, reg_.active() ? &reg_ : nullptr);
}

int KanLayerKernel::prune(float threshold) {
    if (recent_.matrix().cols() < 2) return 0;
    ++revision_;
    return layer_.pruneEdges(recent_.matrix(), threshold < 0 ? pruneThreshold_ : threshold);
}

double KanLayerKernel::updateGrid() {
    if (recent_.matrix().cols() < 2) return 0;
    ++revision_;
    return lastGridError_ = layer_.updateGrid(recent_.matrix(), gridEps_);
}

double KanLayerKernel::extendGrid(int newGrid) {
    ++revision_;
    return lastGridError_ = layer_.extendGrid(newGrid, recent_.matrix().cols() > 0 ? &recent_.matrix() : nullptr);
}

std::vector<kan::SymbolicFit> KanLayerKernel::suggest(int i, int o) const {
    if (recent_.matrix().cols() < 2 || i < 0 || o < 0 || i >= layer_.in() || o >= layer_.out()) return {};
    std::vector<float> xs, ys;
    const Matrix ex = layer_.edgeInputs(recent_.matrix());  // what the edges see (layer_norm)
    for (Eigen::Index b = 0; b < ex.cols(); b += 2) {
        xs.push_back(ex(i, b));
        ys.push_back(layer_.edge(i, o, ex(i, b)));
    }
    return kan::suggestSymbolic(xs, ys);
}

void KanLayerKernel::snap(int i, int o, const kan::SymbolicFit& f) {
    layer_.setSymbolic(i, o, {f.fn, f.a, f.b, f.c, f.d, f.r2});
    ++revision_;
}

void KanLayerKernel::unsnap(int i, int o) {
    if (i < 0 || o < 0 || i >= layer_.in() || o >= layer_.out()) return;
    layer_.symbolic[size_t(i) * layer_.out() + o] = kan::SymbolicEdge{};
    layer_.mask(o, i) = 1.f;
    ++revision_;
}

int KanLayerKernel::autoSnap(double r2Threshold) {
    const double th = r2Threshold < 0 ? snapR2_ : r2Threshold;
    int n = 0;
    for (int i = 0; i < layer_.in(); ++i)
        for (int o = 0; o < layer_.out(); ++o) {
            if (layer_.mask(o, i) == 0.f) continue;
            const auto fits = suggest(i, o);
            for (const auto& f : fits)
                if (f.r2 >= th) {
                    snap(i, o, f);
                    ++n;
                    break;
                }
        }
    return n;
}

double KanLayerKernel::penalty() const { return reg_.l1 > 0 || reg_.entropy > 0 ? layer_.lastReg() : 0.0; }

void KanLayerKernel::observe(Observables& obs) const {
    const int in = layer_.in(), out = layer_.out();
    int active = 0, symbolic = 0;
    for (int i = 0; i < in; ++i)
        for (int o = 0; o < out; ++o) {
            active += layer_.edgeActive(i, o) ? 1 : 0;
            symbolic += layer_.symbolic[size_t(i) * out + o].fn >= 0 ? 1 : 0;
        }
    obs.scalars["active_edges"] = active;
    obs.scalars["symbolic_edges"] = symbolic;
    obs.scalars["regularization"] = layer_.lastReg();
    obs.scalars["grid_error"] = lastGridError_;
    thumb_.publish(obs);

    auto s = std::make_shared<KanLayerSamples>();
    s->in = in;
    s->out = out;
    s->basis = kan::basisName(layer_.config().basis);
    s->grid = layer_.config().grid;
    s->order = layer_.config().order;
    s->revision = revision_;
    s->imageWidth = imageWidth_;
    s->imageHeight = imageHeight_;
    const auto& basis = layer_.basis();
    s->knots.resize(size_t(in));
    std::vector<float> gridLo(static_cast<size_t>(in)), gridHi(static_cast<size_t>(in));
    for (int i = 0; i < in; ++i) {
        gridLo[size_t(i)] = basis.points(i)(0);
        gridHi[size_t(i)] = basis.points(i)(basis.grid());
        const auto k = basis.knots(i);
        s->knots[size_t(i)].assign(k.data(), k.data() + k.size());
    }
    kan::EdgeSource src;
    src.values = [this](int i, const Eigen::RowVectorXf& xs) { return kan::layerEdgeValues(layer_, i, xs); };
    src.describe = [this](int i, int o, KanEdgeSamples& e) {
        const kan::SymbolicEdge& sym = layer_.symbolic[size_t(i) * layer_.out() + o];
        e.active = layer_.edgeActive(i, o);
        e.symbolic = sym.fn >= 0;
        if (e.symbolic) {
            e.label = kan::symbolicText({sym.fn, sym.a, sym.b, sym.c, sym.d, sym.r2, 0}, "x");
            e.r2 = sym.r2;
        }
        const float mk = layer_.mask(o, i), sb = layer_.scaleBase(o, i), ss = layer_.scaleSp(o, i);
        if (mk != 0.f)
            for (int j = 0; j < layer_.nb(); ++j) {
                const float ax = layer_.basis().anchor(i, j);
                e.ctrlX.push_back(ax);
                e.ctrlY.push_back(mk * (sb * kan::silu(ax) + ss * layer_.coef(o, Eigen::Index(i) * layer_.nb() + j)));
            }
    };
    const Matrix& scores = scores_.get(in, out, recent_.matrix(), revision_, trainSteps_,
                                       [this](const Matrix& x) { return layer_.edgeScores(x); });
    // ranges, histograms and curves over what the edges see (normalised inputs with layer_norm)
    const Matrix normed = layer_.config().layerNorm ? layer_.edgeInputs(recent_.matrix()) : Matrix();
    kan::publishEdges(*s, gridLo, gridHi, layer_.config().layerNorm ? normed : recent_.matrix(), scores, src, obs);
    obs.extra["kan"] = std::shared_ptr<const KanLayerSamples>(std::move(s));
}

NodeSpec makeKanLayerSpec() {
    NodeSpec s;
    s.type = "KanLayer";
    s.title = "KAN layer";
    s.category = "Layers";
    s.observables = {"kan", "activations", "edge_scores", "input_importance"};
    s.help = "Kolmogorov–Arnold layer: every edge carries a learnable function "
             "φ(x) = scale_base·silu(x) + scale_sp·spline(x) and each output sums its edges. "
             "The spline is an order-k B-spline on a grid of G intervals over the range (pykan), or "
             "a Gaussian RBF, Chebyshev or ReLU-KAN basis. Supports grid update/extension, pruning, "
             "L1/entropy regularisation and symbolic snapping from the KAN view. Observables: edge_scores "
             "(out x in attribution, the std of each edge's φ over recent inputs) and input_importance "
             "(per input, summed over outputs; drawn on the image grid when the input is an image).";
    s.reference = "Liu et al., KAN: Kolmogorov-Arnold Networks, arXiv:2404.19756 (2024); "
                  "FastKAN (Li 2024); ChebyKAN (SS et al. 2024); ReLU-KAN (Qiu et al. 2024)";
    s.inputs = {{"in", PortType::Tensor, "features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "width x batch"}};
    s.params = {
        intParam("width", 5, 1, 4096, "Number of outputs (nodes of the next KAN layer)."),
        enumParam("basis", "bspline", kan::basisNames(),
                  "Edge function basis: B-spline (pykan), Gaussian RBF (FastKAN), Chebyshev "
                  "polynomials of tanh(x) (ChebyKAN, degree = grid), ReLU-KAN bumps, adaptive RBF with "
                  "trained centres and widths (NeuRBF), AF-KAN activation bumps with a learnt softmax "
                  "over ReLU/SiLU/tanh/GELU, Fourier sin/cos (sine) or Legendre polynomials (poly)."),
        intParam("grid", 5, 1, 100, "Grid intervals G (Chebyshev: polynomial degree). Changed while the model "
                                    "runs, the grid is extended (or coarsened) and the learned functions refitted onto it.",
                 true),
        intParam("order", 3, 0, 10, "Spline order k (B-spline and ReLU-KAN)."),
        floatParam("range_min", -1.0, -1e6, 1e6, "Lower end of the initial grid."),
        floatParam("range_max", 1.0, -1e6, 1e6, "Upper end of the initial grid."),
        boolParam("bias", true, "Add a trainable bias per output."),
        boolParam("kmeans_init", false, "rbf_adaptive: place each input's centres by k-means on the first training batch."),
        intParam("sin_frequencies", 0, 0, 8, "rbf_adaptive: NeuRBF sinusoidal composition, sin(ω·g) for this many "
                                            "frequencies ω = π/2, π, 2π, … per kernel g (0 = off)."),
        boolParam("layer_norm", false, "Normalise the layer input over its features (mean 0, variance 1, trainable "
                                       "gain and shift per input) before the edges, as AF-KAN does."),
        floatParam("noise_scale", 0.5, 0.0, 10.0, "Initial spline noise (pykan noise_scale)."),
        floatParam("scale_base_mu", 0.0, -10.0, 10.0, "Mean of the initial scale_base (times 1/√in)."),
        floatParam("scale_base_sigma", 1.0, 0.0, 10.0, "Spread of the initial scale_base (times 1/√in)."),
        floatParam("scale_sp", 1.0, 0.0, 10.0, "Initial scale_sp (times 1/√in)."),
        floatParam("lambda_l1", 0.0, 0.0, 10.0, "L1 penalty on edge magnitudes (pykan lamb·lamb_l1).", "", true),
        floatParam("lambda_entropy", 0.0, 0.0, 10.0, "Entropy penalty on edge magnitudes (pykan lamb·lamb_entropy).", "", true),
        intParam("grid_update_every", 0, 0, 100000, "Refit the grid to the data every N steps (0 = never).", true),
        intParam("grid_update_until", 50, 0, 10000000, "Stop grid updates after this step.", true),
        floatParam("grid_eps", 0.02, 0.0, 1.0, "Grid update mix: eps·uniform + (1-eps)·percentiles.", "", true),
        floatParam("prune_threshold", 0.01, 0.0, 1e6, "Edges whose attribution is below this are pruned.", "", true),
        floatParam("snap_r2", 0.99, 0.0, 1.0, "Auto-snap accepts a symbolic candidate at this R².", "", true),
    };
    s.create = [] { return std::make_unique<KanLayerKernel>(); };
    return s;
}

}  // namespace ganglion
