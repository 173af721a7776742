#include "core/engine/pace.h"

#include <cmath>
#include <cstdio>

namespace ganglion {

namespace {
/// 1-2-5 values per decade from 10^lo to 5·10^hi.
std::vector<double> logSteps(int lo, int hi) {
    std::vector<double> out;
    for (int e = lo; e <= hi; ++e)
        for (double m : {1.0, 2.0, 5.0}) out.push_back(m * std::pow(10.0, e));
    return out;
}

constexpr double kSlowest = 1.0;   ///< steps per second at the first position
constexpr double kFastest = 1e6;   ///< beyond this a paced position is as good as "max"

std::string number(double v) {
    char buf[32];
    if (v >= 1000 && std::fmod(v, 1000) == 0) std::snprintf(buf, sizeof buf, "%gk", v / 1000);
    else std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
}  // namespace

bool simulatesTime(const Graph& g) {
    const double dt = g.settings().dt;
    for (const auto& n : g.nodes()) {
        const NodeSpec* s = g.spec(n.id);
        if (!s) continue;
        if (s->timed) return true;
        if (!s->stepSecondsParam.empty() && n.params.has(s->stepSecondsParam) && dt > 0 &&
            std::abs(n.params.getFloat(s->stepSecondsParam) - dt) <= 1e-9 * dt)
            return true;
    }
    return false;
}

double pacedStepsPerSecond(const GraphSettings& s) {
    if (s.realTime > 0 && s.dt > 0) return s.realTime / s.dt;
    return s.stepsPerSecond > 0 ? s.stepsPerSecond : 0.0;
}

SpeedScale::SpeedScale(bool timed, double dt) : timed_(timed && dt > 0), dt_(dt > 0 ? dt : 1.0) {
    if (!timed_) {
        for (double v : logSteps(0, 5))
            if (v >= kSlowest && v < kFastest) values_.push_back(v);
        return;
    }
    for (double f : logSteps(-3, 3)) {
        const double sps = f / dt_;
        if (f == 1.0) realTimeAt_ = int(values_.size());  // real time is always offered
        if (f == 1.0 || (sps >= kSlowest && sps <= kFastest)) values_.push_back(f);
    }
}

SpeedScale SpeedScale::forGraph(const Graph& g) { return SpeedScale(simulatesTime(g), g.settings().dt); }

double SpeedScale::stepsPerSecond(int pos) const {
    if (pos < 0) pos = 0;
    if (pos >= int(values_.size())) return 0.0;
    return timed_ ? values_[std::size_t(pos)] / dt_ : values_[std::size_t(pos)];
}

int SpeedScale::nearest(double sps) const {
    if (!(sps > 0) || !std::isfinite(sps)) return fastest();
    if (values_.empty() || sps > 2.0 * stepsPerSecond(fastest() - 1)) return fastest();  // beyond the paced ones
    int best = 0;
    for (int p = 1; p < fastest(); ++p)
        if (std::abs(std::log(sps / stepsPerSecond(p))) < std::abs(std::log(sps / stepsPerSecond(best)))) best = p;
    return best;
}

int SpeedScale::positionFor(const GraphSettings& s) const { return nearest(pacedStepsPerSecond(s)); }

void SpeedScale::store(int pos, GraphSettings& s) const {
    const double sps = stepsPerSecond(pos);
    s.stepsPerSecond = timed_ ? 0.0 : sps;
    s.realTime = timed_ && sps > 0 ? values_[std::size_t(pos)] : 0.0;
}

std::string SpeedScale::label(int pos) const {
    if (pos < 0) pos = 0;
    if (pos >= int(values_.size())) return "max";
    const double v = values_[std::size_t(pos)];
    if (!timed_) return number(v) + " steps/s";
    if (pos == realTimeAt_) return "real time";
    return number(v) + "\u00d7 real time";
}

}  // namespace ganglion
