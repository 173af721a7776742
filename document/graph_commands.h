// Undo commands for every edit of a document's graph. Each operates on a ganglion::Graph& that
// must outlive it (the Session owns both the graph and the QUndoStack). Every command is exact:
// undo restores the graph to what it was (same ids, names, positions, params, edges) and redo
// re-applies the very same ids, so undoing to an empty graph and redoing everything reproduces
// an identical graphToJson(). A command whose first redo() is rejected by the graph (e.g. an
// out-of-range parameter, a taken name, an illegal connection) marks itself obsolete, so the
// QUndoStack drops it, and reports why in error().
#pragma once

#include "core/graph/expand.h"
#include "core/graph/graph.h"

#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoCommand>

#include <vector>

namespace ganglion {

/// QUndoCommand::id() values of the mergeable commands.
enum CommandId : int {
    MoveNodesId = 0x6701,
    SetParamId = 0x6702,
};

/// "Node.port", as command texts name a port.
QString endpointLabel(const Graph& g, const Endpoint& e);

/// Base: holds the graph and the first-redo error, if any.
class GraphCommand : public QUndoCommand {
public:
    explicit GraphCommand(Graph& g, QUndoCommand* parent = nullptr) : QUndoCommand(parent), graph_(g) {}
    /// Why the command could not be applied ("" when it was).
    QString error() const { return error_; }

protected:
    void fail(const QString& why);
    Graph& graph_;
    QString error_;
};

/// Adds a node of a registered type at (x, y). The first redo lets the graph pick the id and a
/// unique name; later redos re-insert exactly that node.
class AddNodeCommand : public GraphCommand {
public:
    AddNodeCommand(Graph& g, const QString& type, QPointF pos, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    NodeId nodeId() const { return node_.id; }

private:
    QString type_;
    QPointF pos_;
    Node node_;
    bool done_ = false;
};

/// Removes nodes (with every edge touching them) and extra edges; undo restores all of them.
class RemoveItemsCommand : public GraphCommand {
public:
    RemoveItemsCommand(Graph& g, const QList<NodeId>& nodes, const QList<EdgeId>& edges,
                       QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    QList<NodeId> nodeIds_;
    QList<EdgeId> edgeIds_;
    std::vector<Node> nodes_;   // removed, in original order
    std::vector<Edge> edges_;   // removed (explicit and touching), each once
};

/// Connects an output port to an input port (Graph::canConnect decides).
class ConnectCommand : public GraphCommand {
public:
    ConnectCommand(Graph& g, const Endpoint& from, const Endpoint& to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    EdgeId edgeId() const { return edge_.id; }

private:
    Edge edge_;
    bool done_ = false;
};

class DisconnectCommand : public GraphCommand {
public:
    DisconnectCommand(Graph& g, EdgeId id, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    Edge edge_;
};

/// Replaces an edge by another connection in one step (an edge's input end dragged elsewhere).
class ReconnectCommand : public GraphCommand {
public:
    ReconnectCommand(Graph& g, EdgeId old, const Endpoint& from, const Endpoint& to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    EdgeId edgeId() const { return new_.id; }

private:
    Edge old_, new_;
    bool done_ = false;
};

/// Moves nodes. Consecutive moves of the same set of nodes merge into one step when the later
/// one starts where the earlier ended and follows within kMergeWindowMs (arrow-key nudges,
/// a drag delivered in pieces).
class MoveNodesCommand : public GraphCommand {
public:
    static constexpr qint64 kMergeWindowMs = 1500;
    using Positions = QList<QPair<NodeId, QPointF>>;
    MoveNodesCommand(Graph& g, const Positions& from, const Positions& to, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return MoveNodesId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    void apply(const Positions& p);
    Positions from_, to_;
    QElapsedTimer last_;
};

/// Sets one parameter. Rapid edits of the same parameter of the same node (spin-box clicks,
/// typing) merge into one step; a merge that returns to the original value drops the step.
class SetParamCommand : public GraphCommand {
public:
    static constexpr qint64 kMergeWindowMs = 1500;
    SetParamCommand(Graph& g, NodeId node, const std::string& name, const ParamValue& oldValue,
                    const ParamValue& newValue, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    int id() const override { return mergeable_ ? SetParamId : -1; }
    bool mergeWith(const QUndoCommand* other) override;
    /// Discrete edits (a click that toggles a switch) are steps of their own: no merging.
    void setMergeable(bool on) { mergeable_ = on; }

private:
    bool mergeable_ = true;
    NodeId node_;
    std::string name_;
    ParamValue old_, new_;
    QElapsedTimer last_;
    bool done_ = false;
};

class RenameCommand : public GraphCommand {
public:
    RenameCommand(Graph& g, NodeId node, const QString& newName, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;

private:
    NodeId node_;
    std::string old_, new_;
};

/// Pastes nodes and their internal edges from clipboard JSON (the graph JSON format; see
/// core/graph/json_io.h) with fresh ids and fresh unique names. The top-left of the pasted
/// group's bounding box lands at `anchor`. A malformed text makes the command obsolete with the
/// parser's message in error().
class PasteCommand : public GraphCommand {
public:
    PasteCommand(Graph& g, const QString& json, QPointF anchor, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    /// Ids of the pasted nodes (valid after the first redo).
    QList<NodeId> pastedNodes() const;

private:
    QString json_;
    QPointF anchor_;
    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
    bool done_ = false;
};

/// Replaces a composite node (NodeSpec::expand, e.g. an NCAP circuit) by its parts, re-routing
/// its connections (core/graph/expand.h). Undo restores the composite, its edges and the
/// positions of the nodes moved to make room; redo re-applies the same ids. A node that cannot
/// be expanded makes the command obsolete with the reason in error().
class ExpandNodeCommand : public GraphCommand {
public:
    ExpandNodeCommand(Graph& g, NodeId node, QUndoCommand* parent = nullptr);
    void redo() override;
    void undo() override;
    /// Ids of the parts (valid after the first redo).
    QList<NodeId> parts() const;
    /// Connections that had no counterpart among the parts, one line each.
    QStringList dropped() const;

private:
    NodeId node_;
    ExpandRecord record_;
    bool done_ = false;
};

}  // namespace ganglion
