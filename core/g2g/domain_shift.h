// Domain shift of image batches for test-time adaptation: contrast reduction and additive Gaussian
// noise, as in the corruption benchmarks (Hendrycks & Dietterich, ICLR 2019), applied to normalised
// Fashion-MNIST batches.
#pragma once

#include "core/g2g/fashion_mnist.h"

#include <random>
#include <string>

namespace ganglion::g2g {

struct DomainShift {
    double contrast = 1.0;    ///< c in (0, 1]: each image becomes mean + c · (image − mean)
    double noiseSigma = 0.0;  ///< σ of additive Gaussian noise, in units of the full pixel range (0..1)
    bool active() const { return contrast != 1.0 || noiseSigma != 0.0; }
};

/// "noise", "contrast" or "noise+contrast" with the two strengths: the shift to apply. Throws
/// std::invalid_argument naming the kind when it is none of these.
DomainShift makeDomainShift(const std::string& kind, double noiseSigma, double contrast);

/// Applies `shift` in place to x (pixels x samples, normalised with `norm`): contrast about each
/// image's own mean, then noise drawn from `rng`, then clipping to the normalised pixel range (a
/// shifted image is still an image).
void applyDomainShift(Matrix& x, const DomainShift& shift, Normalisation norm, std::mt19937_64& rng);

}  // namespace ganglion::g2g
