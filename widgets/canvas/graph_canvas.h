// GraphCanvas: the node editor view over a ganglion::Graph.
//
// The canvas shows the graph (through GraphScene, a GraphObserver) and turns user gestures into
// requests; it never edits the graph. The owner turns each request into an undo command
// (document/graph_commands.h) pushed on the document's QUndoStack; the graph then notifies
// the scene, which updates the items. Gestures:
//   drag a palette entry in / double-click or Tab on empty canvas (quick-add) → requestAddNode
//   drag from a port to a port → requestConnect (refused pairs highlight red, message shown)
//   drag the input end of an existing edge → requestReconnect, or requestDisconnect on empty
//   drag from a port to empty canvas → quick-add of fitting types, then add + connect
//   drag nodes (one request per drag), arrow keys nudge → requestMove
//   right-click a wire → Disconnect (requestDisconnect); a wire dropped on a taken input
//   replaces the old wire (the owner makes that one undo step);
//   Delete/Backspace → requestDelete;  Ctrl+C / Ctrl+X / Ctrl+V / Ctrl+D → copy / cut /
//   paste / duplicate (requestPaste);  wheel zoom, middle-drag or Space+drag pan, F fit-to-view.
// While focused, the canvas keeps these keys even if a window action uses the same shortcut; a
// Space tap without a drag triggers a Space action added to the canvas (QWidget::addAction).
// The graph must outlive the canvas or be detached with setGraph(nullptr).
#pragma once

#include "core/graph/graph.h"
#include "core/graph/validate.h"
#include "core/model/types.h"
#include "widgets/canvas/graph_scene.h"

#include <QGraphicsView>
#include <QHash>
#include <QList>
#include <QPair>
#include <QPointF>

namespace ganglion {

class DragEdgeItem;
class QuickAddPopup;

class GraphCanvas : public QGraphicsView {
    Q_OBJECT
public:
    using Positions = QList<QPair<NodeId, QPointF>>;

    explicit GraphCanvas(Graph* graph, QWidget* parent = nullptr);
    ~GraphCanvas() override;

    void setGraph(Graph* graph);
    Graph* graph() const { return scene_->graph(); }
    GraphScene* graphScene() const { return scene_; }
    QuickAddPopup* quickAddPopup() const { return quickAdd_; }

    // --- live decorations (view-only, not part of the graph) ---
    void setNodeThumbnail(NodeId id, const QImage& img);
    /// Heat-map thumbnail of a features x batch activation matrix.
    void setNodeActivations(NodeId id, const Matrix& activations);
    /// Warning badge with `text` as tooltip; "" removes it.
    void setNodeIssue(NodeId id, const QString& text);
    void clearNodeIssues();
    /// Badges for every node named by validateStructure() / engine build issues (replaces all).
    void showIssues(const std::vector<GraphIssue>& issues);

    QList<NodeId> selectedNodes() const { return scene_->selectedNodes(); }
    QList<EdgeId> selectedEdges() const { return scene_->selectedEdges(); }
    /// Graph JSON of the selected nodes and the edges between them.
    QString selectionJson() const;
    double zoom() const { return transform().m11(); }

    /// The whole graph (every item, not just the visible part, with a margin) as a PNG at `scale`
    /// or an SVG, by the extension of `path` (widgets/export/image_export.h).
    bool exportImage(const QString& path, int scale, QString* error) const;
    /// The scene area exportImage() draws.
    QRectF exportRect() const;

    /// What the canvas says while the graph is empty (how to add a first node); "" otherwise.
    QString emptyHint() const;

    /// Where a node dropped/quick-added at `scenePos` is placed (its header centred there).
    static QPointF nodePlacement(const QPointF& scenePos);

public slots:
    void selectNode(NodeId id);  ///< select only this node (0 clears) and make it visible
    /// Selects the node, makes it visible and draws an amber halo around it that blinks a few
    /// times, then stays until another node is flashed or flashNode(0) clears it.
    void flashNode(NodeId id);
    void selectAll();
    void deleteSelection();
    /// Removes the selected wires (the nodes stay): requestDisconnect, or requestDelete for several.
    void disconnectSelection();
    void copySelection();
    void cutSelection();
    void paste();
    void duplicateSelection();
    /// Expand the single selected node into its parts when its type allows (requestExpand).
    void expandSelection();
    void fitToView();
    void zoomIn();
    void zoomOut();
    void showQuickAdd(const QPointF& scenePos);

signals:
    void requestAddNode(const QString& type, const QPointF& pos);
    void requestConnect(const ganglion::Endpoint& from, const ganglion::Endpoint& to);
    void requestDisconnect(ganglion::EdgeId edge);
    /// The user dragged an existing edge's input end to another input: replace `edge` by
    /// from→to in one step (ReconnectCommand). Dropping it on empty canvas requests a disconnect.
    void requestReconnect(ganglion::EdgeId edge, const ganglion::Endpoint& from, const ganglion::Endpoint& to);
    void requestMove(const QList<QPair<ganglion::NodeId, QPointF>>& oldPositions,
                     const QList<QPair<ganglion::NodeId, QPointF>>& newPositions);
    void requestDelete(const QList<ganglion::NodeId>& nodes, const QList<ganglion::EdgeId>& edges);
    /// Paste graph JSON so that the group's top-left lands at `topLeft` (paste and duplicate).
    void requestPaste(const QString& json, const QPointF& topLeft);
    /// Replace a composite node by its parts (NodeSpec::expand), e.g. an NCAP circuit by its neurons.
    void requestExpand(ganglion::NodeId node);
    /// The single selected node, or 0 when none or several are selected.
    void selectedNodeChanged(ganglion::NodeId id);
    /// One-line feedback for a status bar (refused connection and why, nothing to paste…).
    void statusMessage(const QString& text);

protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void keyReleaseEvent(QKeyEvent* e) override;
    bool event(QEvent* e) override;
    void contextMenuEvent(QContextMenuEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dragMoveEvent(QDragMoveEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void drawForeground(QPainter* p, const QRectF& rect) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    std::optional<PortRef> portAt(const QPointF& scenePos, const PortRef* exclude = nullptr) const;
    bool isEmptyAt(const QPoint& viewPos) const;
    void beginConnection(const PortRef& origin, const QPointF& scenePos, EdgeId pickedUp = 0);
    void updateConnection(const QPointF& scenePos, const QPoint& globalPos);
    void finishConnection(const QPointF& scenePos);
    void cancelConnection();
    /// Quick-add for a connection dropped on empty canvas: lists types that can take it and
    /// connects the added node (two requests: add, then connect).
    void showQuickAddFor(const PortRef& origin, const QPointF& scenePos);
    void addChosenType(const QString& type, const QPointF& scenePos);
    void nudge(const QPointF& delta);
    void setZoom(double factor, const QPoint& anchorViewPos);
    QPointF cursorScenePos() const;
    /// Runs `emitter`; selects the nodes that appeared meanwhile (direct connections).
    template <class F> void selectNodesAddedBy(F emitter);
    void onSceneSelectionChanged();

    GraphScene* scene_;
    QuickAddPopup* quickAdd_;
    DragEdgeItem* dragEdge_ = nullptr;
    PortRef dragOrigin_;
    PortRef pickedFrom_;  // the input end of a picked-up edge
    PortRef pendingConnect_;  // port waiting for the node being quick-added
    bool panning_ = false;
    bool spaceHeld_ = false;
    bool spacePanned_ = false;
    bool autoFit_ = false;  // last view change was fitToView(): keep fitting on resize  // a Space+drag pan happened during this Space hold
    QPoint lastPanPos_;
    QHash<NodeId, QPointF> pressPositions_;
    NodeId lastSingle_ = 0;
    int flashGeneration_ = 0;  ///< flashNode: blinks of an earlier flash stop
};

}  // namespace ganglion
