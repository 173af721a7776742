#include "core/events/filters.h"

#include <algorithm>
#include <cmath>

namespace ganglion::events {

namespace {
constexpr std::int64_t kNever = INT64_MIN / 4;
inline bool inside(const Event& e, int w, int h) { return e.x < w && e.y < h; }
}  // namespace

// --- background activity ------------------------------------------------------------------

void BackgroundActivityFilter::reset(int width, int height) {
    EventFilter::reset(width, height);
    last_.assign(std::size_t(width + 2) * std::size_t(height + 2), INT32_MIN);
    started_ = false;
}

void BackgroundActivityFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    if (in.empty()) return;
    if (!started_) {
        base_ = in.front().t;
        started_ = true;
    }
    const std::size_t stride = std::size_t(width_ + 2);
    std::int32_t* last = last_.data();
    const std::size_t before = out.size();
    out.resize(before + in.size());
    Event* o = out.data() + before;
    const std::uint32_t W = std::uint32_t(width_), H = std::uint32_t(height_);
    for (const Event& e : in) {
        if (e.t - base_ > (std::int64_t(1) << 30)) {  // keep relative times within 32 bits
            const std::int64_t shift = e.t - base_ - (std::int64_t(1) << 20);
            for (auto& v : last_)
                v = v == INT32_MIN || std::int64_t(v) - shift < INT32_MIN / 2 ? INT32_MIN : std::int32_t(v - shift);
            base_ += shift;
        }
        if (e.x >= W || e.y >= H) continue;
        const std::int32_t t = std::int32_t(e.t - base_);
        std::int32_t* c = last + (std::size_t(e.y) + 1) * stride + e.x + 1;
        const std::int32_t* up = c - stride;
        const std::int32_t* dn = c + stride;
        // Newest of the 8 neighbours.
        const std::int32_t m = std::max(std::max(std::max(up[-1], up[0]), std::max(up[1], c[-1])),
                                        std::max(std::max(c[1], dn[-1]), std::max(dn[0], dn[1])));
        *o = e;
        o += (std::int64_t(m) >= std::int64_t(t) - window_) ? 1 : 0;  // branch-free keep
        *c = t;
    }
    out.resize(std::size_t(o - out.data()));
}

// --- spatio-temporal correlation ----------------------------------------------------------

void CorrelationFilter::reset(int width, int height) {
    EventFilter::reset(width, height);
    const std::size_t n = std::size_t(width + 2 * radius_) * std::size_t(height + 2 * radius_);
    last_[0].assign(n, kNever);
    last_[1].assign(n, kNever);
}

void CorrelationFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    const int r = radius_;
    const std::ptrdiff_t stride = std::ptrdiff_t(width_ + 2 * r);
    for (const Event& e : in) {
        if (!inside(e, width_, height_)) continue;
        const std::size_t ci = (std::size_t(e.y) + std::size_t(r)) * std::size_t(stride) + e.x + std::size_t(r);
        const std::int64_t since = e.t - window_;
        // Without polarity matching, last_[0] holds the newest event of either polarity.
        const std::int64_t* base = last_[samePolarity_ ? e.p : 0].data() + ci;
        int support = 0;
        for (int dy = -r; dy <= r; ++dy) {
            const std::int64_t* row = base + dy * stride;
            for (int dx = -r; dx <= r; ++dx) support += row[dx] >= since;
        }
        support -= base[0] >= since;  // the pixel itself does not count
        if (support >= support_) out.push_back(e);
        last_[samePolarity_ ? e.p : 0][ci] = e.t;
    }
}

// --- refractory ---------------------------------------------------------------------------

void RefractoryFilter::reset(int width, int height) {
    EventFilter::reset(width, height);
    last_.assign(std::size_t(width) * std::size_t(height), kNever);
}

void RefractoryFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    for (const Event& e : in) {
        if (!inside(e, width_, height_)) continue;
        std::int64_t& l = last_[std::size_t(e.y) * std::size_t(width_) + e.x];
        if (e.t - l < period_) continue;
        l = e.t;
        out.push_back(e);
    }
}

// --- hot pixels ---------------------------------------------------------------------------

void HotPixelFilter::reset(int width, int height) {
    EventFilter::reset(width, height);
    counts_.assign(std::size_t(width) * std::size_t(height), 0);
    hot_.assign(counts_.size(), 0);
    periodStart_ = INT64_MIN;
}

void HotPixelFilter::endPeriod() {
    const double n = double(counts_.size());
    double sum = 0, sum2 = 0;
    for (std::uint32_t c : counts_) {
        sum += c;
        sum2 += double(c) * c;
    }
    const double mean = sum / n;
    const double sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
    const double thr = std::max(double(minEvents_), mean + k_ * sd);
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        hot_[i] = counts_[i] >= thr;
        counts_[i] = 0;
    }
}

std::vector<std::uint32_t> HotPixelFilter::hotPixels() const {
    std::vector<std::uint32_t> r;
    for (std::size_t i = 0; i < hot_.size(); ++i)
        if (hot_[i]) r.push_back(std::uint32_t(i));
    return r;
}

void HotPixelFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    for (const Event& e : in) {
        if (!inside(e, width_, height_)) continue;
        if (periodStart_ == INT64_MIN) periodStart_ = e.t;
        if (e.t >= periodStart_ + period_) {
            endPeriod();
            periodStart_ += period_;
            if (e.t >= periodStart_ + period_) {  // a whole empty period: nothing is hot
                endPeriod();
                periodStart_ = e.t - (e.t - periodStart_) % period_;
            }
        }
        const std::size_t i = std::size_t(e.y) * std::size_t(width_) + e.x;
        ++counts_[i];
        if (!hot_[i]) out.push_back(e);
    }
}

// --- selection and decimation -------------------------------------------------------------

void SelectFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    const int x1 = x1_ > 0 ? x1_ : width_, y1 = y1_ > 0 ? y1_ : height_;
    for (const Event& e : in) {
        if (polarity_ >= 0 && e.p != polarity_) continue;
        if (e.x < x0_ || e.x >= x1 || e.y < y0_ || e.y >= y1) continue;
        out.push_back(e);
    }
}

void DecimationFilter::run(std::span<const Event> in, std::vector<Event>& out) {
    for (const Event& e : in) {
        if (phase_ == 0) out.push_back(e);
        if (++phase_ >= n_) phase_ = 0;
    }
}

}  // namespace ganglion::events
