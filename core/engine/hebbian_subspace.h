// The Hebbian subspace learner of HLOP (Xiao, Meng, Zhang, He & Lin, "Hebbian learning based
// orthogonal projection for continual learning of spiking neural networks", ICLR 2024).
//
// A layer's presynaptic activity x (n features) drives k lateral neurons y = V·r through weights V
// (k x n), where r is what the neurons of earlier tasks do not already explain: r = x − Bᵀ(B·x),
// B (K x n) being the consolidated lateral weights of past tasks. The lateral weights learn with
// Oja's subspace rule — Hebbian in y·rᵀ, anti-Hebbian in the recurrent term −y·yᵀ·V:
//     ΔV = (η / P) · (1/N) · Σ_samples y (r − Vᵀ y)ᵀ
// which converges to an orthonormal basis of the principal k-dimensional subspace of r (the
// fixed points with VVᵀ = I span the top eigenvectors of E[r rᵀ]; the others are unstable). P is a
// running mean of |r|², so η is scale-free: with η < 1 the step never overshoots (η_eff·λ_max ≤ η).
// No eigendecomposition is ever computed; the tests compare against one.
//
// At a task switch consolidate() appends V's rows to B. Gram–Schmidt only removes the learner's
// residual non-orthonormality (|VVᵀ − I| of order 1e-2) so that I − BᵀB is an exact projector;
// a row that is mostly explained by the rows before it (residual norm < 0.5) is dropped. The
// subspace never exceeds n dimensions: once full, the next neurons are not added.
#pragma once

#include "core/engine/bio_optimizers.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <string>

namespace ganglion {

class HebbianSubspace {
public:
    /// n input features, k new neurons per task, `seed` for their initial weights.
    void reset(int dims, int perTask, std::uint64_t seed);
    int dims() const { return dims_; }
    int perTask() const { return perTask_; }
    /// Consolidated lateral weights of past tasks (K x n, orthonormal rows).
    const Matrix& basis() const { return basis_; }
    /// The current task's lateral neurons (k' x n, k' ≤ k: fewer when the space is nearly full).
    const Matrix& learning() const { return current_; }

    /// One Hebbian step on the samples in the columns of `x` (n x N) at rate η.
    void learn(const Matrix& x, float rate);
    /// Appends the current neurons to the basis and starts fresh ones for the next task.
    void consolidate();
    /// update (m x n) ← update · (I − BᵀB): the part of every row orthogonal to the basis.
    void project(Matrix& update) const;

    /// State under `prefix`: prefix+"basis", +"current", +"power", +"rng".
    void save(KernelState& out, const std::string& prefix) const;
    /// Checks every entry first and throws std::runtime_error naming `what` and the entry (then
    /// nothing changed); the basis may have any number of rows ≤ n.
    void load(const KernelState& in, const std::string& prefix, const std::string& what);

private:
    void freshNeurons();
    int dims_ = 0, perTask_ = 0;
    Matrix basis_, current_;
    Matrix r_, y_, e_;  // scratch
    float power_ = -1;  // running mean of |r|² per sample (< 0: none seen yet); float: saved exactly
    NormalSource rng_;
};

}  // namespace ganglion
