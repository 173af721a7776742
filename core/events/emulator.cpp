#include "core/events/emulator.h"

#include <algorithm>
#include <cmath>

namespace ganglion::events {

void EventEmulator::configure(const EmulatorConfig& cfg) {
    cfg_ = cfg;
    const std::size_t n = std::size_t(std::max(0, cfg.width)) * std::size_t(std::max(0, cfg.height));
    std::mt19937_64 rng(cfg.seed);
    std::normal_distribution<float> on(float(cfg.thresholdOn), float(cfg.sigma));
    std::normal_distribution<float> off(float(cfg.thresholdOff), float(cfg.sigma));
    cOn_.resize(n);
    cOff_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        cOn_[i] = std::max(0.01f, cfg.sigma > 0 ? on(rng) : float(cfg.thresholdOn));
        cOff_[i] = std::max(0.01f, cfg.sigma > 0 ? off(rng) : float(cfg.thresholdOff));
    }
    ref_.assign(n, 0.f);
    last_.assign(n, 0.f);
    lastEvent_.assign(n, INT64_MIN / 2);
    initialised_ = false;
}

void EventEmulator::reset() {
    initialised_ = false;
    std::fill(lastEvent_.begin(), lastEvent_.end(), INT64_MIN / 2);
}

void EventEmulator::feed(const float* image, std::int64_t t, std::vector<Event>& out) {
    const std::size_t n = ref_.size();
    const float eps = float(cfg_.epsilon);
    if (!initialised_) {
        for (std::size_t i = 0; i < n; ++i) ref_[i] = last_[i] = std::log(std::max(0.f, image[i]) + eps);
        tPrev_ = t;
        initialised_ = true;
        return;
    }
    const double dt = double(t - tPrev_);
    scratch_.clear();
    const auto W = std::size_t(cfg_.width);
    for (std::size_t i = 0; i < n; ++i) {
        const float now = std::log(std::max(0.f, image[i]) + eps);
        const float prev = last_[i];
        last_[i] = now;
        float diff = now - ref_[i];
        if (diff == 0.f) continue;
        const bool onDir = diff > 0;
        const float c = onDir ? cOn_[i] : cOff_[i];
        const int crossings = int(std::floor(std::abs(diff) / c));
        const float span = now - prev;
        for (int k = 1; k <= crossings; ++k) {
            const float level = ref_[i] + (onDir ? 1.f : -1.f) * c * float(k);
            // Time at which the linearly interpolated log intensity crosses `level`.
            double frac = span != 0.f ? double(level - prev) / double(span) : 1.0;
            frac = std::clamp(frac, 0.0, 1.0);
            const std::int64_t te = tPrev_ + std::int64_t(std::llround(frac * dt));
            if (double(te - lastEvent_[i]) < cfg_.refractoryUs) continue;
            lastEvent_[i] = te;
            Event e;
            e.t = te;
            e.x = std::uint16_t(i % W);
            e.y = std::uint16_t(i / W);
            e.p = onDir ? 1 : 0;
            e.label = EventLabel::Signal;  // the emulator models no sensor noise
            scratch_.push_back(e);
        }
        ref_[i] += (onDir ? 1.f : -1.f) * c * float(crossings);
    }
    std::stable_sort(scratch_.begin(), scratch_.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    out.insert(out.end(), scratch_.begin(), scratch_.end());
    tPrev_ = t;
}

}  // namespace ganglion::events
