#include "widgets/canvas/graph_scene.h"
#include "widgets/presentation.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/edge_item.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
quint64 markKey(const PortRef& r) { return quint64(r.node) * 512 + (r.output ? 256 : 0) + quint64(r.index & 255); }
}  // namespace

GraphScene::GraphScene(QObject* parent) : QGraphicsScene(parent) {
    setSceneRect(-20000, -20000, 40000, 40000);
    setItemIndexMethod(NoIndex);  // few items that move a lot
}

GraphScene::~GraphScene() {
    if (graph_) graph_->removeObserver(this);
}

void GraphScene::setGraph(Graph* g) {
    if (g == graph_) return;
    if (graph_) graph_->removeObserver(this);
    graph_ = g;
    if (graph_) graph_->addObserver(this);
    rebuild();
}

void GraphScene::rebuild() {
    endPortDrag();
    for (auto* e : std::as_const(edges_)) delete e;
    for (auto* n : std::as_const(nodes_)) delete n;
    edges_.clear();
    nodes_.clear();
    thumbs_.clear();
    issues_.clear();
    if (graph_) {
        for (const Node& n : graph_->nodes()) nodeAdded(n.id);
        for (const Edge& e : graph_->edges()) edgeAdded(e.id);
    }
    emit contentChanged();
}

QList<NodeId> GraphScene::selectedNodes() const {
    QList<NodeId> out;
    if (!graph_) return out;
    for (const Node& n : graph_->nodes())
        if (NodeItem* it = nodeItem(n.id); it && it->isSelected()) out.push_back(n.id);
    return out;
}

QList<EdgeId> GraphScene::selectedEdges() const {
    QList<EdgeId> out;
    if (!graph_) return out;
    for (const Edge& e : graph_->edges())
        if (EdgeItem* it = edgeItem(e.id); it && it->isSelected()) out.push_back(e.id);
    return out;
}

void GraphScene::selectOnly(const QList<NodeId>& ids) {
    clearSelection();
    for (NodeId id : ids)
        if (NodeItem* it = nodeItem(id)) it->setSelected(true);
}

void GraphScene::setThumbnail(NodeId id, const QImage& img) {
    thumbs_.insert(id, img);
    if (NodeItem* it = nodeItem(id)) it->updateThumbnail();
}

void GraphScene::setIssue(NodeId id, const QString& text) {
    if (text.isEmpty()) issues_.remove(id);
    else issues_.insert(id, text);
    if (NodeItem* it = nodeItem(id)) it->syncFromGraph();
}

void GraphScene::setHighlighted(NodeId id) {
    if (highlighted_ == id) return;
    const NodeId old = highlighted_;
    highlighted_ = id;
    for (NodeId n : {old, id})
        if (NodeItem* it = nodeItem(n)) it->update();
}

void GraphScene::setCost(NodeId id, const QString& text) {
    if (costs_.value(id) == text) return;
    if (text.isEmpty()) costs_.remove(id);
    else costs_.insert(id, text);
    if (NodeItem* it = nodeItem(id); it && showCosts_) it->costChanged();
}

void GraphScene::setShowCosts(bool on) {
    if (on == showCosts_) return;
    showCosts_ = on;
    for (NodeItem* it : nodes_) it->costChanged();
}

void GraphScene::clearIssues() {
    const auto ids = issues_.keys();
    issues_.clear();
    for (NodeId id : ids)
        if (NodeItem* it = nodeItem(id)) it->syncFromGraph();
}

Endpoint GraphScene::endpoint(const PortRef& ref) const {
    const NodeSpec* spec = graph_ ? graph_->spec(ref.node) : nullptr;
    if (!spec) return {};
    const auto& ports = ref.output ? spec->outputs : spec->inputs;
    if (ref.index < 0 || ref.index >= int(ports.size())) return {};
    return Endpoint{ref.node, ports[ref.index].name};
}

void GraphScene::orient(const PortRef& a, const PortRef& b, PortRef* from, PortRef* to) {
    if (a.output) {
        *from = a;
        *to = b;
    } else {
        *from = b;
        *to = a;
    }
}

std::optional<QString> GraphScene::connectionProblem(const PortRef& a, const PortRef& b) const {
    if (!graph_) return tr("No graph.");
    if (a.output == b.output)
        return a.output ? tr("Both ends are outputs: connect an output to an input.")
                        : tr("Both ends are inputs: connect an output to an input.");
    PortRef from, to;
    orient(a, b, &from, &to);
    const Endpoint f = endpoint(from), t = endpoint(to);
    if (f.node == 0 || t.node == 0) return tr("The port no longer exists.");
    const Graph& judge = probe_ ? *probe_ : *graph_;
    // an input that is taken is not refused: the new wire replaces the old one
    if (auto why = judge.canConnect(f, t, true)) return QString::fromStdString(*why);
    if (const Edge* e = judge.edgeIntoPort(t); e && e->from == f) return tr("These ports are already connected.");
    return std::nullopt;
}

void GraphScene::beginPortDrag(const PortRef& origin, EdgeId pickedUp) {
    dragging_ = true;
    dragOrigin_ = origin;
    dragTarget_ = {};
    marks_.clear();
    if (!graph_) return;
    picked_ = graph_->edge(pickedUp) ? pickedUp : 0;
    if (picked_) {
        probe_ = std::make_unique<Graph>(*graph_);  // copies contents only, no observers
        probe_->disconnect(picked_);
        if (EdgeItem* it = edgeItem(picked_)) it->hide();
    }
    for (const Node& n : graph_->nodes()) {
        const NodeSpec* spec = graph_->spec(n.id);
        if (!spec) continue;
        for (int side = 0; side < 2; ++side) {
            const auto& ports = side ? spec->outputs : spec->inputs;
            for (int i = 0; i < int(ports.size()); ++i) {
                PortRef r{n.id, side == 1, i};
                PortMark m = r == origin ? PortMark::Origin
                             : connectionProblem(origin, r) ? PortMark::Refused
                                                            : PortMark::Compatible;
                marks_.insert(markKey(r), m);
            }
        }
        if (NodeItem* it = nodeItem(n.id)) it->update();
    }
}

void GraphScene::setDragTarget(const PortRef& target) {
    if (target == dragTarget_) return;
    const PortRef old = dragTarget_;
    dragTarget_ = target;
    if (NodeItem* it = nodeItem(old.node)) it->update();
    if (NodeItem* it = nodeItem(target.node)) it->update();
}

void GraphScene::endPortDrag() {
    if (!dragging_) return;
    dragging_ = false;
    dragOrigin_ = dragTarget_ = {};
    marks_.clear();
    if (EdgeItem* it = edgeItem(picked_)) it->show();
    picked_ = 0;
    probe_.reset();
    for (auto* n : std::as_const(nodes_)) n->update();
}

PortMark GraphScene::portMark(const PortRef& ref) const {
    if (!dragging_) return PortMark::None;
    return marks_.value(markKey(ref), PortMark::None);
}

void GraphScene::nodeItemMoved(NodeId id) {
    if (!graph_) return;
    for (const Edge* e : graph_->edgesFrom(id))
        if (EdgeItem* it = edgeItem(e->id)) it->updatePath();
    for (const Edge* e : graph_->edgesInto(id))
        if (EdgeItem* it = edgeItem(e->id)) it->updatePath();
    rerouteFeedback();
}

void GraphScene::rerouteFeedback() {
    for (EdgeItem* it : std::as_const(edges_))
        if (it->isBackward()) it->updatePath();
}

void GraphScene::nodeAdded(NodeId id) {
    if (nodes_.contains(id) || !graph_ || !graph_->node(id)) return;
    auto* item = new NodeItem(this, id);
    addItem(item);
    nodes_.insert(id, item);
    rerouteFeedback();
    emit contentChanged();
}

void GraphScene::removeEdgesOf(NodeId id) {
    // Edge items whose edge is gone or touches a removed node (observer order is not assumed).
    for (auto it = edges_.begin(); it != edges_.end();) {
        const Edge* e = graph_ ? graph_->edge(it.key()) : nullptr;
        if (!e || e->from.node == id || e->to.node == id) {
            delete it.value();
            it = edges_.erase(it);
        } else {
            ++it;
        }
    }
}

void GraphScene::nodeRemoved(NodeId id) {
    endPortDrag();
    removeEdgesOf(id);
    delete nodes_.take(id);
    thumbs_.remove(id);
    issues_.remove(id);
    rerouteFeedback();
    emit contentChanged();
}

void GraphScene::nodeMoved(NodeId id) {
    if (NodeItem* it = nodeItem(id)) it->syncFromGraph();
}

void GraphScene::nodeChanged(NodeId id, const std::string&) {
    if (NodeItem* it = nodeItem(id)) {
        it->syncFromGraph();
        nodeItemMoved(id);  // width may change with the name: re-route edges
    }
}

void GraphScene::edgeAdded(EdgeId id) {
    if (edges_.contains(id) || !graph_) return;
    const Edge* e = graph_->edge(id);
    if (!e || !nodeItem(e->from.node) || !nodeItem(e->to.node)) return;
    auto* item = new EdgeItem(this, id);
    addItem(item);
    edges_.insert(id, item);
    nodeItem(e->from.node)->update();
    nodeItem(e->to.node)->update();
    emit contentChanged();
}

void GraphScene::edgeRemoved(EdgeId id) {
    delete edges_.take(id);
    rerouteFeedback();  // a parallel feedback wire may move into the freed lane
    for (auto* n : std::as_const(nodes_)) n->update();  // connected/unconnected port rings
    emit contentChanged();
}

void GraphScene::reset() { rebuild(); }

void GraphScene::drawBackground(QPainter* p, const QRectF& rect) {
    p->fillRect(rect, canvas::canvasBackground());
    if (presentation::active()) return;  // a clean canvas for a projector
    const double step = canvas::Metrics::gridStep;
    const double scale = p->worldTransform().m11();
    if (scale * step < 6) return;  // too dense to be useful
    const double left = std::floor(rect.left() / step) * step, top = std::floor(rect.top() / step) * step;
    QVector<QLineF> minor, major;
    for (double x = left; x < rect.right(); x += step)
        (std::fmod(std::abs(std::round(x / step)), 5.0) == 0 ? major : minor)
            .push_back(QLineF(x, rect.top(), x, rect.bottom()));
    for (double y = top; y < rect.bottom(); y += step)
        (std::fmod(std::abs(std::round(y / step)), 5.0) == 0 ? major : minor)
            .push_back(QLineF(rect.left(), y, rect.right(), y));
    p->setRenderHint(QPainter::Antialiasing, false);
    p->setPen(QPen(canvas::gridMinor(), 0));
    p->drawLines(minor);
    p->setPen(QPen(canvas::gridMajor(), 0));
    p->drawLines(major);
}

}  // namespace ganglion
