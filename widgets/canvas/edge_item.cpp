#include "widgets/canvas/edge_item.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/graph_scene.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace ganglion {

QPainterPath connectionPath(const QPointF& from, const QPointF& to) {
    const double dx = std::max(40.0, std::abs(to.x() - from.x()) * 0.5);
    QPainterPath path(from);
    path.cubicTo(from + QPointF(dx, 0), to - QPointF(dx, 0), to);
    return path;
}

namespace {
constexpr double kStub = 22;      // straight run out of / into a port before a feedback wire turns
constexpr double kLaneGap = 26;   // distance of a feedback lane from the nodes it passes
constexpr double kCorner = 14;    // corner radius of a feedback wire
constexpr double kLaneSpacing = 10;  // between parallel feedback wires

/// Polyline through `pts` with each inner corner rounded (radius limited by the segments).
QPainterPath roundedPolyline(const std::vector<QPointF>& pts) {
    QPainterPath path(pts.front());
    for (std::size_t i = 1; i + 1 < pts.size(); ++i) {
        const QPointF a = pts[i - 1], c = pts[i], b = pts[i + 1];
        const double la = QLineF(a, c).length(), lb = QLineF(c, b).length();
        const double r = std::min({kCorner, la / 2, lb / 2});
        if (r <= 0) {
            path.lineTo(c);
            continue;
        }
        path.lineTo(c + (a - c) * (r / la));
        path.quadTo(c, c + (b - c) * (r / lb));
    }
    path.lineTo(pts.back());
    return path;
}
}  // namespace

bool isBackwardWire(const QPointF& from, const QPointF& to) { return to.x() < from.x() + 8; }

QPainterPath feedbackPath(const QPointF& from, const QPointF& to, const QRectF& obstacles, int laneIndex) {
    const double spread = kLaneSpacing * std::max(0, laneIndex);
    const double below = obstacles.bottom() + kLaneGap + spread, above = obstacles.top() - kLaneGap - spread;
    const auto travel = [&](double lane) { return std::abs(from.y() - lane) + std::abs(to.y() - lane); };
    const double lane = travel(above) < travel(below) ? above : below;
    const double outX = std::max(from.x(), obstacles.right()) + kStub + spread;
    const double inX = std::min(to.x(), obstacles.left()) - kStub - spread;
    return roundedPolyline({from, {outX, from.y()}, {outX, lane}, {inX, lane}, {inX, to.y()}, to});
}

EdgeItem::EdgeItem(GraphScene* scene, EdgeId id) : scene_(scene), id_(id) {
    setFlags(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setZValue(0);
    updatePath();
}

void EdgeItem::updatePath() {
    const Graph* g = scene_->graph();
    const Edge* e = g ? g->edge(id_) : nullptr;
    if (!e) return;
    NodeItem* a = scene_->nodeItem(e->from.node);
    NodeItem* b = scene_->nodeItem(e->to.node);
    const NodeSpec* sa = g->spec(e->from.node);
    const NodeSpec* sb = g->spec(e->to.node);
    if (!a || !b || !sa || !sb) return;
    const int oi = sa->outputIndex(e->from.port), ii = sb->inputIndex(e->to.port);
    if (oi < 0 || ii < 0) return;
    prepareGeometryChange();
    const QPointF from = a->portScenePos(true, oi), to = b->portScenePos(false, ii);
    backward_ = isBackwardWire(from, to);
    if (backward_) {
        // around every node standing between its ends, so it never hides behind or crosses one
        QRectF box = a->sceneBoundingRect() | b->sceneBoundingRect();
        const double left = to.x() - kStub, right = from.x() + kStub;
        for (NodeItem* n : scene_->nodeItems()) {
            const QRectF r = n->sceneBoundingRect();
            if (r.right() > left && r.left() < right) box |= r;
        }
        // parallel feedback wires between the same two nodes: one lane each, in edge order
        int lane = 0;
        for (const Edge& other : g->edges())
            if (other.id < e->id && other.from.node == e->from.node && other.to.node == e->to.node) ++lane;
        path_ = feedbackPath(from, to, box, lane);
    } else {
        path_ = connectionPath(from, to);
    }
    setZValue(backward_ ? -0.5 : 0);  // forward wires stay on top where they cross
    color_ = canvas::portColor(sa->outputs[oi].type);
    QString tip = QStringLiteral("%1.%2 → %3.%4")
                      .arg(QString::fromStdString(g->node(e->from.node)->name), QString::fromStdString(e->from.port),
                           QString::fromStdString(g->node(e->to.node)->name), QString::fromStdString(e->to.port));
    if (sb->inputs[ii].delayed) tip += QObject::tr(" (delayed: previous step)");
    if (backward_) tip += QObject::tr("\nFeedback wire: runs back to an earlier node (dashed)");
    setToolTip(tip);
    update();
}

QRectF EdgeItem::boundingRect() const { return path_.boundingRect().adjusted(-6, -6, 6, 6); }

QPainterPath EdgeItem::shape() const {
    QPainterPathStroker s;
    s.setWidth(10);
    s.setCapStyle(Qt::RoundCap);
    return s.createStroke(path_);
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    p->setRenderHint(QPainter::Antialiasing);
    const bool sel = isSelected();
    if (sel || hovered_) {
        QColor glow = sel ? canvas::selectionColor() : color_;
        glow.setAlpha(sel ? 110 : 70);
        p->setPen(QPen(glow, 7, Qt::SolidLine, Qt::RoundCap));
        p->drawPath(path_);
    }
    // Dark casing under the colour line keeps edges readable where they cross nodes or grid.
    p->setPen(QPen(QColor(0, 0, 0, 110), 4.2, Qt::SolidLine, Qt::RoundCap));
    p->drawPath(path_);
    QPen pen(sel ? canvas::selectionColor() : color_, 2.4, Qt::SolidLine, Qt::FlatCap);
    if (backward_) pen.setDashPattern({3.0, 2.0});  // feedback: dashed, so it reads apart from forward wires
    else pen.setCapStyle(Qt::RoundCap);
    p->setPen(pen);
    p->drawPath(path_);
}

void EdgeItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = true;
    update();
}

void EdgeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
    hovered_ = false;
    update();
}

DragEdgeItem::DragEdgeItem() : color_(Qt::white) { setZValue(3); }

void DragEdgeItem::setEnds(const QPointF& anchor, bool anchorIsOutput, const QPointF& cursor) {
    prepareGeometryChange();
    path_ = anchorIsOutput ? connectionPath(anchor, cursor) : connectionPath(cursor, anchor);
    update();
}

void DragEdgeItem::setRefused(bool refused) {
    refused_ = refused;
    update();
}

QRectF DragEdgeItem::boundingRect() const { return path_.boundingRect().adjusted(-6, -6, 6, 6); }

void DragEdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(QPen(QColor(0, 0, 0, 110), 4.2, Qt::SolidLine, Qt::RoundCap));
    p->drawPath(path_);
    QPen pen(refused_ ? canvas::refuseColor() : color_, 2.4, refused_ ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap);
    p->setPen(pen);
    p->drawPath(path_);
}

}  // namespace ganglion
