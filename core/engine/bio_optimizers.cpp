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

float NormalSource::next() {
    // Two uniforms, u1 in (0, 1] so the logarithm is finite; one normal per pair keeps the state a
    // single integer (no cached second value).
    const double u1 = (double(nextBits() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = double(nextBits() >> 11) * 0x1.0p-53;
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
}

void exponentiatedGradientStep(Matrix& w, const Matrix& g, float lr, float sigma, NormalSource* noise) {
    // w = sign(w) · max(|w| · exp(−η·sign(w)·g [+ noise]), FLT_MIN). sign(0) = 0, so a weight at
    // exactly zero stays there; the floor keeps a shrinking weight from underflowing to zero,
    // where it would lose its sign and never move again.
    constexpr float tiny = std::numeric_limits<float>::min();
    if (sigma <= 0.f || !noise) {
        const auto s = w.array().sign().eval();
        w.array() = s * (w.array().abs() * (-lr * s * g.array()).exp()).max(tiny);
        return;
    }
    const float scale = sigma * std::sqrt(lr);
    float* wp = w.data();
    const float* gp = g.data();
    for (Eigen::Index k = 0; k < w.size(); ++k) {
        const float s = wp[k] > 0.f ? 1.f : (wp[k] < 0.f ? -1.f : 0.f);
        wp[k] = s * std::max(std::abs(wp[k]) * std::exp(-lr * s * gp[k] + scale * noise->next()), tiny);
    }
}

void classpStep(Matrix& w, const Matrix& g, Matrix& sum, const ClasspRule& rule) {
    float* wp = w.data();
    float* sp = sum.data();
    const float* gp = g.data();
    const bool squared = rule.power == 2.f;  // AdaGrad's exponent: no pow() per weight
    for (Eigen::Index k = 0; k < w.size(); ++k) {
        const float a = std::abs(gp[k]);
        if (!(a > rule.threshold)) continue;
        if (squared) {
            sp[k] += a * a;
            wp[k] -= rule.lr * gp[k] / std::sqrt(rule.epsilon + sp[k]);
        } else {
            sp[k] += std::pow(a, rule.power);
            wp[k] -= rule.lr * gp[k] / std::pow(rule.epsilon + sp[k], 1.f / rule.power);
        }
    }
}

}  // namespace ganglion
