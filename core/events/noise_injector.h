// Sensor noise added to any event stream, labelled as noise so a filter can be scored on it
// (in the manner of v2e's noise model and jAER's NoiseTesterFilter):
//  - background activity: Poisson events at `baRate` Hz per pixel, ON polarity (the leak events
//    that dominate a real sensor's background activity);
//  - shot noise: Poisson events at `shotRate` Hz per pixel, either polarity;
//  - hot pixels: `hotPixels` pixels drawn from the seed, each firing at `hotRate` Hz (label Hot).
// Injected events are merged into the input in time order. Input events keep their labels;
// unlabelled ones become Signal when `labelInput` (a clean recording taken as ground truth).
// Deterministic for a seed: the same slices of stream time give the same events.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace ganglion::events {

struct NoiseConfig {
    int width = 0, height = 0;
    double baRate = 0.0;    ///< background activity, Hz per pixel
    double shotRate = 0.0;  ///< shot noise, Hz per pixel
    int hotPixels = 0;
    double hotRate = 0.0;   ///< Hz per hot pixel
    bool labelInput = true;
    std::uint64_t seed = 1;
};

/// "" when `c` is usable, else a message naming the bad field.
std::string validateNoiseConfig(const NoiseConfig& c);

class NoiseInjector {
public:
    /// Throws std::invalid_argument with validateNoiseConfig's message.
    void configure(const NoiseConfig& c);
    /// Live rates (the hot-pixel set stays).
    void setRates(double baRate, double shotRate, double hotRate);
    const NoiseConfig& config() const { return cfg_; }
    /// Appends `in` (sorted) plus the noise of [t0, t1) µs to `out`, sorted by time.
    void inject(std::int64_t t0, std::int64_t t1, std::span<const Event> in, std::vector<Event>& out);
    const std::vector<std::uint32_t>& hotPixelIndices() const { return hot_; }
    std::uint64_t injected() const { return injected_; }

private:
    void addPoisson(double ratePerPixel, std::int64_t t0, std::int64_t t1, int polarity, EventLabel label);
    NoiseConfig cfg_;
    std::mt19937_64 rng_;
    std::vector<std::uint32_t> hot_;
    std::vector<Event> noise_;
    std::uint64_t injected_ = 0;
};

}  // namespace ganglion::events
