// GraphCanvas mouse gestures: connecting ports, moving nodes (one request per drag), panning,
// zooming and the double-click quick-add.
#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/graph_canvas.h"

#include <QMouseEvent>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace ganglion {

std::optional<PortRef> GraphCanvas::portAt(const QPointF& scenePos, const PortRef* exclude) const {
    const double r = canvas::Metrics::portHitRadius;
    const QRectF probe(scenePos - QPointF(r, r), QSizeF(2 * r, 2 * r));
    // Topmost node first, so overlapping nodes behave as drawn.
    for (QGraphicsItem* it : scene_->items(probe, Qt::IntersectsItemBoundingRect, Qt::DescendingOrder)) {
        if (it->type() != NodeItem::Type) continue;
        if (auto port = static_cast<NodeItem*>(it)->portAt(scenePos)) {
            if (exclude && *port == *exclude) continue;
            return port;
        }
    }
    return std::nullopt;
}

bool GraphCanvas::isEmptyAt(const QPoint& viewPos) const {
    for (QGraphicsItem* it : items(viewPos))
        if (it->type() == NodeItem::Type || it->type() == EdgeItem::Type) return false;
    return true;
}

void GraphCanvas::beginConnection(const PortRef& origin, const QPointF& scenePos, EdgeId pickedUp) {
    dragOrigin_ = origin;
    scene_->clearSelection();
    scene_->beginPortDrag(origin, pickedUp);
    dragEdge_ = new DragEdgeItem;
    const NodeSpec* spec = graph() ? graph()->spec(origin.node) : nullptr;
    if (spec) {
        const auto& ports = origin.output ? spec->outputs : spec->inputs;
        dragEdge_->setColor(canvas::portColor(ports[origin.index].type));
    }
    scene_->addItem(dragEdge_);
    updateConnection(scenePos, QCursor::pos());
}

void GraphCanvas::updateConnection(const QPointF& scenePos, const QPoint& globalPos) {
    if (!dragEdge_) return;
    NodeItem* originItem = scene_->nodeItem(dragOrigin_.node);
    if (!originItem) return cancelConnection();
    const QPointF anchor = originItem->portScenePos(dragOrigin_.output, dragOrigin_.index);
    QPointF end = scenePos;
    const std::optional<PortRef> target = portAt(scenePos, &dragOrigin_);
    scene_->setDragTarget(target.value_or(PortRef{}));
    bool refused = false;
    if (target) {
        if (auto why = scene_->connectionProblem(dragOrigin_, *target)) {
            refused = true;
            QToolTip::showText(globalPos, tr("Cannot connect: %1").arg(*why), viewport());
            emit statusMessage(tr("Cannot connect: %1").arg(*why));
        } else {
            NodeItem* t = scene_->nodeItem(target->node);
            end = t->portScenePos(target->output, target->index);  // snap onto the port
            QToolTip::hideText();
        }
    } else {
        QToolTip::hideText();
    }
    dragEdge_->setRefused(refused);
    dragEdge_->setEnds(anchor, dragOrigin_.output, end);
}

void GraphCanvas::finishConnection(const QPointF& scenePos) {
    if (!dragEdge_) return;
    const PortRef target = scene_->dragTarget();
    const PortRef origin = dragOrigin_;
    const EdgeId picked = scene_->pickedUpEdge();
    const PortRef pickedFrom = pickedFrom_;
    // Judge while the drag state (and its picked-up edge exclusion) is still in place.
    const std::optional<QString> why = target.valid() ? scene_->connectionProblem(origin, target) : std::nullopt;
    cancelConnection();
    if (picked && !target.valid()) {
        emit requestDisconnect(picked);  // an edge pulled off its input and let go
        return;
    }
    if (!target.valid() && !picked) {
        // A new connection let go on empty canvas: offer the node types that can take it.
        // (A click on a port without a real drag opens nothing.)
        NodeItem* item = scene_->nodeItem(origin.node);
        const bool dragged =
            item && QLineF(item->portScenePos(origin.output, origin.index), scenePos).length() > 3 * canvas::Metrics::portHitRadius;
        if (dragged && isEmptyAt(mapFromScene(scenePos))) showQuickAddFor(origin, scenePos);
        return;
    }
    if (!target.valid() || (picked && target == pickedFrom)) return;
    if (why) {
        emit statusMessage(tr("Connection refused: %1").arg(*why));
        return;
    }
    PortRef from, to;
    GraphScene::orient(origin, target, &from, &to);
    if (picked) emit requestReconnect(picked, scene_->endpoint(from), scene_->endpoint(to));
    else emit requestConnect(scene_->endpoint(from), scene_->endpoint(to));
}

void GraphCanvas::cancelConnection() {
    if (!dragEdge_) return;
    delete dragEdge_;
    dragEdge_ = nullptr;
    dragOrigin_ = pickedFrom_ = {};
    scene_->endPortDrag();
    QToolTip::hideText();
}

void GraphCanvas::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && spaceHeld_)) {
        panning_ = true;
        spacePanned_ = spaceHeld_;
        autoFit_ = false;
        lastPanPos_ = e->pos();
        viewport()->setCursor(Qt::ClosedHandCursor);
        e->accept();
        return;
    }
    if (e->button() == Qt::LeftButton) {
        const QPointF sp = mapToScene(e->pos());
        if (auto port = portAt(sp)) {
            // Grabbing a connected input picks its edge up (re-route or drop to disconnect).
            const Endpoint ep = scene_->endpoint(*port);
            const Edge* existing = !port->output && graph() ? graph()->edgeIntoPort(ep) : nullptr;
            const NodeSpec* srcSpec = existing ? graph()->spec(existing->from.node) : nullptr;
            if (existing && srcSpec && !(e->modifiers() & Qt::ControlModifier)) {
                const PortRef source{existing->from.node, true, srcSpec->outputIndex(existing->from.port)};
                const EdgeId picked = existing->id;
                beginConnection(source, sp, picked);
                pickedFrom_ = *port;
            } else {
                beginConnection(*port, sp);
            }
            e->accept();
            return;
        }
        // Remember where every node is, to detect a move on release.
        pressPositions_.clear();
        for (QGraphicsItem* it : scene_->items())
            if (it->type() == NodeItem::Type) pressPositions_.insert(static_cast<NodeItem*>(it)->nodeId(), it->pos());
    }
    QGraphicsView::mousePressEvent(e);
}

void GraphCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (panning_) {
        const QPoint d = e->pos() - lastPanPos_;
        lastPanPos_ = e->pos();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        e->accept();
        return;
    }
    if (dragEdge_) {
        updateConnection(mapToScene(e->pos()), e->globalPosition().toPoint());
        e->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(e);
}

void GraphCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (panning_ && (e->button() == Qt::MiddleButton || e->button() == Qt::LeftButton)) {
        panning_ = false;
        if (spaceHeld_) viewport()->setCursor(Qt::OpenHandCursor);
        else viewport()->unsetCursor();
        e->accept();
        return;
    }
    if (dragEdge_ && e->button() == Qt::LeftButton) {
        updateConnection(mapToScene(e->pos()), e->globalPosition().toPoint());
        finishConnection(mapToScene(e->pos()));
        e->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(e);
    if (e->button() != Qt::LeftButton || pressPositions_.isEmpty()) return;
    Positions from, to;
    if (graph()) {
        for (const Node& n : graph()->nodes()) {  // graph order: deterministic requests
            NodeItem* it = scene_->nodeItem(n.id);
            if (!it || !pressPositions_.contains(n.id)) continue;
            const QPointF p = it->pos();
            if (p != QPointF(n.x, n.y)) {
                from.push_back({n.id, QPointF(n.x, n.y)});
                to.push_back({n.id, p});
            }
        }
    }
    pressPositions_.clear();
    if (!from.isEmpty()) emit requestMove(from, to);
}

void GraphCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && isEmptyAt(e->pos())) {
        showQuickAdd(mapToScene(e->pos()));
        e->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(e);
}

void GraphCanvas::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return QGraphicsView::wheelEvent(e);
    setZoom(std::pow(1.15, steps), e->position().toPoint());
    e->accept();
}

}  // namespace ganglion
