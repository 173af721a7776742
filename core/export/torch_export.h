// Export of a trainable graph to PyTorch, and its trained weights back (issue #20).
//
// exportTorch() turns a built engine's graph into three files for a folder:
//  - model.py: one class per node type (from each kernel's TorchExportable hook,
//    core/export/torch_module.h) and `Model(nn.Module)` whose attributes are the graph's nodes
//    (names sanitised to identifiers, see torchAttributes()); forward(x) returns every node's
//    output by attribute name. It also holds what training needs: LOSSES (each Loss node's
//    objective, optimiser, learning rate, momentum, weight decay and the modules it trains),
//    BATCH_SIZE and load_data() from the graph's data source, and helpers (load_weights,
//    make_optimizers, loss_value, project).
//  - weights.npz: the state dict ("<attribute>.<tensor>"), float32; data.npz when the data source
//    hands its data set over (generated sets), else load_data() reads it from where the source does.
//  - train.py: trains Model on the data set with the graph's optimisers, on one process or under
//    `torchrun --nproc_per_node=N` (DistributedDataParallel, DistributedSampler, gloo), writing
//    checkpoints as state dicts (.pt) and .npz copies Ganglion imports (importTorchWeights()).
// Refused, with a std::runtime_error naming the node and its type: nodes without a PyTorch
// equivalent, graphs with no or several data sources, losses whose optimiser PyTorch lacks
// (eg, classp, lbfgs) or that use continual learning, modules two losses share.
#pragma once

#include "core/engine/engine.h"
#include "core/io/npz.h"

#include <map>
#include <string>
#include <vector>

namespace ganglion {

struct TorchExport {
    std::string modelPy, trainPy;
    io::NpzArrays weights;  ///< state dict, "<attribute>.<tensor>"
    io::NpzArrays data;     ///< data.npz (empty when the loader reads the data set elsewhere)
    /// What PyTorch training will not reproduce, "<node>: <what>" (also listed in model.py).
    std::vector<std::string> notes;
};

/// Node id → Python attribute name for every node of `g` other than data sources and losses
/// (identifiers made from the names, unique, never a Python keyword or an nn.Module member).
std::map<NodeId, std::string> torchAttributes(const Graph& g);

/// The export of the engine's graph (the engine must be built: ok()). Throws std::runtime_error.
TorchExport exportTorch(const Engine& engine);
/// Writes model.py, train.py, weights.npz (and data.npz) into `dir`, creating it. Throws
/// std::runtime_error naming the file that could not be written.
void writeTorchExport(const TorchExport& x, const std::string& dir);

/// The learned state, by node name, that a state dict of an exported model gives the engine's
/// graph. Every missing, extra or mis-shaped tensor is named, one per line, in the
/// std::runtime_error thrown; the engine is not touched.
std::map<std::string, KernelState> stateFromTorch(const Engine& engine, const std::map<std::string, io::NpyArray>& tensors);
/// Reads an .npz state dict and loads it into the engine, all or nothing (on any error the
/// engine keeps its state and the error names what is wrong). The optimisers then restart (their
/// moments belonged to the weights that were replaced). Returns the nodes loaded.
std::vector<std::string> importTorchWeights(Engine& engine, const std::string& npzPath);

}  // namespace ganglion
