#include "core/graph/expand.h"

#include <algorithm>
#include <stdexcept>

namespace ganglion {

bool canExpand(const Graph& g, NodeId id) {
    const NodeSpec* s = g.spec(id);
    return s && s->expand;
}

namespace {

std::string pinText(const Graph& g, const Endpoint& e) {
    const Node* n = g.node(e.node);
    return (n ? n->name : std::string("?")) + "." + e.port;
}

}  // namespace

ExpandRecord expandNode(Graph& g, NodeId id) {
    const Node* node = g.node(id);
    if (!node) throw std::invalid_argument("no node with id " + std::to_string(id));
    const NodeSpec* spec = g.spec(id);
    if (!spec || !spec->expand)
        throw std::invalid_argument("node '" + node->name + "' (" + node->type + ") cannot be expanded");
    Expansion ex;
    try {
        ex = spec->expand(node->params);
    } catch (const std::exception& e) {
        throw std::invalid_argument("cannot expand '" + node->name + "': " + e.what());
    }
    if (ex.parts.empty()) throw std::invalid_argument("expanding '" + node->name + "' gives no parts");

    // Work on a copy; the caller's graph only sees the finished result (or nothing).
    Graph work = g;
    ExpandRecord r;
    r.composite = *node;
    const double x0 = node->x, y0 = node->y;
    for (const Edge& e : g.edges())
        if (e.from.node == id || e.to.node == id) r.removedEdges.push_back(e);
    work.removeNode(id);

    // Make room: everything to the right of the composite moves right by the parts' width.
    constexpr double kCompositeWidth = 160;  // about the canvas width of the node being replaced
    const double shift = std::max(0.0, ex.width - kCompositeWidth);
    if (shift > 0)
        for (const Node& n : g.nodes())
            if (n.id != id && n.x > x0) {
                r.moved.push_back({n.id, n.x, n.y, n.x + shift, n.y});
                work.setPosition(n.id, n.x + shift, n.y);
            }

    std::vector<NodeId> ids;
    for (const auto& part : ex.parts) {
        if (!NodeRegistry::instance().find(part.type))
            throw std::invalid_argument("expansion of '" + node->name + "' uses unknown node type '" + part.type + "'");
        const NodeId pid = work.addNode(part.type, x0 + part.dx, y0 + part.dy);
        for (const auto& [k, v] : part.params.values())
            if (auto err = work.setParam(pid, k, v))
                throw std::invalid_argument("expansion of '" + node->name + "': " + *err);
        // the part's own name; when taken (a second expanded circuit) qualified by the composite's
        // name, then numbered (rename returns the reason when it refuses)
        if (!part.name.empty() && work.rename(pid, part.name) && work.rename(pid, node->name + " " + part.name))
            for (int k = 2; work.rename(pid, part.name + " (" + std::to_string(k) + ")"); ++k)
                continue;
        ids.push_back(pid);
    }
    auto endpoint = [&](const Expansion::Pin& p) {
        if (p.part < 0 || p.part >= int(ids.size()))
            throw std::invalid_argument("expansion of '" + node->name + "' refers to part " + std::to_string(p.part));
        return Endpoint{ids[p.part], p.port};
    };
    auto link = [&](const Endpoint& from, const Endpoint& to) {
        if (auto err = work.canConnect(from, to))
            throw std::invalid_argument("expansion of '" + node->name + "': " + pinText(work, from) + " → " +
                                        pinText(work, to) + ": " + *err);
        r.addedEdges.push_back(*work.edge(work.connect(from, to)));
    };
    for (const auto& l : ex.links) link(endpoint(l.from), endpoint(l.to));
    for (const Edge& e : r.removedEdges) {
        if (e.to.node == id) {
            auto it = ex.inputs.find(e.to.port);
            if (it == ex.inputs.end() || it->second.empty()) {
                r.dropped.push_back(pinText(g, e.from) + " → " + e.to.port);
                continue;
            }
            for (const auto& pin : it->second) link(e.from, endpoint(pin));
        } else {
            auto it = ex.outputs.find(e.from.port);
            if (it == ex.outputs.end()) {
                r.dropped.push_back(e.from.port + " → " + pinText(g, e.to));
                continue;
            }
            link(endpoint(it->second), e.to);
        }
    }
    for (NodeId pid : ids) r.added.push_back(*work.node(pid));

    applyExpand(g, r);
    return r;
}

void applyExpand(Graph& g, const ExpandRecord& r) {
    g.removeNode(r.composite.id);
    for (const auto& m : r.moved) g.setPosition(m.node, m.toX, m.toY);
    for (const Node& n : r.added) g.insertNode(n);
    for (const Edge& e : r.addedEdges) g.insertEdge(e);
}

void revertExpand(Graph& g, const ExpandRecord& r) {
    for (auto it = r.addedEdges.rbegin(); it != r.addedEdges.rend(); ++it) g.disconnect(it->id);
    for (auto it = r.added.rbegin(); it != r.added.rend(); ++it) g.removeNode(it->id);
    for (const auto& m : r.moved) g.setPosition(m.node, m.fromX, m.fromY);
    g.insertNode(r.composite);
    for (const Edge& e : r.removedEdges) g.insertEdge(e);
}

}  // namespace ganglion
