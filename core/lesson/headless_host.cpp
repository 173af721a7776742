#include "core/lesson/headless_host.h"

#include "core/graph/json_io.h"

#include <algorithm>
#include <filesystem>

namespace ganglion {

HeadlessLessonHost::HeadlessLessonHost(std::string examplesDir) : examplesDir_(std::move(examplesDir)) {}

void HeadlessLessonHost::ensureBuilt() const {
    if (!dirty_) return;
    dirty_ = false;
    const auto issues = engine_.build(graph_);
    error_.clear();
    if (!engine_.ok()) {
        error_ = "the graph does not run: " + formatIssues(issues);
        if (issues.empty()) error_ += engine_.error();
    }
}

std::string HeadlessLessonHost::setGraph(const Graph& g) {
    graph_ = g;
    playing_ = false;
    dirty_ = true;
    ensureBuilt();
    return error_;
}

std::map<std::string, double> HeadlessLessonHost::scalars() const {
    ensureBuilt();
    return engine_.scalars();
}

std::uint64_t HeadlessLessonHost::steps() const {
    ensureBuilt();
    return engine_.stepCount();
}

bool HeadlessLessonHost::finished() const {
    ensureBuilt();
    return engine_.ok() && engine_.finished();
}

void HeadlessLessonHost::play() {
    ensureBuilt();
    playing_ = engine_.ok();
}

void HeadlessLessonHost::resetRun() {
    ensureBuilt();
    engine_.reset();
}

std::uint64_t HeadlessLessonHost::advance(std::uint64_t steps) {
    ensureBuilt();
    if (!engine_.ok()) playing_ = false;
    std::uint64_t done = 0;
    while (playing_ && done < steps) {
        if (!engine_.step()) {
            error_ = engine_.error();
            playing_ = false;
            break;
        }
        ++done;
    }
    return done;
}

std::string HeadlessLessonHost::openExample(const std::string& name) {
    const std::string path = (std::filesystem::path(examplesDir_) / (name + ".json")).string();
    try {
        return setGraph(loadGraphFile(path));
    } catch (const std::exception& e) {
        return std::string("cannot open the example: ") + e.what();
    }
}

std::string HeadlessLessonHost::setParam(NodeId node, const std::string& param, const ParamValue& value) {
    if (auto err = graph_.setParam(node, param, value)) return *err;
    if (!dirty_ && engine_.ok() && engine_.setParam(node, param, value)) return {};  // live: the next step sees it
    dirty_ = true;
    return {};
}

std::string HeadlessLessonHost::removeNode(NodeId node) {
    graph_.removeNode(node);
    dirty_ = true;
    return {};
}

std::string HeadlessLessonHost::connect(const Endpoint& from, const Endpoint& to) {
    if (auto why = graph_.canConnect(from, to, true)) return *why;
    if (const Edge* old = graph_.edgeIntoPort(to)) graph_.disconnect(old->id);  // a wire into a taken input replaces the old one
    graph_.connect(from, to);
    dirty_ = true;
    return {};
}

void HeadlessLessonHost::selectNode(NodeId node, bool) { selected.push_back(node); }

std::string HeadlessLessonHost::viewProblem(const std::string& title) const {
    return viewCheck ? viewCheck(title, graph_) : std::string();
}

void HeadlessLessonHost::showView(const std::string& title, bool) { shownViews.push_back(title); }

LessonDrive driveLesson(LessonRunner& runner, HeadlessLessonHost& host, std::uint64_t stepBudget, std::uint64_t pollEvery) {
    LessonDrive drive;
    std::uint64_t spent = 0;
    pollEvery = std::max<std::uint64_t>(pollEvery, 1);
    runner.start();
    for (;;) {
        LessonDriveStep record;
        record.title = runner.step().title;
        std::uint64_t played = 0;  // in this step
        for (;;) {
            const StepStatus& s = runner.poll();
            if (s.done()) break;
            if (!s.playMet && host.playing() && spent < stepBudget) {
                // polls grow with the run (at most ~12 % past the condition), so a long protocol
                // is not dominated by reading every node's observables
                const std::uint64_t chunk = std::max(pollEvery, played / 8);
                const std::uint64_t ran = host.advance(std::min(chunk, stepBudget - spent));
                spent += ran;
                played += ran;
                continue;
            }
            if (!s.checkMet && !record.answered && !runner.step().answer.empty()) {
                runner.showAnswer();
                record.answered = true;
                continue;
            }
            break;
        }
        record.status = runner.status();
        record.engineSteps = host.steps();
        drive.steps.push_back(record);
        if (!record.status.done()) {
            drive.stuck = "step " + std::to_string(runner.current() + 1) + " ('" + record.title + "') did not get done: " +
                          (record.status.playMet ? "its check, " + record.status.checkSeen
                                                 : "its run, " + record.status.playSeen + " after " + std::to_string(spent) +
                                                       " of " + std::to_string(stepBudget) + " engine steps") +
                          (host.error().empty() ? "" : " (" + host.error() + ")");
            return drive;
        }
        if (!runner.next()) break;
    }
    drive.reachedEnd = true;
    return drive;
}

}  // namespace ganglion
