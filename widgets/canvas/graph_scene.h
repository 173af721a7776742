// The scene behind the node canvas: one NodeItem per node and one EdgeItem per edge, kept in
// step with a Graph through the GraphObserver interface. The scene never edits the graph.
// It also holds view-only state keyed by id: live activation thumbnails, warning texts and the
// port marks shown while a connection is being dragged.
#pragma once

#include "core/graph/graph.h"
#include "widgets/canvas/node_item.h"

#include <QGraphicsScene>
#include <QHash>
#include <QImage>

#include <memory>

namespace ganglion {

class EdgeItem;

class GraphScene : public QGraphicsScene, public GraphObserver {
    Q_OBJECT
public:
    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    /// Observe `g` (nullptr detaches). The graph must outlive the scene or be detached first.
    void setGraph(Graph* g);
    Graph* graph() const { return graph_; }

    NodeItem* nodeItem(NodeId id) const { return nodes_.value(id, nullptr); }
    EdgeItem* edgeItem(EdgeId id) const { return edges_.value(id, nullptr); }
    QList<NodeItem*> nodeItems() const { return nodes_.values(); }
    QList<NodeId> selectedNodes() const;  ///< in graph order
    QList<EdgeId> selectedEdges() const;
    void selectOnly(const QList<NodeId>& nodes);

    void setThumbnail(NodeId id, const QImage& img);
    QImage thumbnail(NodeId id) const { return thumbs_.value(id); }
    void setIssue(NodeId id, const QString& text);  ///< "" clears
    QString issue(NodeId id) const { return issues_.value(id); }
    void clearIssues();
    /// The cost badge under a node ("12.5k params · 25k MACs"; "" clears), drawn while costs are
    /// shown (View ▸ Model cost on nodes).
    void setCost(NodeId id, const QString& text);
    QString cost(NodeId id) const { return showCosts_ ? costs_.value(id) : QString(); }
    void setShowCosts(bool on);
    bool showCosts() const { return showCosts_; }
    /// A node a lesson talks about: drawn with an amber halo (0 = none).
    void setHighlighted(NodeId id);
    NodeId highlighted() const { return highlighted_; }

    /// Endpoint (node + port name) of a port, or a null node when the ref is stale.
    Endpoint endpoint(const PortRef& ref) const;
    /// Output→input direction regardless of which end the drag started from.
    static void orient(const PortRef& a, const PortRef& b, PortRef* from, PortRef* to);
    /// nullopt when a→b (either order) may be connected — replacing the wire into a taken input —
    /// else Graph::canConnect's message, a direction message or "already connected".
    std::optional<QString> connectionProblem(const PortRef& a, const PortRef& b) const;

    /// Connection dragging: marks every port compatible / refused relative to `origin`.
    /// `pickedUp`: an existing edge the user is re-routing (judged as if it were gone; its
    /// item is hidden meanwhile), 0 for a new connection.
    void beginPortDrag(const PortRef& origin, EdgeId pickedUp = 0);
    EdgeId pickedUpEdge() const { return picked_; }
    void setDragTarget(const PortRef& target);  ///< invalid ref = none
    void endPortDrag();
    PortMark portMark(const PortRef& ref) const;
    PortRef dragTarget() const { return dragTarget_; }

    /// Called by NodeItem when it moved (interactively or from the graph): re-routes its wires
    /// and every feedback wire (which may have to go around it).
    void nodeItemMoved(NodeId id);

    // GraphObserver
    void nodeAdded(NodeId id) override;
    void nodeRemoved(NodeId id) override;
    void nodeMoved(NodeId id) override;
    void nodeChanged(NodeId id, const std::string& param) override;
    void edgeAdded(EdgeId id) override;
    void edgeRemoved(EdgeId id) override;
    void reset() override;

signals:
    /// The set of items in the graph changed (added/removed/reset); the canvas refreshes hints.
    void contentChanged();

protected:
    void drawBackground(QPainter* p, const QRectF& rect) override;

private:
    void rebuild();
    void removeEdgesOf(NodeId id);
    void rerouteFeedback();  ///< feedback wires go around nodes: re-route them when nodes change

    Graph* graph_ = nullptr;
    QHash<NodeId, NodeItem*> nodes_;
    QHash<EdgeId, EdgeItem*> edges_;
    QHash<NodeId, QImage> thumbs_;
    QHash<NodeId, QString> issues_;
    QHash<NodeId, QString> costs_;
    bool showCosts_ = false;
    NodeId highlighted_ = 0;
    bool dragging_ = false;
    PortRef dragOrigin_, dragTarget_;
    EdgeId picked_ = 0;
    std::unique_ptr<Graph> probe_;  // the graph without the picked-up edge, for canConnect
    QHash<quint64, PortMark> marks_;  // key: node id * 512 + (output ? 256 : 0) + index
};

}  // namespace ganglion
