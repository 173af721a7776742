#include "core/events/representations.h"

#include <algorithm>
#include <cmath>

namespace ganglion::events {

namespace {
constexpr std::int64_t kNever = INT64_MIN / 4;
}

// --- accumulated frame --------------------------------------------------------------------

void AccumulatedFrame::configure(int width, int height, std::int64_t windowUs, std::size_t count) {
    w_ = width;
    h_ = height;
    windowUs_ = windowUs;
    count_ = std::max<std::size_t>(1, count);
    window_.clear();
    frame_.assign(std::size_t(width) * std::size_t(height), 0.f);
}

void AccumulatedFrame::apply(const Event& e, float sign) {
    frame_[std::size_t(e.y) * std::size_t(w_) + e.x] += sign * (e.p ? 1.f : -1.f);
}

void AccumulatedFrame::add(std::span<const Event> events) {
    for (const Event& e : events) {
        if (e.x >= w_ || e.y >= h_) continue;
        apply(e, 1.f);
        window_.push_back(e);
        if (windowUs_ <= 0 && window_.size() > count_) {
            apply(window_.front(), -1.f);
            window_.pop_front();
        }
    }
}

void AccumulatedFrame::advance(std::int64_t now) {
    if (windowUs_ <= 0) return;
    while (!window_.empty() && window_.front().t < now - windowUs_) {
        apply(window_.front(), -1.f);
        window_.pop_front();
    }
}

// --- time surface -------------------------------------------------------------------------

void TimeSurface::configure(int width, int height, double tauUs, bool splitPolarity) {
    w_ = width;
    h_ = height;
    tau_ = tauUs;
    split_ = splitPolarity;
    last_.assign(std::size_t(channels()) * std::size_t(width) * std::size_t(height), kNever);
}

void TimeSurface::add(std::span<const Event> events) {
    const std::size_t plane = std::size_t(w_) * std::size_t(h_);
    std::int64_t* last = last_.data();
    for (const Event& e : events) {
        if (e.x >= w_ || e.y >= h_) continue;
        const std::size_t c = split_ ? e.p : 0;
        last[c * plane + std::size_t(e.y) * std::size_t(w_) + e.x] = e.t;
    }
}

std::int64_t TimeSurface::lastTime(int x, int y, int p) const {
    const std::size_t plane = std::size_t(w_) * std::size_t(h_);
    return last_[(split_ ? std::size_t(p) : 0) * plane + std::size_t(y) * std::size_t(w_) + std::size_t(x)];
}

void TimeSurface::evaluate(std::int64_t now, std::vector<float>& out) const {
    out.resize(last_.size());
    const double inv = 1.0 / tau_;
    for (std::size_t i = 0; i < last_.size(); ++i) {
        const std::int64_t l = last_[i];
        out[i] = (l == kNever || l > now) ? (l == kNever ? 0.f : 1.f) : float(std::exp(-double(now - l) * inv));
    }
}

// --- voxel grid ---------------------------------------------------------------------------

void VoxelGrid::configure(int width, int height, int bins, std::int64_t windowUs) {
    w_ = width;
    h_ = height;
    bins_ = std::max(1, bins);
    window_ = std::max<std::int64_t>(1, windowUs);
    events_.clear();
}

void VoxelGrid::add(std::span<const Event> events) {
    for (const Event& e : events)
        if (e.x < w_ && e.y < h_) events_.push_back(e);
}

void VoxelGrid::evaluate(std::int64_t now, std::vector<float>& out) {
    const std::int64_t t0 = now - window_;
    while (!events_.empty() && events_.front().t < t0) events_.pop_front();
    const std::size_t plane = std::size_t(w_) * std::size_t(h_);
    out.assign(std::size_t(bins_) * plane, 0.f);
    const double scale = bins_ > 1 ? double(bins_ - 1) / double(window_) : 0.0;
    for (const Event& e : events_) {
        if (e.t >= now || e.t < t0) continue;
        const double tb = double(e.t - t0) * scale;  // position in [0, bins-1]
        const int b0 = int(std::floor(tb));
        const float frac = float(tb - b0);
        const float v = e.p ? 1.f : -1.f;
        const std::size_t px = std::size_t(e.y) * std::size_t(w_) + e.x;
        if (b0 >= 0 && b0 < bins_) out[std::size_t(b0) * plane + px] += v * (1.f - frac);
        if (b0 + 1 >= 0 && b0 + 1 < bins_) out[std::size_t(b0 + 1) * plane + px] += v * frac;
    }
}

// --- counts -------------------------------------------------------------------------------

void countEvents(std::span<const Event> events, int width, int height, bool splitPolarity, std::vector<float>& out) {
    const std::size_t plane = std::size_t(width) * std::size_t(height);
    out.assign((splitPolarity ? 2 : 1) * plane, 0.f);
    for (const Event& e : events) {
        if (e.x >= width || e.y >= height) continue;
        out[(splitPolarity ? std::size_t(e.p) : 0) * plane + std::size_t(e.y) * std::size_t(width) + e.x] += 1.f;
    }
}

}  // namespace ganglion::events
