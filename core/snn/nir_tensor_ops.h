// Internal to the NIR implementation (nir*.cpp): geometry and forward pass of the windowed NIR
// nodes (Conv1d, Conv2d, SumPool2d, AvgPool2d), Flatten's output shape, shape inference and the
// endpoints of edges into and out of subgraphs. Tensors are row-major C x L (1-D) or C x H x W
// (2-D), as NumPy.
#pragma once

#include "core/snn/nir.h"

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace ganglion::nir::detail {

std::size_t count(const Dims& d);
/// "[2, 34, 34]"
std::string describe(const Dims& d);

bool isConv(const std::string& type);
bool isPool(const std::string& type);

/// One convolution or pooling window sliding over a C x L or C x H x W input.
struct Window {
    std::size_t dims = 2;  ///< spatial dimensions (1 or 2)
    std::size_t inC = 1, outC = 1, groups = 1;
    std::array<std::size_t, 2> in{1, 1}, k{1, 1}, stride{1, 1}, pad{0, 0}, dil{1, 1}, out{1, 1};
    Dims inShape() const;
    Dims outShape() const;
    /// Multiply-adds of one forward pass (bounded by kMaxOperations before anything runs).
    std::size_t operations() const;
};

/// Geometry of a Conv1d/Conv2d node. `source` is the shape its source delivers, used when the node
/// has no input_shape (nullptr: unknown). Throws NirError with the problem (not the node name).
Window convWindow(const Node& n, const Dims* source);
/// Geometry of a SumPool2d/AvgPool2d node over the C x H x W shape its source delivers.
Window poolWindow(const Node& n, const Dims* source);
/// Geometry of any windowed node (isConv or isPool).
Window window(const Node& n, const Dims* source);

/// y (w.outShape()) = convolution of x (w.inShape()) with the node's weight, plus its bias.
void convolve(const Node& n, const Window& w, const double* x, double* y);
/// y = sum (or average, over the whole kernel including padding) of each window of x.
void pool(bool average, const Window& w, const double* x, double* y);

/// Output shape of a Flatten node (NIR's rule: dims start_dim..end_dim of input_type merged).
Dims flattenShape(const Node& n);

/// "padding" given as "valid" or "same" (NIR writers may store a string): the numeric padding
/// for a convolution node's kernel and dilation. Throws NirError when "same" cannot be expressed
/// as symmetric padding (stride > 1 or an even kernel extent) or the string is neither.
Array paddingFromString(const Node& n, const std::string& padding);

/// Where an edge endpoint lands: `node` is a node of the graph; when it is a NIRGraph, `port` is
/// the Input (endpoint as a target) or Output (as a source) node inside it that the name selects.
struct Endpoint {
    std::string node, port;
};
/// Resolves "x", "G" or "G.x" (see nir.h). Throws NirError saying what is wrong with the name.
Endpoint resolve(const Graph& g, const std::string& name, bool asTarget);

/// Shapes of one graph level: what each node produces and what it takes (for a NIRGraph node,
/// those of its only Output / Input, empty when it has several).
struct Shapes {
    std::map<std::string, Dims> out, in;
    Dims produced(const Graph& g, const Endpoint& e) const;
    Dims taken(const Graph& g, const Endpoint& e) const;
};
/// Throws NirError naming the node ("<prefix>name") whose shape cannot be derived.
Shapes inferShapes(const Graph& g, const std::string& prefix);
/// Values a shape array (Input/Output "shape", Flatten "input_type") describes, as a shape.
Dims declared(const Array& a);

}  // namespace ganglion::nir::detail
