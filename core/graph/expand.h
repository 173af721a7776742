// Expanding a composite node (one whose NodeSpec has `expand`) into its parts, in place, and
// undoing that exactly. The record holds every id, so replaying it reproduces the same graph.
#pragma once

#include "core/graph/graph.h"

#include <string>
#include <vector>

namespace ganglion {

struct ExpandRecord {
    struct Move {
        NodeId node = 0;
        double fromX = 0, fromY = 0, toX = 0, toY = 0;
    };
    Node composite;                  ///< the node that was replaced
    std::vector<Edge> removedEdges;  ///< its edges, as they were
    std::vector<Node> added;         ///< the parts, with their final ids, names and params
    std::vector<Edge> addedEdges;    ///< internal links and re-routed outer connections
    std::vector<Move> moved;         ///< nodes shifted right to make room for the parts
    /// Outer connections with no counterpart among the parts, one line each ("activity → Plot.in").
    std::vector<std::string> dropped;
};

/// Whether the node's type can be expanded.
bool canExpand(const Graph& g, NodeId id);

/// Replaces node `id` by its parts (NodeSpec::expand for its current parameters), re-routes its
/// outer connections and shifts the nodes to its right by the parts' width. Throws
/// std::invalid_argument naming the problem (unknown node, not expandable, an inconsistent
/// expansion, a parameter that prevents it); the graph is unchanged when it throws.
ExpandRecord expandNode(Graph& g, NodeId id);

/// Re-applies a record made by expandNode() on the graph as it was before (redo).
void applyExpand(Graph& g, const ExpandRecord& r);
/// Restores the graph as it was before the record was applied (undo).
void revertExpand(Graph& g, const ExpandRecord& r);

}  // namespace ganglion
