#include "document/session.h"

#include "core/graph/json_io.h"

#include <QFile>
#include <QMetaObject>
#include <QSaveFile>
#include <QTimer>

#include <utility>

namespace ganglion {

/// Turns graph changes into engine actions: structural edits rebuild, live parameters go
/// straight to the running engine.
class Session::GraphListener : public GraphObserver {
public:
    explicit GraphListener(Session* s) : s_(s) {}
    void nodeAdded(NodeId id) override { s_->onGraphChanged(true, id, {}); }
    void nodeRemoved(NodeId id) override { s_->onGraphChanged(true, id, {}); }
    void nodeChanged(NodeId id, const std::string& param) override { s_->onGraphChanged(param.empty(), id, param); }
    void edgeAdded(EdgeId) override { s_->onGraphChanged(true, 0, {}); }
    void edgeRemoved(EdgeId) override { s_->onGraphChanged(true, 0, {}); }
    void reset() override { s_->onGraphChanged(true, 0, {}); }

private:
    Session* s_;
};

Session::Session(QObject* parent)
    : QObject(parent), runner_(std::make_unique<EngineRunner>()), listener_(std::make_unique<GraphListener>(this)) {
    graph_.addObserver(listener_.get());
    connect(&undo_, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
    runner_->setListener([this](EngineRunner::Event ev, const std::string& msg) {
        // Engine thread → GUI thread.
        const QString text = QString::fromStdString(msg);
        QMetaObject::invokeMethod(this, [this, ev, text] {
            switch (ev) {
            case EngineRunner::Event::Built:
                inFlight_.clear();
                engineError_.clear();
                emit engineMessage(text.isEmpty() ? tr("Engine built") : tr("Engine built; %1").arg(text));
                break;
            case EngineRunner::Event::BuildFailed:
                for (auto& [name, state] : inFlight_) carry_.try_emplace(name, std::move(state));  // newer state wins
                inFlight_.clear();
                engineError_ = text;
                emit engineMessage(tr("Cannot run: %1").arg(text.trimmed()));
                emit runningChanged(false);
                break;
            case EngineRunner::Event::Started: emit runningChanged(true); break;
            case EngineRunner::Event::Paused: emit runningChanged(false); break;
            case EngineRunner::Event::Diverged:
                engineError_ = text;
                emit engineMessage(text);
                emit runningChanged(false);
                break;
            case EngineRunner::Event::Finished:
                emit engineMessage(tr("Finished: the run reached its end at %1. Play runs on past it, Reset starts over.")
                                       .arg(text));
                emit runningChanged(false);
                emit finished();
                break;
            case EngineRunner::Event::Reset:
                engineError_ = QString::fromStdString(runner_->error());
                emit engineMessage(tr("Engine reset"));
                break;
            }
        }, Qt::QueuedConnection);
    });
    runner_->load(graph_);
}

Session::~Session() {
    graph_.removeObserver(listener_.get());
    runner_->setListener({});
}

void Session::onGraphChanged(bool structural, NodeId node, const std::string& param) {
    if (!structural) {
        const NodeSpec* spec = graph_.spec(node);
        const ParamSpec* ps = spec ? spec->param(param) : nullptr;
        if (ps && ps->live) {
            runner_->setParam(node, param, graph_.node(node)->params.get(param));
            return;
        }
    }
    if (rebuildPending_) return;
    rebuildPending_ = true;  // coalesce a burst of edits (paste, undo of a removal) into one rebuild
    QTimer::singleShot(0, this, [this] { flushRebuild(); });
}

void Session::flushRebuild() {
    if (!rebuildPending_) return;
    rebuildPending_ = false;
    const bool wasRunning = isRunning();
    if (wasRunning) runner_->pause();
    for (const auto& [name, state] : carry_) inFlight_.insert_or_assign(name, state);
    runner_->load(graph_, std::exchange(carry_, {}));
    if (wasRunning) emit engineMessage(tr("Structure changed: the engine was rebuilt and paused — press Play to train from the new start"));
}

bool Session::open(const QString& path, QString* error, bool asTemplate) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("Cannot open %1: %2").arg(path, f.errorString());
        return false;
    }
    Graph loaded;
    try {
        loaded = graphFromJson(f.readAll().toStdString());
    } catch (const std::exception& e) {
        if (error) *error = tr("%1: %2").arg(path, QString::fromStdString(e.what()));
        return false;
    }
    runner_->pause();
    carry_.clear();
    inFlight_.clear();
    graph_ = loaded;  // observers (canvas, this) are told reset()
    undo_.clear();
    undo_.setClean();
    setSelectedNode(0);
    path_ = asTemplate ? QString() : path;
    origin_ = path;
    emit filePathChanged(path_);
    emit documentReplaced();
    emit modifiedChanged(false);
    return true;
}

bool Session::writeCopy(const QString& path, QString* error) const {
    QSaveFile f(path);
    const std::string text = graphToJson(graph_);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), qint64(text.size())) != qint64(text.size()) || !f.commit()) {
        if (error) *error = tr("Cannot save %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

bool Session::save(const QString& path, QString* error) {
    if (!writeCopy(path, error)) return false;
    undo_.setClean();
    if (path_ != path) {
        path_ = path;
        emit filePathChanged(path_);
    }
    return true;
}

void Session::newDocument() {
    runner_->pause();
    graph_.clear();
    undo_.clear();
    undo_.setClean();
    setSelectedNode(0);
    path_.clear();
    origin_.clear();
    emit filePathChanged(path_);
    emit documentReplaced();
}

SnapshotPtr Session::snapshot() const { return runner_->snapshot(); }
const MetricHistory& Session::metrics() const { return runner_->metrics(); }
bool Session::isRunning() const { return runner_->running(); }
// Run commands first build a structural edit still waiting for the event loop, so "edit, then
// play" always runs the edited graph (the runner executes its commands in order).
void Session::play() {
    flushRebuild();
    runner_->play();
}
void Session::pause() { runner_->pause(); }
void Session::step() {
    flushRebuild();
    runner_->stepOnce(1);
}
void Session::resetEngine() { runner_->reset(); }
void Session::setSpeed(double stepsPerSecond) { runner_->setSpeed(stepsPerSecond); }
void Session::rebuild() { runner_->load(graph_); }

void Session::adoptRecovered(const QString& originalPath, const QString& origin) {
    path_ = originalPath;
    origin_ = origin.isEmpty() ? originalPath : origin;
    emit filePathChanged(path_);
    undo_.resetClean();  // not clean at any index: the document counts as modified
}

void Session::carryStateIntoRebuild(std::map<std::string, KernelState> state) {
    carry_ = std::move(state);
    if (!rebuildPending_) {  // the edit needed no rebuild: apply the state through one anyway
        rebuildPending_ = true;
        QTimer::singleShot(0, this, [this] { flushRebuild(); });
    }
}

void Session::setSelectedNode(NodeId id) {
    if (id == selected_) return;
    selected_ = id;
    emit selectionChanged(id);
}

}  // namespace ganglion
