// The workbench as a lesson's host: a lesson's actions go through the app's normal paths —
// examples open as from File ▸ Examples, edits are undoable commands on the document's undo
// stack, the run is the session's engine thread, views are the window's docks — and its
// conditions read the session's latest snapshot (the GUI thread never waits for the engine).
#pragma once

#include "core/engine/snapshot.h"
#include "core/lesson/lesson_runner.h"

#include <QList>
#include <QPointer>

class QDockWidget;

namespace ganglion {

class MainWindow;

class WorkbenchLessonHost : public LessonHost {
public:
    explicit WorkbenchLessonHost(MainWindow* window);
    ~WorkbenchLessonHost() override;

    const Graph& graph() const override;
    std::map<std::string, double> scalars() const override;
    std::uint64_t steps() const override;
    bool finished() const override;
    std::string openExample(const std::string& name) override;
    std::string setParam(NodeId node, const std::string& param, const ParamValue& value) override;
    std::string removeNode(NodeId node) override;
    std::string connect(const Endpoint& from, const Endpoint& to) override;
    void selectNode(NodeId node, bool highlight) override;
    std::string viewProblem(const std::string& title) const override;
    void showView(const std::string& title, bool highlight) override;
    void play() override;
    void pause() override;
    void resetRun() override;
    void clearHighlights() override;
    void beginEdits(const std::string& label) override;
    void endEdits() override;

    /// Whether `window` has a view of that title with something to show for `g` ("" when so).
    static std::string viewProblemIn(const MainWindow* window, const std::string& title, const Graph& g);

    /// The dock property a highlighted view carries (its title bar is drawn marked).
    static constexpr char kHighlighted[] = "ganglionLessonHighlight";

private:
    /// The latest snapshot, unless it predates a reset, a new document or a rebuild the lesson
    /// asked for (the engine thread has not answered yet): then nullptr.
    SnapshotPtr fresh() const;
    void markStale();

    QPointer<MainWindow> window_;
    SnapshotPtr stale_;
    bool staleSet_ = false;
    QList<QPointer<QDockWidget>> marked_;
};

}  // namespace ganglion
