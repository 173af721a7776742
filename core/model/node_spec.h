// A node type, declared once: category, ports, parameters, docs and a kernel factory.
// The registry, palette, inspector, JSON loader and generated docs all read this.
#pragma once

#include "core/model/kernel.h"
#include "core/model/params.h"
#include "core/model/types.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ganglion {

struct PortSpec {
    std::string name;
    PortType type = PortType::Tensor;
    std::string help;
    bool optional = false;  ///< inputs only: may stay unconnected
    /// inputs only: the edge delivers the source's value from the previous step, so a cycle
    /// through this port is legal recurrence (validation rejects any other cycle).
    bool delayed = false;
};

enum class NodeRole : std::uint8_t {
    Plain,
    Source,  ///< data set / generator: produces data from its parameters
    Loss,    ///< objective: training back-propagates from here, its params choose the optimiser
    Sink,    ///< readout / metric without outputs
};

struct NodeSpec {
    std::string type;       ///< stable id used in JSON, e.g. "Dense"
    std::string title;      ///< shown on the canvas, e.g. "Dense layer"
    std::string category;   ///< palette group, e.g. "Layers"
    std::string help;       ///< what it computes
    std::string reference;  ///< paper/source this follows, "" when none applies
    NodeRole role = NodeRole::Plain;
    std::vector<PortSpec> inputs;
    std::vector<PortSpec> outputs;
    std::vector<ParamSpec> params;
    std::function<std::unique_ptr<Kernel>()> create;

    const ParamSpec* param(const std::string& name) const;
    int inputIndex(const std::string& name) const;   ///< -1 if absent
    int outputIndex(const std::string& name) const;  ///< -1 if absent
};

/// All node types. Filled once from core/nodes/node_list.h (one line per node type).
class NodeRegistry {
public:
    static const NodeRegistry& instance();
    const NodeSpec* find(const std::string& type) const;
    const std::vector<NodeSpec>& all() const { return specs_; }
    std::vector<std::string> categories() const;
    /// Markdown reference of every node type, generated from the specs.
    std::string markdownReference() const;

    void add(NodeSpec spec);  ///< used while filling; throws on duplicate type

private:
    std::vector<NodeSpec> specs_;
};

}  // namespace ganglion
