// Basis functions of a KAN layer, evaluated for a whole batch at once.
//
// Every input i of a layer owns a grid of G+1 points t_0 < … < t_G (uniform over the layer's
// range at first; grid update moves them to data percentiles). From it each basis derives its
// functions:
//  - BSpline (pykan): order-k B-splines on the grid extended by k knots of the end spacing on
//    each side (G+2k+1 knots, G+k functions), Cox–de Boor with half-open support [t_j, t_j+k+1)
//    exactly as pykan's B_batch (zero outside the extended grid).
//  - Rbf (FastKAN, Li 2024): Gaussians exp(-((x-c_j)/h)^2) centred on the G+1 grid points,
//    h = (t_G - t_0)/G.
//  - Chebyshev (ChebyKAN, SS et al. 2024): T_0 … T_G of u = tanh((2x - t_0 - t_G)/(t_G - t_0)).
//  - ReluKan (Qiu et al. 2024): R_j = (16/(e_j-s_j)^4)·(relu(e_j-x)·relu(x-s_j))^2 with
//    s_j, e_j = extended knots j and j+k+1 (G+k functions, the same supports as the B-splines).
//  - RbfAdaptive (NeuRBF-style; Chen et al. 2023, "NeuRBF: A Neural Fields Representation with
//    Adaptive Radial Basis Functions", ICCV, arXiv:2309.15426): Gaussians g_j = exp(-((x-c_j)/w_j)^2)
//    whose centres c_j and widths w_j = exp(ℓ_j) are trained (parameters "rbf_centres",
//    "rbf_log_widths", in x (G+1)), initialised on the G+1 grid points with w = (t_G - t_0)/G, or
//    by 1-D k-means on a batch (fitCentres). NeuRBF's sinusoidal composition feeds the kernel value
//    into sinusoids of several frequencies, sin(ω·g(x)); with M = sinFrequencies > 0 every kernel
//    gives M+1 functions g, sin(ω_1 g), …, sin(ω_M g) with ω_m = 2^(m-1)·π/2 (row j·(M+1) + m), so
//    ω_1 keeps the kernel's single peak and higher frequencies add rings around the centre while
//    staying zero far from it (we omit NeuRBF's phase bias for that reason).
//  - Af (AF-KAN; Ta & Tran 2025, "AF-KAN: Activation Function-Based Kolmogorov-Arnold Networks
//    for Efficient Representation Learning", arXiv:2503.06112): ReLU-KAN's "quad1" bump with the
//    ReLU replaced by a learned mixture of activations. For function j (support s_j, e_j as
//    ReLU-KAN) and activation a ∈ {ReLU, SiLU, tanh, GELU (exact, erf)} in that fixed order:
//    f_aj = (a(x - s_j)·a(e_j - x))^2 / a((e_j - s_j)/2)^4 (1 at the centre for every a), and
//    B_j = Σ_a π_ia f_aj with π_i = softmax(α_i), the attention over the activations learnt per
//    input (parameter "af_attention", in x 4, zero = uniform at first). The paper's attention
//    weighs the combined functions; a per-input softmax over the activation functions is our
//    reading of it (its layer-normalisation option is LayerConfig::layerNorm).
//  - Sine (Fourier): sin(kπu), cos(kπu) for k = 1…G (2G functions, row 2(k-1) and 2(k-1)+1) of
//    u = (2x - t_0 - t_G)/(t_G - t_0), the input scaled to [-1, 1] by the grid range.
//  - Poly: Legendre polynomials P_0 … P_G of u = tanh((2x - t_0 - t_G)/(t_G - t_0)).
// Values and derivatives are written densely as (in·nb) x batch matrices, row i·nb + j.
#pragma once

#include "core/model/types.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace ganglion::kan {

enum class BasisKind { BSpline, Rbf, Chebyshev, ReluKan, RbfAdaptive, Af, Sine, Poly };

/// Largest spline order (BSpline, ReluKan, Af).
constexpr int kMaxOrder = 10;
/// Number of activation functions mixed by the Af basis (ReLU, SiLU, tanh, GELU).
constexpr int kAfActivations = 4;
/// Largest number of trainable tensors a basis owns.
constexpr int kMaxBasisParams = 2;

BasisKind basisFromName(const std::string& name);  ///< throws std::invalid_argument naming it
const char* basisName(BasisKind k);
std::vector<std::string> basisNames();

class Basis {
public:
    Basis() = default;
    /// Uniform grid of `grid` intervals over [lo, hi] for each of `inputs` inputs.
    /// sinFrequencies: RbfAdaptive's sinusoidal composition (0 = plain Gaussians; others need 0).
    Basis(BasisKind kind, int inputs, int grid, int order, float lo, float hi, int sinFrequencies = 0);

    BasisKind kind() const { return kind_; }
    int inputs() const { return in_; }
    int grid() const { return G_; }
    int order() const { return k_; }
    int count() const { return nb_; }  ///< functions per input (nb)
    int sinFrequencies() const { return M_; }

    // Trainable tensors owned by the basis (RbfAdaptive: centres and log-widths; Af: attention
    // logits), one row per input. Their storage never moves (the layer hands out pointers).
    int paramCount() const { return np_; }
    const char* paramName(int p) const { return pname_[size_t(p)]; }
    Matrix& param(int p) { return pv_[size_t(p)]; }
    const Matrix& param(int p) const { return pv_[size_t(p)]; }
    Matrix& paramGrad(int p) { return pg_[size_t(p)]; }
    void zeroParamGrads();
    /// Adds d(loss)/d(param) given gB = d(loss)/dB ((in·nb) x n) for the inputs x (in x n), via
    /// the exact dB/d(param) of each function, for the inputs [i0, i1) (disjoint ranges may run
    /// concurrently). `aux`, when it holds what evaluateCols stored for this x, saves recomputing.
    void accumulateParamGrads(const Matrix& x, const Matrix& gB, int i0, int i1, const Matrix* aux = nullptr);
    /// Rows per input of the per-sample training cache evaluateCols can fill for
    /// accumulateParamGrads (Af: every (function, activation) value; RbfAdaptive: every kernel
    /// value; others 0), and of the whole cache.
    int auxStride() const {
        return kind_ == BasisKind::Af ? nb_ * kAfActivations : kind_ == BasisKind::RbfAdaptive ? G_ + 1 : 0;
    }
    Eigen::Index auxRows() const { return Eigen::Index(in_) * auxStride(); }
    /// Copies input `from` of `src` (points and trainable rows) into input `to` (node pruning).
    void copyInput(const Basis& src, int from, int to);
    /// RbfAdaptive: 1-D k-means (quantile start, Lloyd iterations; deterministic) of each input's
    /// values in x places the G+1 centres, widths = distance to the nearest other centre.
    void fitCentres(const Matrix& x);

    /// Grid points of input i (G+1 values).
    Eigen::Ref<const Eigen::RowVectorXf> points(int i) const { return pts_.row(i); }
    /// Knots of input i after extension (BSpline / ReluKan: G+2k+1 values; others: the points).
    Eigen::Ref<const Eigen::RowVectorXf> knots(int i) const { return knots_.row(i); }
    /// Replace input i's grid points (G+1 strictly increasing values, else std::invalid_argument).
    /// RbfAdaptive re-places that input's centres on the points (widths = mean spacing).
    void setPoints(int i, const Eigen::RowVectorXf& pts);

    /// x: in x batch. B (and dB when non-null) are resized to (in·nb) x batch and filled.
    void evaluate(const Matrix& x, Matrix& B, Matrix* dB) const;
    /// Same for the columns [c0, c1) only, into B (and dB) already sized (in·nb) x batch.
    /// Disjoint column ranges may be evaluated concurrently.
    /// `aux` (auxRows() x batch, optional) receives the training cache for those columns.
    void evaluateCols(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1,
                      Matrix* aux = nullptr) const;
    /// BSpline only: the order+1 functions that can be non-zero at each of the n values xs of
    /// input i (the local support the sparse layer path contracts over). start[b] = s, the knot
    /// span of xs[b] (t_s <= x < t_s+1), so value r belongs to function j = s - k + r; values of
    /// functions outside [0, nb) are 0. vals[r][b] (and dvals[r][b] when dvals is non-null) for
    /// r = 0..k. Outside the extended grid: start 0 and all values 0.
    void bsplineSupport(int i, const float* xs, int n, int* start, float* const* vals, float* const* dvals) const;
    /// The nb basis values (and derivatives) of input i at one point.
    void evaluateOne(int i, float x, float* values, float* derivs) const;
    /// A natural x position for coefficient j of input i (Greville abscissa / centre).
    float anchor(int i, int j) const;

private:
    void rebuildKnots(int i);
    void rebuildTable(int i);
    void evalAt(const float* t, int m, float x, float* v, float* d) const;
    int bsplineSpan(int i, float x, float* N, float* dN) const;
    void bsplineBatch(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1) const;
    void bspline(const float* t, int m, float x, float* v, float* d) const;
    void evalTrainable(int i, float x, float* v, float* d, float* fa = nullptr) const;  // RbfAdaptive, Af
    void initParams();
    void resetCentres(int i);
    void rebuildAfNorms(int i);

    int M_ = 0, np_ = 0;
    std::array<Matrix, kMaxBasisParams> pv_, pg_;
    std::array<const char*, kMaxBasisParams> pname_{};
    std::vector<float> afNorm_;  // Af: 1/a(half-support)^4 per (input, function, activation)

    BasisKind kind_ = BasisKind::BSpline;
    int in_ = 0, G_ = 0, k_ = 0, nb_ = 0;
    Eigen::MatrixXf pts_;    // in x (G+1)
    Eigen::MatrixXf knots_;  // in x (G+2k+1) or in x (G+1)
    // Per input, contiguous: m knots then 1/(t[j+p]-t[j]) for p = 1..k (m each), for the
    // batched B-spline path; uniform grids also get a direct span lookup.
    std::vector<float> table_;
    std::vector<float> t0_, invH_;
    std::vector<char> uniform_;
};

/// SiLU and its derivative, the residual "base" function b(x) of pykan.
inline float silu(float x) { return x / (1.f + std::exp(-x)); }
inline float siluGrad(float x) {
    float s = 1.f / (1.f + std::exp(-x));
    return s * (1.f + x * (1.f - s));
}

}  // namespace ganglion::kan
