#include "core/engine/bio_optimizers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace ganglion {

std::uint64_t NormalSource::nextBits() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

const Eigen::ArrayXf& NormalSource::fill(Eigen::Index n) {
    // Both uniforms of a pair from one 64-bit draw, 24 bits each (a float's precision); u1 in
    // (0, 1] so the logarithm is finite. One normal per pair keeps the state a single integer
    // (no cached second value).
    u1_.resize(n);
    u2_.resize(n);
    for (Eigen::Index k = 0; k < n; ++k) {
        const std::uint64_t bits = nextBits();
        u1_(k) = float((bits >> 40) + 1) * 0x1.0p-24f;
        u2_(k) = float((bits >> 16) & 0xffffffu) * 0x1.0p-24f;
    }
    out_ = (-2.f * u1_.log()).sqrt() * (float(2.0 * std::numbers::pi) * u2_).cos();
    return out_;
}

void exponentiatedGradientStep(Matrix& w, const Matrix& g, float lr, float sigma, NormalSource* noise) {
    // w = sign(w) · max(|w| · exp(−η·sign(w)·g [+ σ·√η·ξ]), FLT_MIN). sign(0) = 0, so a weight at
    // exactly zero stays there; the floor keeps a shrinking weight from underflowing to zero,
    // where it would lose its sign and never move again.
    constexpr float tiny = std::numeric_limits<float>::min();
    // Evaluated into arrays first: Eigen vectorises these steps, not the same fused into one expression.
    const Eigen::ArrayXXf s = w.array().sign();
    Eigen::ArrayXXf exponent = -lr * s * g.array();
    if (sigma > 0.f && noise)
        exponent += (sigma * std::sqrt(lr)) * noise->fill(w.size()).reshaped(w.rows(), w.cols());
    w.array() = s * (w.array().abs() * exponent.exp()).max(tiny);
}

void classpStep(Matrix& w, const Matrix& g, Matrix& sum, const ClasspRule& rule) {
    // `on` is 1 where |g| > θ, else 0: a weight below the threshold adds nothing to S and moves by 0.
    const auto ga = g.array();
    const Eigen::ArrayXXf on = (ga.abs() > rule.threshold).cast<float>();  // evaluated once: vectorised after
    if (rule.power == 2.f) {  // AdaGrad's exponent: no logarithms
        sum.array() += on * ga.square();
        w.array() -= (rule.lr * on * ga) / (sum.array() + rule.epsilon).sqrt();
    } else {  // |g|^p and (ε+S)^(1/p) through exp/log, vectorised (|0|^p = exp(−∞) = 0)
        sum.array() += on * (rule.power * ga.abs().log()).exp();
        w.array() -= rule.lr * on * ga * (-(sum.array() + rule.epsilon).log() / rule.power).exp();
    }
}

}  // namespace ganglion
