#include "core/lesson/lesson_runner.h"

#include "core/model/node_spec.h"

#include <algorithm>
#include <cstdio>

namespace ganglion {

namespace {

bool compare(double a, LessonCondition::Op op, double b) {
    using Op = LessonCondition::Op;
    switch (op) {
    case Op::Gt: return a > b;
    case Op::Ge: return a >= b;
    case Op::Lt: return a < b;
    case Op::Le: return a <= b;
    case Op::Eq: return a == b;
    case Op::Ne: return a != b;
    }
    return false;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

/// The node part of a scalar key "<node>/<scalar>" (node names may hold '/': the longest match).
const Node* scalarNode(const std::string& key, const Graph& g) {
    for (auto slash = key.rfind('/'); slash != std::string::npos && slash > 0; slash = key.rfind('/', slash - 1))
        if (const Node* n = g.nodeByName(key.substr(0, slash))) return n;
    return nullptr;
}

}  // namespace

std::string conditionProblem(const LessonCondition& c, const Graph& g) {
    using K = LessonCondition::Kind;
    switch (c.kind) {
    case K::Scalar:
        if (!scalarNode(c.key, g)) return "no node in this graph publishes " + quoted(c.key);
        return {};
    case K::Param: {
        const Node* n = g.nodeByName(c.node);
        if (!n) return "no node named " + quoted(c.node) + " in this graph";
        const NodeSpec* spec = g.spec(n->id);
        if (!spec || !spec->param(c.key)) return quoted(c.node) + " (" + n->type + ") has no parameter " + quoted(c.key);
        return {};
    }
    case K::TypeExists:
        if (!NodeRegistry::instance().find(c.node)) return "there is no node type " + quoted(c.node);
        return {};
    default: return {};
    }
}

ConditionValue evaluateCondition(const LessonCondition& c, const LessonHost& host) {
    ConditionValue v;
    const Graph& g = host.graph();
    v.problem = conditionProblem(c, g);
    if (!v.problem.empty()) {
        v.seen = v.problem;
        return v;
    }
    using K = LessonCondition::Kind;
    switch (c.kind) {
    case K::Steps:
        v.met = compare(double(host.steps()), c.op, c.number);
        v.seen = "step " + std::to_string(host.steps());
        break;
    case K::Finished:
        v.met = host.finished();
        v.seen = v.met ? "finished" : "running";
        break;
    case K::Scalar: {
        const auto scalars = host.scalars();
        const auto it = scalars.find(c.key);
        if (it == scalars.end()) {
            v.seen = c.key + " not measured yet";
        } else {
            v.met = compare(it->second, c.op, c.number);
            v.seen = c.key + " = " + number(it->second);
        }
        break;
    }
    case K::Param: {
        const Node* n = g.nodeByName(c.node);
        const ParamSpec* ps = g.spec(n->id)->param(c.key);
        const ParamValue& value = n->params.get(c.key);
        const bool numeric = ps->type == ParamType::Int || ps->type == ParamType::Float;
        const std::string text = paramToString(value);
        if (numeric) v.met = compare(n->params.getFloat(c.key), c.op, c.number);
        else v.met = (text == c.text) == (c.op == LessonCondition::Op::Eq);
        v.seen = c.node + "." + c.key + " = " + text;
        break;
    }
    case K::NodeExists:
        v.met = (g.nodeByName(c.node) != nullptr) != c.negate;
        v.seen = g.nodeByName(c.node) ? quoted(c.node) + " is there" : quoted(c.node) + " is gone";
        break;
    case K::TypeExists: {
        const auto count = std::count_if(g.nodes().begin(), g.nodes().end(), [&](const Node& n) { return n.type == c.node; });
        v.met = (count > 0) != c.negate;
        v.seen = std::to_string(count) + " node(s) of type " + c.node;
        break;
    }
    }
    return v;
}

LessonRunner::LessonRunner(Lesson lesson, LessonHost& host) : lesson_(std::move(lesson)), host_(host) {}

void LessonRunner::goTo(int index) {
    index = std::clamp(index, 0, count() - 1);
    const bool backwards = index < current_;
    if (playing_) host_.pause();  // a run the step left waiting for its condition stops with it
    playing_ = nullptr;
    current_ = index;
    status_ = {};
    host_.clearHighlights();
    for (const LessonAction& a : step().actions) apply(a, backwards);
    if (step().hasCheck)
        if (const std::string p = conditionProblem(step().check, host_.graph()); !p.empty())
            status_.notes.push_back("the question's check (" + step().check.source + "): " + p);
    poll();
}

bool LessonRunner::next() {
    if (current_ + 1 >= count()) return false;
    goTo(current_ + 1);
    return true;
}

bool LessonRunner::back() {
    if (current_ <= 0) return false;
    goTo(current_ - 1);
    return true;
}

void LessonRunner::note(const LessonAction& a, const std::string& what) {
    status_.notes.push_back("'" + a.source + "': " + what);
}

NodeId LessonRunner::nodeNamed(const std::string& name, const LessonAction& a) {
    if (const Node* n = host_.graph().nodeByName(name)) return n->id;
    note(a, "this graph has no node named " + quoted(name));
    return 0;
}

void LessonRunner::apply(const LessonAction& a, bool showOnly) {
    using K = LessonAction::Kind;
    const bool edits = a.kind == K::OpenExample || a.kind == K::Set || a.kind == K::RemoveNode || a.kind == K::Connect ||
                       a.kind == K::Reset || a.kind == K::PlayUntil;
    if (showOnly && edits) return;
    std::string err;
    switch (a.kind) {
    case K::OpenExample: err = host_.openExample(a.name); break;
    case K::Select:
    case K::HighlightNode:
        if (NodeId id = nodeNamed(a.node, a)) host_.selectNode(id, a.kind == K::HighlightNode);
        break;
    case K::Set: {
        const NodeId id = nodeNamed(a.node, a);
        if (!id) return;
        const ParamSpec* ps = host_.graph().spec(id)->param(a.name);
        if (!ps) {
            note(a, quoted(a.node) + " (" + host_.graph().node(id)->type + ") has no parameter " + quoted(a.name));
            return;
        }
        try {
            err = host_.setParam(id, a.name, lessonParamValue(*ps, a.value));
        } catch (const std::invalid_argument& e) {
            err = e.what();
        }
        break;
    }
    case K::RemoveNode:
        if (NodeId id = nodeNamed(a.node, a)) err = host_.removeNode(id);
        break;
    case K::Connect: {
        const NodeId from = nodeNamed(a.node, a), to = nodeNamed(a.toNode, a);
        if (from && to) err = host_.connect({from, a.name}, {to, a.toPort});
        break;
    }
    case K::Reset: host_.resetRun(); break;
    case K::PlayUntil:
        if (const std::string p = conditionProblem(a.until, host_.graph()); !p.empty()) {
            note(a, p);
            return;
        }
        status_.hasPlay = true;
        status_.playMet = false;
        if (evaluateCondition(a.until, host_).met) break;  // already there: nothing to run
        if (!playing_) host_.play();
        playing_ = &a.until;
        break;
    case K::OpenView:
    case K::HighlightView:
        err = host_.viewProblem(a.name);
        if (err.empty()) host_.showView(a.name, a.kind == K::HighlightView);
        break;
    }
    if (!err.empty()) note(a, err);
}

const StepStatus& LessonRunner::poll() {
    if (current_ < 0) return status_;
    if (status_.hasPlay && !status_.playMet) {
        // a step with several "play until" plays until all of them hold
        bool all = true;
        for (const LessonAction& a : step().actions) {
            if (a.kind != LessonAction::Kind::PlayUntil) continue;
            const ConditionValue v = evaluateCondition(a.until, host_);
            if (all) status_.playSeen = v.seen;  // the first one not met yet (else the last)
            all = all && v.met;
        }
        if (all) status_.playMet = true;  // once reached, the step's run is done
        if (status_.playMet && playing_) {
            host_.pause();
            playing_ = nullptr;
        }
    }
    if (step().hasCheck) {
        const ConditionValue v = evaluateCondition(step().check, host_);
        status_.checkMet = v.met;
        status_.checkSeen = v.seen;
    }
    return status_;
}

void LessonRunner::showAnswer() {
    if (current_ < 0) return;
    host_.beginEdits("Show me: " + step().title);
    for (const LessonAction& a : step().answer) apply(a, false);
    host_.endEdits();
    poll();
}

}  // namespace ganglion
