// Update rules of the biologically motivated optimisers the Loss node offers beside Adam and SGD
// (core/engine/optimizer.h dispatches to them):
//
// - Exponentiated gradient (as in "Dale meets Langevin", Shetty, Prasath & Seelamantula 2025): w ← w · exp(−η · sign(w) · g),
//   a multiplicative step, so no weight ever changes sign (Dale's law holds for any initial sign
//   pattern) and a weight that is exactly 0 stays 0. With Langevin noise σ > 0 the step is
//   w ← w · exp(−η · sign(w) · g + σ · √η · ξ), ξ ~ N(0, 1) per weight and step: the noise is
//   multiplicative, so |w| performs a random walk in log space and the weights become log-normal.
// - CLASSP (Ludwig 2024, "continual learning through adjustment suppression and sparsity
//   promotion"): a generalised AdaGrad with a gradient threshold. Per weight i with gradient g_i:
//       if |g_i| > θ:   S_i ← S_i + |g_i|^p,   w_i ← w_i − η · g_i / (ε + S_i)^(1/p)
//       else:           nothing (neither the weight nor S_i changes)
//   S_i is the accumulated magnitude of the adjustments weight i has received: a weight that has
//   been updated often learns slowly (its knowledge is protected, "adjustment suppression"), and a
//   weight whose gradient never exceeds θ keeps its full plasticity for later tasks ("sparsity
//   promotion"). p = 2, θ = 0 is AdaGrad. The paper states the threshold on g² (g² > θ'); θ here is
//   on |g| (θ' = θ²). S_i includes the current step's gradient, as AdaGrad does, so the first step
//   is bounded by η.
#pragma once

#include "core/model/kernel.h"

#include <cstdint>

namespace ganglion {

/// Standard normal numbers from a 64-bit state (splitmix64 + Box–Muller): the whole generator is
/// one integer, so it is saved and restored exactly with the optimiser's state.
class NormalSource {
public:
    explicit NormalSource(std::uint64_t state = 0) : state_(state) {}
    /// n numbers (a view of an internal buffer, valid until the next call). The uniforms are
    /// drawn one by one, the transform is vectorised over the whole buffer.
    const Eigen::ArrayXf& fill(Eigen::Index n);
    std::uint64_t state() const { return state_; }
    void setState(std::uint64_t s) { state_ = s; }

private:
    std::uint64_t nextBits();
    std::uint64_t state_;
    Eigen::ArrayXf u1_, u2_, out_;
};

/// One exponentiated-gradient step on `w` (see above). `noise` may be null when sigma == 0.
void exponentiatedGradientStep(Matrix& w, const Matrix& g, float lr, float sigma, NormalSource* noise);

struct ClasspRule {
    float lr = 0.01f;
    float power = 2.f;      ///< p
    float threshold = 0.f;  ///< θ on |g|
    float epsilon = 1e-8f;  ///< ε
};

/// One CLASSP step on `w`, accumulating into `sum` (same shape, S above).
void classpStep(Matrix& w, const Matrix& g, Matrix& sum, const ClasspRule& rule);

}  // namespace ganglion
