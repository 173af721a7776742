#include "document/graph_commands.h"

#include "core/graph/json_io.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ganglion {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

QString nodeLabel(const Graph& g, NodeId id) {
    if (const Node* n = g.node(id)) return qs(n->name);
    return QStringLiteral("node %1").arg(id);
}

}  // namespace

QString endpointLabel(const Graph& g, const Endpoint& e) {
    return nodeLabel(g, e.node) + QLatin1Char('.') + qs(e.port);
}

void GraphCommand::fail(const QString& why) {
    error_ = why;
    setObsolete(true);
}

// --- AddNode ---------------------------------------------------------------------------------

AddNodeCommand::AddNodeCommand(Graph& g, const QString& type, QPointF pos, QUndoCommand* parent)
    : GraphCommand(g, parent), type_(type), pos_(pos) {
    const NodeSpec* spec = NodeRegistry::instance().find(type.toStdString());
    setText(QObject::tr("Add %1").arg(spec ? qs(spec->title) : type));
}

void AddNodeCommand::redo() {
    if (done_) {
        graph_.insertNode(node_);
        return;
    }
    try {
        NodeId id = graph_.addNode(type_.toStdString(), pos_.x(), pos_.y());
        node_ = *graph_.node(id);
        done_ = true;
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
}

void AddNodeCommand::undo() {
    if (done_) graph_.removeNode(node_.id);
}

// --- RemoveItems -----------------------------------------------------------------------------

RemoveItemsCommand::RemoveItemsCommand(Graph& g, const QList<NodeId>& nodes,
                                       const QList<EdgeId>& edges, QUndoCommand* parent)
    : GraphCommand(g, parent), nodeIds_(nodes), edgeIds_(edges) {
    if (nodes.size() == 1 && edges.isEmpty())
        setText(QObject::tr("Delete %1").arg(nodeLabel(g, nodes.front())));
    else if (nodes.isEmpty() && edges.size() == 1)
        setText(QObject::tr("Delete connection"));
    else
        setText(QObject::tr("Delete %n item(s)", nullptr, int(nodes.size() + edges.size())));
}

void RemoveItemsCommand::redo() {
    nodes_.clear();
    edges_.clear();
    auto remember = [this](const Edge& e) {
        if (std::none_of(edges_.begin(), edges_.end(), [&](const Edge& x) { return x.id == e.id; }))
            edges_.push_back(e);
    };
    for (EdgeId id : edgeIds_) {
        if (const Edge* e = graph_.edge(id)) {
            remember(*e);
            graph_.disconnect(id);
        }
    }
    for (NodeId id : nodeIds_) {
        const Node* n = graph_.node(id);
        if (!n) continue;
        nodes_.push_back(*n);
        for (const Edge& e : graph_.removeNode(id)) remember(e);
    }
    if (nodes_.empty() && edges_.empty()) fail(QObject::tr("Nothing to delete."));
}

void RemoveItemsCommand::undo() {
    for (const Node& n : nodes_) graph_.insertNode(n);
    // Restore edges in id order so observers see them in creation order.
    std::vector<Edge> sorted = edges_;
    std::sort(sorted.begin(), sorted.end(), [](const Edge& a, const Edge& b) { return a.id < b.id; });
    for (const Edge& e : sorted) graph_.insertEdge(e);
}

// --- Connect / Disconnect --------------------------------------------------------------------

ConnectCommand::ConnectCommand(Graph& g, const Endpoint& from, const Endpoint& to, QUndoCommand* parent)
    : GraphCommand(g, parent) {
    edge_.from = from;
    edge_.to = to;
    setText(QObject::tr("Connect %1 → %2").arg(endpointLabel(g, from), endpointLabel(g, to)));
}

void ConnectCommand::redo() {
    if (done_) {
        graph_.insertEdge(edge_);
        return;
    }
    if (auto why = graph_.canConnect(edge_.from, edge_.to)) {
        fail(qs(*why));
        return;
    }
    edge_.id = graph_.connect(edge_.from, edge_.to);
    done_ = true;
}

void ConnectCommand::undo() {
    if (done_) graph_.disconnect(edge_.id);
}

DisconnectCommand::DisconnectCommand(Graph& g, EdgeId id, QUndoCommand* parent) : GraphCommand(g, parent) {
    if (const Edge* e = g.edge(id)) {
        edge_ = *e;
        setText(QObject::tr("Disconnect %1 → %2").arg(endpointLabel(g, e->from), endpointLabel(g, e->to)));
    } else {
        setText(QObject::tr("Disconnect"));
    }
}

void DisconnectCommand::redo() {
    if (edge_.id == 0 || !graph_.edge(edge_.id)) {
        fail(QObject::tr("The connection no longer exists."));
        return;
    }
    graph_.disconnect(edge_.id);
}

void DisconnectCommand::undo() {
    if (edge_.id != 0) graph_.insertEdge(edge_);
}

ReconnectCommand::ReconnectCommand(Graph& g, EdgeId old, const Endpoint& from, const Endpoint& to,
                                   QUndoCommand* parent)
    : GraphCommand(g, parent) {
    if (const Edge* e = g.edge(old)) old_ = *e;
    new_.from = from;
    new_.to = to;
    setText(QObject::tr("Reconnect %1 → %2").arg(endpointLabel(g, from), endpointLabel(g, to)));
}

void ReconnectCommand::redo() {
    if (old_.id == 0 || !graph_.edge(old_.id)) {
        fail(QObject::tr("The connection no longer exists."));
        return;
    }
    graph_.disconnect(old_.id);
    if (done_) {
        graph_.insertEdge(new_);
        return;
    }
    if (auto why = graph_.canConnect(new_.from, new_.to)) {
        graph_.insertEdge(old_);  // leave the graph as it was
        fail(qs(*why));
        return;
    }
    new_.id = graph_.connect(new_.from, new_.to);
    done_ = true;
}

void ReconnectCommand::undo() {
    if (!done_) return;
    graph_.disconnect(new_.id);
    graph_.insertEdge(old_);
}

// --- MoveNodes -------------------------------------------------------------------------------

MoveNodesCommand::MoveNodesCommand(Graph& g, const Positions& from, const Positions& to, QUndoCommand* parent)
    : GraphCommand(g, parent), from_(from), to_(to) {
    setText(from.size() == 1 ? QObject::tr("Move %1").arg(nodeLabel(g, from.front().first))
                             : QObject::tr("Move %n node(s)", nullptr, int(from.size())));
    last_.start();
}

void MoveNodesCommand::apply(const Positions& p) {
    for (const auto& [id, pos] : p)
        if (graph_.node(id)) graph_.setPosition(id, pos.x(), pos.y());
}

void MoveNodesCommand::redo() {
    bool any = false;
    for (const auto& [id, pos] : to_) any = any || graph_.node(id) != nullptr;
    if (!any) {
        fail(QObject::tr("The moved nodes no longer exist."));
        return;
    }
    apply(to_);
}

void MoveNodesCommand::undo() { apply(from_); }

bool MoveNodesCommand::mergeWith(const QUndoCommand* other) {
    auto* o = static_cast<const MoveNodesCommand*>(other);
    if (last_.elapsed() > kMergeWindowMs || o->from_.size() != to_.size()) return false;
    for (qsizetype i = 0; i < to_.size(); ++i)
        if (o->from_[i].first != to_[i].first || o->from_[i].second != to_[i].second) return false;
    to_ = o->to_;
    last_.restart();
    if (to_ == from_) setObsolete(true);
    return true;
}

// --- SetParam --------------------------------------------------------------------------------

SetParamCommand::SetParamCommand(Graph& g, NodeId node, const std::string& name,
                                 const ParamValue& oldValue, const ParamValue& newValue,
                                 QUndoCommand* parent)
    : GraphCommand(g, parent), node_(node), name_(name), old_(oldValue), new_(newValue) {
    setText(QObject::tr("Set %1.%2 = %3").arg(nodeLabel(g, node), qs(name), qs(paramToString(newValue))));
    last_.start();
}

void SetParamCommand::redo() {
    if (!graph_.node(node_)) {
        fail(QObject::tr("Node %1 no longer exists.").arg(node_));
        return;
    }
    if (auto err = graph_.setParam(node_, name_, new_)) {
        // Only the first redo can fail: later ones re-apply a value the graph accepted.
        fail(qs(*err));
        return;
    }
    done_ = true;
}

void SetParamCommand::undo() {
    if (done_) graph_.setParam(node_, name_, old_);
}

bool SetParamCommand::mergeWith(const QUndoCommand* other) {
    auto* o = static_cast<const SetParamCommand*>(other);
    if (o->node_ != node_ || o->name_ != name_ || last_.elapsed() > kMergeWindowMs) return false;
    new_ = o->new_;
    last_.restart();
    setText(o->text());
    if (new_ == old_) setObsolete(true);
    return true;
}

// --- Rename ----------------------------------------------------------------------------------

RenameCommand::RenameCommand(Graph& g, NodeId node, const QString& newName, QUndoCommand* parent)
    : GraphCommand(g, parent), node_(node), new_(newName.toStdString()) {
    if (const Node* n = g.node(node)) old_ = n->name;
    setText(QObject::tr("Rename %1 to %2").arg(qs(old_), newName));
}

void RenameCommand::redo() {
    if (!graph_.node(node_)) {
        fail(QObject::tr("Node %1 no longer exists.").arg(node_));
        return;
    }
    if (auto err = graph_.rename(node_, new_)) fail(qs(*err));
}

void RenameCommand::undo() { graph_.rename(node_, old_); }

// --- Paste -----------------------------------------------------------------------------------

PasteCommand::PasteCommand(Graph& g, const QString& json, QPointF anchor, QUndoCommand* parent)
    : GraphCommand(g, parent), json_(json), anchor_(anchor) {
    setText(QObject::tr("Paste"));
}

QList<NodeId> PasteCommand::pastedNodes() const {
    QList<NodeId> ids;
    for (const Node& n : nodes_) ids.push_back(n.id);
    return ids;
}

void PasteCommand::redo() {
    if (done_) {
        for (const Node& n : nodes_) graph_.insertNode(n);
        for (const Edge& e : edges_) graph_.insertEdge(e);
        return;
    }
    Graph clip;
    try {
        clip = graphFromJson(json_.toStdString());
    } catch (const std::exception& e) {
        fail(QObject::tr("The clipboard does not hold Ganglion nodes: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    if (clip.empty()) {
        fail(QObject::tr("The clipboard holds no nodes."));
        return;
    }
    double minX = std::numeric_limits<double>::infinity(), minY = minX;
    for (const Node& n : clip.nodes()) {
        minX = std::min(minX, n.x);
        minY = std::min(minY, n.y);
    }
    const double dx = anchor_.x() - minX, dy = anchor_.y() - minY;
    std::vector<std::pair<NodeId, NodeId>> idMap;  // clipboard id -> new id
    for (const Node& src : clip.nodes()) {
        NodeId id = graph_.addNode(src.type, src.x + dx, src.y + dy);
        for (const auto& [name, value] : src.params.values()) graph_.setParam(id, name, value);
        idMap.emplace_back(src.id, id);
        nodes_.push_back(*graph_.node(id));
    }
    auto mapped = [&](NodeId old) {
        for (const auto& [a, b] : idMap)
            if (a == old) return b;
        return NodeId(0);
    };
    for (const Edge& src : clip.edges()) {
        Endpoint from{mapped(src.from.node), src.from.port}, to{mapped(src.to.node), src.to.port};
        if (from.node == 0 || to.node == 0 || graph_.canConnect(from, to)) continue;
        edges_.push_back(*graph_.edge(graph_.connect(from, to)));
    }
    // Params were set after the node snapshot; take the final state.
    for (Node& n : nodes_) n = *graph_.node(n.id);
    setText(QObject::tr("Paste %n node(s)", nullptr, int(nodes_.size())));
    done_ = true;
}

void PasteCommand::undo() {
    for (auto it = edges_.rbegin(); it != edges_.rend(); ++it) graph_.disconnect(it->id);
    for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) graph_.removeNode(it->id);
}

// --- Expand ----------------------------------------------------------------------------------

ExpandNodeCommand::ExpandNodeCommand(Graph& g, NodeId node, QUndoCommand* parent)
    : GraphCommand(g, parent), node_(node) {
    const NodeSpec* spec = g.spec(node);
    setText(QObject::tr("%1: %2").arg(spec && !spec->expandLabel.empty() ? qs(spec->expandLabel) : QObject::tr("Expand"),
                                      nodeLabel(g, node)));
}

void ExpandNodeCommand::redo() {
    if (done_) {
        applyExpand(graph_, record_);
        return;
    }
    try {
        record_ = expandNode(graph_, node_);
        done_ = true;
    } catch (const std::exception& e) {
        fail(QString::fromUtf8(e.what()));
    }
}

void ExpandNodeCommand::undo() {
    if (done_) revertExpand(graph_, record_);
}

QList<NodeId> ExpandNodeCommand::parts() const {
    QList<NodeId> ids;
    for (const Node& n : record_.added) ids.push_back(n.id);
    return ids;
}

QStringList ExpandNodeCommand::dropped() const {
    QStringList out;
    for (const auto& d : record_.dropped) out << qs(d);
    return out;
}

}  // namespace ganglion
