// A node on the canvas. Holds only its NodeId: title, ports, category and parameters are read
// from the Graph (through GraphScene) whenever it lays itself out or paints.
#pragma once

#include "core/graph/graph.h"

#include <QGraphicsItem>

#include <optional>

namespace ganglion {

class GraphScene;
class NodeThumbItem;

/// One port of one node on the canvas.
struct PortRef {
    NodeId node = 0;
    bool output = false;
    int index = -1;
    bool valid() const { return node != 0 && index >= 0; }
    bool operator==(const PortRef&) const = default;
};

/// How a port reacts while the user drags a new connection.
enum class PortMark { None, Origin, Compatible, Refused };

class NodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 0x471 };
    NodeItem(GraphScene* scene, NodeId id);

    int type() const override { return Type; }
    NodeId nodeId() const { return id_; }

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* p, const QStyleOptionGraphicsItem* opt, QWidget* w) override;

    /// Repaint only the live thumbnail (its image changed).
    void updateThumbnail();
    /// Re-read position, name and ports from the graph (after nodeChanged / nodeMoved).
    void syncFromGraph();
    /// Port centre in scene coordinates.
    QPointF portScenePos(bool output, int index) const;
    /// The port whose hit area contains scenePos (a generous radius around the dot, plus the
    /// label row), if any.
    std::optional<PortRef> portAt(const QPointF& scenePos) const;
    /// Rectangle of the warning badge (item coordinates); empty when there is no issue.
    QRectF badgeRect() const;
    /// Rectangle of the cost badge under the body; empty when costs are hidden or unknown.
    QRectF costRect() const;
    /// The cost text or its visibility changed (the item's extent may change).
    void costChanged();

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent* e) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* e) override;

private:
    QRectF bodyRect() const { return QRectF(0, 0, width_, height_); }
    QRectF thumbRect() const;
    QPointF portPos(bool output, int index) const;
    void paintPorts(QPainter* p, const NodeSpec& spec);
    void paintThumbnail(QPainter* p);
    friend class NodeThumbItem;
    QString tooltipAt(const QPointF& itemPos) const;

    GraphScene* scene_;
    NodeId id_;
    double width_ = 0, height_ = 0;
    int rows_ = 0;
    bool hasThumb_ = false;
    bool hovered_ = false;
    NodeThumbItem* thumb_ = nullptr;  ///< child that draws the live thumbnail
};

}  // namespace ganglion
