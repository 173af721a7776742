// Scoring a noise filter on a labelled event stream (jAER NoiseTesterFilter's method): signal
// events kept are true positives, noise events kept false positives, noise removed true negatives,
// signal removed false negatives. A ROC curve sweeps the filter's main parameter, re-running a
// fresh filter on the same labelled window for each value: one (FPR, TPR) point per value.
#pragma once

#include "core/events/filters.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ganglion::events {

struct DenoiseCounts {
    std::uint64_t tp = 0, fp = 0, tn = 0, fn = 0;
    std::uint64_t unlabelled = 0;  ///< input events without a label (left out of the score)

    /// Adds one slice: `input` is the labelled stream, `kept` what the filter let through of it.
    void add(std::span<const Event> input, std::span<const Event> kept);
    DenoiseCounts& operator+=(const DenoiseCounts& o);
    DenoiseCounts& operator-=(const DenoiseCounts& o);
    double tpr() const;        ///< recall: signal kept / signal (1 when there is no signal)
    double fpr() const;        ///< noise kept / noise (0 when there is no noise)
    double precision() const;  ///< signal among kept (1 when nothing is kept)
    double recall() const { return tpr(); }
    double f1() const;
    std::uint64_t signal() const { return tp + fn; }
    std::uint64_t noise() const { return fp + tn; }
};

/// The filters a ROC sweeps and what their main parameter is.
enum class SweptFilter { BackgroundActivity, Correlation, Refractory, HotPixel };
/// "background_activity", "correlation", "refractory", "hot_pixel" → kind; false if unknown.
bool sweptFilterFromName(const std::string& name, SweptFilter& out);
/// The swept parameter with its unit, e.g. "window (ms)".
std::string sweptParameter(SweptFilter f);
/// A filter of kind `f` (other parameters at their defaults) with its main parameter at `value`
/// (ms for windows and periods, standard deviations for the hot-pixel threshold).
std::unique_ptr<EventFilter> makeSweptFilter(SweptFilter f, double value);

struct RocPoint {
    double value = 0;  ///< the swept parameter
    double fpr = 0, tpr = 0, f1 = 0, precision = 0;
};

/// Sweeps `values` of filter `f` over `events` (time-sorted, labelled) of a width x height sensor.
std::vector<RocPoint> rocSweep(SweptFilter f, std::span<const double> values, std::span<const Event> events,
                               int width, int height);

/// `points` values from `from` to `to`: geometric when both are > 0, else evenly spaced.
/// Throws std::invalid_argument naming roc_from / roc_to / roc_points when unusable.
std::vector<double> sweepValues(double from, double to, int points);

}  // namespace ganglion::events
