// Event denoising and selection filters. Each processes packets in time order, keeps per-pixel
// state between calls, and counts events in and out.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <span>
#include <vector>

namespace ganglion::events {

class EventFilter {
public:
    virtual ~EventFilter() = default;
    /// Appends the kept events of `in` to `out`.
    void process(std::span<const Event> in, std::vector<Event>& out) {
        const std::size_t before = out.size();
        run(in, out);
        countIn_ += in.size();
        countOut_ += out.size() - before;
    }
    /// Sets the sensor size and clears the per-pixel state and counts.
    virtual void reset(int width, int height) {
        width_ = width;
        height_ = height;
        countIn_ = countOut_ = 0;
    }
    /// Clears the per-pixel state (stream restarted: seek, loop) but keeps the counts.
    void restartStream() {
        const auto in = countIn_, out = countOut_;
        reset(width_, height_);
        countIn_ = in;
        countOut_ = out;
    }
    std::uint64_t eventsIn() const { return countIn_; }
    std::uint64_t eventsOut() const { return countOut_; }

protected:
    virtual void run(std::span<const Event> in, std::vector<Event>& out) = 0;
    int width_ = 0, height_ = 0;

private:
    std::uint64_t countIn_ = 0, countOut_ = 0;
};

/// Background-activity filter (Delbruck 2008): keeps an event when one of its 8 neighbours
/// (not the pixel itself) had an event within `windowUs` before it.
class BackgroundActivityFilter final : public EventFilter {
public:
    explicit BackgroundActivityFilter(std::int64_t windowUs = 2000) : window_(windowUs) {}
    void setWindow(std::int64_t us) { window_ = us; }
    void reset(int width, int height) override;

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    std::int64_t window_;
    /// Last event time per pixel relative to base_ (32 bits halve the memory traffic);
    /// (width+2) x (height+2), bordered so no bounds checks.
    std::vector<std::int32_t> last_;
    std::int64_t base_ = 0;
    bool started_ = false;
};

/// Spatio-temporal correlation filter (Guo & Delbruck 2022): keeps an event when at least
/// `support` other pixels in its (2 radius + 1)^2 neighbourhood fired within `windowUs`
/// (same polarity only if `samePolarity`).
class CorrelationFilter final : public EventFilter {
public:
    CorrelationFilter(std::int64_t windowUs = 5000, int radius = 1, int support = 2, bool samePolarity = false)
        : window_(windowUs), radius_(radius), support_(support), samePolarity_(samePolarity) {}
    void setParams(std::int64_t windowUs, int support) { window_ = windowUs; support_ = support; }
    void reset(int width, int height) override;

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    std::int64_t window_;
    int radius_, support_;
    bool samePolarity_;
    std::vector<std::int64_t> last_[2];  ///< per polarity, bordered by radius
};

/// Refractory filter: drops an event when the same pixel passed one less than `periodUs` ago.
class RefractoryFilter final : public EventFilter {
public:
    explicit RefractoryFilter(std::int64_t periodUs = 1000) : period_(periodUs) {}
    void setPeriod(std::int64_t us) { period_ = us; }
    void reset(int width, int height) override;

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    std::int64_t period_;
    std::vector<std::int64_t> last_;
};

/// Hot-pixel detection: counts events per pixel over periods of `periodUs`; at the end of each
/// period a pixel whose count exceeds mean + k * stddev (over all pixels) and at least
/// `minEvents` is flagged hot, and its events are dropped until a later period clears it.
/// During the first period nothing is flagged yet.
class HotPixelFilter final : public EventFilter {
public:
    HotPixelFilter(std::int64_t periodUs = 100000, double k = 5.0, int minEvents = 5)
        : period_(periodUs), k_(k), minEvents_(minEvents) {}
    void reset(int width, int height) override;
    /// Row-major indices of the pixels flagged hot now.
    std::vector<std::uint32_t> hotPixels() const;

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    void endPeriod();
    std::int64_t period_;
    double k_;
    int minEvents_;
    std::vector<std::uint32_t> counts_;
    std::vector<std::uint8_t> hot_;
    std::int64_t periodStart_ = INT64_MIN;
};

/// Polarity and region-of-interest selection: polarity -1 = both, 0 = OFF only, 1 = ON only;
/// keeps x0 <= x < x1, y0 <= y < y1 (x1/y1 <= 0 mean the sensor edge).
class SelectFilter final : public EventFilter {
public:
    void setParams(int polarity, int x0, int y0, int x1, int y1) {
        polarity_ = polarity; x0_ = x0; y0_ = y0; x1_ = x1; y1_ = y1;
    }

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    int polarity_ = -1, x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0;
};

/// Decimation: keeps every n-th event (counting across packets).
class DecimationFilter final : public EventFilter {
public:
    explicit DecimationFilter(int n = 2) : n_(n) {}
    void setFactor(int n) { n_ = n < 1 ? 1 : n; }
    void reset(int width, int height) override {
        EventFilter::reset(width, height);
        phase_ = 0;
    }

protected:
    void run(std::span<const Event> in, std::vector<Event>& out) override;

private:
    int n_;
    int phase_ = 0;
};

}  // namespace ganglion::events
