// A document: the graph (single source of truth), its undo stack, the file it lives in, and the
// engine running a copy of it on a worker thread. Views poll snapshot() on a timer.
#pragma once

#include "core/engine/metric_history.h"
#include "core/engine/runner.h"
#include "core/engine/snapshot.h"
#include "core/graph/graph.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <memory>

namespace ganglion {

class Session : public QObject {
    Q_OBJECT
public:
    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    Graph& graph() { return graph_; }
    const Graph& graph() const { return graph_; }
    QUndoStack* undoStack() { return &undo_; }

    // --- file ---
    QString filePath() const { return path_; }
    /// The file the document was read from — also for an example opened as a template, whose
    /// filePath() is empty; "" for a new document.
    QString origin() const { return origin_; }
    bool isModified() const { return !undo_.isClean(); }
    /// Loads a graph file, replacing the document. On failure returns false and sets *error;
    /// the current document is left untouched.
    /// asTemplate: the document starts untitled (examples: Save asks for a new path).
    bool open(const QString& path, QString* error, bool asTemplate = false);
    /// Atomic write (QSaveFile). Marks clean on success.
    bool save(const QString& path, QString* error);
    /// Writes the graph to `path` atomically without changing the document (path, modified).
    bool writeCopy(const QString& path, QString* error) const;
    void newDocument();

    // --- engine ---
    SnapshotPtr snapshot() const;              ///< latest published, never blocks on the engine
    const MetricHistory& metrics() const;      ///< curves (thread-safe reads)
    EngineRunner& runner() { return *runner_; }
    bool isRunning() const;
    /// The run reached its natural end (and has not been reset or rebuilt since).
    bool isFinished() const { return runner_->finished(); }
    void play();
    void pause();
    void step();
    void resetEngine();
    /// Steps per second limit; 0 = as fast as possible.
    void setSpeed(double stepsPerSecond);
    /// Rebuild the engine from the current graph (structural edit). Pauses, rebuilds, resumes
    /// if it was running; emits engineMessage with what happened.
    void rebuild();
    /// Learned state (by node name) the next structural rebuild loads into the new kernels,
    /// so an edit that reshapes a trained model (KAN node pruning) keeps what it learned.
    /// Set it from an undo command's redo/undo, right after the graph edits it goes with.
    /// After opening recovered unsaved work: it is modified, and Save writes to `originalPath`
    /// (untitled when empty); `origin` is the file it was first read from (e.g. an example).
    void adoptRecovered(const QString& originalPath, const QString& origin = {});
    void carryStateIntoRebuild(std::map<std::string, KernelState> state);
    QString engineError() const { return engineError_; }

    // --- selection (shared by canvas, inspector and views) ---
    NodeId selectedNode() const { return selected_; }
    void setSelectedNode(NodeId id);

signals:
    void selectionChanged(ganglion::NodeId id);
    void documentReplaced();          ///< open/new: views reset their state
    void runningChanged(bool running);
    /// The run reached its natural end and paused (EngineRunner::Event::Finished).
    void finished();
    void engineMessage(const QString& text);  ///< status-bar text: rebuilt, errors, …
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);

private:
    class GraphListener;
    void onGraphChanged(bool structural, NodeId node, const std::string& param);
    /// Rebuild now if a structural edit is waiting for its (coalesced) rebuild.
    void flushRebuild();

    Graph graph_;
    QUndoStack undo_;
    QString path_;
    QString origin_;
    std::unique_ptr<EngineRunner> runner_;
    std::unique_ptr<GraphListener> listener_;
    NodeId selected_ = 0;
    QString engineError_;
    bool rebuildPending_ = false;
    std::map<std::string, KernelState> carry_;
    /// The carry handed to the builds under way: kept for the next rebuild when they fail (an
    /// imported model that cannot run until a data set is connected keeps its weights for then).
    std::map<std::string, KernelState> inFlight_;
};

}  // namespace ganglion
