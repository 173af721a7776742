// Nested NIR graphs: edge endpoints into and out of subgraphs, inlining, and the repair of edges
// that name a node by a shorter name (see nir.h).
#include "core/snn/nir.h"

#include "core/snn/nir_tensor_ops.h"

#include <set>

namespace ganglion::nir {

namespace detail {

namespace {

/// The only node of `type` inside subgraph `name`, or an error asking for an explicit port.
std::string onlyPort(const Graph& sub, const std::string& name, const char* type, const char* direction) {
    std::string found;
    int k = 0;
    for (const auto& [inner, m] : sub.nodes)
        if (m.type == type) found = inner, ++k;
    if (k != 1)
        throw NirError("subgraph '" + name + "' has " + std::to_string(k) + " " + type + " nodes; an edge " + direction +
                       " it must name one as '" + name + ".<" + (std::string(type) == "Input" ? "input" : "output") + ">'");
    return found;
}

}  // namespace

Endpoint resolve(const Graph& g, const std::string& name, bool asTarget) {
    const char* type = asTarget ? "Input" : "Output";
    auto it = g.nodes.find(name);
    if (it != g.nodes.end()) {
        if (it->second.type != "NIRGraph" || it->second.subgraph.size() != 1) return {name, ""};
        return {name, onlyPort(it->second.subgraph[0], name, type, asTarget ? "into" : "out of")};
    }
    // "G.x": the longest prefix naming a subgraph, the rest one of its Input (Output) nodes.
    for (std::size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0; dot = name.rfind('.', dot - 1)) {
        auto sub = g.nodes.find(name.substr(0, dot));
        if (sub == g.nodes.end() || sub->second.type != "NIRGraph" || sub->second.subgraph.size() != 1) continue;
        const std::string port = name.substr(dot + 1);
        auto p = sub->second.subgraph[0].nodes.find(port);
        if (p == sub->second.subgraph[0].nodes.end())
            throw NirError("subgraph '" + sub->first + "' has no node '" + port + "'");
        if (p->second.type != type)
            throw NirError("'" + name + "' is a " + p->second.type + "; an edge " + (asTarget ? "into" : "out of") +
                           " a subgraph goes through one of its " + type + " nodes");
        return {sub->first, port};
    }
    throw NirError(std::string("unknown ") + (asTarget ? "target" : "source") + " node '" + name + "'");
}

}  // namespace detail

namespace {

/// Whether an edge end `name` of graph g names one of its nodes, directly or as "G.port".
bool namesNode(const Graph& g, const std::string& name) {
    if (g.nodes.count(name)) return true;
    for (std::size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0; dot = name.rfind('.', dot - 1))
        if (g.nodes.count(name.substr(0, dot))) return true;
    return false;
}

void repairLevel(Graph& g, const std::string& where, int depth, std::vector<std::string>& notes) {
    if (depth > kMaxDepth) return;  // validate() reports the depth
    for (auto& [name, n] : g.nodes)
        if (n.type == "NIRGraph" && n.subgraph.size() == 1)
            repairLevel(n.subgraph[0], "subgraph '" + (where.empty() ? name : where + "." + name) + "'", depth + 1, notes);
    std::set<std::string> unknown, named;
    for (const auto& [a, b] : g.edges)
        for (const std::string* end : {&a, &b}) {
            if (!namesNode(g, *end)) unknown.insert(*end);
            named.insert(end->substr(0, end->find('.')));
            named.insert(*end);
        }
    std::map<std::string, std::string> as;
    std::set<std::string> taken;
    for (const std::string& u : unknown) {
        std::vector<std::string> fits;
        for (const auto& [name, n] : g.nodes)
            if (!named.count(name) && name.size() > u.size() && name.compare(0, u.size(), u) == 0) fits.push_back(name);
        if (fits.size() != 1 || !taken.insert(fits[0]).second) continue;
        as[u] = fits[0];
    }
    for (const auto& [u, name] : as) {
        int k = 0;
        for (auto& [a, b] : g.edges) {
            if (a == u) a = name, ++k;
            if (b == u) b = name, ++k;
        }
        notes.push_back((where.empty() ? std::string("the graph") : where) + ": " + std::to_string(k) + " edge end" +
                        (k == 1 ? "" : "s") + " named '" + u + "', which is no node; read as '" + name +
                        "', the only node no edge names whose name begins with '" + u + "'");
    }
}

}  // namespace

std::vector<std::string> repairEdgeNames(Graph& g) {
    std::vector<std::string> notes;
    repairLevel(g, "", 0, notes);
    return notes;
}

Graph flatten(const Graph& g) {
    Graph f;
    f.version = g.version;
    auto add = [&](const std::string& name, Node n) {
        if (!f.nodes.emplace(name, std::move(n)).second)
            throw NirError("NIR: inlining subgraphs gives two nodes named '" + name + "'");
    };
    for (const auto& [name, n] : g.nodes) {
        if (n.type != "NIRGraph") {
            add(name, n);
            continue;
        }
        const Graph inner = flatten(n.subgraph.at(0));
        for (const auto& [iname, in] : inner.nodes) {
            if (in.type == "Input" || in.type == "Output") {
                // An identity with the declared shape, so edges through it keep their meaning.
                const Dims shape = detail::declared(in.params.at("shape"));
                Array one = Array::filled(detail::count(shape), 1.0);
                one.shape = shape.empty() ? Dims{1} : shape;
                add(name + "." + iname, Node{"Scale", {{"scale", one}}, {}});
            } else {
                add(name + "." + iname, in);
            }
        }
        for (const auto& [a, b] : inner.edges) f.edges.emplace_back(name + "." + a, name + "." + b);
    }
    for (const auto& [a, b] : g.edges) {
        const detail::Endpoint from = detail::resolve(g, a, false), to = detail::resolve(g, b, true);
        f.edges.emplace_back(from.port.empty() ? from.node : from.node + "." + from.port,
                             to.port.empty() ? to.node : to.node + "." + to.port);
    }
    return f;
}

}  // namespace ganglion::nir
