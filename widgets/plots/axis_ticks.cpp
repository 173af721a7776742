#include "widgets/plots/axis_ticks.h"

#include <algorithm>
#include <cmath>

namespace ganglion {

AxisTicks niceTicks(double lo, double hi, int maxTicks) {
    AxisTicks t;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (hi < lo) std::swap(lo, hi);
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {  // a constant: a unit-wide range around it
        const double pad = std::max(1e-9, std::abs(hi) * 0.05);
        lo -= pad;
        hi += pad;
    }
    maxTicks = std::max(2, maxTicks);
    const double raw = (hi - lo) / (maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = m * mag;
        if (std::ceil(hi / step - 1e-9) - std::floor(lo / step + 1e-9) + 1 <= maxTicks) break;
    }
    t.step = step;
    t.lo = std::floor(lo / step + 1e-9) * step;
    t.hi = std::ceil(hi / step - 1e-9) * step;
    const int n = int(std::lround((t.hi - t.lo) / step));
    for (int i = 0; i <= n; ++i) {
        const double v = t.lo + i * step;
        t.values.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);  // no "-0"
    }
    return t;
}

namespace {
int exponentOf(double x) { return int(std::floor(std::log10(x) + 1e-9)); }
/// 2.5 × 10^k needs one digit more than 1, 2 or 5 × 10^k.
bool wholeMantissa(double step) {
    const double mantissa = step / std::pow(10.0, exponentOf(step));
    return std::abs(mantissa - std::round(mantissa)) < 1e-6;
}
/// Decimals that print multiples of `step` exactly (2.5 needs one, 0.25 two, 50 none).
int decimalsFor(double step) { return step > 0 ? std::clamp(-exponentOf(step) + (wholeMantissa(step) ? 0 : 1), 0, 9) : 0; }
}  // namespace

QString compactNumber(double value, double step) {
    step = std::abs(step);
    if (value == 0 || std::abs(value) < step * 1e-9) return QStringLiteral("0");
    const double big = std::max(std::abs(value), step);
    if (big < 1e-2 && step > 0) {  // tiny values: mantissa and exponent, enough digits to tell ticks apart
        const int digits = exponentOf(big) - exponentOf(step) + (wholeMantissa(step) ? 0 : 1);
        return QString::number(value, 'e', std::clamp(digits, 0, 6));
    }
    static const struct {
        double scale;
        const char* suffix;
    } units[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& u : units)
        if (big >= u.scale) return QString::number(value / u.scale, 'f', decimalsFor(step / u.scale)) + QLatin1String(u.suffix);
    return QString::number(value, 'f', decimalsFor(step));
}

QString siQuantity(double value, const QString& unit) {
    static const struct {
        double scale;
        const char* prefix;
    } prefixes[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"}, {1e-6, "\u00b5"}, {1e-9, "n"}};
    const double a = std::abs(value);
    if (a == 0 || !std::isfinite(a)) return QString::number(value) + ' ' + unit;
    for (const auto& p : prefixes)
        if (a >= p.scale * 0.9995 || p.scale == 1e-9) {
            const double v = value / p.scale;
            const int decimals = std::abs(v) >= 99.95 ? 0 : std::abs(v) >= 9.995 ? 1 : 2;
            return QString::number(v, 'f', decimals) + ' ' + QString::fromUtf8(p.prefix) + unit;
        }
    return {};
}

}  // namespace ganglion
