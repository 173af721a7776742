// A connection on the canvas (holds only its EdgeId; endpoints come from the Graph), and the
// temporary curve drawn while the user drags a new connection.
#pragma once

#include "core/graph/graph.h"

#include <QColor>
#include <QGraphicsItem>
#include <QPainterPath>

namespace ganglion {

class GraphScene;

/// Cubic curve leaving `from` to the right and entering `to` from the left.
QPainterPath connectionPath(const QPointF& from, const QPointF& to);
/// Whether a wire from the output port at `from` to the input port at `to` runs backwards
/// (the input lies left of the output, as a feedback wire does): a plain curve would cut
/// through the nodes.
bool isBackwardWire(const QPointF& from, const QPointF& to);
/// A backward wire's route around `obstacles` (the nodes it must not cross, scene
/// coordinates): out of `from` to the right, along a lane just below the obstacles (or above,
/// when that is shorter), and into `to` from the left, with rounded corners.
/// `lane` > 0 moves the route one lane further out (parallel feedback wires between the same
/// two nodes each get their own lane, so none hides another).
QPainterPath feedbackPath(const QPointF& from, const QPointF& to, const QRectF& obstacles, int lane = 0);

class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 0x472 };
    EdgeItem(GraphScene* scene, EdgeId id);

    int type() const override { return Type; }
    EdgeId edgeId() const { return id_; }
    /// Recompute the curve from the current node item positions. A backward (feedback) wire is
    /// routed around the nodes between its ends, drawn dashed and below the forward wires.
    void updatePath();
    bool isBackward() const { return backward_; }
    QPainterPath path() const { return path_; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* opt, QWidget* w) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* e) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* e) override;

private:
    GraphScene* scene_;
    EdgeId id_;
    QPainterPath path_;
    QColor color_;
    bool hovered_ = false;
    bool backward_ = false;
};

/// The rubber curve following the cursor during a connection drag.
class DragEdgeItem : public QGraphicsItem {
public:
    DragEdgeItem();
    /// `anchorIsOutput`: the fixed end is an output port (curve leaves it to the right).
    void setEnds(const QPointF& anchor, bool anchorIsOutput, const QPointF& cursor);
    void setColor(const QColor& c) { color_ = c; update(); }
    void setRefused(bool refused);
    QRectF boundingRect() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* opt, QWidget* w) override;

private:
    QPainterPath path_;
    QColor color_;
    bool refused_ = false;
};

}  // namespace ganglion
