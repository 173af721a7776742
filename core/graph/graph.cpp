#include "core/graph/graph.h"

#include <algorithm>
#include <stdexcept>

namespace ganglion {

Graph::Graph(const Graph& other)
    : nodes_(other.nodes_), edges_(other.edges_), nextId_(other.nextId_), settings_(other.settings_) {}

Graph& Graph::operator=(const Graph& other) {
    if (this == &other) return *this;
    nodes_ = other.nodes_;
    edges_ = other.edges_;
    nextId_ = other.nextId_;
    settings_ = other.settings_;
    notify([](GraphObserver* o) { o->reset(); });
    return *this;
}

template <class F>
void Graph::notify(F f) {
    auto copy = observers_;  // observers may unregister while being notified
    for (auto* o : copy) f(o);
}

void Graph::addObserver(GraphObserver* o) {
    if (std::find(observers_.begin(), observers_.end(), o) == observers_.end()) observers_.push_back(o);
}
void Graph::removeObserver(GraphObserver* o) {
    observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
}

std::string Graph::uniqueName(const std::string& base) const {
    if (!nodeByName(base)) return base;
    for (int i = 2;; ++i) {
        std::string n = base + " " + std::to_string(i);
        if (!nodeByName(n)) return n;
    }
}

NodeId Graph::addNode(const std::string& type, double x, double y) {
    const NodeSpec* spec = NodeRegistry::instance().find(type);
    if (!spec) throw std::invalid_argument("unknown node type '" + type + "'");
    Node n;
    n.id = nextId_++;
    n.type = type;
    n.name = uniqueName(spec->title);
    n.x = x;
    n.y = y;
    n.params = ParamSet::defaults(spec->params);
    nodes_.push_back(std::move(n));
    NodeId id = nodes_.back().id;
    notify([id](GraphObserver* o) { o->nodeAdded(id); });
    return id;
}

void Graph::insertNode(const Node& node) {
    const NodeSpec* spec = NodeRegistry::instance().find(node.type);
    if (!spec) throw std::invalid_argument("unknown node type '" + node.type + "'");
    if (node.id == 0 || this->node(node.id) || edge(node.id))
        throw std::invalid_argument("node id " + std::to_string(node.id) + " is already in use");
    Node n = node;
    ParamSet full = ParamSet::defaults(spec->params);
    for (const auto& [k, v] : node.params.values()) full.set(k, v);
    n.params = full;
    if (n.name.empty() || nodeByName(n.name)) n.name = uniqueName(n.name.empty() ? spec->title : n.name);
    nodes_.push_back(std::move(n));
    nextId_ = std::max<std::uint64_t>(nextId_, node.id + 1);
    NodeId id = node.id;
    notify([id](GraphObserver* o) { o->nodeAdded(id); });
}

std::vector<Edge> Graph::removeNode(NodeId id) {
    std::vector<Edge> removed;
    for (const auto& e : edges_)
        if (e.from.node == id || e.to.node == id) removed.push_back(e);
    for (const auto& e : removed) disconnect(e.id);
    auto it = std::find_if(nodes_.begin(), nodes_.end(), [id](const Node& n) { return n.id == id; });
    if (it != nodes_.end()) {
        nodes_.erase(it);
        notify([id](GraphObserver* o) { o->nodeRemoved(id); });
    }
    return removed;
}

int galleryLevelRank(const std::string& level) {
    if (level == "starter") return 0;
    if (level == "intermediate") return 1;
    if (level == "advanced") return 2;
    return -1;
}

std::optional<std::string> Graph::canConnect(const Endpoint& from, const Endpoint& to, bool replacing) const {
    const Node* a = node(from.node);
    const Node* b = node(to.node);
    if (!a || !b) return std::string("connection refers to a node that does not exist");
    const NodeSpec* sa = spec(a->id);
    const NodeSpec* sb = spec(b->id);
    if (!sa || !sb) return std::string("connection refers to a node of unknown type");
    int oi = sa->outputIndex(from.port);
    if (oi < 0) {
        if (sa->inputIndex(from.port) >= 0)
            return "'" + a->name + "." + from.port + "' is an input; connect from an output port";
        return "node '" + a->name + "' has no output port '" + from.port + "'";
    }
    int ii = sb->inputIndex(to.port);
    if (ii < 0) {
        if (sb->outputIndex(to.port) >= 0)
            return "'" + b->name + "." + to.port + "' is an output; connect to an input port";
        return "node '" + b->name + "' has no input port '" + to.port + "'";
    }
    if (a->id == b->id && !sb->inputs[ii].delayed)
        return "cannot connect node '" + a->name + "' to itself";
    PortType ta = sa->outputs[oi].type, tb = sb->inputs[ii].type;
    if (ta != tb)
        return std::string("type mismatch: '") + a->name + "." + from.port + "' gives " +
               portTypeName(ta) + " but '" + b->name + "." + to.port + "' takes " + portTypeName(tb);
    if (!replacing && edgeIntoPort(to)) return "input '" + b->name + "." + to.port + "' is already connected";
    return std::nullopt;
}

EdgeId Graph::connect(const Endpoint& from, const Endpoint& to) {
    if (auto err = canConnect(from, to)) throw std::invalid_argument(*err);
    Edge e{nextId_++, from, to};
    edges_.push_back(e);
    notify([&](GraphObserver* o) { o->edgeAdded(e.id); });
    return e.id;
}

void Graph::insertEdge(const Edge& e) {
    if (e.id == 0 || node(e.id) || edge(e.id))
        throw std::invalid_argument("edge id " + std::to_string(e.id) + " is already in use");
    if (auto err = canConnect(e.from, e.to)) throw std::invalid_argument(*err);
    edges_.push_back(e);
    nextId_ = std::max<std::uint64_t>(nextId_, e.id + 1);
    notify([&](GraphObserver* o) { o->edgeAdded(e.id); });
}

void Graph::disconnect(EdgeId id) {
    auto it = std::find_if(edges_.begin(), edges_.end(), [id](const Edge& e) { return e.id == id; });
    if (it == edges_.end()) return;
    edges_.erase(it);
    notify([id](GraphObserver* o) { o->edgeRemoved(id); });
}

std::optional<std::string> Graph::setParam(NodeId id, const std::string& name, const ParamValue& v) {
    auto it = std::find_if(nodes_.begin(), nodes_.end(), [id](const Node& n) { return n.id == id; });
    if (it == nodes_.end()) return std::string("no node with id ") + std::to_string(id);
    const NodeSpec* s = NodeRegistry::instance().find(it->type);
    const ParamSpec* ps = s ? s->param(name) : nullptr;
    if (!ps) return "node '" + it->name + "' has no parameter '" + name + "'";
    if (auto err = ps->check(v)) return "node '" + it->name + "': " + *err;
    it->params.set(name, *ps->coerce(v));
    notify([&](GraphObserver* o) { o->nodeChanged(id, name); });
    return std::nullopt;
}

void Graph::setPosition(NodeId id, double x, double y) {
    for (auto& n : nodes_)
        if (n.id == id) {
            n.x = x;
            n.y = y;
            notify([id](GraphObserver* o) { o->nodeMoved(id); });
            return;
        }
}

std::optional<std::string> Graph::rename(NodeId id, const std::string& name) {
    if (name.empty()) return std::string("a node name cannot be empty");
    const Node* other = nodeByName(name);
    if (other && other->id != id) return "another node is already named '" + name + "'";
    for (auto& n : nodes_)
        if (n.id == id) {
            n.name = name;
            notify([id](GraphObserver* o) { o->nodeChanged(id, ""); });
            return std::nullopt;
        }
    return std::string("no node with id ") + std::to_string(id);
}

const Node* Graph::node(NodeId id) const {
    for (const auto& n : nodes_)
        if (n.id == id) return &n;
    return nullptr;
}
const Node* Graph::nodeByName(const std::string& name) const {
    for (const auto& n : nodes_)
        if (n.name == name) return &n;
    return nullptr;
}
const Edge* Graph::edge(EdgeId id) const {
    for (const auto& e : edges_)
        if (e.id == id) return &e;
    return nullptr;
}
std::vector<const Edge*> Graph::edgesInto(NodeId id) const {
    std::vector<const Edge*> out;
    for (const auto& e : edges_)
        if (e.to.node == id) out.push_back(&e);
    return out;
}
std::vector<const Edge*> Graph::edgesFrom(NodeId id) const {
    std::vector<const Edge*> out;
    for (const auto& e : edges_)
        if (e.from.node == id) out.push_back(&e);
    return out;
}
const Edge* Graph::edgeIntoPort(const Endpoint& to) const {
    for (const auto& e : edges_)
        if (e.to == to) return &e;
    return nullptr;
}
const NodeSpec* Graph::spec(NodeId id) const {
    const Node* n = node(id);
    return n ? NodeRegistry::instance().find(n->type) : nullptr;
}

void Graph::clear() {
    nodes_.clear();
    edges_.clear();
    nextId_ = 1;
    settings_ = {};
    notify([](GraphObserver* o) { o->reset(); });
}

bool Graph::sameContent(const Graph& other) const {
    if (nodes_.size() != other.nodes_.size() || edges_.size() != other.edges_.size()) return false;
    if (!(settings_ == other.settings_)) return false;
    for (const auto& n : nodes_) {
        const Node* m = other.node(n.id);
        if (!m || !(*m == n)) return false;
    }
    for (const auto& e : edges_) {
        const Edge* f = other.edge(e.id);
        if (!f || !(*f == e)) return false;
    }
    return true;
}

}  // namespace ganglion
