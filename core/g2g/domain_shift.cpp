#include "core/g2g/domain_shift.h"

#include <algorithm>
#include <stdexcept>

namespace ganglion::g2g {

DomainShift makeDomainShift(const std::string& kind, double noiseSigma, double contrast) {
    DomainShift s;
    if (kind == "noise" || kind == "noise+contrast") s.noiseSigma = noiseSigma;
    if (kind == "contrast" || kind == "noise+contrast") s.contrast = contrast;
    if (kind != "noise" && kind != "contrast" && kind != "noise+contrast")
        throw std::invalid_argument("unknown shift '" + kind + "' (noise, contrast or noise+contrast)");
    return s;
}

void applyDomainShift(Matrix& x, const DomainShift& shift, Normalisation norm, std::mt19937_64& rng) {
    if (!shift.active()) return;
    const auto [a, b] = pixelScale(norm);
    const float lo = b, hi = 255.f * a + b;
    const float c = float(shift.contrast);
    const float sigma = float(shift.noiseSigma) * (hi - lo);
    std::normal_distribution<float> gauss(0.f, 1.f);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
        auto col = x.col(j);
        if (c != 1.f) {
            const float mean = col.mean();
            col.array() = mean + c * (col.array() - mean);
        }
        if (sigma > 0.f)
            for (Eigen::Index i = 0; i < col.size(); ++i) col(i) += sigma * gauss(rng);
        col = col.cwiseMax(lo).cwiseMin(hi);
    }
}

}  // namespace ganglion::g2g
