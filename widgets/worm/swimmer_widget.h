// Draws one or more planar swimmers live (each in its own lane): links, joints coloured by
// torque (blue = dorsal, orange = ventral), the head trail, a grid that shows motion, the start
// line, and speed / distance readouts. Takes immutable frames published by the worm nodes.
#pragma once

#include "core/worm/worm_observables.h"

#include <QString>
#include <QWidget>

#include <algorithm>

#include <memory>
#include <vector>

namespace ganglion {

class SwimmerWidget : public QWidget {
    Q_OBJECT
public:
    struct Lane {
        QString label;
        std::shared_ptr<const worm::SwimmerFrame> frame;
        bool highlighted = false;
    };

    explicit SwimmerWidget(QWidget* parent = nullptr);

    void setLanes(std::vector<Lane> lanes);
    void clear() { setLanes({}); }
    int laneCount() const { return int(lanes_.size()); }
    /// View width in body lengths (zoom); the camera follows each swimmer's centre.
    void setViewSpan(double bodyLengths);
    double viewSpan() const { return span_; }
    void setShowTrail(bool on);

    /// Colour of a normalised torque in [-1, 1] (0 = neutral grey).
    static QColor torqueColor(double t);
    /// The readout line drawn for a frame, in body lengths and physical units
    /// ("t 12.3 s · speed 0.152 body lengths/s (152 mm/s) · distance 1.84 body lengths (1.84 m)").
    static QString readout(const worm::SwimmerFrame& f);

    QSize sizeHint() const override { return {480, 260}; }
    /// Room for every lane: side-by-side swimmers (the ablation demo) stay readable.
    QSize minimumSizeHint() const override { return {200, std::max(120, 80 * int(lanes_.size()))}; }

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent* e) override;

private:
    void paintLane(QPainter& p, const QRectF& r, const Lane& lane) const;

    std::vector<Lane> lanes_;
    double span_ = 3.0;
    bool trail_ = true;
};

}  // namespace ganglion
