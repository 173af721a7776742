// KanLayer operations beyond forward/backward: regularisation, attribution and pruning, grid
// update and extension (least-squares refits), node subsets.
#include "core/kan/kan_layer.h"

#include "core/kan/kan_symbolic.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::kan {

double Layer::regularize(const RegConfig& reg) {
    const int in = cfg_.in, out = cfg_.out, nb = basis_.count();
    const Eigen::Index n = x_.cols();
    if (sparsePath()) denseCaches();
    Matrix A(out, in);
    Matrix S(out, n), Phi(out, n);
    auto edgeBlock = [&](int i) {
        S.noalias() = coef.middleCols(Eigen::Index(i) * nb, nb) * B_.middleRows(Eigen::Index(i) * nb, nb);
        const Eigen::ArrayXf sb = scaleBase.col(i).array() * mask.col(i).array();
        const Eigen::ArrayXf ss = scaleSp.col(i).array() * mask.col(i).array();
        Phi = ((S.array().colwise() * ss) + (sb.matrix() * silu_.row(i)).array()).matrix();
    };
    for (int i = 0; i < in; ++i) {
        edgeBlock(i);
        A.col(i) = Phi.cwiseAbs().rowwise().sum() / float(n);
    }
    const double total = A.cast<double>().sum();
    double H = 0;
    Matrix dRdA = Matrix::Constant(out, in, float(reg.l1));
    if (total > 1e-12) {
        for (Eigen::Index k = 0; k < A.size(); ++k) {
            const double p = A(k) / total;
            if (p > 1e-12) H -= p * std::log(p);
        }
        for (Eigen::Index k = 0; k < A.size(); ++k) {
            const double p = std::max(double(A(k)) / total, 1e-12);
            dRdA(k) += float(reg.entropy * (-std::log(p) - H) / total);
        }
    }
    regGx_.setZero(in, n);
    if (basis_.paramCount() > 0) regGB_.resize(B_.rows(), n);
    Matrix Gi(out, n), dS(out, n);
    for (int i = 0; i < in; ++i) {
        edgeBlock(i);
        const Eigen::Index c0 = Eigen::Index(i) * nb;
        Gi = (Phi.array().sign().colwise() * (dRdA.col(i).array() / float(n))).matrix();
        const Eigen::ArrayXf mk = mask.col(i).array();
        gScaleBase.col(i).array() += mk * (Gi * silu_.row(i).transpose()).array();
        gScaleSp.col(i).array() += mk * (Gi.array() * S.array()).rowwise().sum();
        gCoef.middleCols(c0, nb).array() +=
            (Gi * B_.middleRows(c0, nb).transpose()).array().colwise() * (mk * scaleSp.col(i).array());
        if (basis_.paramCount() > 0)  // dR/dB for the trainable basis tensors
            regGB_.middleRows(c0, nb).noalias() =
                coef.middleCols(c0, nb).transpose() * (Gi.array().colwise() * (mk * scaleSp.col(i).array())).matrix();
        dS.noalias() = coef.middleCols(c0, nb) * dB_.middleRows(c0, nb);
        const Eigen::ArrayXf sb = scaleBase.col(i).array() * mk;
        const Eigen::ArrayXf ss = scaleSp.col(i).array() * mk;
        for (Eigen::Index b = 0; b < n; ++b) {
            const float sg = siluGrad(x_(i, b));
            float acc = 0.f;
            for (int o = 0; o < out; ++o) acc += Gi(o, b) * (sb(o) * sg + ss(o) * dS(o, b));
            regGx_(i, b) = acc;
        }
    }
    haveRegGx_ = true;
    return reg.l1 * total + reg.entropy * H;
}

Matrix Layer::edgeScores(const Matrix& xin) const {
    if (xin.rows() != cfg_.in) throw std::invalid_argument("KAN edge scores: wrong input feature count");
    const Matrix normed = cfg_.layerNorm ? edgeInputs(xin) : Matrix();
    const Matrix& x = cfg_.layerNorm ? normed : xin;
    const int in = cfg_.in, out = cfg_.out, nb = basis_.count();
    const Eigen::Index n = x.cols();
    Matrix B;
    basis_.evaluate(x, B, nullptr);
    Matrix scores = Matrix::Zero(out, in);
    if (n < 2) return scores;
    const auto& lib = symbolicLibrary();
    Matrix phi(out, n);
    for (int i = 0; i < in; ++i) {
        phi.noalias() = coef.middleCols(Eigen::Index(i) * nb, nb) * B.middleRows(Eigen::Index(i) * nb, nb);
        for (int o = 0; o < out; ++o) {
            const SymbolicEdge& s = symbolic[size_t(i) * out + o];
            for (Eigen::Index b = 0; b < n; ++b) {
                float v = mask(o, i) * (scaleBase(o, i) * silu(x(i, b)) + scaleSp(o, i) * phi(o, b));
                if (s.fn >= 0) v += s.c * lib[size_t(s.fn)].f(s.a * x(i, b) + s.b) + s.d;
                phi(o, b) = v;
            }
            const double mean = phi.row(o).cast<double>().mean();
            scores(o, i) = float(std::sqrt((phi.row(o).cast<double>().array() - mean).square().sum() / double(n)));
        }
    }
    return scores;
}

int Layer::pruneEdges(const Matrix& x, float threshold) {
    const Matrix s = edgeScores(x);
    int removed = 0;
    for (int i = 0; i < cfg_.in; ++i)
        for (int o = 0; o < cfg_.out; ++o)
            if (edgeActive(i, o) && s(o, i) < threshold) {
                mask(o, i) = 0.f;
                symbolic[size_t(i) * cfg_.out + o] = SymbolicEdge{};
                ++removed;
            }
    return removed;
}

// Least-squares refit of every input's coefficients so that the spline part matches
// targets[i] (out x n_i) at the points xs[i] (1 x n_i) under the current basis.
void Layer::refit(const std::vector<Matrix>& xs, const std::vector<Matrix>& targets) {
    const int nb = basis_.count();
    std::vector<float> v(static_cast<size_t>(nb));
    for (int i = 0; i < cfg_.in; ++i) {
        const Eigen::Index n = xs[size_t(i)].cols();
        Eigen::MatrixXf A(n, nb);
        for (Eigen::Index p = 0; p < n; ++p) {
            basis_.evaluateOne(i, xs[size_t(i)](0, p), v.data(), nullptr);
            for (int j = 0; j < nb; ++j) A(p, j) = v[size_t(j)];
        }
        Eigen::MatrixXf c = A.completeOrthogonalDecomposition().solve(Eigen::MatrixXf(targets[size_t(i)].transpose()));
        coef.middleCols(Eigen::Index(i) * nb, nb) = c.transpose();
    }
}

namespace {
// Spline parts (out x n) of input i at the points xs (1 x n).
Matrix splineValues(const Layer& L, int i, const Matrix& xs) {
    Matrix y(L.out(), xs.cols());
    for (int o = 0; o < L.out(); ++o)
        for (Eigen::Index p = 0; p < xs.cols(); ++p) y(o, p) = L.splinePart(i, o, xs(0, p));
    return y;
}
double maxEdgeError(const Layer& L, int i, const Matrix& before, const Matrix& after) {
    double err = 0;
    for (int o = 0; o < L.out(); ++o) {
        const double s = std::abs(double(L.scaleSp(o, i) * L.mask(o, i)));
        err = std::max(err, s * double((after.row(o) - before.row(o)).cwiseAbs().maxCoeff()));
    }
    return err;
}
}  // namespace

double Layer::updateGrid(const Matrix& xin, float gridEps) {
    if (xin.rows() != cfg_.in) throw std::invalid_argument("KAN grid update: wrong input feature count");
    const Matrix normed = cfg_.layerNorm ? edgeInputs(xin) : Matrix();
    const Matrix& x = cfg_.layerNorm ? normed : xin;
    if (x.cols() < 2) throw std::invalid_argument("KAN grid update needs at least 2 samples");
    const int G = cfg_.grid;
    const Eigen::Index n = x.cols();
    std::vector<Matrix> xs(static_cast<size_t>(cfg_.in)), before(static_cast<size_t>(cfg_.in));
    for (int i = 0; i < cfg_.in; ++i) {
        xs[size_t(i)] = x.row(i);
        before[size_t(i)] = splineValues(*this, i, xs[size_t(i)]);
    }
    for (int i = 0; i < cfg_.in; ++i) {
        std::vector<float> s(static_cast<size_t>(n));
        for (Eigen::Index b = 0; b < n; ++b) s[size_t(b)] = x(i, b);
        std::sort(s.begin(), s.end());
        const float lo = s.front(), hi = s.back();
        if (!(hi - lo > 1e-6f)) continue;  // constant input: keep its grid
        Eigen::RowVectorXf pts(G + 1);
        for (int j = 0; j <= G; ++j) {
            const size_t id = j == G ? size_t(n - 1) : size_t(double(n) / G * j);
            const float adaptive = s[std::min(id, size_t(n - 1))];
            const float uniform = lo + (hi - lo) * float(j) / float(G);
            pts(j) = gridEps * uniform + (1.f - gridEps) * adaptive;
        }
        const float gap = 1e-4f * (hi - lo);
        for (int j = 1; j <= G; ++j) pts(j) = std::max(pts(j), pts(j - 1) + gap);
        basis_.setPoints(i, pts);
    }
    refit(xs, before);
    double err = 0;
    for (int i = 0; i < cfg_.in; ++i)
        err = std::max(err, maxEdgeError(*this, i, before[size_t(i)], splineValues(*this, i, xs[size_t(i)])));
    return err;
}

double Layer::extendGrid(int newGrid, const Matrix* xin) {
    if (newGrid < 1 || newGrid > 100) throw std::invalid_argument("KAN grid extension: grid must be in [1, 100]");
    if (xin && xin->rows() != cfg_.in) throw std::invalid_argument("KAN grid extension: wrong input feature count");
    const Matrix normed = cfg_.layerNorm && xin ? edgeInputs(*xin) : Matrix();
    const Matrix* x = cfg_.layerNorm && xin ? &normed : xin;
    const int G = cfg_.grid, in = cfg_.in;
    const int dense = std::max(200, 20 * std::max(newGrid, G));
    std::vector<Matrix> xs(static_cast<size_t>(in)), before(static_cast<size_t>(in));
    Basis nb(cfg_.basis, in, newGrid, cfg_.order, cfg_.lo, cfg_.hi, cfg_.sinFrequencies);
    // Trainable tensors that do not depend on the grid (AF-KAN attention) carry over; adaptive
    // RBF kernels are re-placed on the new grid points and the refit absorbs the change.
    for (int k = 0; k < nb.paramCount(); ++k)
        if (nb.param(k).cols() == basis_.param(k).cols()) nb.param(k) = basis_.param(k);
    for (int i = 0; i < in; ++i) {
        // New points interpolate the old ones (keeping an adaptive layout), stretched to cover
        // the data when it reaches beyond the grid (pykan refines on the data's range).
        const float p0 = basis_.points(i)(0), pG = basis_.points(i)(G);
        float lo = p0, hi = pG;
        if (x && x->cols() > 0) {
            lo = std::min(lo, x->row(i).minCoeff());
            hi = std::max(hi, x->row(i).maxCoeff());
        }
        Eigen::RowVectorXf pts(newGrid + 1);
        for (int m = 0; m <= newGrid; ++m) {
            const double pos = double(m) * G / newGrid;
            const int j = std::min(int(pos), G - 1);
            const float f = float(pos - j);
            const float q = basis_.points(i)(j) * (1.f - f) + basis_.points(i)(j + 1) * f;
            pts(m) = lo + (q - p0) / (pG - p0) * (hi - lo);
        }
        nb.setPoints(i, pts);
        const Eigen::Index extra = x ? x->cols() : 0;
        Matrix s(1, dense + extra);
        for (int p = 0; p < dense; ++p) s(0, p) = lo + (hi - lo) * float(p) / float(dense - 1);
        if (extra) s.rightCols(extra) = x->row(i);
        xs[size_t(i)] = s;
        before[size_t(i)] = splineValues(*this, i, s);
    }
    basis_ = nb;
    cfg_.grid = newGrid;
    coef.setZero(cfg_.out, Eigen::Index(in) * basis_.count());
    refit(xs, before);
    allocGrads();
    B_.resize(0, 0);
    dB_.resize(0, 0);
    trainedCols_ = -1;
    double err = 0;
    for (int i = 0; i < in; ++i)
        err = std::max(err, maxEdgeError(*this, i, before[size_t(i)], splineValues(*this, i, xs[size_t(i)])));
    return err;
}

Layer Layer::subset(const std::vector<int>& keepIn, const std::vector<int>& keepOut) const {
    if (keepIn.empty() || keepOut.empty()) throw std::invalid_argument("KAN layer subset must keep at least one input and output");
    for (int i : keepIn)
        if (i < 0 || i >= cfg_.in) throw std::out_of_range("KAN subset: input index out of range");
    for (int o : keepOut)
        if (o < 0 || o >= cfg_.out) throw std::out_of_range("KAN subset: output index out of range");
    if (cfg_.layerNorm && int(keepIn.size()) != cfg_.in)
        throw std::invalid_argument("KAN subset: removing inputs of a layer-normalised KAN layer would change the "
                                    "normalisation of the inputs it keeps");
    const int nb = basis_.count();
    Layer L;
    L.cfg_ = cfg_;
    L.cfg_.in = int(keepIn.size());
    L.cfg_.out = int(keepOut.size());
    L.basis_ = Basis(cfg_.basis, L.cfg_.in, cfg_.grid, cfg_.order, cfg_.lo, cfg_.hi, cfg_.sinFrequencies);
    L.lnGain = cfg_.layerNorm ? Matrix(lnGain(keepIn, Eigen::all)) : Matrix(0, 1);
    L.lnShift = cfg_.layerNorm ? Matrix(lnShift(keepIn, Eigen::all)) : Matrix(0, 1);
    L.coef.resize(L.cfg_.out, Eigen::Index(L.cfg_.in) * nb);
    L.scaleBase.resize(L.cfg_.out, L.cfg_.in);
    L.scaleSp.resize(L.cfg_.out, L.cfg_.in);
    L.mask.resize(L.cfg_.out, L.cfg_.in);
    L.bias.resize(L.cfg_.out, 1);
    L.symbolic.assign(size_t(L.cfg_.in) * L.cfg_.out, SymbolicEdge{});
    for (int a = 0; a < L.cfg_.in; ++a) {
        const int i = keepIn[size_t(a)];
        L.basis_.copyInput(basis_, i, a);
        for (int c = 0; c < L.cfg_.out; ++c) {
            const int o = keepOut[size_t(c)];
            L.coef.block(c, Eigen::Index(a) * nb, 1, nb) = coef.block(o, Eigen::Index(i) * nb, 1, nb);
            L.scaleBase(c, a) = scaleBase(o, i);
            L.scaleSp(c, a) = scaleSp(o, i);
            L.mask(c, a) = mask(o, i);
            L.symbolic[size_t(a) * L.cfg_.out + c] = symbolic[size_t(i) * cfg_.out + o];
        }
    }
    for (int c = 0; c < L.cfg_.out; ++c) L.bias(c, 0) = bias(keepOut[size_t(c)], 0);
    L.allocGrads();
    return L;
}

}  // namespace ganglion::kan
