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
// Values and derivatives are written densely as (in·nb) x batch matrices, row i·nb + j.
#pragma once

#include "core/model/types.h"

#include <cmath>
#include <string>
#include <vector>

namespace ganglion::kan {

enum class BasisKind { BSpline, Rbf, Chebyshev, ReluKan };

BasisKind basisFromName(const std::string& name);  ///< throws std::invalid_argument naming it
const char* basisName(BasisKind k);
std::vector<std::string> basisNames();

class Basis {
public:
    Basis() = default;
    /// Uniform grid of `grid` intervals over [lo, hi] for each of `inputs` inputs.
    Basis(BasisKind kind, int inputs, int grid, int order, float lo, float hi);

    BasisKind kind() const { return kind_; }
    int inputs() const { return in_; }
    int grid() const { return G_; }
    int order() const { return k_; }
    int count() const { return nb_; }  ///< functions per input (nb)

    /// Grid points of input i (G+1 values).
    Eigen::Ref<const Eigen::RowVectorXf> points(int i) const { return pts_.row(i); }
    /// Knots of input i after extension (BSpline / ReluKan: G+2k+1 values; others: the points).
    Eigen::Ref<const Eigen::RowVectorXf> knots(int i) const { return knots_.row(i); }
    /// Replace input i's grid points (G+1 strictly increasing values, else std::invalid_argument).
    void setPoints(int i, const Eigen::RowVectorXf& pts);

    /// x: in x batch. B (and dB when non-null) are resized to (in·nb) x batch and filled.
    void evaluate(const Matrix& x, Matrix& B, Matrix* dB) const;
    /// Same for the columns [c0, c1) only, into B (and dB) already sized (in·nb) x batch.
    /// Disjoint column ranges may be evaluated concurrently.
    void evaluateCols(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1) const;
    /// The nb basis values (and derivatives) of input i at one point.
    void evaluateOne(int i, float x, float* values, float* derivs) const;
    /// A natural x position for coefficient j of input i (Greville abscissa / centre).
    float anchor(int i, int j) const;

private:
    void rebuildKnots(int i);
    void rebuildTable(int i);
    void evalAt(const float* t, int m, float x, float* v, float* d) const;
    void bsplineBatch(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1) const;
    void bspline(const float* t, int m, float x, float* v, float* d) const;

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
