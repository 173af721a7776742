// Synthetic event streams for teaching and tests: a moving bar or rotating dots seen by an ideal
// sensor (one event per pixel per edge crossing), plus background-activity noise and hot pixels
// at set rates. Deterministic for a seed; every event carries its ground-truth label (Event::label).
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <random>
#include <vector>

namespace ganglion::events {

using ganglion::EventLabel;

struct SyntheticConfig {
    enum class Pattern : std::uint8_t { MovingBar, RotatingDots, None } pattern = Pattern::MovingBar;
    int width = 128;
    int height = 128;
    double speed = 100.0;      ///< bar: pixels per second; dots: revolutions per second
    double barWidth = 8.0;     ///< bar width, pixels
    int dots = 3;              ///< dots on the circle
    double orbitRadius = 0.3;  ///< circle radius as a fraction of min(width, height)
    double dotRadius = 4.0;    ///< pixels
    double noiseRate = 0.0;    ///< background activity, events per pixel per second
    int hotPixels = 0;         ///< number of hot pixels
    double hotRate = 0.0;      ///< events per second of each hot pixel
    std::uint64_t seed = 1;
};

class SyntheticEventSource {
public:
    explicit SyntheticEventSource(const SyntheticConfig& cfg = {}) { configure(cfg); }
    /// Restarts at t = 0 with a new configuration (the hot-pixel set is drawn from the seed).
    void configure(const SyntheticConfig& cfg);
    /// Continue from time t (µs): the pattern state is recomputed at t (used for seeking).
    void restartAt(std::int64_t t);
    /// Change rates without restarting (live parameters).
    void setRates(double speed, double noiseRate, double hotRate);
    const SyntheticConfig& config() const { return cfg_; }

    /// Appends the events of [t0, t1) µs sorted by time; t0 must be where the previous call
    /// ended. `labels` (optional) receives one label per appended event.
    void generate(std::int64_t t0, std::int64_t t1, std::vector<Event>& out,
                  std::vector<EventLabel>* labels = nullptr);
    /// Whether pixel (x, y) is covered by the pattern at time t (µs).
    bool covered(double x, double y, double tUs) const;
    const std::vector<std::uint32_t>& hotPixelIndices() const { return hot_; }

private:
    void signal(std::int64_t t0, std::int64_t t1, std::vector<Event>& out, std::vector<EventLabel>* labels);

    SyntheticConfig cfg_;
    std::mt19937_64 rng_;
    std::vector<std::uint8_t> state_;  ///< coverage at the last signal sample, per pixel
    std::vector<std::uint32_t> hot_;
    std::int64_t lastSample_ = -1;
    std::vector<Event> scratch_;
    std::vector<EventLabel> scratchLabels_;
    std::vector<std::uint32_t> order_;
};

}  // namespace ganglion::events
