// The Legendre delay system of the Legendre Memory Unit (Voelker, Kajić & Eliasmith, NeurIPS 2019):
// a d-dimensional linear state m that holds the last θ time units of a scalar input u,
//     θ ṁ = A m + B u,   A_ij = (2i+1)·(−1 if i < j, else (−1)^(i−j+1)),   B_i = (2i+1)(−1)^i
// (here with the 1/θ folded in: legendreA/legendreB return A/θ and B/θ), and from which the input
// θ' steps ago is read back through the shifted Legendre polynomials:
//     u(t − θ') ≈ Σ_i P̃_i(θ'/θ) m_i(t),   P̃_i(r) = (−1)^i Σ_j C(i,j) C(i+j,j) (−r)^j.
// discretiseZoh() gives the exact zero-order-hold discretisation for one step of 1 time unit,
//     m_t = Ā m_{t−1} + B̄ u_t,   Ā = e^A,   B̄ = A⁻¹(e^A − I) B,
// both read from the exponential of the augmented matrix [[A, B], [0, 0]] = [[Ā, B̄], [0, 1]],
// computed in double precision by scaling and squaring of a Taylor series (no A⁻¹ needed).
#pragma once

#include <Eigen/Dense>

namespace ganglion {

/// A/θ (d x d) of the continuous Legendre delay system for a window of θ time units.
Eigen::MatrixXd legendreA(int d, double theta);
/// B/θ (d x 1).
Eigen::VectorXd legendreB(int d, double theta);
/// e^M for a square matrix (scaling and squaring: M/2^s has norm ≤ 1/2, a 20-term Taylor series,
/// then s squarings).
Eigen::MatrixXd matrixExp(const Eigen::MatrixXd& M);
/// Zero-order-hold discretisation of ẋ = A x + B u for one step of 1 time unit.
void discretiseZoh(const Eigen::MatrixXd& A, const Eigen::VectorXd& B, Eigen::MatrixXd& Abar, Eigen::VectorXd& Bbar);
/// P̃_i(r) for i = 0..d−1: the weights that read u(t − r·θ) from the memory.
Eigen::VectorXd shiftedLegendre(int d, double r);

}  // namespace ganglion
