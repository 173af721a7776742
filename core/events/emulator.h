// Image sequence -> events, in the manner of ESIM (Rebecq et al. 2018) and v2e (Hu et al. 2021):
// each pixel keeps a reference log intensity; when the current log intensity differs from it
// by a multiple of the pixel's contrast threshold, that many events are emitted with times
// interpolated linearly between the two frames, and the reference moves by those thresholds.
// Thresholds vary per pixel (Gaussian, sigma); a refractory period suppresses events closer than
// it to the pixel's previous event (the reference still follows the signal).
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <random>
#include <vector>

namespace ganglion::events {

struct EmulatorConfig {
    int width = 0, height = 0;
    double thresholdOn = 0.2;   ///< mean ON contrast threshold (log units)
    double thresholdOff = 0.2;  ///< mean OFF contrast threshold
    double sigma = 0.03;        ///< per-pixel threshold standard deviation
    double refractoryUs = 0.0;  ///< minimum time between two events of a pixel
    double epsilon = 1e-3;      ///< log(I + epsilon) avoids log(0)
    std::uint64_t seed = 1;
};

class EventEmulator {
public:
    void configure(const EmulatorConfig& cfg);
    const EmulatorConfig& config() const { return cfg_; }
    /// Feeds one frame (row-major width*height linear intensities, >= 0) taken at time t µs.
    /// The first frame only initialises the references. Appends events sorted by time.
    void feed(const float* image, std::int64_t t, std::vector<Event>& out);
    void reset();  ///< forget the references (next frame initialises again)
    float thresholdOn(int x, int y) const { return cOn_[std::size_t(y * cfg_.width + x)]; }
    float thresholdOff(int x, int y) const { return cOff_[std::size_t(y * cfg_.width + x)]; }

private:
    EmulatorConfig cfg_;
    std::vector<float> ref_;     ///< reference log intensity per pixel
    std::vector<float> last_;    ///< log intensity at the previous frame
    std::vector<float> cOn_, cOff_;
    std::vector<std::int64_t> lastEvent_;
    std::int64_t tPrev_ = 0;
    bool initialised_ = false;
    std::vector<Event> scratch_;
};

}  // namespace ganglion::events
