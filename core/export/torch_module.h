// The PyTorch export hooks a kernel opts into (core/export/torch_export.h writes model.py,
// weights.npz and train.py from them). A kernel type with an exact PyTorch equivalent also derives
// from TorchExportable; a data source the exported train.py can read derives from TorchDataSource.
// The export asks each node's kernel by dynamic_cast and refuses, naming the node and its type,
// any kernel that has neither — nothing is dropped silently.
//
// Contract:
//  - torchModule() describes the node as a Python class (its source, written once per class
//    into model.py; a subclass of model.py's GanglionModule, which registers the tensors by name),
//    its constructor's keyword arguments and its tensors in PyTorch's layout: trainable ones
//    become nn.Parameters, the others buffers (masks, grids). Its forward() takes the first
//    `inputs` input ports' tensors as (batch, features) and returns the first output's. Throw
//    std::runtime_error saying why when this configuration of the node has no exact equivalent.
//  - stateFromTorch() maps tensors with exactly torchModule()'s names and shapes (the import has
//    checked them; 1-D tensors arrive as columns, N-D ones as shape[0] x the rest, C order) to a
//    state for Kernel::loadState(), starting from the kernel's current state `current`. The
//    default replaces the entries of the same names.
//  - torchData() gives a data source's data set and batch size for train.py.
#pragma once

#include "core/model/kernel.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ganglion {

/// One tensor of a node's PyTorch module.
struct TorchTensor {
    std::string name;                ///< attribute in the module, e.g. "weight"
    Matrix value;                    ///< its values, row by row, are the tensor's in C order
    std::vector<std::size_t> shape;  ///< PyTorch shape
    bool trainable = true;           ///< nn.Parameter; false: a buffer
};

/// A node's PyTorch equivalent.
struct TorchModule {
    std::string pyClass;   ///< class name in model.py
    std::string pySource;  ///< the class definition
    std::string pyArgs;    ///< constructor keyword arguments (Python source), "" for none
    int inputs = 1;        ///< leading input ports forward() takes
    /// > 0: the output is a sequence of this many steps, (batch, steps·features) time-major as in
    /// the engine. The export refuses to feed a sequence to a node type that is not sequenceAware
    /// (the engine applies those per step).
    int steps = 0;
    std::vector<TorchTensor> tensors;
    /// What training in PyTorch does not reproduce (e.g. a sparse layer's rewiring schedule).
    std::vector<std::string> notes;
};

class TorchExportable {
public:
    virtual ~TorchExportable() = default;
    virtual TorchModule torchModule() const = 0;
    /// False for a kernel that inherits an exportable one but computes more than it (a Dense
    /// layer that also adapts without labels): the export refuses it like a type without a hook.
    virtual bool hasTorchEquivalent() const { return true; }
    virtual KernelState stateFromTorch(const KernelState& current, const std::map<std::string, Matrix>& tensors) const {
        KernelState s = current;
        for (const auto& [name, m] : tensors) s[name] = m;
        return s;
    }
};

/// A data source's data set for the exported training script.
struct TorchData {
    /// Python source of `def load_data(here):` returning (train_x, train_y, test_x, test_y) numpy
    /// arrays: x (samples, features) float32; y (samples,) int64 class indices or (samples, k)
    /// float32 targets. `here` is the export folder (holding data.npz).
    std::string pyLoader;
    std::map<std::string, Matrix> arrays;  ///< written to data.npz, samples as rows
    int batchSize = 0;                     ///< 0: the whole training set per step
};

class TorchDataSource {
public:
    virtual ~TorchDataSource() = default;
    virtual TorchData torchData() const = 0;
};

}  // namespace ganglion
