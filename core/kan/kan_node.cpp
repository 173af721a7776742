#include "core/kan/kan_node.h"

#include "core/kan/kan_samples.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace ganglion {

namespace {
constexpr int kRecent = 512;      // remembered training inputs
constexpr int kCurvePoints = 64;  // samples per edge curve
constexpr int kHistBins = 24;
constexpr int kMaxCurveEdges = 1024;
constexpr int kMaxScoreEdges = 4096;
constexpr int kWideScoreSamples = 128;  // recent inputs a wide layer's scores are computed on
constexpr std::uint64_t kScoreEvery = 20;  // training steps a wide layer's scores are reused for
}  // namespace

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
    recent_.resize(in, 0);
    recentCursor_ = 0;
    const Shape& sh = ctx.inputs[0];
    const bool image = sh.width > 0 && sh.height > 0 && sh.width * sh.height == in;
    imageWidth_ = image ? sh.width : 0;
    imageHeight_ = image ? sh.height : 0;
    scores_.resize(0, 0);
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

void KanLayerKernel::remember(const Matrix& x) {
    if (recent_.cols() < kRecent) {
        const Eigen::Index take = std::min<Eigen::Index>(x.cols(), kRecent - recent_.cols());
        recent_.conservativeResize(x.rows(), recent_.cols() + take);
        recent_.rightCols(take) = x.leftCols(take);
        return;
    }
    for (Eigen::Index b = 0; b < std::min<Eigen::Index>(x.cols(), kRecent); ++b) {
        recent_.col(recentCursor_) = x.col(b);
        recentCursor_ = (recentCursor_ + 1) % kRecent;
    }
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
        remember(x);
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
    if (recent_.cols() < 2) return 0;
    ++revision_;
    return layer_.pruneEdges(recent_, threshold < 0 ? pruneThreshold_ : threshold);
}

double KanLayerKernel::updateGrid() {
    if (recent_.cols() < 2) return 0;
    ++revision_;
    return lastGridError_ = layer_.updateGrid(recent_, gridEps_);
}

double KanLayerKernel::extendGrid(int newGrid) {
    ++revision_;
    return lastGridError_ = layer_.extendGrid(newGrid, recent_.cols() > 0 ? &recent_ : nullptr);
}

std::vector<kan::SymbolicFit> KanLayerKernel::suggest(int i, int o) const {
    if (recent_.cols() < 2 || i < 0 || o < 0 || i >= layer_.in() || o >= layer_.out()) return {};
    std::vector<float> xs, ys;
    const Matrix ex = layer_.edgeInputs(recent_);  // what the edges see (layer_norm)
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
    const int in = layer_.in(), out = layer_.out(), nb = layer_.nb();
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
    const long edges = long(in) * out;
    s->curves = edges <= kMaxCurveEdges;
    s->lo.resize(size_t(in));
    s->hi.resize(size_t(in));
    s->knots.resize(size_t(in));
    s->histogram.assign(size_t(in), std::vector<int>(kHistBins, 0));
    const auto& basis = layer_.basis();
    const Matrix normed = layer_.config().layerNorm ? layer_.edgeInputs(recent_) : Matrix();
    const Matrix& edgeIn = layer_.config().layerNorm ? normed : recent_;  // curves are drawn over what the edges see
    for (int i = 0; i < in; ++i) {
        float lo = basis.points(i)(0), hi = basis.points(i)(basis.grid());
        if (edgeIn.cols() > 1) {
            lo = std::min(lo, edgeIn.row(i).minCoeff());
            hi = std::max(hi, edgeIn.row(i).maxCoeff());
        }
        s->lo[size_t(i)] = lo;
        s->hi[size_t(i)] = hi;
        const auto k = basis.knots(i);
        for (Eigen::Index j = 0; j < k.size(); ++j) s->knots[size_t(i)].push_back(k(j));
        for (Eigen::Index b = 0; b < edgeIn.cols(); ++b) {
            const int bin = int((edgeIn(i, b) - lo) / (hi - lo) * kHistBins);
            ++s->histogram[size_t(i)][size_t(std::clamp(bin, 0, kHistBins - 1))];
        }
    }
    s->imageWidth = imageWidth_;
    s->imageHeight = imageHeight_;
    const Matrix& scores = this->scores();
    if (scores.size() > 0) {
        s->scores.resize(size_t(edges));
        for (int i = 0; i < in; ++i)
            for (int o = 0; o < out; ++o) s->scores[size_t(i) * out + o] = scores(o, i);
        std::vector<int> idx(static_cast<size_t>(edges));
        for (size_t k = 0; k < idx.size(); ++k) idx[k] = int(k);
        const size_t keep = std::min(idx.size(), size_t(KanLayerSamples::kRankedEdges));
        std::partial_sort(idx.begin(), idx.begin() + std::ptrdiff_t(keep), idx.end(), [&](int a, int b) {
            return s->scores[size_t(a)] > s->scores[size_t(b)] || (s->scores[size_t(a)] == s->scores[size_t(b)] && a < b);
        });
        idx.resize(keep);
        s->ranked = std::move(idx);
        obs.arrays["edge_scores"] = scores;
        obs.arrays["input_importance"] = scores.colwise().sum().transpose();
    }
    if (!s->curves) {  // too wide to sample every edge: the most important ones only
        s->maxScore = scores.size() ? scores.maxCoeff() : 0.f;
        for (size_t r = 0; r < s->ranked.size() && r < size_t(KanLayerSamples::kTopEdges); ++r) {
            const int i = s->ranked[r] / out, o = s->ranked[r] % out;
            s->top.push_back(sampleEdge(i, o, s->lo[size_t(i)], s->hi[size_t(i)]));
            s->top.back().score = scores(o, i);
        }
        obs.extra["kan"] = std::shared_ptr<const KanLayerSamples>(std::move(s));
        return;
    }
    s->maxScore = scores.size() ? scores.maxCoeff() : 0.f;
    s->edges.resize(size_t(edges));
    Matrix X(in, kCurvePoints), B;
    if (s->curves) {
        for (int i = 0; i < in; ++i)
            for (int p = 0; p < kCurvePoints; ++p)
                X(i, p) = s->lo[size_t(i)] + (s->hi[size_t(i)] - s->lo[size_t(i)]) * float(p) / (kCurvePoints - 1);
        basis.evaluate(X, B, nullptr);
    }
    const auto& lib = kan::symbolicLibrary();
    std::vector<float> v(static_cast<size_t>(nb));
    for (int i = 0; i < in; ++i) {
        Matrix S;
        if (s->curves) S = layer_.coef.middleCols(Eigen::Index(i) * nb, nb) * B.middleRows(Eigen::Index(i) * nb, nb);
        for (int o = 0; o < out; ++o) {
            KanEdgeSamples& e = s->edges[size_t(i) * out + o];
            const kan::SymbolicEdge& sym = layer_.symbolic[size_t(i) * out + o];
            e.in = i;
            e.out = o;
            e.active = layer_.edgeActive(i, o);
            e.symbolic = sym.fn >= 0;
            e.score = scores.size() ? scores(o, i) : 0.f;
            if (e.symbolic) {
                e.label = kan::symbolicText({sym.fn, sym.a, sym.b, sym.c, sym.d, sym.r2, 0}, "x");
                e.r2 = sym.r2;
            }
            if (!s->curves) continue;
            const float mk = layer_.mask(o, i), sb = layer_.scaleBase(o, i), ss = layer_.scaleSp(o, i);
            e.x.resize(kCurvePoints);
            e.y.resize(kCurvePoints);
            for (int p = 0; p < kCurvePoints; ++p) {
                const float x = X(i, p);
                float y = mk * (sb * kan::silu(x) + ss * S(o, p));
                if (e.symbolic) y += sym.c * lib[size_t(sym.fn)].f(sym.a * x + sym.b) + sym.d;
                e.x[size_t(p)] = x;
                e.y[size_t(p)] = y;
            }
            if (mk != 0.f)
                for (int j = 0; j < nb; ++j) {
                    const float ax = basis.anchor(i, j);
                    e.ctrlX.push_back(ax);
                    e.ctrlY.push_back(mk * (sb * kan::silu(ax) + ss * layer_.coef(o, Eigen::Index(i) * nb + j)));
                }
        }
    }
    for (size_t r = 0; r < s->ranked.size() && r < size_t(KanLayerSamples::kTopEdges); ++r)
        s->top.push_back(s->edges[size_t(s->ranked[r])]);
    obs.extra["kan"] = std::shared_ptr<const KanLayerSamples>(std::move(s));
}

const Matrix& KanLayerKernel::scores() const {
    const int in = layer_.in(), out = layer_.out();
    if (recent_.cols() < 2) {
        scores_.resize(0, 0);
        return scores_;
    }
    const bool wide = long(in) * out > kMaxScoreEdges;
    if (!wide) return scores_ = layer_.edgeScores(recent_);
    const bool fresh = scores_.rows() == out && scores_.cols() == in && scoresRevision_ == revision_ &&
                       trainSteps_ < scoresStep_ + kScoreEvery;
    if (fresh) return scores_;
    // an evenly strided subsample of the recent inputs
    const Eigen::Index n = std::min<Eigen::Index>(recent_.cols(), kWideScoreSamples);
    Matrix sub(in, n);
    for (Eigen::Index b = 0; b < n; ++b) sub.col(b) = recent_.col(b * recent_.cols() / n);
    scores_ = layer_.edgeScores(sub);
    scoresRevision_ = revision_;
    scoresStep_ = trainSteps_;
    return scores_;
}

KanEdgeSamples KanLayerKernel::sampleEdge(int i, int o, float lo, float hi) const {
    KanEdgeSamples e;
    const kan::SymbolicEdge& sym = layer_.symbolic[size_t(i) * layer_.out() + o];
    e.in = i;
    e.out = o;
    e.active = layer_.edgeActive(i, o);
    e.symbolic = sym.fn >= 0;
    if (e.symbolic) {
        e.label = kan::symbolicText({sym.fn, sym.a, sym.b, sym.c, sym.d, sym.r2, 0}, "x");
        e.r2 = sym.r2;
    }
    e.x.resize(kCurvePoints);
    e.y.resize(kCurvePoints);
    for (int p = 0; p < kCurvePoints; ++p) {
        e.x[size_t(p)] = lo + (hi - lo) * float(p) / (kCurvePoints - 1);
        e.y[size_t(p)] = layer_.edge(i, o, e.x[size_t(p)]);
    }
    const float mk = layer_.mask(o, i), sb = layer_.scaleBase(o, i), ss = layer_.scaleSp(o, i);
    if (mk != 0.f)
        for (int j = 0; j < layer_.nb(); ++j) {
            const float ax = layer_.basis().anchor(i, j);
            e.ctrlX.push_back(ax);
            e.ctrlY.push_back(mk * (sb * kan::silu(ax) + ss * layer_.coef(o, Eigen::Index(i) * layer_.nb() + j)));
        }
    return e;
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
