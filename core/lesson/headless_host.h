// A lesson driven without a window: the host holds a Graph and an Engine and steps the engine
// itself while the lesson plays. Tests drive every bundled lesson to its end with it, and it is
// the reference for what the workbench's lesson panel does through its normal paths.
#pragma once

#include "core/engine/engine.h"
#include "core/lesson/lesson_runner.h"

#include <functional>
#include <string>
#include <vector>

namespace ganglion {

class HeadlessLessonHost : public LessonHost {
public:
    /// `examplesDir`: where "open example NAME" finds NAME.json.
    explicit HeadlessLessonHost(std::string examplesDir);

    /// Replaces the graph and builds the engine; returns the build problem ("" when it runs).
    std::string setGraph(const Graph& g);
    /// Whether a view exists for the graph ("" when it does, else why not). Unset: every view
    /// title is accepted (core has no views; the app's tests install the real list).
    std::function<std::string(const std::string& title, const Graph& g)> viewCheck;

    bool playing() const { return playing_; }
    /// Steps the engine while playing, at most `steps` steps; returns how many ran. Stops playing
    /// when the model diverges (error() says why).
    std::uint64_t advance(std::uint64_t steps);
    const std::string& error() const { return error_; }
    const Engine& engine() const { return engine_; }
    /// What the lesson showed: node selections and views, in order (tests).
    std::vector<NodeId> selected;
    std::vector<std::string> shownViews;

    const Graph& graph() const override { return graph_; }
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
    void pause() override { playing_ = false; }
    void resetRun() override;

private:
    /// Edits only mark the engine stale (several edits of one answer may pass through a graph
    /// that does not run); it is rebuilt when the run or its state is next needed.
    void ensureBuilt() const;

    std::string examplesDir_;
    Graph graph_;
    mutable Engine engine_;
    mutable bool dirty_ = false;
    mutable std::string error_;
    bool playing_ = false;
};

/// One step of a headless drive, as the lesson left it.
struct LessonDriveStep {
    std::string title;
    StepStatus status;
    std::uint64_t engineSteps = 0;  ///< the engine's step count when the step was done
    bool answered = false;          ///< its answer was applied ("Show me")
};

struct LessonDrive {
    std::vector<LessonDriveStep> steps;  ///< the steps visited, in order
    bool reachedEnd = false;             ///< every step done and the last one reached
    std::string stuck;                   ///< why it stopped before the end
};

/// Drives `runner` from its first step to its last: plays while a step plays (at most
/// `stepBudget` engine steps in all, polling every `pollEvery` steps or every eighth of the steps
/// the step has run, whichever is more) and, when a step's question
/// waits, applies the step's answer. Stops at a step whose conditions do not become true.
LessonDrive driveLesson(LessonRunner& runner, HeadlessLessonHost& host, std::uint64_t stepBudget, std::uint64_t pollEvery = 20);

}  // namespace ganglion
