#include "core/model/cost.h"

#include <cmath>
#include <cstdio>

namespace ganglion {

std::string formatCount(double v) {
    if (!std::isfinite(v)) return "–";
    const char* suffix[] = {"", "k", "M", "G", "T"};
    int k = 0;
    double a = std::fabs(v);
    while (a >= 999.5 && k < 4) {
        a /= 1000.0;
        v /= 1000.0;
        ++k;
    }
    char buf[32];
    if (k == 0) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, a >= 99.95 ? "%.0f%s" : a >= 9.995 ? "%.1f%s" : "%.2f%s", v, suffix[k]);
    return buf;
}

std::string formatCost(const NodeCost& c, bool train) {
    std::string s = formatCount(c.params) + " params · " + (c.counted ? formatCount(c.forwardMacs) : "–") +
                    " MACs/sample";
    if (train) s += " (train " + (c.counted ? formatCount(c.trainMacs) : std::string("–")) + ")";
    return s;
}

std::string formatCost(const GraphCost& c) {
    // nothing counted at all (a reservoir, a spiking network): no "0 params · 0 MACs" that reads
    // as a measurement
    if (c.uncountedNodes > 0 && c.total.params == 0 && c.total.forwardMacs == 0)
        return "cost not counted (" + std::to_string(c.uncountedNodes) + (c.uncountedNodes == 1 ? " node)" : " nodes)");
    std::string s = formatCost(c.total, true);
    if (c.uncountedNodes > 0)
        s += " (" + std::to_string(c.uncountedNodes) + (c.uncountedNodes == 1 ? " node" : " nodes") + " not counted)";
    return s;
}

}  // namespace ganglion
