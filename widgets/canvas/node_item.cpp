#include "widgets/canvas/node_item.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/graph_scene.h"

#include <QFontMetricsF>
#include <QGraphicsSceneHoverEvent>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace ganglion {

using canvas::Metrics;

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

QString portTooltip(const PortSpec& p, bool output) {
    QString kind = output ? QObject::tr("output") : QObject::tr("input");
    QString extra;
    if (p.optional) extra += QObject::tr(", optional");
    if (p.delayed) extra += QObject::tr(", delayed (previous step)");
    return QStringLiteral("<b>%1</b> — %2 %3%4<br>%5")
        .arg(qs(p.name).toHtmlEscaped(), qs(portTypeName(p.type)), kind, extra, qs(p.help).toHtmlEscaped());
}
}  // namespace

/// The live thumbnail as a child item: refreshing it (every poll) repaints only its own
/// rectangle, while the node's body stays in its device-coordinate cache. Its empty shape
/// leaves clicks, hovers and rubber bands to the node.
class NodeThumbItem : public QGraphicsItem {
public:
    explicit NodeThumbItem(NodeItem* node) : QGraphicsItem(node), node_(node) {
        setAcceptedMouseButtons(Qt::NoButton);
    }
    void setRect(const QRectF& r) {
        if (r == rect_) return;
        prepareGeometryChange();
        rect_ = r;
    }
    QRectF boundingRect() const override { return rect_.adjusted(-1, -1, 1, 1); }
    QPainterPath shape() const override { return {}; }
    void paint(QPainter* p, const QStyleOptionGraphicsItem* opt, QWidget*) override {
        if (opt && opt->levelOfDetailFromTransform(p->worldTransform()) < 0.35) return;  // silhouettes only
        p->setRenderHint(QPainter::Antialiasing);
        node_->paintThumbnail(p);
    }

private:
    NodeItem* node_;
    QRectF rect_;
};

NodeItem::NodeItem(GraphScene* scene, NodeId id) : scene_(scene), id_(id) {
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges | ItemSendsScenePositionChanges);
    setAcceptHoverEvents(true);
    setZValue(1);
    setCacheMode(DeviceCoordinateCache);  // the body repaints only when the node itself changes
    thumb_ = new NodeThumbItem(this);
    syncFromGraph();
}

void NodeItem::syncFromGraph() {
    const Graph* g = scene_->graph();
    const Node* node = g ? g->node(id_) : nullptr;
    const NodeSpec* spec = g ? g->spec(id_) : nullptr;
    prepareGeometryChange();
    rows_ = spec ? int(std::max(spec->inputs.size(), spec->outputs.size())) : 0;
    hasThumb_ = spec && !spec->outputs.empty();
    double w = Metrics::nodeWidth;
    if (node) {
        QFontMetricsF fm(canvas::titleFont());
        w = std::max(w, fm.horizontalAdvance(qs(node->name)) + 2 * Metrics::padding + 26);
        if (spec) {
            QFontMetricsF pm(canvas::portFont());
            for (int r = 0; r < rows_; ++r) {
                double in = r < int(spec->inputs.size()) ? pm.horizontalAdvance(qs(spec->inputs[r].name)) : 0;
                double out = r < int(spec->outputs.size()) ? pm.horizontalAdvance(qs(spec->outputs[r].name)) : 0;
                w = std::max(w, in + out + 4 * Metrics::padding + 16);
            }
        }
    }
    width_ = std::min(w, 320.0);
    height_ = Metrics::headerHeight + Metrics::padding / 2 + std::max(rows_, 1) * Metrics::portRowHeight +
              (hasThumb_ ? Metrics::thumbHeight + Metrics::padding : 0) + Metrics::padding;
    thumb_->setRect(thumbRect());
    thumb_->setVisible(hasThumb_);
    if (node && pos() != QPointF(node->x, node->y)) setPos(node->x, node->y);
    update();
    thumb_->update();
}

QRectF NodeItem::boundingRect() const {
    const double m = Metrics::portHitRadius;
    return QRectF(-m, -m, width_ + 2 * m, height_ + 2 * m + 4).united(costRect());
}

QRectF NodeItem::costRect() const {
    const QString text = scene_->cost(id_);
    if (text.isEmpty()) return {};
    const double w = QFontMetricsF(canvas::costFont()).horizontalAdvance(text) + 12;
    return QRectF((width_ - w) / 2, height_ + 5, w, 15);
}

void NodeItem::costChanged() {
    prepareGeometryChange();
    update();
}

QPainterPath NodeItem::shape() const {
    QPainterPath p;
    p.addRoundedRect(bodyRect(), Metrics::cornerRadius, Metrics::cornerRadius);
    for (int r = 0; r < rows_; ++r) {
        p.addEllipse(portPos(false, r), Metrics::portHitRadius, Metrics::portHitRadius);
        p.addEllipse(portPos(true, r), Metrics::portHitRadius, Metrics::portHitRadius);
    }
    return p.simplified();
}

QPointF NodeItem::portPos(bool output, int index) const {
    const double y = Metrics::headerHeight + Metrics::padding / 2 + (index + 0.5) * Metrics::portRowHeight;
    return QPointF(output ? width_ : 0.0, y);
}

QPointF NodeItem::portScenePos(bool output, int index) const { return mapToScene(portPos(output, index)); }

QRectF NodeItem::thumbRect() const {
    if (!hasThumb_) return {};
    const double top = Metrics::headerHeight + Metrics::padding / 2 + std::max(rows_, 1) * Metrics::portRowHeight +
                       Metrics::padding / 2;
    return QRectF(Metrics::padding, top, width_ - 2 * Metrics::padding, Metrics::thumbHeight);
}

QRectF NodeItem::badgeRect() const {
    if (scene_->issue(id_).isEmpty()) return {};
    const double s = 16;
    return QRectF(width_ - s - 6, (Metrics::headerHeight - s) / 2, s, s);
}

std::optional<PortRef> NodeItem::portAt(const QPointF& scenePos) const {
    const Graph* g = scene_->graph();
    const NodeSpec* spec = g ? g->spec(id_) : nullptr;
    if (!spec) return std::nullopt;
    const QPointF p = mapFromScene(scenePos);
    auto test = [&](bool output, const std::vector<PortSpec>& ports) -> std::optional<PortRef> {
        for (int i = 0; i < int(ports.size()); ++i) {
            const QPointF c = portPos(output, i);
            const QPointF d = p - c;
            const bool onDot = d.x() * d.x() + d.y() * d.y() <= Metrics::portHitRadius * Metrics::portHitRadius;
            // The label half of the row also counts, so small dots are easy to grab.
            const bool onRow = std::abs(d.y()) <= Metrics::portRowHeight / 2 &&
                               (output ? (p.x() >= width_ - 40 && p.x() <= width_) : (p.x() >= 0 && p.x() <= 40));
            if (onDot || onRow) return PortRef{id_, output, i};
        }
        return std::nullopt;
    };
    if (auto r = test(true, spec->outputs)) return r;
    return test(false, spec->inputs);
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
    if (change == ItemPositionHasChanged) scene_->nodeItemMoved(id_);
    if (change == ItemSelectedHasChanged) update();
    return QGraphicsItem::itemChange(change, value);
}

QString NodeItem::tooltipAt(const QPointF& itemPos) const {
    const Graph* g = scene_->graph();
    const NodeSpec* spec = g ? g->spec(id_) : nullptr;
    const Node* node = g ? g->node(id_) : nullptr;
    if (!spec || !node) return {};
    if (badgeRect().adjusted(-3, -3, 3, 3).contains(itemPos)) return scene_->issue(id_).toHtmlEscaped();
    if (auto port = portAt(mapToScene(itemPos))) {
        const auto& ports = port->output ? spec->outputs : spec->inputs;
        return portTooltip(ports[port->index], port->output);
    }
    QString tip = QStringLiteral("<b>%1</b> <i>(%2)</i><br>%3")
                      .arg(qs(node->name).toHtmlEscaped(), qs(spec->title).toHtmlEscaped(), qs(spec->help).toHtmlEscaped());
    if (!spec->reference.empty()) tip += QStringLiteral("<br><small>%1</small>").arg(qs(spec->reference).toHtmlEscaped());
    const QString issue = scene_->issue(id_);
    if (!issue.isEmpty()) tip += QStringLiteral("<br><font color='#ffc12e'>⚠ %1</font>").arg(issue.toHtmlEscaped());
    return tip;
}

void NodeItem::hoverMoveEvent(QGraphicsSceneHoverEvent* e) {
    hovered_ = true;
    setToolTip(tooltipAt(e->pos()));
    update();
}

void NodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent* e) {
    hovered_ = false;
    update();
    QGraphicsItem::hoverLeaveEvent(e);
}

void NodeItem::paint(QPainter* p, const QStyleOptionGraphicsItem* opt, QWidget*) {
    const Graph* g = scene_->graph();
    const Node* node = g ? g->node(id_) : nullptr;
    const NodeSpec* spec = g ? g->spec(id_) : nullptr;
    if (!node || !spec) return;
    p->setRenderHint(QPainter::Antialiasing);
    p->setRenderHint(QPainter::TextAntialiasing);
    const QRectF body = bodyRect();
    const double r = Metrics::cornerRadius;
    const double lod = opt ? opt->levelOfDetailFromTransform(p->worldTransform()) : 1.0;

    // Soft shadow.
    p->setPen(Qt::NoPen);
    for (int i = 3; i >= 1; --i) {
        p->setBrush(QColor(0, 0, 0, 28));
        p->drawRoundedRect(body.translated(0, 2).adjusted(-i, -i + 1, i, i + 1), r + i, r + i);
    }
    // Body.
    p->setBrush(canvas::nodeBody());
    p->drawRoundedRect(body, r, r);
    // Header in the category colour.
    const QColor cat = canvas::categoryColor(qs(spec->category));
    QLinearGradient grad(0, 0, 0, Metrics::headerHeight);
    grad.setColorAt(0, cat.lighter(112));
    grad.setColorAt(1, cat.darker(118));
    p->save();  // the body's rounded top, cut at the header's height (a rect clip, no path algebra)
    p->setClipRect(QRectF(-2, -2, width_ + 4, Metrics::headerHeight + 2), Qt::IntersectClip);
    p->setBrush(grad);
    p->drawRoundedRect(body, r, r);
    p->restore();
    // Border (selection / hover).
    if (scene_->highlighted() == id_) {  // a lesson points at this node
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(canvas::highlightColor(), 4));
        p->drawRoundedRect(body.adjusted(-5, -5, 5, 5), r + 5, r + 5);
    }
    QPen border(canvas::nodeBorder(), 1.2);
    if (isSelected()) border = QPen(canvas::selectionColor(), 2.2);
    else if (hovered_) border = QPen(canvas::nodeBorder().lighter(150), 1.4);
    p->setBrush(Qt::NoBrush);
    p->setPen(border);
    p->drawRoundedRect(body, r, r);

    if (lod < 0.35) return;  // far zoomed out: silhouettes only

    // Title (node name) and, when renamed, the type title.
    const QRectF badge = badgeRect();
    QRectF titleRect(Metrics::padding, 0, width_ - 2 * Metrics::padding - (badge.isEmpty() ? 0 : 20),
                     Metrics::headerHeight);
    p->setFont(canvas::titleFont());
    p->setPen(Qt::white);
    QFontMetricsF fm(canvas::titleFont());
    const QString name = fm.elidedText(qs(node->name), Qt::ElideRight, titleRect.width());
    p->drawText(titleRect, Qt::AlignVCenter | Qt::AlignLeft, name);
    if (!QString::fromStdString(node->name).startsWith(qs(spec->title))) {
        QFont small = canvas::portFont();
        small.setPointSizeF(7.5);
        p->setFont(small);
        p->setPen(QColor(255, 255, 255, 170));
        QRectF rest = titleRect.adjusted(fm.horizontalAdvance(name) + 8, 0, 0, 0);
        p->drawText(rest, Qt::AlignVCenter | Qt::AlignRight,
                    QFontMetricsF(small).elidedText(qs(spec->title), Qt::ElideRight, rest.width()));
    }
    // Warning badge.
    if (!badge.isEmpty()) {
        p->setPen(QPen(QColor(0, 0, 0, 120), 1));
        p->setBrush(canvas::warningColor());
        p->drawEllipse(badge);
        QFont bf = canvas::titleFont();
        bf.setPointSizeF(9);
        p->setFont(bf);
        p->setPen(QColor(0x20, 0x20, 0x20));
        p->drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    }

    paintPorts(p, *spec);

    // Cost badge: a pill under the body.
    if (const QRectF cost = costRect(); !cost.isEmpty()) {
        p->setPen(QPen(canvas::nodeBorder(), 1));
        p->setBrush(canvas::nodeBody().darker(115));
        p->drawRoundedRect(cost, 7, 7);
        p->setFont(canvas::costFont());
        p->setPen(QColor(215, 220, 230));
        p->drawText(cost, Qt::AlignCenter, scene_->cost(id_));
    }
}

void NodeItem::updateThumbnail() {
    if (hasThumb_) thumb_->update();
}

/// The live activation thumbnail (image, or "no activity yet"), framed.
void NodeItem::paintThumbnail(QPainter* p) {
    const QRectF tr = thumbRect();
    p->setPen(Qt::NoPen);
    p->setBrush(QColor(0x1a, 0x1c, 0x22));
    p->drawRoundedRect(tr, 4, 4);
    const QImage img = scene_->thumbnail(id_);
    if (!img.isNull()) {
        p->save();
        QPainterPath clip;
        clip.addRoundedRect(tr, 4, 4);
        p->setClipPath(clip, Qt::IntersectClip);
        p->setRenderHint(QPainter::SmoothPixmapTransform, false);
        p->drawImage(tr, img);
        p->restore();
    } else {
        QFont f = canvas::portFont();
        f.setItalic(true);
        p->setFont(f);
        p->setPen(canvas::dimTextColor().darker(130));
        p->drawText(tr, Qt::AlignCenter, QObject::tr("no activity yet"));
    }
    p->setPen(QPen(canvas::nodeBorder(), 1));
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(tr, 4, 4);
}

void NodeItem::paintPorts(QPainter* p, const NodeSpec& spec) {
    const Graph* g = scene_->graph();
    p->setFont(canvas::portFont());
    QFontMetricsF fm(canvas::portFont());
    const double labelW = width_ / 2 - Metrics::padding - 6;
    const std::vector<const Edge*> outEdges = g->edgesFrom(id_);
    for (int side = 0; side < 2; ++side) {
        const bool output = side == 1;
        const auto& ports = output ? spec.outputs : spec.inputs;
        for (int i = 0; i < int(ports.size()); ++i) {
            const PortSpec& ps = ports[i];
            const QPointF c = portPos(output, i);
            const PortRef ref{id_, output, i};
            const PortMark mark = scene_->portMark(ref);
            const bool target = scene_->dragTarget() == ref;
            bool connected = false;
            if (output) {
                for (const Edge* e : outEdges) connected = connected || e->from.port == ps.name;
            } else {
                connected = g->edgeIntoPort(Endpoint{id_, ps.name}) != nullptr;
            }
            QColor col = canvas::portColor(ps.type);
            double rad = Metrics::portRadius;
            if (mark == PortMark::Compatible) {
                p->setPen(Qt::NoPen);
                p->setBrush(QColor(col.red(), col.green(), col.blue(), target ? 120 : 70));
                p->drawEllipse(c, rad + (target ? 7 : 5), rad + (target ? 7 : 5));
                rad += target ? 2 : 1;
            } else if (mark == PortMark::Refused) {
                col = QColor(0x6a, 0x6e, 0x78);
            }
            // Hollow ring when unconnected, filled dot when connected or highlighted.
            const bool filled = connected || mark == PortMark::Compatible || mark == PortMark::Origin;
            p->setPen(QPen(mark == PortMark::Origin ? Qt::white : col.darker(filled ? 160 : 100), filled ? 1.2 : 2.0));
            p->setBrush(filled ? QBrush(col) : QBrush(canvas::nodeBody()));
            p->drawEllipse(c, rad, rad);
            if (mark == PortMark::Refused && target) {
                p->setPen(QPen(canvas::refuseColor(), 2.2, Qt::SolidLine, Qt::RoundCap));
                const double k = rad + 3;
                p->drawLine(c + QPointF(-k, -k), c + QPointF(k, k));
                p->drawLine(c + QPointF(-k, k), c + QPointF(k, -k));
            }
            // Label.
            QColor tc = ps.optional ? canvas::dimTextColor() : canvas::textColor();
            if (mark == PortMark::Refused) tc = canvas::dimTextColor().darker(140);
            p->setPen(tc);
            const QString label = fm.elidedText(QString::fromStdString(ps.name), Qt::ElideRight, labelW);
            QRectF lr = output ? QRectF(width_ / 2, c.y() - Metrics::portRowHeight / 2, labelW, Metrics::portRowHeight)
                               : QRectF(Metrics::padding + 6, c.y() - Metrics::portRowHeight / 2, labelW,
                                        Metrics::portRowHeight);
            p->drawText(lr, Qt::AlignVCenter | (output ? Qt::AlignRight : Qt::AlignLeft), label);
        }
    }
}

}  // namespace ganglion
