// The distribution and signs of a layer's weights, computed on the engine thread at publish rate
// and published as the observable "weight_stats" (extra, a std::shared_ptr<const WeightStats>) with
// the scalars "excitatory_fraction" and "sign_flips" (metric history). The "Weight distribution"
// view draws them for every node type that lists "weight_stats" in NodeSpec::observables.
// Exponentiated gradient (multiplicative steps) spreads log|w| as a random walk would (log-normal
// magnitudes, no sign ever changes); additive optimisers (SGD, Adam) keep w near Gaussian and let
// weights cross zero: both are visible here. No Qt.
#pragma once

#include "core/model/observables.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ganglion {

inline constexpr char kWeightStats[] = "weight_stats";

struct WeightStats {
    std::vector<int> counts;  ///< histogram of w over [lo, hi], equal bins
    double lo = 0, hi = 0;
    /// Histograms of log10|w| over [logLo, logHi] (equal bins), of the positive (excitatory) and the
    /// negative (inhibitory) weights apart; exact zeros have no logarithm and are left out.
    std::vector<int> logPositive, logNegative;
    double logLo = 0, logHi = 0;
    long long total = 0, positive = 0, negative = 0, zero = 0;
    long long nonFinite = 0;  ///< NaN or infinite weights (a diverged run): in no histogram or moment
    long long flips = 0;  ///< weights whose sign is opposite to the one they had at the start
    double meanLog = 0, sdLog = 0;  ///< of log10|w| over the non-zero weights
    double skewLog = 0;             ///< skewness of log10|w|
    double kurtosis = 0;            ///< excess kurtosis of w (0 for a Gaussian)

    double excitatoryFraction() const { return total ? double(positive) / double(total) : 0.0; }
    double inhibitoryFraction() const { return total ? double(negative) / double(total) : 0.0; }
};

/// The statistics of the `n` weights `w` in `bins` bins (>= 1). `startSigns` (n entries of -1, 0,
/// +1, or null) are the signs at the start: a weight counts as flipped when its sign is now the
/// opposite one (a weight at exactly 0 has flipped nothing). A layer whose weights are all equal
/// gets a histogram one bin wide around them.
WeightStats computeWeightStats(const float* w, std::size_t n, const std::int8_t* startSigns, int bins = 40);

/// A kernel's member: remembers the signs its weights start with (call start() after drawing or
/// loading them) and publishes computeWeightStats() of the current ones.
class WeightSignWatch {
public:
    void start(const float* w, std::size_t n);
    /// Adds extra["weight_stats"] and the scalars "excitatory_fraction" and "sign_flips".
    void publish(Observables& obs, const float* w, std::size_t n) const;

private:
    std::vector<std::int8_t> signs_;
};

}  // namespace ganglion
