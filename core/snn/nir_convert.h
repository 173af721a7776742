// Conversion between Ganglion graphs of surrogate-gradient layers and NIR graphs.
//
// Export: the chain SpikeEncoder → LIFLayer → … → LIFLayer (readout) becomes
//   Input → Affine → LIF → Affine → … → Affine → LI → Output
// with, for a layer of decay β and threshold θ at step dt:
//   τ = −dt / ln β,  r = 1 / (1 − β),  v_leak = 0,  v_threshold = θ,  v_reset = 0
// so NIR's exact update with the input held over the step, v' = β v + (1 − β) r x, equals the
// layer's U' = β U + W x + b. (The layer resets by subtraction, NIR's LIF to v_reset: a spiking
// layer's dynamics match NIR between spikes.) Data, loss and metric nodes around the chain are
// training scaffolding and are not exported.
// A recurrent layer adds a Linear loop LIF → "<layer>.recurrent" → LIF carrying its recurrent
// weights (a spike reaches the next step's input, as in the layer).
// Import: the reverse mapping for a chain Input → (Affine|Linear → LIF|LI)+ → Output, where a LIF
// may carry one Linear/Affine loop back onto itself (a recurrent layer); any other NIR node type
// or branching is reported by name.
#pragma once

#include "core/graph/graph.h"
#include "core/model/kernel.h"
#include "core/snn/nir.h"

#include <functional>
#include <map>
#include <string>

namespace ganglion::nir {

/// `state` is Engine::saveState() (node name → {"weight", "bias"}). Throws NirError naming the
/// node when the graph has no such chain or a node in it cannot be represented.
Graph exportLifChain(const ganglion::Graph& g, const std::map<std::string, KernelState>& state, double dt);

/// What a NIR export writes for a built graph whose kernels `kernelOf` gives: the NIR graph that
/// a node runs (a GraphHolder: the NIRModel node), written back as read (repairs included), or
/// else exportLifChain(). Throws NirError when more than one node runs a NIR graph.
Graph exportGraph(const ganglion::Graph& g, const std::function<const Kernel*(NodeId)>& kernelOf,
                  const std::map<std::string, KernelState>& state, double dt);

struct ImportedChain {
    ganglion::Graph graph;                        ///< SpikeEncoder + LIFLayer nodes, connected
    std::map<std::string, KernelState> state;     ///< weights for Engine::loadState()
};
ImportedChain importLifChain(const Graph& g, double dt, int steps);

}  // namespace ganglion::nir
