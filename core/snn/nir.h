// NIR (Neuromorphic Intermediate Representation) interchange: an in-memory graph, HDF5 read and
// write with NIR's layout, validation, and a reference simulator.
//
// File layout (as written by NIR's Python package):
//   /version                      string dataset, e.g. "1.0"
//   /node/type                    "NIRGraph"
//   /node/nodes/<name>/type       string dataset: node type
//   /node/nodes/<name>/<param>    numeric datasets (float32 arrays; Flatten's dims int64)
//   /node/edges                   N x 2 string dataset (source, target); a group with "src" and
//                                 "dst" string datasets is accepted on import too
//   Nested graphs: a node of type "NIRGraph" is a group of the same layout (type, nodes, edges).
// Supported node types and parameters (shapes: n = neurons, W is out x in; tensors are row-major
// C x L or C x H x W as in NumPy):
//   Input(shape) Output(shape) Affine(weight, bias) Linear(weight) Scale(scale)
//   Threshold(threshold) Flatten(start_dim, end_dim, input_type) Delay(delay, in seconds)
//   LIF(tau, r, v_leak, v_threshold[, v_reset]) CubaLIF(tau_syn, tau_mem, r, v_leak,
//   v_threshold[, v_reset, w_in]) CubaLI(tau_syn, tau_mem, r, v_leak[, w_in]) LI(tau, r, v_leak)
//   IF(r, v_threshold[, v_reset])
//   I (integrator; "Integrator" accepted on import) (r)
//   Conv1d / Conv2d(weight Cout x Cin/groups x K[ x K], bias Cout, stride, padding, dilation,
//     groups[, input_shape L or H,W]; without input_shape the source's shape is used; padding
//     "valid"/"same" strings are turned into numbers on import)
//   SumPool2d / AvgPool2d(kernel_size, stride, padding) (input shape from the source, C x H x W)
//   NIRGraph (nested subgraph with its own Input/Output nodes). An edge to "G" enters subgraph G
//     through its only Input, "G.x" through its Input x; an edge from "G" / "G.y" leaves through
//     its only Output / its Output y. The simulator inlines subgraphs, naming their nodes "G.x".
// These are all of NIR's primitives. Element-wise nodes (neurons, Scale, Threshold, Delay) whose
// parameters are all scalars take the shape of their source. Any other node type is rejected on import with its node path and type;
// nothing is skipped silently.
#pragma once

#include "core/io/helper_process.h"

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ganglion::nir {

struct NirError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Most values a parameter may hold, the largest dimension of any shape and the most values all
/// nodes of a graph may produce together: validate() refuses more, so a file cannot make the
/// simulator allocate without bound.
inline constexpr std::size_t kMaxValues = std::size_t(1) << 24;
/// Most multiply-adds one simulation step of a graph may need (convolutions, pooling, Affine and
/// Linear together), and the deepest nesting of subgraphs: validate() refuses more, so a file
/// cannot make a step run practically forever.
inline constexpr std::size_t kMaxOperations = std::size_t(1) << 26;
inline constexpr int kMaxDepth = 16;

/// A tensor shape (row-major).
using Dims = std::vector<std::size_t>;

/// A numeric array (row-major, NumPy order).
struct Array {
    std::vector<double> data;
    std::vector<std::size_t> shape;
    bool integer = false;  ///< written as int64 (Flatten dims, shapes)

    static Array vector(std::vector<double> v);
    static Array matrix(std::size_t rows, std::size_t cols, std::vector<double> rowMajor);
    static Array ints(std::vector<double> v);
    static Array filled(std::size_t n, double value);
    std::size_t size() const { return data.size(); }
    double operator[](std::size_t i) const { return data[i]; }
    bool operator==(const Array&) const = default;
};

struct Graph;

struct Node {
    std::string type;
    std::map<std::string, Array> params;
    std::vector<Graph> subgraph;  ///< a NIRGraph node's graph (exactly one); empty otherwise
    bool operator==(const Node&) const;
};

struct Graph {
    std::string version = "1.0";  ///< written for the top-level graph only
    std::map<std::string, Node> nodes;
    std::vector<std::pair<std::string, std::string>> edges;
    /// What reading the file repaired (see repairEdgeNames), one sentence each, for the user to
    /// see; neither written nor compared.
    std::vector<std::string> notes;
    bool operator==(const Graph& o) const { return version == o.version && nodes == o.nodes && edges == o.edges; }
};

inline bool Node::operator==(const Node&) const = default;

const std::vector<std::string>& supportedTypes();

/// Checks types, required parameters, parameter shapes (every dimension and element count at most
/// kMaxValues; Input/Output shapes and Flatten's input_type whole numbers ≥ 0; convolution and
/// pooling geometry), subgraphs recursively (at most kMaxDepth deep), the graph's total size (at
/// most kMaxValues values, kMaxOperations multiply-adds per step) and edges; throws NirError
/// naming the node by its path ("G.x" inside subgraph G) and the problem.
void validate(const Graph& g);
/// Number of elements a node produces (throws NirError when it cannot be derived).
std::size_t outputSize(const Graph& g, const std::string& node);
/// Output shape of every node of the graph (not of nodes inside subgraphs; a subgraph node has the
/// shape of its only Output). Throws NirError when a shape cannot be derived.
std::map<std::string, Dims> outputShapes(const Graph& g);
/// The graph with every subgraph inlined: inner nodes are named "G.x"; a subgraph's Input and
/// Output nodes become identity nodes (Scale by 1) so edges through them keep their meaning.
Graph flatten(const Graph& g);

void write(const Graph& g, const std::string& path);

/// Repairs edges that name a node by a shorter name than it has, which some NIR writers produce
/// (the paper folder's `03_rnn/extras/*_subgraph.nir`: subgraph `lif1` holds node `lif1`, its
/// edges say `lif`). In each graph and subgraph, an edge end naming no node is read as the one node
/// that no edge names and whose name begins with it; when there is no such node or more than one,
/// nothing changes and validate() reports the edge. Returns one note per repaired name, naming
/// where ("subgraph 'lif1'"), what the edges said and what they are read as.
std::vector<std::string> repairEdgeNames(Graph& g);

/// Reads and validates a NIR file in a helper process (`ganglion-h5-reader`, see
/// core/helper/), so a corrupt or hostile file cannot crash, hang or exhaust the caller: libhdf5
/// is not hardened against such files. Every failure throws NirError starting with the path;
/// a file that cannot be parsed says "not a valid NIR file" and the reason when known (also when
/// the reader crashed, ran out of its memory limit or was stopped at the time limit). A missing
/// helper executable is reported as such. Edge names are repaired first (repairEdgeNames; the
/// notes are in Graph::notes). This is what the NIRModel node and the GUI import use.
Graph read(const std::string& path);
/// The same with explicit limits (wall-clock timeout, memory).
Graph read(const std::string& path, const io::HelperLimits& limits);
/// Parses the file in the calling process, without any isolation: a hostile file can crash or
/// hang the caller. Only for the helper process itself and for fuzzing the parser.
Graph readInProcess(const std::string& path);

/// Implemented by a kernel that runs a NIR graph (the NIRModel node), so that exporting the graph
/// it belongs to writes that NIR graph back (see nir::exportGraph in nir_convert.h).
class GraphHolder {
public:
    virtual ~GraphHolder() = default;
    /// The graph being run; null before the kernel is built.
    virtual const Graph* nirGraph() const = 0;
};

/// Lossless binary form of a graph and its notes, used between the helper process and the caller.
std::string serialize(const Graph& g);
/// Inverse of serialize(); throws NirError on malformed or truncated input.
Graph deserialize(const std::string& bytes);

/// Discrete-time reference simulation of a validated graph with step dt (subgraphs inlined, see
/// flatten()). Each step every Input takes the vector given for it; nodes are evaluated in
/// topological order (edges closing a cycle deliver the previous step's value); neuron states are
/// integrated exactly with their input held over the step; a Delay of d seconds outputs its input
/// of round(d / dt) steps before (its buffers may hold at most kMaxValues values together).
class Simulator {
public:
    Simulator(const Graph& g, double dt);
    /// Runs one step; `inputs` maps Input node names to vectors of their size.
    void step(const std::map<std::string, std::vector<double>>& inputs);
    const std::vector<double>& output(const std::string& node) const;
    /// Names of spiking nodes (LIF, CubaLIF, IF, Threshold), inner ones as "G.x".
    std::vector<std::string> spikingNodes() const;
    void reset();

private:
    struct DelayLine {
        std::vector<std::size_t> lag;  ///< steps per element
        std::size_t length = 1, pos = 0;  ///< ring length (longest lag + 1), write position
        std::vector<double> ring;      ///< length x elements
    };
    Graph g_;  ///< flattened
    double dt_;
    std::vector<std::string> order_;
    std::map<std::string, std::vector<std::string>> sources_;
    std::map<std::string, Dims> shape_, inShape_;
    std::map<std::string, std::vector<double>> out_, v_, isyn_;
    std::map<std::string, DelayLine> delay_;
};

}  // namespace ganglion::nir
