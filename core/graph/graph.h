// The graph model: nodes with typed ports, edges between them, stable ids.
// It is the single source of truth for what the user built; the canvas shows it, the engine
// is built from a copy of it. Observers hear about every change (the app adapts them to Qt).
#pragma once

#include "core/model/node_spec.h"
#include "core/model/params.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ganglion {

using NodeId = std::uint64_t;
using EdgeId = std::uint64_t;

struct Node {
    NodeId id = 0;
    std::string type;  ///< NodeSpec::type
    std::string name;  ///< unique, user-visible ("Dense 2")
    double x = 0, y = 0;  ///< canvas position
    ParamSet params;
    bool operator==(const Node&) const = default;
};

struct Endpoint {
    NodeId node = 0;
    std::string port;
    bool operator==(const Endpoint&) const = default;
};

struct Edge {
    EdgeId id = 0;
    Endpoint from;  ///< an output port
    Endpoint to;    ///< an input port
    bool operator==(const Edge&) const = default;
};

/// Listener for graph changes. All callbacks run after the change is applied.
class GraphObserver {
public:
    virtual ~GraphObserver() = default;
    virtual void nodeAdded(NodeId) {}
    virtual void nodeRemoved(NodeId) {}
    virtual void nodeMoved(NodeId) {}
    virtual void nodeChanged(NodeId, const std::string& /*param*/) {}  ///< param or name
    virtual void edgeAdded(EdgeId) {}
    virtual void edgeRemoved(EdgeId) {}
    virtual void reset() {}  ///< everything replaced (load, clear)
};

/// Document-level settings saved with the graph (JSON "settings").
struct GraphSettings {
    std::string title;        ///< shown in the example gallery / window
    std::string description;  ///< what the example teaches
    std::uint64_t seed = 1;   ///< engine seed: same seed, same results
    int evalEvery = 100;      ///< test evaluation every N training steps (0 = never)
    double dt = 1e-4;         ///< simulation step, seconds (spiking / physics nodes)
    int gridSize = 48;        ///< decision-boundary field resolution
    // Place in the example gallery (bundled examples declare it; own documents leave it empty).
    std::string family;       ///< group, e.g. "Playground", "KAN", "Worm"
    std::string level;        ///< "starter", "intermediate" or "advanced": order within the family
    int order = 0;            ///< families appear in the order of their lowest-ordered example
    /// Pace of a run in the workbench (see core/engine/pace.h): engine steps per wall-clock
    /// second, 0 = as fast as the machine allows. Ignored when realTime is set.
    double stepsPerSecond = 0;
    /// Pace as simulated seconds per wall-clock second (1 = real time: steps x dt advance at the
    /// clock's rate), 0 = not set. For graphs that simulate time; at most one of the two is set.
    double realTime = 0;
    /// The run ends (pauses and says "finished") after this many steps; 0 = no step limit. Nodes
    /// may declare their own end too (Kernel::progress).
    std::uint64_t stopAt = 0;
    /// The metric the document is about ("mean_weight_stdp", or "Node/metric"): the training
    /// curves open on it. "" = chosen from the metrics present.
    std::string watch;
    /// A lesson embedded in the graph file (core/lesson/lesson.h format): a teacher sends one
    /// file holding both. "" = none; written only when set.
    std::string lesson;
    bool operator==(const GraphSettings&) const = default;
};

/// Rank of a gallery level: starter 0, intermediate 1, advanced 2; -1 for anything else.
int galleryLevelRank(const std::string& level);

class Graph {
public:
    Graph() = default;
    Graph(const Graph& other);             ///< copies nodes/edges/ids, not observers
    Graph& operator=(const Graph& other);  ///< same; observers of *this are notified reset()

    /// Add a node of a registered type with default parameters. Throws std::invalid_argument
    /// for an unknown type. A unique name is derived from the spec title.
    NodeId addNode(const std::string& type, double x = 0, double y = 0);
    /// Re-insert a node with a given id (undo, paste, load). Throws if the id is taken or the
    /// type is unknown; missing params get defaults.
    void insertNode(const Node& node);
    /// Removes the node and every edge touching it (returned so undo can restore them).
    std::vector<Edge> removeNode(NodeId id);

    /// Why from→to may not be connected (unknown ports, direction, type mismatch, input already
    /// connected, self loop); nullopt when it may. `replacing`: an edge already into `to` does
    /// not count, as it is about to be replaced (the caller removes it before connecting).
    std::optional<std::string> canConnect(const Endpoint& from, const Endpoint& to, bool replacing = false) const;
    /// Throws std::invalid_argument with canConnect's message when illegal.
    EdgeId connect(const Endpoint& from, const Endpoint& to);
    void insertEdge(const Edge& edge);  ///< with a given id (undo, load)
    void disconnect(EdgeId id);

    /// Validates (ParamSpec::check) and sets; returns the error text instead when invalid.
    std::optional<std::string> setParam(NodeId id, const std::string& name, const ParamValue& v);
    void setPosition(NodeId id, double x, double y);
    /// Fails (returns message) when the name is empty or used by another node.
    std::optional<std::string> rename(NodeId id, const std::string& name);

    const Node* node(NodeId id) const;
    const Node* nodeByName(const std::string& name) const;
    const Edge* edge(EdgeId id) const;
    const std::vector<Node>& nodes() const { return nodes_; }
    const std::vector<Edge>& edges() const { return edges_; }
    std::vector<const Edge*> edgesInto(NodeId id) const;
    std::vector<const Edge*> edgesFrom(NodeId id) const;
    const Edge* edgeIntoPort(const Endpoint& to) const;
    const NodeSpec* spec(NodeId id) const;  ///< nullptr for unknown node

    GraphSettings& settings() { return settings_; }
    const GraphSettings& settings() const { return settings_; }

    void clear();
    bool empty() const { return nodes_.empty(); }
    NodeId nextId() const { return nextId_; }

    void addObserver(GraphObserver* o);
    void removeObserver(GraphObserver* o);

    /// Same nodes (id, type, name, position, params) and edges, in any order.
    bool sameContent(const Graph& other) const;

private:
    std::string uniqueName(const std::string& base) const;
    template <class F> void notify(F f);

    std::vector<Node> nodes_;
    std::vector<Edge> edges_;
    std::uint64_t nextId_ = 1;  // shared by nodes and edges: ids are unique across both
    std::vector<GraphObserver*> observers_;
    GraphSettings settings_;
};

}  // namespace ganglion
