#include "core/kan/kan_layer.h"

#include "core/kan/kan_cost.h"
#include "core/kan/kan_parallel.h"
#include "core/kan/kan_symbolic.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::kan {

using detail::bigWork;
using detail::parallel;

Layer::Layer(const LayerConfig& cfg, Rng& rng)
    : cfg_(cfg), basis_(cfg.basis, cfg.in, cfg.grid, cfg.order, cfg.lo, cfg.hi, cfg.sinFrequencies) {
    if (cfg.out < 1) throw std::invalid_argument("KAN layer needs at least one output");
    const int in = cfg.in, out = cfg.out, nb = basis_.count(), G = cfg.grid;
    std::uniform_real_distribution<float> u01(0.f, 1.f);
    const float isq = 1.f / std::sqrt(float(in));
    scaleBase.resize(out, in);
    for (Eigen::Index k = 0; k < scaleBase.size(); ++k)
        scaleBase(k) = cfg.baseMu * isq + cfg.baseSigma * (u01(rng) * 2.f - 1.f) * isq;
    scaleSp = Matrix::Constant(out, in, cfg.spScale * isq);
    bias = Matrix::Zero(out, 1);
    mask = Matrix::Ones(out, in);
    lnGain = Matrix::Ones(cfg.layerNorm ? in : 0, 1);
    lnShift = Matrix::Zero(cfg.layerNorm ? in : 0, 1);
    symbolic.assign(size_t(in) * out, SymbolicEdge{});
    coef.resize(out, Eigen::Index(in) * nb);
    // pykan: noise curves sampled at the G+1 grid points, fitted (minimum-norm least squares).
    Eigen::MatrixXf A(G + 1, nb), Y(G + 1, out);
    std::vector<float> v(static_cast<size_t>(nb));
    for (int i = 0; i < in; ++i) {
        for (int p = 0; p <= G; ++p) {
            basis_.evaluateOne(i, basis_.points(i)(p), v.data(), nullptr);
            for (int j = 0; j < nb; ++j) A(p, j) = v[size_t(j)];
            for (int o = 0; o < out; ++o) Y(p, o) = (u01(rng) - 0.5f) * cfg.noiseScale / float(G);
        }
        Eigen::MatrixXf c = A.completeOrthogonalDecomposition().solve(Y);  // nb x out
        coef.middleCols(Eigen::Index(i) * nb, nb) = c.transpose();
    }
    allocGrads();
}

void Layer::allocGrads() {
    gCoef.setZero(coef.rows(), coef.cols());
    gScaleBase.setZero(scaleBase.rows(), scaleBase.cols());
    gScaleSp.setZero(scaleSp.rows(), scaleSp.cols());
    gBias.setZero(bias.rows(), bias.cols());
    gLnGain.setZero(lnGain.rows(), 1);
    gLnShift.setZero(lnShift.rows(), 1);
}

std::vector<Parameter> Layer::parameters() {
    std::vector<Parameter> p = {{"coef", &coef, &gCoef},
                                {"scale_base", &scaleBase, &gScaleBase},
                                {"scale_sp", &scaleSp, &gScaleSp}};
    if (cfg_.bias) p.push_back({"bias", &bias, &gBias});
    for (int k = 0; k < basis_.paramCount(); ++k) p.push_back({basis_.paramName(k), &basis_.param(k), &basis_.paramGrad(k)});
    if (cfg_.layerNorm) {
        p.push_back({"ln_gain", &lnGain, &gLnGain});
        p.push_back({"ln_shift", &lnShift, &gLnShift});
    }
    return p;
}

NodeCost Layer::cost() const {
    NodeCost c = layerCost(cfg_.in, cfg_.out, basis_.kind(), basis_.grid(), basis_.order(), cfg_.bias,
                           basis_.sinFrequencies(), cfg_.layerNorm);
    const double snapped = double(std::count_if(symbolic.begin(), symbolic.end(), [](const SymbolicEdge& e) { return e.fn >= 0; }));
    c.forwardMacs += 3 * snapped;
    c.trainMacs += 6 * snapped;
    return c;
}

void Layer::zeroGrad() {
    gCoef.setZero();
    gScaleBase.setZero();
    gScaleSp.setZero();
    gBias.setZero();
    gLnGain.setZero();
    gLnShift.setZero();
    basis_.zeroParamGrads();
}

namespace {
int gThreads = 1;  // the engine thread shares the machine with the GUI; benchmarks may ask for 2
}  // namespace

void setThreads(int n) { gThreads = std::clamp(n, 1, 2); }
int threads() { return gThreads; }

void Layer::forward(const Matrix& x, Matrix& y, bool train) {
    if (x.rows() != cfg_.in)
        throw std::invalid_argument("KAN layer expects " + std::to_string(cfg_.in) + " input features, got " +
                                    std::to_string(x.rows()));
    if (cfg_.layerNorm) normalizeInput(x);  // x_ = the edges' inputs
    else x_ = x;
    trainedCols_ = train ? x.cols() : -1;
    if (sparsePath()) sparseForward(y);
    else denseForward(y, train);
    addSymbolic(x_, y);
}

void Layer::denseForward(Matrix& y, bool train) {
    const int in = cfg_.in, nb = basis_.count();
    const Eigen::Index n = x_.cols();
    silu_.resize(in, n);
    B_.resize(Eigen::Index(in) * nb, n);
    if (train) dB_.resize(B_.rows(), n);
    aux_.resize(train ? basis_.auxRows() : 0, n);  // per-sample cache for the basis tensors' gradients
    Wb_ = scaleBase.cwiseProduct(mask);
    spm_ = scaleSp.cwiseProduct(mask);
    W_.resize(coef.rows(), coef.cols());
    for (int i = 0; i < in; ++i)
        W_.middleCols(Eigen::Index(i) * nb, nb) =
            (coef.middleCols(Eigen::Index(i) * nb, nb).array().colwise() * spm_.col(i).array()).matrix();
    y.resize(cfg_.out, n);
    parallel(bigWork(in, nb, cfg_.out, n), [&](int part, int parts) {
        const Eigen::Index c0 = n * part / parts, c1 = n * (part + 1) / parts, nc = c1 - c0;
        for (Eigen::Index b = c0; b < c1; ++b)
            for (int i = 0; i < in; ++i) silu_(i, b) = silu(x_(i, b));
        basis_.evaluateCols(x_, B_, train ? &dB_ : nullptr, c0, c1, &aux_);
        y.middleCols(c0, nc).noalias() = W_ * B_.middleCols(c0, nc);
        y.middleCols(c0, nc).noalias() += Wb_ * silu_.middleCols(c0, nc);
    });
    if (!train) dB_.resize(0, 0);
    if (cfg_.bias) y.colwise() += bias.col(0);
}

void Layer::addSymbolic(const Matrix& x, Matrix& y) const {
    const auto& lib = symbolicLibrary();
    for (int i = 0; i < cfg_.in; ++i)
        for (int o = 0; o < cfg_.out; ++o) {
            const SymbolicEdge& s = symbolic[size_t(i) * cfg_.out + o];
            if (s.fn < 0) continue;
            const auto f = lib[size_t(s.fn)].f;
            for (Eigen::Index b = 0; b < x.cols(); ++b) y(o, b) += s.c * f(s.a * x(i, b) + s.b) + s.d;
        }
}

void Layer::backward(const Matrix& gy, Matrix* gx, const RegConfig* reg) {
    const int in = cfg_.in, out = cfg_.out;
    if (gy.rows() != out || gy.cols() != x_.cols())
        throw std::invalid_argument("KAN layer backward: gradient shape does not match the last forward");
    if (trainedCols_ != x_.cols()) throw std::logic_error("KAN layer backward without a training forward");
    haveRegGx_ = false;
    lastReg_ = 0;
    if (reg && reg->active()) lastReg_ = regularize(*reg);
    if (cfg_.bias) gBias.col(0) += gy.rowwise().sum();

    // Gradient w.r.t. the edge inputs (into *gx directly without layer normalisation).
    Matrix* gz = cfg_.layerNorm ? &gz_ : gx;
    if (sparsePath()) sparseBackward(gy, gz);
    else denseBackward(gy, gz);
    if (!gz) return;
    const auto& lib = symbolicLibrary();
    for (int i = 0; i < in; ++i)
        for (int o = 0; o < out; ++o) {
            const SymbolicEdge& s = symbolic[size_t(i) * out + o];
            if (s.fn < 0) continue;
            const auto df = lib[size_t(s.fn)].df;
            for (Eigen::Index b = 0; b < x_.cols(); ++b)
                (*gz)(i, b) += gy(o, b) * s.c * s.a * df(s.a * x_(i, b) + s.b);
        }
    if (haveRegGx_) *gz += regGx_;
    if (cfg_.layerNorm) normBackward(*gz, gx);
}

void Layer::denseBackward(const Matrix& gy, Matrix* gz) {
    const int in = cfg_.in, out = cfg_.out, nb = basis_.count();
    const Eigen::Index n = x_.cols();
    const bool big = bigWork(in, nb, out, n);
    gW_.resize(out, coef.cols());
    parallel(big, [&](int part, int parts) {  // split by output rows
        const Eigen::Index r0 = out * part / parts, nr = out * (part + 1) / parts - r0;
        if (nr == 0) return;
        gW_.middleRows(r0, nr).noalias() = gy.middleRows(r0, nr) * B_.transpose();
        for (int i = 0; i < in; ++i) {
            const Eigen::Index c0 = Eigen::Index(i) * nb;
            gCoef.block(r0, c0, nr, nb).array() +=
                gW_.block(r0, c0, nr, nb).array().colwise() * spm_.col(i).segment(r0, nr).array();
            gScaleSp.col(i).segment(r0, nr).array() +=
                mask.col(i).segment(r0, nr).array() *
                (gW_.block(r0, c0, nr, nb).array() * coef.block(r0, c0, nr, nb).array()).rowwise().sum();
        }
        gScaleBase.middleRows(r0, nr).noalias() +=
            (gy.middleRows(r0, nr) * silu_.transpose()).cwiseProduct(mask.middleRows(r0, nr));
    });
    const bool basisParams = basis_.paramCount() > 0;
    if (!gz && !basisParams) return;
    gB_.resize(B_.rows(), n);
    if (gz) gz->resize(in, n);
    parallel(big, [&](int part, int parts) {  // split by samples
        const Eigen::Index c0 = n * part / parts, nc = n * (part + 1) / parts - c0;
        gB_.middleCols(c0, nc).noalias() = W_.transpose() * gy.middleCols(c0, nc);
        if (!gz) return;
        gz->middleCols(c0, nc).noalias() = Wb_.transpose() * gy.middleCols(c0, nc);
        for (Eigen::Index b = c0; b < c0 + nc; ++b) {
            const float* g = gB_.col(b).data();
            const float* d = dB_.col(b).data();
            for (int i = 0; i < in; ++i) {
                float acc = 0.f;
                const int r = i * nb;
                for (int j = 0; j < nb; ++j) acc += g[r + j] * d[r + j];
                (*gz)(i, b) = (*gz)(i, b) * siluGrad(x_(i, b)) + acc;
            }
        }
    });
    if (basisParams)
        parallel(big, [&](int part, int parts) {  // split by inputs (each owns its rows)
            const int i0 = in * part / parts, i1 = in * (part + 1) / parts;
            basis_.accumulateParamGrads(x_, gB_, i0, i1, &aux_);
            if (haveRegGx_) basis_.accumulateParamGrads(x_, regGB_, i0, i1, &aux_);
        });
}

float Layer::splinePart(int i, int o, float x) const {
    const int nb = basis_.count();
    std::vector<float> v(static_cast<size_t>(nb));
    basis_.evaluateOne(i, x, v.data(), nullptr);
    float s = 0.f;
    for (int j = 0; j < nb; ++j) s += coef(o, Eigen::Index(i) * nb + j) * v[size_t(j)];
    return s;
}

bool Layer::edgeActive(int i, int o) const {
    return mask(o, i) != 0.f || symbolic[size_t(i) * cfg_.out + o].fn >= 0;
}

float Layer::edge(int i, int o, float x) const {
    float y = 0.f;
    if (mask(o, i) != 0.f)
        y += mask(o, i) * (scaleBase(o, i) * silu(x) + scaleSp(o, i) * splinePart(i, o, x));
    const SymbolicEdge& s = symbolic[size_t(i) * cfg_.out + o];
    if (s.fn >= 0) y += s.c * symbolicLibrary()[size_t(s.fn)].f(s.a * x + s.b) + s.d;
    return y;
}

void Layer::setSymbolic(int i, int o, const SymbolicEdge& s) {
    if (i < 0 || i >= cfg_.in || o < 0 || o >= cfg_.out)
        throw std::out_of_range("KAN edge (" + std::to_string(i) + ", " + std::to_string(o) + ") out of range");
    if (s.fn < 0 || s.fn >= int(symbolicLibrary().size()))
        throw std::invalid_argument("unknown symbolic function index " + std::to_string(s.fn));
    symbolic[size_t(i) * cfg_.out + o] = s;
    mask(o, i) = 0.f;
}

KernelState Layer::saveState() const {
    KernelState s;
    s["coef"] = coef;
    s["scale_base"] = scaleBase;
    s["scale_sp"] = scaleSp;
    s["bias"] = bias;
    s["mask"] = mask;
    Matrix grid(cfg_.in, cfg_.grid + 1);
    for (int i = 0; i < cfg_.in; ++i) grid.row(i) = basis_.points(i);
    s["grid"] = grid;
    Matrix sym(Eigen::Index(symbolic.size()), 5);
    for (size_t e = 0; e < symbolic.size(); ++e)
        sym.row(Eigen::Index(e)) << float(symbolic[e].fn), symbolic[e].a, symbolic[e].b, symbolic[e].c,
            symbolic[e].d;
    s["symbolic"] = sym;
    for (int k = 0; k < basis_.paramCount(); ++k) s[basis_.paramName(k)] = basis_.param(k);
    if (cfg_.layerNorm) {
        s["ln_gain"] = lnGain;
        s["ln_shift"] = lnShift;
    }
    return s;
}

void Layer::loadState(const KernelState& s) {
    // Everything is checked (into copies) before the layer changes, so a throw leaves it as it was.
    // A state saved after grid extension carries more grid points: adopt its resolution.
    int grid = cfg_.grid;
    if (auto it = s.find("grid"); it != s.end() && it->second.rows() == cfg_.in &&
                                  it->second.cols() != cfg_.grid + 1 && it->second.cols() >= 2 &&
                                  it->second.cols() <= 101)
        grid = int(it->second.cols()) - 1;
    Basis basis = grid == cfg_.grid ? basis_
                                    : Basis(cfg_.basis, cfg_.in, grid, cfg_.order, cfg_.lo, cfg_.hi, cfg_.sinFrequencies);
    const std::string what = "KAN layer";
    if (auto it = s.find("coef"); grid != cfg_.grid && it != s.end() &&
                                  it->second.cols() != Eigen::Index(cfg_.in) * basis.count())
        throw std::runtime_error("KAN layer state: 'grid' has " + std::to_string(grid + 1) + " points per input but 'coef' has " +
                                 std::to_string(it->second.cols()) + " columns, expected " +
                                 std::to_string(Eigen::Index(cfg_.in) * basis.count()));
    const Matrix& pts = checkedEntry(s, what, "grid", cfg_.in, grid + 1);
    const Matrix& sym = checkedEntry(s, what, "symbolic", Eigen::Index(symbolic.size()), 5);
    const Matrix& c = checkedEntry(s, what, "coef", cfg_.out, Eigen::Index(cfg_.in) * basis.count());
    const Matrix& sb = checkedEntry(s, what, "scale_base", scaleBase.rows(), scaleBase.cols());
    const Matrix& ss = checkedEntry(s, what, "scale_sp", scaleSp.rows(), scaleSp.cols());
    const Matrix& bi = checkedEntry(s, what, "bias", bias.rows(), bias.cols());
    const Matrix& m = checkedEntry(s, what, "mask", mask.rows(), mask.cols());
    std::vector<const Matrix*> bp;
    for (int k = 0; k < basis.paramCount(); ++k)
        bp.push_back(&checkedEntry(s, what, basis.paramName(k), basis.param(k).rows(), basis.param(k).cols()));
    const Matrix* lg = cfg_.layerNorm ? &checkedEntry(s, what, "ln_gain", lnGain.rows(), 1) : nullptr;
    const Matrix* ls = cfg_.layerNorm ? &checkedEntry(s, what, "ln_shift", lnShift.rows(), 1) : nullptr;
    for (int i = 0; i < cfg_.in; ++i) {
        try {
            basis.setPoints(i, pts.row(i));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error("KAN layer state 'grid': " + std::string(e.what()));
        }
    }
    for (int k = 0; k < basis.paramCount(); ++k) basis.param(k) = *bp[size_t(k)];
    const int nfn = int(symbolicLibrary().size());
    std::vector<SymbolicEdge> edges(symbolic.size());
    for (size_t e = 0; e < symbolic.size(); ++e) {
        const int fn = int(std::lround(sym(Eigen::Index(e), 0)));
        if (fn < -1 || fn >= nfn) throw std::runtime_error("KAN layer state 'symbolic' has an unknown function");
        edges[e] = {fn, sym(Eigen::Index(e), 1), sym(Eigen::Index(e), 2), sym(Eigen::Index(e), 3),
                    sym(Eigen::Index(e), 4), 0.0};
    }
    const bool regridded = grid != cfg_.grid;
    cfg_.grid = grid;
    basis_ = std::move(basis);
    coef = c;
    scaleBase = sb;
    scaleSp = ss;
    bias = bi;
    mask = m;
    if (lg) {
        lnGain = *lg;
        lnShift = *ls;
    }
    symbolic = std::move(edges);
    if (regridded) {
        allocGrads();
        B_.resize(0, 0);
        dB_.resize(0, 0);
        trainedCols_ = -1;
    }
}

}  // namespace ganglion::kan
