// GraphCanvas: set-up, decorations, edit slots (clipboard, delete, duplicate), keyboard,
// drag-and-drop and context menu. Mouse gestures live in graph_canvas_mouse.cpp.
#include "widgets/canvas/graph_canvas.h"

#include "core/graph/expand.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/graph_clipboard.h"
#include "widgets/canvas/quick_add_popup.h"
#include "widgets/export/image_export.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDragEnterEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <limits>

namespace ganglion {

GraphCanvas::GraphCanvas(Graph* graph, QWidget* parent) : QGraphicsView(parent) {
    scene_ = new GraphScene(this);
    setScene(scene_);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    // Live thumbnails repaint only their own rectangles; the grid is drawn once per scroll/zoom.
    setViewportUpdateMode(SmartViewportUpdate);
    setCacheMode(CacheBackground);
    setDragMode(RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
    setAcceptDrops(true);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(200, 150);
    centerOn(0, 0);

    quickAdd_ = new QuickAddPopup(this);
    connect(quickAdd_, &QuickAddPopup::typeChosen, this, &GraphCanvas::addChosenType);
    connect(scene_, &QGraphicsScene::selectionChanged, this, &GraphCanvas::onSceneSelectionChanged);
    connect(scene_, &GraphScene::contentChanged, viewport(), [this] { viewport()->update(); });  // the empty-canvas hint
    setGraph(graph);
}

GraphCanvas::~GraphCanvas() {
    // Detach before members die so the graph holds no dangling observer.
    cancelConnection();
    scene_->setGraph(nullptr);
}

void GraphCanvas::setGraph(Graph* graph) {
    cancelConnection();
    scene_->setGraph(graph);
}

QPointF GraphCanvas::nodePlacement(const QPointF& scenePos) {
    return scenePos - QPointF(canvas::Metrics::nodeWidth / 2, canvas::Metrics::headerHeight / 2);
}

// --- decorations -----------------------------------------------------------------------------

void GraphCanvas::setNodeThumbnail(NodeId id, const QImage& img) { scene_->setThumbnail(id, img); }

void GraphCanvas::setNodeActivations(NodeId id, const Matrix& activations) {
    scene_->setThumbnail(id, canvas::activationImage(activations));
}

void GraphCanvas::setNodeIssue(NodeId id, const QString& text) { scene_->setIssue(id, text); }
void GraphCanvas::clearNodeIssues() { scene_->clearIssues(); }

void GraphCanvas::showIssues(const std::vector<GraphIssue>& issues) {
    QHash<NodeId, QStringList> byNode;
    for (const GraphIssue& i : issues)
        if (i.node != 0)
            byNode[i.node] << (i.severity == GraphIssue::Warning ? tr("Warning: ") : QString()) +
                                  QString::fromStdString(i.message);
    scene_->clearIssues();
    for (auto it = byNode.cbegin(); it != byNode.cend(); ++it) scene_->setIssue(it.key(), it.value().join('\n'));
}

QString GraphCanvas::selectionJson() const {
    if (!graph()) return {};
    return selectionToJson(*graph(), selectedNodes());
}

// --- selection -------------------------------------------------------------------------------

void GraphCanvas::onSceneSelectionChanged() {
    const QList<NodeId> sel = scene_->selectedNodes();
    const NodeId single = sel.size() == 1 ? sel.front() : 0;
    if (single != lastSingle_) {
        lastSingle_ = single;
        emit selectedNodeChanged(single);
    }
}

void GraphCanvas::selectNode(NodeId id) {
    scene_->selectOnly(id ? QList<NodeId>{id} : QList<NodeId>{});
    if (NodeItem* it = scene_->nodeItem(id)) ensureVisible(it, 40, 40);
}

void GraphCanvas::flashNode(NodeId id) {
    if (id) selectNode(id);
    scene_->setHighlighted(id);
    const int gen = ++flashGeneration_;
    if (!id) return;
    for (int i = 1; i <= 6; ++i)  // three blinks, ending on
        QTimer::singleShot(i * 220, this, [this, id, gen, on = i % 2 == 0] {
            if (gen == flashGeneration_ && graph() && graph()->node(id)) scene_->setHighlighted(on ? id : 0);
        });
}

void GraphCanvas::selectAll() {
    for (QGraphicsItem* it : scene_->items()) it->setSelected(it->type() == NodeItem::Type);
}

template <class F>
void GraphCanvas::selectNodesAddedBy(F emitter) {
    QList<NodeId> before;
    if (graph())
        for (const Node& n : graph()->nodes()) before.push_back(n.id);
    emitter();
    if (!graph()) return;
    QList<NodeId> added;
    for (const Node& n : graph()->nodes())
        if (!before.contains(n.id)) added.push_back(n.id);
    if (!added.isEmpty()) scene_->selectOnly(added);
}

// --- edit slots ------------------------------------------------------------------------------

void GraphCanvas::deleteSelection() {
    const QList<NodeId> nodes = selectedNodes();
    QList<EdgeId> edges;
    // Edges touching a deleted node go with it; list only the independent ones.
    for (EdgeId id : selectedEdges()) {
        const Edge* e = graph() ? graph()->edge(id) : nullptr;
        if (e && !nodes.contains(e->from.node) && !nodes.contains(e->to.node)) edges.push_back(id);
    }
    if (nodes.isEmpty() && edges.isEmpty()) return;
    if (nodes.isEmpty() && edges.size() == 1) emit requestDisconnect(edges.front());
    else emit requestDelete(nodes, edges);
}

void GraphCanvas::disconnectSelection() {
    const QList<EdgeId> edges = selectedEdges();
    if (edges.size() == 1) emit requestDisconnect(edges.front());
    else if (!edges.isEmpty()) emit requestDelete({}, edges);
}

void GraphCanvas::copySelection() {
    if (selectedNodes().isEmpty()) {
        emit statusMessage(tr("Nothing selected to copy."));
        return;
    }
    const QString json = selectionJson();
    auto* mime = new QMimeData;
    mime->setData(kGraphMime, json.toUtf8());
    mime->setText(json);
    QApplication::clipboard()->setMimeData(mime);
    emit statusMessage(tr("Copied %n node(s).", nullptr, int(selectedNodes().size())));
}

void GraphCanvas::cutSelection() {
    if (selectedNodes().isEmpty()) return;
    copySelection();
    deleteSelection();
}

void GraphCanvas::paste() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    QString json;
    if (mime && mime->hasFormat(kGraphMime)) json = QString::fromUtf8(mime->data(kGraphMime));
    else if (mime && mime->hasText() && mime->text().contains(QLatin1String("ganglion-graph"))) json = mime->text();
    if (json.isEmpty()) {
        emit statusMessage(tr("The clipboard holds no Ganglion nodes."));
        return;
    }
    const QPointF at = nodePlacement(cursorScenePos());
    selectNodesAddedBy([&] { emit requestPaste(json, at); });
}

void GraphCanvas::duplicateSelection() {
    const QList<NodeId> nodes = selectedNodes();
    if (nodes.isEmpty() || !graph()) return;
    double minX = std::numeric_limits<double>::infinity(), minY = minX;
    for (NodeId id : nodes) {
        const Node* n = graph()->node(id);
        minX = std::min(minX, n->x);
        minY = std::min(minY, n->y);
    }
    const QString json = selectionJson();
    selectNodesAddedBy([&] { emit requestPaste(json, QPointF(minX + 32, minY + 32)); });
}

// --- empty-canvas hint -----------------------------------------------------------------------

QString GraphCanvas::emptyHint() const {
    if (graph() && !graph()->nodes().empty()) return {};
    return tr("Drag a node here from the Nodes palette,\nor press Tab (or double-click) to search for one.\n"
              "File ▸ Examples has ready-made graphs.");
}

void GraphCanvas::scrollContentsBy(int dx, int dy) {
    QGraphicsView::scrollContentsBy(dx, dy);
    if (!emptyHint().isEmpty()) viewport()->update();  // the hint is fixed in the viewport, not scrolled
}

void GraphCanvas::drawForeground(QPainter* p, const QRectF& rect) {
    QGraphicsView::drawForeground(p, rect);
    const QString hint = emptyHint();
    if (hint.isEmpty()) return;
    p->save();
    p->resetTransform();  // viewport coordinates: the hint stays centred and unscaled
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.25);
    p->setFont(f);
    p->setPen(canvas::dimTextColor());
    p->drawText(viewport()->rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, hint);
    p->restore();
}

// --- zoom / fit ------------------------------------------------------------------------------

void GraphCanvas::setZoom(double factor, const QPoint& anchorViewPos) {
    autoFit_ = false;
    const double target = std::clamp(zoom() * factor, 0.15, 3.0);
    factor = target / zoom();
    if (std::abs(factor - 1.0) < 1e-9) return;
    const QPointF before = mapToScene(anchorViewPos);
    const ViewportAnchor old = transformationAnchor();
    setTransformationAnchor(NoAnchor);
    scale(factor, factor);
    const QPointF after = mapToScene(anchorViewPos);
    translate(after.x() - before.x(), after.y() - before.y());
    setTransformationAnchor(old);
}

void GraphCanvas::zoomIn() { setZoom(1.25, viewport()->rect().center()); }
void GraphCanvas::zoomOut() { setZoom(0.8, viewport()->rect().center()); }

void GraphCanvas::resizeEvent(QResizeEvent* e) {
    QGraphicsView::resizeEvent(e);
    // Docks settling after start-up resize the canvas: keep a fitted graph fitted until the
    // user zooms or pans.
    if (autoFit_) fitToView();
}

void GraphCanvas::fitToView() {
    autoFit_ = true;
    QRectF box;
    for (QGraphicsItem* it : scene_->items())
        if (it->type() == NodeItem::Type) box |= it->sceneBoundingRect();
    if (box.isEmpty()) {
        resetTransform();
        centerOn(0, 0);
        return;
    }
    box.adjust(-40, -40, 40, 40);
    fitInView(box, Qt::KeepAspectRatio);
    if (zoom() > 1.25) {  // a lone small node should not fill the screen
        const QPointF c = box.center();
        resetTransform();
        scale(1.25, 1.25);
        centerOn(c);
    } else if (zoom() < 0.15) {
        const QPointF c = box.center();
        resetTransform();
        scale(0.15, 0.15);
        centerOn(c);
    }
}

QPointF GraphCanvas::cursorScenePos() const {
    const QPoint local = viewport()->mapFromGlobal(QCursor::pos());
    if (viewport()->rect().contains(local)) return mapToScene(local);
    return mapToScene(viewport()->rect().center());
}

void GraphCanvas::showQuickAdd(const QPointF& scenePos) {
    pendingConnect_ = {};
    const QPoint global = viewport()->mapToGlobal(mapFromScene(scenePos));
    quickAdd_->popup(global, scenePos);
}

void GraphCanvas::showQuickAddFor(const PortRef& origin, const QPointF& scenePos) {
    const NodeSpec* spec = graph() ? graph()->spec(origin.node) : nullptr;
    if (!spec) return;
    showQuickAdd(scenePos);
    pendingConnect_ = origin;
    const auto& ports = origin.output ? spec->outputs : spec->inputs;
    quickAdd_->setPortFilter(ports[origin.index].type, origin.output);
}

void GraphCanvas::addChosenType(const QString& type, const QPointF& scenePos) {
    const PortRef origin = pendingConnect_;
    pendingConnect_ = {};
    if (!origin.valid()) {
        selectNodesAddedBy([&] { emit requestAddNode(type, nodePlacement(scenePos)); });
        return;
    }
    // Put the new node's matching side at the drop point.
    const double dy = canvas::Metrics::headerHeight + canvas::Metrics::padding / 2 + canvas::Metrics::portRowHeight / 2;
    const QPointF pos = origin.output ? scenePos - QPointF(0, dy) : scenePos - QPointF(canvas::Metrics::nodeWidth, dy);
    selectNodesAddedBy([&] { emit requestAddNode(type, pos); });
    const QList<NodeId> added = selectedNodes();
    const NodeSpec* spec = added.size() == 1 && graph() ? graph()->spec(added.front()) : nullptr;
    if (!spec || !scene_->nodeItem(origin.node)) return;
    const auto& ports = origin.output ? spec->inputs : spec->outputs;
    for (int i = 0; i < int(ports.size()); ++i) {
        const PortRef other{added.front(), !origin.output, i};
        if (scene_->connectionProblem(origin, other)) continue;
        PortRef from, to;
        GraphScene::orient(origin, other, &from, &to);
        emit requestConnect(scene_->endpoint(from), scene_->endpoint(to));
        return;
    }
}

// --- keyboard --------------------------------------------------------------------------------

namespace {
/// Keys the canvas handles itself while focused, even when a window action uses the same
/// shortcut (Edit ▸ Copy etc.): the focused canvas wins, as a focused QLineEdit does.
bool canvasKey(QKeyEvent* k) {
    const int key = k->key();
    if (key == Qt::Key_Delete || key == Qt::Key_Backspace || key == Qt::Key_Escape) return true;
    if (k->modifiers() == Qt::NoModifier && (key == Qt::Key_F || key == Qt::Key_Tab || key == Qt::Key_Space))
        return true;
    if (k->modifiers() == Qt::ControlModifier && key == Qt::Key_D) return true;
    if ((k->modifiers() & ~Qt::ShiftModifier) == Qt::NoModifier &&
        (key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up || key == Qt::Key_Down))
        return true;
    return k->matches(QKeySequence::Copy) || k->matches(QKeySequence::Cut) || k->matches(QKeySequence::Paste) ||
           k->matches(QKeySequence::SelectAll);
}
}  // namespace

bool GraphCanvas::event(QEvent* e) {
    if (e->type() == QEvent::ShortcutOverride && canvasKey(static_cast<QKeyEvent*>(e))) {
        e->accept();
        return true;
    }
    // Tab opens the quick-add popup instead of moving focus.
    if (e->type() == QEvent::KeyPress) {
        auto* k = static_cast<QKeyEvent*>(e);
        if (k->key() == Qt::Key_Tab && !(k->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            showQuickAdd(cursorScenePos());
            return true;
        }
    }
    return QGraphicsView::event(e);
}

void GraphCanvas::nudge(const QPointF& delta) {
    const QList<NodeId> nodes = selectedNodes();
    if (nodes.isEmpty() || !graph()) return;
    Positions from, to;
    for (NodeId id : nodes) {
        const Node* n = graph()->node(id);
        from.push_back({id, QPointF(n->x, n->y)});
        to.push_back({id, QPointF(n->x, n->y) + delta});
    }
    emit requestMove(from, to);
}

void GraphCanvas::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
        spaceHeld_ = true;
        spacePanned_ = false;
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    if (e->key() == Qt::Key_Escape && dragEdge_) {
        cancelConnection();
        return;
    }
    if (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) return deleteSelection();
    if (e->matches(QKeySequence::Copy)) return copySelection();
    if (e->matches(QKeySequence::Cut)) return cutSelection();
    if (e->matches(QKeySequence::Paste)) return paste();
    if (e->matches(QKeySequence::SelectAll)) return selectAll();
    if (e->key() == Qt::Key_D && e->modifiers() == Qt::ControlModifier) return duplicateSelection();
    if (e->key() == Qt::Key_F && e->modifiers() == Qt::NoModifier) return fitToView();
    if ((e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal) && e->modifiers() & Qt::ControlModifier)
        return zoomIn();
    if (e->key() == Qt::Key_Minus && e->modifiers() & Qt::ControlModifier) return zoomOut();
    const double step = e->modifiers() & Qt::ShiftModifier ? canvas::Metrics::gridStep : 4;
    switch (e->key()) {
    case Qt::Key_Left: return nudge({-step, 0});
    case Qt::Key_Right: return nudge({step, 0});
    case Qt::Key_Up: return nudge({0, -step});
    case Qt::Key_Down: return nudge({0, step});
    default: break;
    }
    QGraphicsView::keyPressEvent(e);
}

void GraphCanvas::keyReleaseEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Space && !e->isAutoRepeat()) {
        spaceHeld_ = false;
        if (!panning_) viewport()->unsetCursor();
        // A Space tap (no pan while held) still fires a Space action attached to the canvas
        // (e.g. the window's Play/Pause), which the canvas took over to allow Space+drag.
        if (!spacePanned_) {
            for (QAction* a : actions()) {
                if (a->isEnabled() && a->shortcut() == QKeySequence(Qt::Key_Space)) {
                    a->trigger();
                    break;
                }
            }
        }
        spacePanned_ = false;
        return;
    }
    QGraphicsView::keyReleaseEvent(e);
}

void GraphCanvas::expandSelection() {
    const QList<NodeId> nodes = selectedNodes();
    if (nodes.size() != 1 || !graph() || !canExpand(*graph(), nodes.front())) {
        emit statusMessage(nodes.size() == 1 ? tr("This node has no parts to expand into.")
                                             : tr("Select one composite node (e.g. an NCAP circuit) to expand."));
        return;
    }
    const NodeId id = nodes.front();
    selectNodesAddedBy([&] { emit requestExpand(id); });  // the parts come up selected
    // show them all when they outgrow the view
    if (const QList<NodeId> parts = selectedNodes(); parts.size() > 1) {
        QRectF box;
        for (QGraphicsItem* it : scene_->selectedItems()) box |= it->sceneBoundingRect();
        if (!mapToScene(viewport()->rect()).boundingRect().contains(box)) fitToView();
    }
}

// --- context menu ----------------------------------------------------------------------------

void GraphCanvas::contextMenuEvent(QContextMenuEvent* e) {
    const QPointF scenePos = mapToScene(e->pos());
    if (QGraphicsItem* it = itemAt(e->pos()); it && !it->isSelected()) {
        scene_->clearSelection();
        it->setSelected(true);
    }
    const bool sel = !selectedNodes().isEmpty() || !selectedEdges().isEmpty();
    QMenu menu(this);
    menu.addAction(tr("Add node…"), this, [this, scenePos] { showQuickAdd(scenePos); });
    menu.addSeparator();
    menu.addAction(tr("Cut"), QKeySequence::Cut, this, &GraphCanvas::cutSelection)->setEnabled(!selectedNodes().isEmpty());
    menu.addAction(tr("Copy"), QKeySequence::Copy, this, &GraphCanvas::copySelection)->setEnabled(!selectedNodes().isEmpty());
    menu.addAction(tr("Paste"), QKeySequence::Paste, this, &GraphCanvas::paste);
    menu.addAction(tr("Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D), this, &GraphCanvas::duplicateSelection)
        ->setEnabled(!selectedNodes().isEmpty());
    menu.addAction(tr("Delete"), QKeySequence::Delete, this, &GraphCanvas::deleteSelection)->setEnabled(sel);
    if (const int wires = int(selectedEdges().size()); wires > 0 && selectedNodes().isEmpty())
        menu.addAction(tr("Disconnect"), this, &GraphCanvas::disconnectSelection);
    if (const QList<NodeId> nodes = selectedNodes(); nodes.size() == 1) {
        const NodeSpec* spec = graph() ? graph()->spec(nodes.front()) : nullptr;
        if (spec && spec->expand) {
            menu.addSeparator();
            menu.addAction(QString::fromStdString(spec->expandLabel.empty() ? "Expand" : spec->expandLabel), this,
                           &GraphCanvas::expandSelection);
        }
    }
    menu.addSeparator();
    menu.addAction(tr("Select all"), QKeySequence::SelectAll, this, &GraphCanvas::selectAll);
    menu.addAction(tr("Fit to view"), QKeySequence(Qt::Key_F), this, &GraphCanvas::fitToView);
    menu.addSeparator();
    menu.addAction(tr("Export image…"), this, [this] {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        askAndExportImage(this, tr("Export the graph as an image"), dir + QStringLiteral("/graph.png"),
                          [this](const QString& path, int scale, QString* error) { return exportImage(path, scale, error); });
    })->setEnabled(graph() && !graph()->nodes().empty());
    menu.exec(e->globalPos());
}

QRectF GraphCanvas::exportRect() const {
    const double margin = canvas::Metrics::gridStep * 2;
    return scene_->itemsBoundingRect().adjusted(-margin, -margin, margin, margin);
}

bool GraphCanvas::exportImage(const QString& path, int scale, QString* error) const {
    return exportSceneImage(scene_, exportRect(), path, scale, error);
}

// --- drag and drop from the palette ----------------------------------------------------------

void GraphCanvas::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasFormat(kNodeTypeMime)) e->acceptProposedAction();
    else e->ignore();
}

void GraphCanvas::dragMoveEvent(QDragMoveEvent* e) {
    if (e->mimeData()->hasFormat(kNodeTypeMime)) e->acceptProposedAction();
    else e->ignore();
}

void GraphCanvas::dropEvent(QDropEvent* e) {
    if (!e->mimeData()->hasFormat(kNodeTypeMime)) return e->ignore();
    const QString type = QString::fromUtf8(e->mimeData()->data(kNodeTypeMime));
    if (!NodeRegistry::instance().find(type.toStdString())) {
        emit statusMessage(tr("Unknown node type '%1'.").arg(type));
        return e->ignore();
    }
    e->acceptProposedAction();
    const QPointF pos = nodePlacement(mapToScene(e->position().toPoint()));
    selectNodesAddedBy([&] { emit requestAddNode(type, pos); });
    setFocus(Qt::OtherFocusReason);
}

}  // namespace ganglion
