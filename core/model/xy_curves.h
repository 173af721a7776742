// A generic observable: named x-y curves in titled panels (ROC curves, a score against a swept
// parameter…). A node lists "xy_curves" in NodeSpec::observables and publishes
// Observables::extra["xy_curves"] as std::shared_ptr<const std::vector<XYPanel>>; the x-y curves
// view overlays the curves of every node that publishes a panel of the same title.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ganglion {

struct XYCurve {
    std::string name;  ///< "" = the publishing node's name
    std::vector<std::pair<double, double>> points;  ///< drawn joined, in this order
    bool hasMark = false;  ///< an operating point drawn as a ring, e.g. the live (FPR, TPR)
    double markX = 0, markY = 0;
};

struct XYPanel {
    std::string title, xLabel, yLabel;  ///< labels carry units
    std::string diagonal;  ///< legend name of y = x drawn across the panel ("" = none)
    bool unitSquare = false;  ///< both axes fixed to [0, 1]
    std::vector<XYCurve> curves;
};

inline constexpr char kXYCurvesObservable[] = "xy_curves";

}  // namespace ganglion
