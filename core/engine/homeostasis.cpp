#include "core/engine/homeostasis.h"

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
const std::string kKey = "homeostasis/state";
}

double Homeostat::update(double c) {
    if (!std::isfinite(c)) return m_;
    if (!started_) {
        started_ = true;
        a_ = expected_ = float(c);
    } else {
        a_ = float(a_ + (c - a_) / std::max(cfg_.window, 1.0));
        expected_ = float(expected_ + (c - expected_) / std::max(cfg_.memory, 1.0));
    }
    m_ = float(std::min(1.0 + cfg_.gain * std::max(0.0, double(expected_) - double(a_)), std::max(cfg_.maxModulation, 1.0)));
    return m_;
}

KernelState Homeostat::saveState() const {
    Matrix s(4, 1);
    s << float(started_), a_, expected_, m_;
    return {{kKey, s}};
}

void Homeostat::loadState(const KernelState& state) {
    if (state.find(kKey) == state.end()) {
        reset();
        return;
    }
    const Matrix& s = checkedEntry(state, "Loss", kKey, 4, 1);
    const bool ok = (s(0) == 0.f || s(0) == 1.f) && s(1) >= 0.f && s(1) <= 1.f && s(2) >= 0.f && s(2) <= 1.f &&
                    s(3) >= 1.f && std::isfinite(s(3));
    if (!ok) throw std::runtime_error("Loss state: '" + kKey + "' holds values out of range");
    started_ = s(0) == 1.f;
    a_ = s(1);
    expected_ = s(2);
    m_ = s(3);
}

}  // namespace ganglion
