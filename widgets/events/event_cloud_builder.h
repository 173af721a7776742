// Turns an event window into a bounded x-y-t point set for the 3D view. Software OpenGL draws
// ~200 k points in ~90 ms, so the number of points is capped: below the budget every event is a
// point; above it events are binned into voxels (one point per occupied voxel, coloured by its
// ON share or age and brightened by its count), or decimated (every k-th event) on request.
// The description says exactly what is shown. No Qt, no VTK: plain arrays.
#pragma once

#include "core/events/event_window.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ganglion {

struct CloudOptions {
    enum class Reduce : std::uint8_t { Auto, Decimate, Voxel };
    enum class Color : std::uint8_t { Polarity, Age };
    std::size_t budget = 60000;  ///< most points drawn per frame
    Reduce reduce = Reduce::Auto;
    Color color = Color::Polarity;
    double depth = 1.5;  ///< time axis length relative to max(width, height)
    std::int64_t windowUs = 0;  ///< show only the newest windowUs of the window (0 = all of it)
};

struct CloudPoints {
    std::vector<float> xyz;          ///< 3 per point: x, height - y, scaled time
    std::vector<std::uint8_t> rgb;   ///< 3 per point
    std::size_t events = 0;          ///< events in the window
    std::size_t points = 0;          ///< points produced (<= budget)
    std::string description;         ///< e.g. "58,210 voxels (2x2 px x 1.6 ms) of 1,000,000 events"
    int width = 0, height = 0;
    float zExtent = 0.f;             ///< length of the time axis in scene units
    std::int64_t tBegin = 0, tEnd = 0;
};

class EventCloudBuilder {
public:
    void build(const events::EventWindow& w, const CloudOptions& opt, CloudPoints& out);

private:
    void raw(const events::EventWindow& w, const CloudOptions& opt, CloudPoints& out, int stride);
    /// Bins with 2^shift px squares and `bins` time slices; false (out untouched) if over budget.
    bool voxels(const events::EventWindow& w, const CloudOptions& opt, CloudPoints& out, int shift, int bins);

    std::vector<std::uint32_t> count_, on_;
    std::vector<std::int64_t> newest_;
    std::vector<std::uint32_t> touched_;
    // Grid that fitted last frame (log2 of the pixel bin, time bins): tried first, so a steady
    // stream costs one binning pass per frame.
    int lastShift_ = -1, lastBins_ = 0, lastW_ = 0, lastH_ = 0;
    std::size_t lastBudget_ = 0, lastPoints_ = 0;
};

/// "1,234,567"
std::string withThousands(std::size_t n);

}  // namespace ganglion
