// Graph validation: everything that makes a graph unrunnable, each problem naming the node and
// port. Structural checks here; shape checks come from Kernel::build during Engine::build.
#pragma once

#include "core/graph/graph.h"

#include <string>
#include <vector>

namespace ganglion {

struct GraphIssue {
    enum Severity { Error, Warning } severity = Error;
    NodeId node = 0;        ///< 0 when the graph as a whole is at fault
    std::string nodeName;
    std::string port;       ///< "" when not about one port
    std::string message;    ///< complete sentence naming node and port
};

/// Unknown types, bad parameters, missing required inputs, cycles not broken by a delayed port.
std::vector<GraphIssue> validateStructure(const Graph& g);
/// Node ids in execution order (edges into delayed ports ignored). Empty if cyclic.
std::vector<NodeId> topologicalOrder(const Graph& g);
bool hasErrors(const std::vector<GraphIssue>& issues);
std::string formatIssues(const std::vector<GraphIssue>& issues);

}  // namespace ganglion
