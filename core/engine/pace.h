// How fast a run goes in the workbench, and the positions of its speed control.
//
// A graph stores its pace in its settings (GraphSettings::stepsPerSecond or ::realTime), chosen
// so its story can be watched: a classifier's loss declining over tens of seconds, a
// stimulation protocol taking tens of seconds of wall time. The speed control offers positions
// on a log scale (1-2-5 steps per decade). A graph that simulates time (a node whose spec is
// `timed`) counts its positions as multiples of real time — the "real time" position advances
// simulated time (steps x dt) at the wall clock's rate; other graphs count steps per second.
// The last position is always "as fast as possible".
#pragma once

#include "core/graph/graph.h"

#include <string>
#include <vector>

namespace ganglion {

/// Whether any node of `g` advances simulated time by dt each step (NodeSpec::timed).
bool simulatesTime(const Graph& g);

/// Engine steps per wall-clock second for the pace in `s` (realTime / dt when realTime is set);
/// 0 = as fast as possible.
double pacedStepsPerSecond(const GraphSettings& s);

class SpeedScale {
public:
    /// `timed`: positions are real-time factors (needs dt > 0); otherwise steps per second.
    SpeedScale(bool timed, double dt);
    /// The scale for a graph: timed when simulatesTime(g), with its dt.
    static SpeedScale forGraph(const Graph& g);

    bool timed() const { return timed_; }
    int positions() const { return int(values_.size()) + 1; }  ///< the last one: as fast as possible
    int fastest() const { return positions() - 1; }
    /// The position that runs at real time, -1 when the scale is not timed.
    int realTimePosition() const { return realTimeAt_; }
    /// Steps per second at `pos` (0 at the fastest position). Out-of-range positions clamp.
    double stepsPerSecond(int pos) const;
    /// The position nearest (on the log scale) to a pace in steps per second; 0 = fastest.
    int nearest(double stepsPerSecond) const;
    /// The position showing the pace stored in `s`.
    int positionFor(const GraphSettings& s) const;
    /// Writes position `pos` as a pace into `s` (realTime for a timed scale, else stepsPerSecond).
    void store(int pos, GraphSettings& s) const;
    /// "200 steps/s", "real time", "5× real time", "0.1× real time", "max".
    std::string label(int pos) const;

private:
    bool timed_;
    double dt_;
    std::vector<double> values_;  ///< per position: steps/s (untimed) or real-time factor (timed)
    int realTimeAt_ = -1;
};

}  // namespace ganglion
