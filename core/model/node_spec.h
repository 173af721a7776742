// A node type, declared once: category, ports, parameters, docs and a kernel factory.
// The registry, palette, inspector, JSON loader and generated docs all read this.
#pragma once

#include "core/model/kernel.h"
#include "core/model/params.h"
#include "core/model/types.h"

#include <functional>
#include <map>
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

/// What a composite node turns into when the user expands it on the canvas (NodeSpec::expand):
/// parts with parameters and offsets from the composite's position, the links between them,
/// and where the composite's outer connections go. Applied by core/graph/expand.h, which keeps
/// the graph unchanged when anything here is inconsistent.
struct Expansion {
    struct Part {
        std::string type;
        std::string name;        ///< preferred name; made unique when taken
        double dx = 0, dy = 0;   ///< offset from the composite node's position
        ParamSet params;         ///< values that differ from the type's defaults
    };
    struct Pin {
        int part = 0;            ///< index into parts
        std::string port;
    };
    struct Link {
        Pin from;                ///< an output of a part
        Pin to;                  ///< an input of a part
    };
    std::vector<Part> parts;
    std::vector<Link> links;
    /// Outer input port -> the part inputs its source then feeds (one source may fan out).
    std::map<std::string, std::vector<Pin>> inputs;
    /// Outer output port -> the part output that takes over its outgoing edges. Outer outputs
    /// absent here lose their edges (reported by expandNode()).
    std::map<std::string, Pin> outputs;
    double width = 0;            ///< horizontal extent of the parts, to make room on the canvas
};

/// The picture a node draws inside itself on the canvas, from what it publishes in its
/// Observables (drawn by widgets/canvas/node_thumbnails.h). When the declared data is absent (not
/// published yet, or not by this configuration of the node) the node falls back to Activations.
enum class Thumbnail : std::uint8_t {
    Activations,  ///< arrays["activations"]: each neuron's field over a 2D data set's plane, else a heat map
    Points,       ///< arrays["train_points"] (3 x n: x, y, label): a 2D data set's points, drawn once per build
    Images,       ///< arrays["images"] (pixels x samples, square images): the first images of the batch
    Trace,        ///< arrays["trace"] (signals x steps, optional "trace_range" lo/hi): recent activity as lines
    SpikeRaster,  ///< extra["spikes"] (snn::SpikeRaster): the recent spikes
};

/// A typical configuration of a node type (NodeSpec::example): what the contract test that every
/// registered type passes (tests/core/tst_node_contract.cpp) builds and feeds it.
struct NodeExample {
    std::vector<std::pair<std::string, ParamValue>> params;  ///< values that differ from the defaults
    /// One shape per input port; empty = derived from the port types (tensor: 4 features,
    /// scalar: 1, spikes: 16 neurons, events: a 32 x 32 sensor).
    std::vector<Shape> inputs;
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
    /// Every name this type publishes in Observables::arrays and ::extra, plus the scalars views
    /// look for (e.g. "loss", "weight_sparsity"); a trailing '*' stands for a family of names
    /// ("weights_*": one array per plastic projection). Views declare the names they consume and
    /// the main window brings up the views a document's node types feed, so a new type that
    /// publishes "spikes" gets the spike views with no view edited. tst_node_observables checks
    /// that what kernels publish is listed here.
    std::vector<std::string> observables;
    /// Observables that feed views only while a boolean parameter is on: observable → parameter.
    /// A LIF layer lists "tau" with "learn_beta", so the time-constant view comes up for layers that
    /// learn their time constants and not for every fixed-β layer.
    std::map<std::string, std::string> observableWhen;
    Thumbnail thumbnail = Thumbnail::Activations;  ///< what the node draws on the canvas
    std::function<std::unique_ptr<Kernel>()> create;
    /// Composite types only: the parts this node expands into for the node's parameters
    /// (throw std::invalid_argument naming a parameter that prevents it). Empty = not expandable.
    std::function<Expansion(const ParamSet&)> expand;
    std::string expandLabel;  ///< menu text, e.g. "Expand to neurons"
    /// The kernel advances simulated time by the graph's dt every step (spiking populations,
    /// bodies, event streams), so a graph holding it can run at "real time" (core/engine/pace.h).
    bool timed = false;
    /// Optional, instead of `timed`: the parameter (in seconds) by which the kernel advances
    /// simulated time each step (a swimmer's control_dt). A graph whose dt equals it can run at
    /// "real time"; one whose dt differs counts in steps/s, since its clock would be wrong.
    std::string stepSecondsParam;
    /// The kernel understands sequences (Shape::steps > 0) itself: it receives its inputs' shapes
    /// and tensors as they are ((steps·features) x batch) and declares its outputs' steps. A type
    /// without it (the default) is applied to every step by the engine: its build() sees per-step
    /// shapes (steps = 0), its forward/backward see features x (steps·batch) tensors (a plain
    /// reshape, no copy; a non-sequence Tensor input beside sequence ones is repeated over the
    /// steps), and its Tensor outputs become sequences of the inputs' length.
    bool sequenceAware = false;
    /// Optional: a typical configuration, for types whose defaults or port types alone do not
    /// make a runnable node (a file to read, inputs of a particular width, labels). `dir` is a
    /// writable folder: types that read files write a small valid one there with the project's
    /// own writers and name it in the returned parameters.
    std::function<NodeExample(const std::string& dir)> example;

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
