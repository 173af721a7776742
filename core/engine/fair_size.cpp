#include "core/engine/fair_size.h"

#include "core/kan/kan_cost.h"
#include "core/nodes/dense.h"

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

namespace ganglion {

namespace {

void checkShape(const char* what, int in, int out, int layers) {
    if (in < 1 || out < 1)
        throw std::invalid_argument(std::string(what) + " needs at least one input and one output (got in " +
                                    std::to_string(in) + ", out " + std::to_string(out) + ")");
    if (layers < 1)
        throw std::invalid_argument(std::string(what) + " needs at least one hidden layer (got " +
                                    std::to_string(layers) + ")");
}

/// Widths are searched up to this; the measure grows monotonically with the width.
constexpr int kMaxWidth = 1 << 24;

int closestWidth(const std::function<double(int)>& measure, double target) {
    if (!(target > 0) || !std::isfinite(target))
        throw std::invalid_argument("the target to match must be a positive number (got " + std::to_string(target) + ")");
    // smallest width whose measure reaches the target, by bisection
    int lo = 1, hi = kMaxWidth;
    if (measure(hi) < target) return hi;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (measure(mid) >= target) hi = mid;
        else lo = mid + 1;
    }
    if (lo > 1 && target - measure(lo - 1) <= measure(lo) - target) return lo - 1;
    return lo;
}

}  // namespace

NodeCost mlpCost(const MlpShape& s, int hidden) {
    checkShape("the MLP", s.in, s.out, s.hiddenLayers);
    NodeCost c;
    c.counted = true;
    int prev = s.in;
    for (int l = 0; l < s.hiddenLayers; ++l) {
        c += denseCost(prev, hidden, s.bias);
        c.forwardMacs += hidden;  // the activation: one op per element
        c.trainMacs += 2.0 * hidden;
        prev = hidden;
    }
    c += denseCost(prev, s.out, s.bias);
    return c;
}

NodeCost kanCost(const KanShape& s, int hidden) {
    checkShape("the KAN", s.in, s.out, s.hiddenLayers);
    NodeCost c;
    c.counted = true;
    int prev = s.in;
    for (int l = 0; l <= s.hiddenLayers; ++l) {
        const int next = l < s.hiddenLayers ? hidden : s.out;
        c += kan::layerCost(prev, next, s.basis, s.grid, s.order, s.bias);
        prev = next;
    }
    return c;
}

double fairMeasure(const NodeCost& c, FairMeasure m) { return m == FairMeasure::Params ? c.params : c.forwardMacs; }

int mlpWidthMatching(const MlpShape& s, double target, FairMeasure m) {
    checkShape("the MLP", s.in, s.out, s.hiddenLayers);
    return closestWidth([&](int h) { return fairMeasure(mlpCost(s, h), m); }, target);
}

int kanWidthMatching(const KanShape& s, double target, FairMeasure m) {
    checkShape("the KAN", s.in, s.out, s.hiddenLayers);
    return closestWidth([&](int h) { return fairMeasure(kanCost(s, h), m); }, target);
}

}  // namespace ganglion
