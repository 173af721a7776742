// Runs a lesson against whatever holds the graph and its run: the workbench (app/lesson_host)
// or a headless Graph + Engine (core/lesson/headless_host.h). The runner applies a step's
// actions through the host when the step is entered, then, on every poll(), evaluates its
// conditions against the host's state (graph, Engine::scalars() keys "<node>/<scalar>", steps)
// and pauses the run once a "play until" condition holds. A step that names a node, parameter
// or view the host does not have gets a note saying so and the lesson goes on.
#pragma once

#include "core/graph/graph.h"
#include "core/lesson/lesson.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ganglion {

/// What a lesson acts on. Edits return "" when done, else why not (shown on the step).
class LessonHost {
public:
    virtual ~LessonHost() = default;
    virtual const Graph& graph() const = 0;
    /// Latest scalars, keyed "<node name>/<scalar>" (as Engine::scalars()).
    virtual std::map<std::string, double> scalars() const = 0;
    virtual std::uint64_t steps() const = 0;
    virtual bool finished() const = 0;

    virtual std::string openExample(const std::string& name) = 0;
    virtual std::string setParam(NodeId node, const std::string& param, const ParamValue& value) = 0;
    virtual std::string removeNode(NodeId node) = 0;
    virtual std::string connect(const Endpoint& from, const Endpoint& to) = 0;
    virtual void selectNode(NodeId node, bool highlight) = 0;
    /// "" when the host has a view of that title for the current graph, else why not.
    virtual std::string viewProblem(const std::string& title) const = 0;
    virtual void showView(const std::string& title, bool highlight) = 0;
    virtual void play() = 0;
    virtual void pause() = 0;
    virtual void resetRun() = 0;
    /// A new step starts: whatever the last one highlighted goes back to normal.
    virtual void clearHighlights() {}
    /// Brackets the edits of one answer ("Show me"): one undo step in the workbench.
    virtual void beginEdits(const std::string& /*label*/) {}
    virtual void endEdits() {}
};

/// A condition evaluated against the host: met or not, the value seen ("0.72") and, when it
/// cannot be evaluated at all (an unknown node or parameter), the problem.
struct ConditionValue {
    bool met = false;
    std::string seen;
    std::string problem;
};
ConditionValue evaluateCondition(const LessonCondition& c, const LessonHost& host);
/// Why the condition refers to something the graph lacks ("" when it does not).
std::string conditionProblem(const LessonCondition& c, const Graph& g);

struct StepStatus {
    std::vector<std::string> notes;  ///< missing nodes, views, refused edits: shown on the step
    bool hasPlay = false;            ///< the step plays until a condition
    bool playMet = true;
    std::string playSeen;            ///< the value the play condition saw last
    bool checkMet = true;            ///< the question's check (true when the step has none)
    std::string checkSeen;
    bool done() const { return playMet && checkMet; }
};

class LessonRunner {
public:
    LessonRunner(Lesson lesson, LessonHost& host);

    const Lesson& lesson() const { return lesson_; }
    int current() const { return current_; }
    int count() const { return int(lesson_.steps.size()); }
    const LessonStep& step() const { return lesson_.steps[std::size_t(current_)]; }
    const StepStatus& status() const { return status_; }

    /// Enters step `index` and applies its actions. Going back (index < current) applies only the
    /// actions that show things (select, highlight, open view): the edits and runs already done stay.
    void goTo(int index);
    void start() { goTo(0); }
    bool next();  ///< false at the last step
    bool back();  ///< false at the first step
    /// Evaluates the current step's conditions; pauses the run when its "play until" just became
    /// true. Returns the status (also status()).
    const StepStatus& poll();
    /// "Show me": applies the current step's answer (edits through the host).
    void showAnswer();

private:
    void apply(const LessonAction& a, bool showOnly);
    NodeId nodeNamed(const std::string& name, const LessonAction& a);
    void note(const LessonAction& a, const std::string& what);

    Lesson lesson_;
    LessonHost& host_;
    int current_ = -1;
    StepStatus status_;
    const LessonCondition* playing_ = nullptr;  ///< the play-until condition the run waits for
};

}  // namespace ganglion
