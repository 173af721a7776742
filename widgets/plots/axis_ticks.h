// Readable axis ticks for every plot: "nice" values (1, 2, 2.5 or 5 times a power of ten) that
// cover a range, printed compactly (SI suffixes k/M/G, as many decimals as the spacing needs, so
// neighbouring ticks never print alike).
#pragma once

#include <QString>

#include <vector>

namespace ganglion {

struct AxisTicks {
    double lo = 0, hi = 1;       ///< the range rounded out to whole ticks
    double step = 1;             ///< spacing of the ticks
    std::vector<double> values;  ///< lo, lo + step, …, hi
};

/// Ticks covering [lo, hi] with at most `maxTicks` values (at least 2).
AxisTicks niceTicks(double lo, double hi, int maxTicks);

/// `value` printed for an axis whose ticks are `step` apart: "0.25", "1.5k", "12M", "3e-05".
QString compactNumber(double value, double step);

/// A physical quantity with an SI prefix and 3 significant digits: 0.00184 m → "1.84 mm",
/// 7269.9 m → "7.27 km", 0.152 m/s → "152 mm/s".
QString siQuantity(double value, const QString& unit);

}  // namespace ganglion
