// The spike function and its fast-sigmoid surrogate derivative, shared by every layer trained by
// back-propagation through time (LIFLayer, L2MU):
//     σ(u) = ½(1 + k u / (1 + k|u|)),   σ'(u) = (k/2) / (1 + k|u|)².
// The forward spike is the step H(u) unless `smooth` (then σ itself, which makes the surrogate
// gradient the true one, as finite-difference checks need).
#pragma once

#include <cmath>

namespace ganglion {

inline float surrogateSpike(float u, float k, bool smooth) {
    if (smooth) return 0.5f * (1.f + k * u / (1.f + k * std::abs(u)));
    return u > 0.f ? 1.f : 0.f;
}

inline float surrogateGrad(float u, float k) {
    const float d = 1.f + k * std::abs(u);
    return 0.5f * k / (d * d);
}

}  // namespace ganglion
