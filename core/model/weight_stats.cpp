#include "core/model/weight_stats.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace ganglion {

namespace {

int sign(float x) { return (x > 0.f) - (x < 0.f); }

/// Bin of `x` among `bins` equal bins over [lo, hi] (values at or beyond the edges in the end bins).
int binOf(double x, double lo, double hi, int bins) {
    const int b = int((x - lo) / (hi - lo) * bins);
    return std::clamp(b, 0, bins - 1);
}

/// Gives [lo, hi] a positive width when every value was the same.
void widen(double& lo, double& hi) {
    if (hi > lo) return;
    const double pad = std::max(1e-6, std::abs(lo) * 0.05);
    lo -= pad;
    hi += pad;
}

}  // namespace

WeightStats computeWeightStats(const float* w, std::size_t n, const std::int8_t* startSigns, int bins) {
    WeightStats s;
    bins = std::max(1, bins);
    s.counts.assign(std::size_t(bins), 0);
    s.logPositive.assign(std::size_t(bins), 0);
    s.logNegative.assign(std::size_t(bins), 0);
    s.total = (long long)n;
    if (n == 0) return s;
    double mn = 0, mx = 0, sum = 0;
    double logMn = 0, logMx = 0, logSum = 0;
    long long nonzero = 0, finite = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = w[i];
        if (!std::isfinite(x)) continue;  // a diverged weight: counted apart, binned nowhere
        mn = finite ? std::min(mn, x) : x;
        mx = finite ? std::max(mx, x) : x;
        ++finite;
        sum += x;
        const int sg = sign(w[i]);
        s.positive += sg > 0;
        s.negative += sg < 0;
        if (startSigns && sg != 0 && sg == -startSigns[i]) ++s.flips;
        if (sg == 0) continue;
        const double l = std::log10(std::abs(x));
        logMn = nonzero ? std::min(logMn, l) : l;
        logMx = nonzero ? std::max(logMx, l) : l;
        logSum += l;
        ++nonzero;
    }
    s.nonFinite = s.total - finite;
    s.zero = finite - s.positive - s.negative;
    s.lo = mn;
    s.hi = mx;
    widen(s.lo, s.hi);
    s.logLo = logMn;
    s.logHi = logMx;
    widen(s.logLo, s.logHi);
    const double mean = finite ? sum / double(finite) : 0.0, meanLog = nonzero ? logSum / double(nonzero) : 0.0;
    double m2 = 0, m4 = 0, l2 = 0, l3 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = w[i], d = x - mean;
        if (!std::isfinite(x)) continue;
        m2 += d * d;
        m4 += d * d * d * d;
        ++s.counts[std::size_t(binOf(x, s.lo, s.hi, bins))];
        if (w[i] == 0.f) continue;
        const double l = std::log10(std::abs(x)), e = l - meanLog;
        l2 += e * e;
        l3 += e * e * e;
        ++(w[i] > 0.f ? s.logPositive : s.logNegative)[std::size_t(binOf(l, s.logLo, s.logHi, bins))];
    }
    m2 /= double(std::max(1LL, finite));
    m4 /= double(std::max(1LL, finite));
    s.kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    s.meanLog = meanLog;
    if (nonzero > 0) {
        l2 /= double(nonzero);
        l3 /= double(nonzero);
        s.sdLog = std::sqrt(l2);
        s.skewLog = l2 > 0 ? l3 / std::pow(l2, 1.5) : 0.0;
    }
    return s;
}

void WeightSignWatch::start(const float* w, std::size_t n) {
    signs_.resize(n);
    for (std::size_t i = 0; i < n; ++i) signs_[i] = std::int8_t(sign(w[i]));
}

void WeightSignWatch::publish(Observables& obs, const float* w, std::size_t n) const {
    auto s = std::make_shared<WeightStats>(computeWeightStats(w, n, signs_.size() == n ? signs_.data() : nullptr));
    obs.scalars["excitatory_fraction"] = s->excitatoryFraction();
    obs.scalars["sign_flips"] = double(s->flips);
    obs.extra[kWeightStats] = std::shared_ptr<const WeightStats>(std::move(s));
}

}  // namespace ganglion
