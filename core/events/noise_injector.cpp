#include "core/events/noise_injector.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::events {

std::string validateNoiseConfig(const NoiseConfig& c) {
    if (c.width <= 0 || c.height <= 0) return "sensor size unknown: connect an event source";
    auto finiteRate = [](double r) { return std::isfinite(r) && r >= 0.0; };
    if (!finiteRate(c.baRate)) return "ba_rate must be a finite rate >= 0 Hz per pixel";
    if (!finiteRate(c.shotRate)) return "shot_rate must be a finite rate >= 0 Hz per pixel";
    if (!finiteRate(c.hotRate)) return "hot_rate must be a finite rate >= 0 Hz";
    const long long pixels = (long long)c.width * c.height;
    if (c.hotPixels < 0 || c.hotPixels > pixels)
        return "hot_pixels must be between 0 and the sensor's " + std::to_string(pixels) + " pixels";
    return "";
}

void NoiseInjector::configure(const NoiseConfig& c) {
    if (auto err = validateNoiseConfig(c); !err.empty()) throw std::invalid_argument(err);
    cfg_ = c;
    rng_.seed(c.seed);
    const std::uint32_t n = std::uint32_t(c.width) * std::uint32_t(c.height);
    hot_.clear();
    // Distinct hot pixels by a partial Fisher-Yates over the pixel indices.
    std::vector<std::uint32_t> all(n);
    for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
    for (int k = 0; k < c.hotPixels; ++k) {
        std::uniform_int_distribution<std::uint32_t> pick(std::uint32_t(k), n - 1);
        std::swap(all[std::size_t(k)], all[pick(rng_)]);
        hot_.push_back(all[std::size_t(k)]);
    }
    injected_ = 0;
}

void NoiseInjector::setRates(double baRate, double shotRate, double hotRate) {
    NoiseConfig c = cfg_;
    c.baRate = baRate;
    c.shotRate = shotRate;
    c.hotRate = hotRate;
    if (auto err = validateNoiseConfig(c); !err.empty()) throw std::invalid_argument(err);
    cfg_ = c;
}

void NoiseInjector::addPoisson(double ratePerPixel, std::int64_t t0, std::int64_t t1, int polarity, EventLabel label) {
    if (ratePerPixel <= 0.0) return;
    const double npx = double(cfg_.width) * double(cfg_.height);
    std::poisson_distribution<long long> count(ratePerPixel * npx * double(t1 - t0) * 1e-6);
    std::uniform_int_distribution<std::uint32_t> pixel(0, std::uint32_t(npx) - 1);
    std::uniform_int_distribution<std::int64_t> when(t0, t1 - 1);
    for (long long k = count(rng_); k > 0; --k) {
        const std::uint32_t i = pixel(rng_);
        Event e;
        e.t = when(rng_);
        e.x = std::uint16_t(i % std::uint32_t(cfg_.width));
        e.y = std::uint16_t(i / std::uint32_t(cfg_.width));
        e.p = std::uint8_t(polarity >= 0 ? polarity : int(rng_() & 1));
        e.label = label;
        noise_.push_back(e);
    }
}

void NoiseInjector::inject(std::int64_t t0, std::int64_t t1, std::span<const Event> in, std::vector<Event>& out) {
    noise_.clear();
    if (t1 > t0) {
        addPoisson(cfg_.baRate, t0, t1, 1, EventLabel::Noise);
        addPoisson(cfg_.shotRate, t0, t1, -1, EventLabel::Noise);
        if (cfg_.hotRate > 0.0 && !hot_.empty()) {
            std::poisson_distribution<long long> count(cfg_.hotRate * double(t1 - t0) * 1e-6);
            std::uniform_int_distribution<std::int64_t> when(t0, t1 - 1);
            for (std::uint32_t h : hot_)
                for (long long k = count(rng_); k > 0; --k) {
                    Event e;
                    e.t = when(rng_);
                    e.x = std::uint16_t(h % std::uint32_t(cfg_.width));
                    e.y = std::uint16_t(h / std::uint32_t(cfg_.width));
                    e.p = std::uint8_t(rng_() & 1);
                    e.label = EventLabel::Hot;
                    noise_.push_back(e);
                }
        }
        std::stable_sort(noise_.begin(), noise_.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    }
    injected_ += noise_.size();
    const std::size_t start = out.size();
    out.resize(start + in.size() + noise_.size());
    // Merge, input first on equal times; relabel unlabelled input as signal.
    std::merge(in.begin(), in.end(), noise_.begin(), noise_.end(), out.begin() + std::ptrdiff_t(start),
               [](const Event& a, const Event& b) { return a.t < b.t; });
    if (cfg_.labelInput)
        for (std::size_t i = start; i < out.size(); ++i)
            if (out[i].label == EventLabel::Unlabelled) out[i].label = EventLabel::Signal;
}

}  // namespace ganglion::events
