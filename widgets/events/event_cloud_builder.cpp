#include "widgets/events/event_cloud_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ganglion {

namespace {
constexpr std::size_t kMaxCells = 1u << 21;  // dense voxel grid cap (2 M cells, 20 MB of counts)

// ON = warm orange, OFF = cool blue; age: new = bright yellow, old = dark purple.
void polarityColour(float onShare, float brightness, std::uint8_t* c) {
    const float r = 40 + onShare * 215, g = 110 + onShare * 50, b = 255 - onShare * 215;
    c[0] = std::uint8_t(std::clamp(r * brightness, 0.f, 255.f));
    c[1] = std::uint8_t(std::clamp(g * brightness, 0.f, 255.f));
    c[2] = std::uint8_t(std::clamp(b * brightness, 0.f, 255.f));
}
void ageColour(float age, float brightness, std::uint8_t* c) {  // age 0 = newest, 1 = oldest
    const float r = 255 - age * 165, g = 230 - age * 200, b = 60 + age * 90;
    c[0] = std::uint8_t(std::clamp(r * brightness, 0.f, 255.f));
    c[1] = std::uint8_t(std::clamp(g * brightness, 0.f, 255.f));
    c[2] = std::uint8_t(std::clamp(b * brightness, 0.f, 255.f));
}
}  // namespace

std::string withThousands(std::size_t n) {
    std::string s = std::to_string(n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
    return s;
}

void EventCloudBuilder::build(const events::EventWindow& full, const CloudOptions& opt, CloudPoints& out) {
    // A shorter sliding window is a shallow copy with a later start (chunks are shared).
    events::EventWindow clipped;
    const bool clip = opt.windowUs > 0 && full.tEnd - opt.windowUs > full.tBegin;
    if (clip) {
        clipped = full;
        clipped.tBegin = full.tEnd - opt.windowUs;
    }
    const events::EventWindow& w = clip ? clipped : full;
    out.xyz.clear();
    out.rgb.clear();
    out.width = w.width;
    out.height = w.height;
    out.tBegin = w.tBegin;
    out.tEnd = w.tEnd;
    out.zExtent = float(std::max(w.width, w.height) * opt.depth);
    std::size_t n = 0;
    w.forEach([&](const Event& e) { n += e.t >= w.tBegin; });
    out.events = n;
    out.points = 0;
    if (n == 0 || w.width <= 0 || w.height <= 0) {
        out.description = "no events in the window";
        return;
    }
    const std::size_t budget = std::max<std::size_t>(1, opt.budget);
    if (n <= budget) {
        raw(w, opt, out, 1);
        out.description = "all " + withThousands(n) + " events";
        return;
    }
    if (opt.reduce == CloudOptions::Reduce::Decimate) {
        const int stride = int((n + budget - 1) / budget);
        raw(w, opt, out, stride);
        out.description = withThousands(out.points) + " points: 1 in " + std::to_string(stride) + " of " +
                          withThousands(n) + " events";
        return;
    }
    // Voxels: a grid whose occupied cells fit the budget. Candidates go from fine to coarse
    // (halving time bins and doubling the pixel bin alternately); start from last frame's fit.
    std::vector<std::pair<int, int>> ladder;  // (shift, bins), finest (most cells) first
    for (int shift = 0; shift <= 8; ++shift)
        for (int bins : {128, 64, 32, 16, 8, 4}) {
            const std::size_t cells = std::size_t(((w.width - 1) >> shift) + 1) *
                                      std::size_t(((w.height - 1) >> shift) + 1) * std::size_t(bins);
            if (cells <= kMaxCells) ladder.emplace_back(shift, bins);
        }
    auto cellsOf = [&](const std::pair<int, int>& g) {
        return std::size_t(((w.width - 1) >> g.first) + 1) * std::size_t(((w.height - 1) >> g.first) + 1) *
               std::size_t(g.second);
    };
    std::stable_sort(ladder.begin(), ladder.end(), [&](const auto& a, const auto& b) { return cellsOf(a) > cellsOf(b); });
    std::size_t at = 0;
    if (lastW_ == w.width && lastH_ == w.height && lastBudget_ == budget)
        for (std::size_t i = 0; i < ladder.size(); ++i)
            if (ladder[i] == std::make_pair(lastShift_, lastBins_))
                at = i > 0 && lastPoints_ * 3 < budget ? i - 1 : i;  // sparse last time: try one finer
    for (; at < ladder.size(); ++at) {
        const auto [shift, bins] = ladder[at];
        if (voxels(w, opt, out, shift, bins)) {
            lastShift_ = shift;
            lastBins_ = bins;
            lastW_ = w.width;
            lastH_ = w.height;
            lastBudget_ = budget;
            lastPoints_ = out.points;
            const int s = 1 << shift;
            const double binMs = double(w.tEnd - w.tBegin) / bins / 1000.0;
            char b[160];
            std::snprintf(b, sizeof b, "%s voxels (%dx%d px x %.3g ms) of %s events", withThousands(out.points).c_str(),
                          s, s, binMs, withThousands(n).c_str());
            out.description = b;
            return;
        }
    }
    // Could not fit (pathological budget): fall back to decimation.
    const int stride = int((n + budget - 1) / budget);
    raw(w, opt, out, stride);
    out.description = withThousands(out.points) + " points: 1 in " + std::to_string(stride) + " of " +
                      withThousands(n) + " events";
}

void EventCloudBuilder::raw(const events::EventWindow& w, const CloudOptions& opt, CloudPoints& out, int stride) {
    const double span = double(std::max<std::int64_t>(1, w.tEnd - w.tBegin));
    const float zs = float(out.zExtent / span);
    out.xyz.reserve(out.events / std::size_t(stride) * 3 + 3);
    out.rgb.reserve(out.events / std::size_t(stride) * 3 + 3);
    int phase = 0;
    w.forEach([&](const Event& e) {
        if (e.t < w.tBegin) return;
        if (phase++ % stride) return;
        out.xyz.push_back(float(e.x) + 0.5f);
        out.xyz.push_back(float(w.height - e.y) - 0.5f);
        out.xyz.push_back(float(e.t - w.tBegin) * zs);
        std::uint8_t c[3];
        if (opt.color == CloudOptions::Color::Polarity) polarityColour(e.p ? 1.f : 0.f, 1.f, c);
        else ageColour(float(double(w.tEnd - e.t) / span), 1.f, c);
        out.rgb.insert(out.rgb.end(), c, c + 3);
    });
    out.points = out.xyz.size() / 3;
}

bool EventCloudBuilder::voxels(const events::EventWindow& w, const CloudOptions& opt, CloudPoints& out, int shift,
                               int bins) {
    const int s = 1 << shift;
    const int gx = ((w.width - 1) >> shift) + 1, gy = ((w.height - 1) >> shift) + 1;
    const std::size_t cells = std::size_t(gx) * std::size_t(gy) * std::size_t(bins);
    if (count_.size() < cells) {
        count_.assign(cells, 0);
        on_.assign(cells, 0);
        newest_.assign(cells, 0);
    }
    touched_.clear();
    const double span = double(std::max<std::int64_t>(1, w.tEnd - w.tBegin));
    const float tScale = float(bins / span);
    const std::int64_t t0 = w.tBegin;
    const std::uint32_t W = std::uint32_t(w.width), H = std::uint32_t(w.height);
    const std::uint32_t gxu = std::uint32_t(gx), plane = std::uint32_t(gx * gy);
    std::uint32_t* count = count_.data();
    std::uint32_t* on = on_.data();
    std::int64_t* newest = newest_.data();
    const std::size_t cap = std::max<std::size_t>(opt.budget, 1) + 1;
    bool over = false;
    for (const auto& chunk : w.chunks) {
        for (const Event& e : *chunk) {
            if (e.t < t0 || e.x >= W || e.y >= H) continue;
            const std::uint32_t b = std::min(std::uint32_t(bins - 1), std::uint32_t(float(e.t - t0) * tScale));
            const std::uint32_t i = b * plane + (std::uint32_t(e.y) >> shift) * gxu + (std::uint32_t(e.x) >> shift);
            if (count[i]++ == 0) touched_.push_back(i);
            on[i] += e.p;
            if (e.t > newest[i]) newest[i] = e.t;
        }
        if (touched_.size() >= cap) {  // already over budget: stop early
            over = true;
            break;
        }
    }
    const bool fits = !over && touched_.size() <= opt.budget;
    if (fits) {
        out.xyz.resize(touched_.size() * 3);
        out.rgb.resize(touched_.size() * 3);
        std::uint32_t maxCount = 1;
        for (std::uint32_t i : touched_) maxCount = std::max(maxCount, count_[i]);
        const float invMax = 1.f / float(maxCount);
        const float zStep = out.zExtent / float(bins);
        std::size_t k = 0;
        for (std::uint32_t i : touched_) {
            const std::size_t x = i % std::size_t(gx), rest = i / std::size_t(gx);
            const std::size_t y = rest % std::size_t(gy), b = rest / std::size_t(gy);
            // Voxel centre, clamped to the sensor (the last bin may be partly outside it).
            out.xyz[3 * k] = std::min(float(w.width), float(x * std::size_t(s)) + 0.5f * float(s));
            out.xyz[3 * k + 1] = std::max(0.f, float(w.height) - (float(y * std::size_t(s)) + 0.5f * float(s)));
            out.xyz[3 * k + 2] = (float(b) + 0.5f) * zStep;
            // Dense voxels bright, sparse (noise-like) ones dim.
            const float bright = 0.2f + 0.8f * std::sqrt(float(count_[i]) * invMax);
            if (opt.color == CloudOptions::Color::Polarity)
                polarityColour(float(on_[i]) / float(count_[i]), bright, &out.rgb[3 * k]);
            else
                ageColour(float(double(w.tEnd - newest_[i]) / span), bright, &out.rgb[3 * k]);
            ++k;
        }
        out.points = k;
    }
    for (std::uint32_t i : touched_) {
        count_[i] = 0;
        on_[i] = 0;
        newest_[i] = 0;
    }
    return fits;
}

}  // namespace ganglion
