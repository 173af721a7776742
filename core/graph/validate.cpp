#include "core/graph/validate.h"

#include <algorithm>
#include <map>
#include <set>

namespace ganglion {

namespace {

GraphIssue issue(const Node& n, std::string port, std::string msg) {
    GraphIssue i;
    i.node = n.id;
    i.nodeName = n.name;
    i.port = std::move(port);
    i.message = std::move(msg);
    return i;
}

bool isDelayedEdge(const Graph& g, const Edge& e) {
    const NodeSpec* s = g.spec(e.to.node);
    if (!s) return false;
    int i = s->inputIndex(e.to.port);
    return i >= 0 && s->inputs[i].delayed;
}

}  // namespace

std::vector<NodeId> topologicalOrder(const Graph& g) {
    std::map<NodeId, int> indegree;
    std::map<NodeId, std::vector<NodeId>> next;
    for (const auto& n : g.nodes()) indegree[n.id] = 0;
    for (const auto& e : g.edges()) {
        if (isDelayedEdge(g, e)) continue;
        indegree[e.to.node]++;
        next[e.from.node].push_back(e.to.node);
    }
    // Kahn's algorithm, ready nodes taken in graph order so the order is stable.
    std::vector<NodeId> order;
    std::vector<NodeId> ready;
    for (const auto& n : g.nodes())
        if (indegree[n.id] == 0) ready.push_back(n.id);
    while (!ready.empty()) {
        NodeId id = ready.front();
        ready.erase(ready.begin());
        order.push_back(id);
        for (NodeId m : next[id])
            if (--indegree[m] == 0) ready.push_back(m);
    }
    if (order.size() != g.nodes().size()) return {};
    return order;
}

std::vector<GraphIssue> validateStructure(const Graph& g) {
    std::vector<GraphIssue> out;
    for (const auto& n : g.nodes()) {
        const NodeSpec* s = NodeRegistry::instance().find(n.type);
        if (!s) {
            out.push_back(issue(n, "", "node '" + n.name + "' has unknown type '" + n.type + "'"));
            continue;
        }
        for (const auto& p : s->params) {
            if (!n.params.has(p.name)) {
                out.push_back(issue(n, "", "node '" + n.name + "' is missing parameter '" + p.name + "'"));
            } else if (auto err = p.check(n.params.get(p.name))) {
                out.push_back(issue(n, "", "node '" + n.name + "': " + *err));
            }
        }
        for (const auto& in : s->inputs) {
            if (in.optional) continue;
            if (!g.edgeIntoPort({n.id, in.name}))
                out.push_back(issue(n, in.name, "node '" + n.name + "': required input '" + in.name +
                                                    "' (" + portTypeName(in.type) + ") is not connected"));
        }
    }
    for (const auto& e : g.edges()) {
        const Node* to = g.node(e.to.node);
        const Node* from = g.node(e.from.node);
        if (!to || !from) {
            GraphIssue i;
            i.message = "edge " + std::to_string(e.id) + " refers to a missing node";
            out.push_back(i);
            continue;
        }
        // Re-check port types (a file may have been edited by hand).
        const NodeSpec* sa = g.spec(from->id);
        const NodeSpec* sb = g.spec(to->id);
        if (!sa || !sb) continue;
        int oi = sa->outputIndex(e.from.port), ii = sb->inputIndex(e.to.port);
        if (oi < 0) out.push_back(issue(*from, e.from.port, "node '" + from->name + "' has no output port '" + e.from.port + "'"));
        if (ii < 0) out.push_back(issue(*to, e.to.port, "node '" + to->name + "' has no input port '" + e.to.port + "'"));
        if (oi >= 0 && ii >= 0 && sa->outputs[oi].type != sb->inputs[ii].type)
            out.push_back(issue(*to, e.to.port,
                                std::string("type mismatch: '") + from->name + "." + e.from.port + "' gives " +
                                    portTypeName(sa->outputs[oi].type) + " but '" + to->name + "." +
                                    e.to.port + "' takes " + portTypeName(sb->inputs[ii].type)));
    }
    if (!g.nodes().empty() && topologicalOrder(g).empty()) {
        // Name the nodes on a cycle: those left with in-degree > 0 after peeling sources/sinks.
        std::set<NodeId> alive;
        for (const auto& n : g.nodes()) alive.insert(n.id);
        bool changed = true;
        while (changed) {
            changed = false;
            for (auto it = alive.begin(); it != alive.end();) {
                bool hasIn = false, hasOut = false;
                for (const auto& e : g.edges()) {
                    if (isDelayedEdge(g, e) || !alive.count(e.from.node) || !alive.count(e.to.node)) continue;
                    if (e.to.node == *it) hasIn = true;
                    if (e.from.node == *it) hasOut = true;
                }
                if (!hasIn || !hasOut) {
                    it = alive.erase(it);
                    changed = true;
                } else {
                    ++it;
                }
            }
        }
        std::string names;
        for (NodeId id : alive) names += (names.empty() ? "" : ", ") + ("'" + g.node(id)->name + "'");
        GraphIssue i;
        if (!alive.empty()) {
            const Node* first = g.node(*alive.begin());
            i.node = first->id;
            i.nodeName = first->name;
        }
        i.message = "cycle through " + names +
                    ": none of these node types allows recurrence (only delayed inputs may close a loop)";
        out.push_back(i);
    }
    return out;
}

bool hasErrors(const std::vector<GraphIssue>& issues) {
    return std::any_of(issues.begin(), issues.end(),
                       [](const GraphIssue& i) { return i.severity == GraphIssue::Error; });
}

std::string formatIssues(const std::vector<GraphIssue>& issues) {
    std::string s;
    for (const auto& i : issues) {
        s += (i.severity == GraphIssue::Error ? "error: " : "warning: ") + i.message + "\n";
    }
    return s;
}

}  // namespace ganglion
