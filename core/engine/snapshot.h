// What the engine publishes for views: an immutable picture of every node's observables after
// some step. Views hold a shared_ptr to the latest one; the engine never waits for them.
#pragma once

#include "core/graph/graph.h"
#include "core/model/cost.h"
#include "core/model/observables.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ganglion {

struct NodeSnapshot {
    NodeId id = 0;
    std::string name;
    std::string type;
    Observables obs;
    NodeCost cost;  ///< per sample (Engine::nodeCost)
};

struct Snapshot {
    std::uint64_t step = 0;       ///< steps completed
    double simTime = 0.0;         ///< simulated seconds (steps x dt)
    std::uint64_t buildId = 0;    ///< changes whenever the engine rebuilt from the graph
    double stepsPerSecond = 0.0;  ///< measured over the last publish interval
    double progress = -1.0;       ///< Engine::progress(): through the run's natural end, <0 = none
    GraphCost cost;               ///< whole graph, per sample (Engine::cost)
    std::vector<NodeSnapshot> nodes;

    const NodeSnapshot* find(NodeId id) const {
        for (const auto& n : nodes)
            if (n.id == id) return &n;
        return nullptr;
    }
    /// First node of the given type (nullptr when none).
    const NodeSnapshot* firstOfType(const std::string& type) const {
        for (const auto& n : nodes)
            if (n.type == type) return &n;
        return nullptr;
    }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace ganglion
