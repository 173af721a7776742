#include "core/events/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ganglion::events {

void SyntheticEventSource::configure(const SyntheticConfig& cfg) {
    cfg_ = cfg;
    cfg_.width = std::max(1, cfg_.width);
    cfg_.height = std::max(1, cfg_.height);
    rng_.seed(cfg_.seed);
    const std::size_t n = std::size_t(cfg_.width) * std::size_t(cfg_.height);
    state_.assign(n, 0);
    for (int y = 0; y < cfg_.height; ++y)
        for (int x = 0; x < cfg_.width; ++x)
            state_[std::size_t(y) * std::size_t(cfg_.width) + std::size_t(x)] = covered(x + 0.5, y + 0.5, 0.0);
    // Hot pixels: distinct, drawn from the seed.
    hot_.clear();
    const int k = std::clamp(cfg_.hotPixels, 0, int(n));
    std::uniform_int_distribution<std::uint32_t> pick(0, std::uint32_t(n - 1));
    while (int(hot_.size()) < k) {
        const std::uint32_t i = pick(rng_);
        if (std::find(hot_.begin(), hot_.end(), i) == hot_.end()) hot_.push_back(i);
    }
    lastSample_ = 0;
}

void SyntheticEventSource::restartAt(std::int64_t t) {
    for (int y = 0; y < cfg_.height; ++y)
        for (int x = 0; x < cfg_.width; ++x)
            state_[std::size_t(y) * std::size_t(cfg_.width) + std::size_t(x)] = covered(x + 0.5, y + 0.5, double(t));
    lastSample_ = t;
}

void SyntheticEventSource::setRates(double speed, double noiseRate, double hotRate) {
    cfg_.speed = speed;
    cfg_.noiseRate = noiseRate;
    cfg_.hotRate = hotRate;
}

bool SyntheticEventSource::covered(double x, double y, double tUs) const {
    const double t = tUs * 1e-6;
    switch (cfg_.pattern) {
    case SyntheticConfig::Pattern::MovingBar: {
        // Bar of barWidth moving right, wrapping around a period of width + barWidth.
        const double period = cfg_.width + cfg_.barWidth;
        double left = std::fmod(cfg_.speed * t, period) - cfg_.barWidth;
        return x >= left && x < left + cfg_.barWidth;
    }
    case SyntheticConfig::Pattern::RotatingDots: {
        const double cx = cfg_.width / 2.0, cy = cfg_.height / 2.0;
        const double r = cfg_.orbitRadius * std::min(cfg_.width, cfg_.height);
        const double a0 = 2.0 * M_PI * cfg_.speed * t;
        for (int d = 0; d < cfg_.dots; ++d) {
            const double a = a0 + 2.0 * M_PI * d / std::max(1, cfg_.dots);
            const double dx = x - (cx + r * std::cos(a)), dy = y - (cy + r * std::sin(a));
            if (dx * dx + dy * dy <= cfg_.dotRadius * cfg_.dotRadius) return true;
        }
        return false;
    }
    case SyntheticConfig::Pattern::None: break;
    }
    return false;
}

void SyntheticEventSource::signal(std::int64_t t0, std::int64_t t1, std::vector<Event>& out,
                                  std::vector<EventLabel>* labels) {
    if (cfg_.pattern == SyntheticConfig::Pattern::None) return;
    // Sample so the pattern moves at most ~0.5 px between samples; pixels whose coverage
    // changed between samples emit ON (covered) or OFF (uncovered) at a time inside the step.
    double pxPerUs = 0.0;
    if (cfg_.pattern == SyntheticConfig::Pattern::MovingBar) pxPerUs = std::abs(cfg_.speed) * 1e-6;
    else pxPerUs = std::abs(cfg_.speed) * 2.0 * M_PI * cfg_.orbitRadius * std::min(cfg_.width, cfg_.height) * 1e-6;
    const std::int64_t step = pxPerUs > 0 ? std::max<std::int64_t>(1, std::int64_t(0.5 / pxPerUs)) : (t1 - t0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const int W = cfg_.width, H = cfg_.height;
    while (lastSample_ + step <= t1 && step > 0 && pxPerUs > 0) {
        const std::int64_t ta = lastSample_, tb = lastSample_ + step;
        // Region to test: for the bar, the columns near its edges; for dots, their boxes.
        auto scan = [&](int x0, int x1, int y0, int y1) {
            x0 = std::max(0, x0); x1 = std::min(W, x1); y0 = std::max(0, y0); y1 = std::min(H, y1);
            for (int y = y0; y < y1; ++y)
                for (int x = x0; x < x1; ++x) {
                    auto& s = state_[std::size_t(y) * std::size_t(W) + std::size_t(x)];
                    const std::uint8_t now = covered(x + 0.5, y + 0.5, double(tb));
                    if (now == s) continue;
                    s = now;
                    Event e;
                    e.t = ta + 1 + std::int64_t(u(rng_) * double(step - 1));
                    e.x = std::uint16_t(x);
                    e.y = std::uint16_t(y);
                    e.p = now;
                    e.label = EventLabel::Signal;
                    out.push_back(e);
                    if (labels) labels->push_back(EventLabel::Signal);
                }
        };
        if (cfg_.pattern == SyntheticConfig::Pattern::MovingBar) {
            const double period = W + cfg_.barWidth;
            for (double edge : {0.0, cfg_.barWidth}) {
                const double l = std::fmod(cfg_.speed * tb * 1e-6, period) - cfg_.barWidth + edge;
                scan(int(std::floor(l)) - 2, int(std::floor(l)) + 3, 0, H);
            }
            // Wrap-around: the bar leaves on the right and re-enters on the left.
            scan(W - 2, W, 0, H);
            scan(0, 2, 0, H);
        } else {
            const double cx = W / 2.0, cy = H / 2.0;
            const double r = cfg_.orbitRadius * std::min(W, H);
            const double a0 = 2.0 * M_PI * cfg_.speed * tb * 1e-6;
            const int pad = int(std::ceil(cfg_.dotRadius)) + 2;
            for (int d = 0; d < cfg_.dots; ++d) {
                const double a = a0 + 2.0 * M_PI * d / std::max(1, cfg_.dots);
                const int px = int(cx + r * std::cos(a)), py = int(cy + r * std::sin(a));
                scan(px - pad, px + pad + 1, py - pad, py + pad + 1);
            }
        }
        lastSample_ = tb;
    }
    (void)t0;
}

void SyntheticEventSource::generate(std::int64_t t0, std::int64_t t1, std::vector<Event>& out,
                                    std::vector<EventLabel>* labels) {
    if (t1 <= t0) return;
    scratch_.clear();
    scratchLabels_.clear();
    signal(t0, t1, scratch_, &scratchLabels_);
    const double dur = double(t1 - t0) * 1e-6;
    const std::size_t npx = std::size_t(cfg_.width) * std::size_t(cfg_.height);
    std::uniform_int_distribution<std::uint32_t> pixel(0, std::uint32_t(npx - 1));
    std::uniform_int_distribution<std::int64_t> when(t0, t1 - 1);
    auto add = [&](std::uint32_t idx, EventLabel label) {
        Event e;
        e.t = when(rng_);
        e.x = std::uint16_t(idx % std::uint32_t(cfg_.width));
        e.y = std::uint16_t(idx / std::uint32_t(cfg_.width));
        e.p = std::uint8_t(rng_() & 1);
        e.label = label;
        scratch_.push_back(e);
        scratchLabels_.push_back(label);
    };
    if (cfg_.noiseRate > 0) {
        std::poisson_distribution<long long> count(cfg_.noiseRate * dur * double(npx));
        for (long long n = count(rng_); n > 0; --n) add(pixel(rng_), EventLabel::Noise);
    }
    if (cfg_.hotRate > 0 && !hot_.empty()) {
        std::poisson_distribution<long long> count(cfg_.hotRate * dur);
        for (std::uint32_t h : hot_)
            for (long long n = count(rng_); n > 0; --n) add(h, EventLabel::Hot);
    }
    // Merge in time order (stable so equal timestamps keep generation order).
    order_.resize(scratch_.size());
    std::iota(order_.begin(), order_.end(), 0u);
    std::stable_sort(order_.begin(), order_.end(), [&](std::uint32_t a, std::uint32_t b) { return scratch_[a].t < scratch_[b].t; });
    out.reserve(out.size() + scratch_.size());
    for (std::uint32_t i : order_) {
        out.push_back(scratch_[i]);
        if (labels) labels->push_back(scratchLabels_[i]);
    }
}

}  // namespace ganglion::events
