// Dense representations of an event stream, each written into a float buffer laid out
// channel-major (channel, y, x) so it can be a network's input column:
//  - AccumulatedFrame: signed polarity sum (ON +1, OFF -1) over the last window (time or count)
//  - TimeSurface: exp(-(t_now - t_last(x, y, p)) / tau) per polarity (Lagorce et al. 2017), 0 if never
//  - VoxelGrid: B temporal bins over the last window, polarity spread over the two nearest
//    bins by linear interpolation (Zhu et al. 2019)
//  - EventCount: events per pixel per polarity in the latest packet
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace ganglion::events {

class AccumulatedFrame {
public:
    /// windowUs > 0: events younger than the window; else the last `count` events.
    void configure(int width, int height, std::int64_t windowUs, std::size_t count);
    void add(std::span<const Event> events);
    /// Drops events older than now - window (time mode).
    void advance(std::int64_t now);
    const std::vector<float>& frame() const { return frame_; }
    std::size_t eventsInWindow() const { return window_.size(); }

private:
    void apply(const Event& e, float sign);
    int w_ = 0, h_ = 0;
    std::int64_t windowUs_ = 0;
    std::size_t count_ = 0;
    std::deque<Event> window_;
    std::vector<float> frame_;
};

class TimeSurface {
public:
    void configure(int width, int height, double tauUs, bool splitPolarity);
    void add(std::span<const Event> events);
    /// Writes exp(-(now - t_last) / tau) per pixel (and polarity) into out (resized).
    void evaluate(std::int64_t now, std::vector<float>& out) const;
    int channels() const { return split_ ? 2 : 1; }
    std::int64_t lastTime(int x, int y, int p) const;
    void setTau(double tauUs) { tau_ = tauUs; }

private:
    int w_ = 0, h_ = 0;
    double tau_ = 50000;
    bool split_ = true;
    std::vector<std::int64_t> last_;
};

class VoxelGrid {
public:
    void configure(int width, int height, int bins, std::int64_t windowUs);
    void add(std::span<const Event> events);
    /// Grid of the events in [now - window, now): bins x height x width.
    void evaluate(std::int64_t now, std::vector<float>& out);
    int bins() const { return bins_; }

private:
    int w_ = 0, h_ = 0, bins_ = 5;
    std::int64_t window_ = 50000;
    std::deque<Event> events_;
};

/// Events per pixel in one packet; 2 channels (OFF, ON) or 1 (both).
void countEvents(std::span<const Event> events, int width, int height, bool splitPolarity, std::vector<float>& out);

}  // namespace ganglion::events
