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

class EdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 0x472 };
    EdgeItem(GraphScene* scene, EdgeId id);

    int type() const override { return Type; }
    EdgeId edgeId() const { return id_; }
    /// Recompute the curve from the current node item positions.
    void updatePath();

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
