#include "app/lesson_host.h"

#include "app/main_window.h"
#include "document/graph_commands.h"
#include "views/view_registry.h"
#include "widgets/canvas/graph_canvas.h"

#include <QDockWidget>
#include <QFileInfo>
#include <QUndoStack>

namespace ganglion {

WorkbenchLessonHost::WorkbenchLessonHost(MainWindow* window) : window_(window) {}

WorkbenchLessonHost::~WorkbenchLessonHost() = default;  // the panel clears highlights when a lesson ends (stop())

const Graph& WorkbenchLessonHost::graph() const { return window_->session()->graph(); }

SnapshotPtr WorkbenchLessonHost::fresh() const {
    SnapshotPtr snap = window_->session()->snapshot();
    return staleSet_ && snap == stale_ ? nullptr : snap;
}

void WorkbenchLessonHost::markStale() {
    stale_ = window_->session()->snapshot();
    staleSet_ = true;
}

std::map<std::string, double> WorkbenchLessonHost::scalars() const {
    std::map<std::string, double> out;
    if (const SnapshotPtr snap = fresh())
        for (const NodeSnapshot& n : snap->nodes)
            for (const auto& [k, v] : n.obs.scalars) out[n.name + "/" + k] = v;
    return out;
}

std::uint64_t WorkbenchLessonHost::steps() const {
    const SnapshotPtr snap = fresh();
    return snap ? snap->step : 0;
}

bool WorkbenchLessonHost::finished() const { return fresh() && window_->session()->isFinished(); }

std::string WorkbenchLessonHost::openExample(const std::string& name) {
    for (const QString& f : MainWindow::exampleFiles())
        if (QFileInfo(f).completeBaseName() == QString::fromStdString(name)) {
            markStale();
            return window_->openFile(f, true) ? std::string() : std::string("the example was not opened");
        }
    return "there is no bundled example called \"" + name + "\"";
}

std::string WorkbenchLessonHost::setParam(NodeId node, const std::string& param, const ParamValue& value) {
    Graph& g = window_->session()->graph();
    const Node* n = g.node(node);
    if (!n) return "the node is gone";
    if (n->params.get(param) == value) return {};
    if (const ParamSpec* ps = g.spec(node)->param(param); ps && !ps->live) markStale();  // a structural edit: rebuild
    auto* cmd = new SetParamCommand(g, node, param, n->params.get(param), value);
    cmd->setMergeable(false);
    window_->session()->undoStack()->push(cmd);
    return g.node(node)->params.get(param) == value ? std::string() : "the graph refused " + param + " = " + paramToString(value);
}

std::string WorkbenchLessonHost::removeNode(NodeId node) {
    markStale();  // the engine rebuilds
    window_->session()->undoStack()->push(new RemoveItemsCommand(window_->session()->graph(), {node}, {}));
    return {};
}

std::string WorkbenchLessonHost::connect(const Endpoint& from, const Endpoint& to) {
    Graph& g = window_->session()->graph();
    if (auto why = g.canConnect(from, to, true)) return *why;
    QUndoStack* undo = window_->session()->undoStack();
    markStale();
    // a wire into a taken input replaces the old one, as on the canvas
    if (const Edge* old = g.edgeIntoPort(to)) undo->push(new ReconnectCommand(g, old->id, from, to));
    else undo->push(new ConnectCommand(g, from, to));
    return {};
}

void WorkbenchLessonHost::selectNode(NodeId node, bool highlight) {
    if (highlight) window_->canvas()->flashNode(node);
    else window_->canvas()->selectNode(node);
}

std::string WorkbenchLessonHost::viewProblemIn(const MainWindow* window, const std::string& title, const Graph& g) {
    QDockWidget* dock = window->viewDock(QString::fromStdString(title));
    if (!dock) return "there is no view called \"" + title + "\"";
    const QStringList obs = viewObservables(dock->widget());
    if (!obs.isEmpty() && !graphFeeds(g, obs)) return "the view \"" + title + "\" has nothing to show for this graph";
    return {};
}

std::string WorkbenchLessonHost::viewProblem(const std::string& title) const { return viewProblemIn(window_, title, graph()); }

void WorkbenchLessonHost::showView(const std::string& title, bool highlight) {
    QDockWidget* dock = window_->viewDock(QString::fromStdString(title));
    if (!dock) return;
    dock->show();
    dock->raise();
    if (!highlight) return;
    dock->setProperty(kHighlighted, true);
    dock->setStyleSheet("QDockWidget { border: 3px solid #00b8d4; }"
                        "QDockWidget::title { background: #00b8d4; color: white; padding: 3px; }");
    marked_ << dock;
}

void WorkbenchLessonHost::play() { window_->session()->play(); }
void WorkbenchLessonHost::pause() { window_->session()->pause(); }
void WorkbenchLessonHost::resetRun() {
    markStale();
    window_->session()->resetEngine();
}

void WorkbenchLessonHost::beginEdits(const std::string& label) {
    window_->session()->undoStack()->beginMacro(QString::fromStdString(label));
}

void WorkbenchLessonHost::endEdits() { window_->session()->undoStack()->endMacro(); }

void WorkbenchLessonHost::clearHighlights() {
    for (const QPointer<QDockWidget>& d : marked_)
        if (d) {
            d->setProperty(kHighlighted, false);
            d->setStyleSheet({});
        }
    marked_.clear();
    if (window_) window_->canvas()->flashNode(0);
}

}  // namespace ganglion
