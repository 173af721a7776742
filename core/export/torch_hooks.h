// Helpers for kernels implementing the PyTorch export hooks (contract item 12 of
// core/model/kernel.h): tensors in PyTorch's layout and the loader of data sets written to data.npz.
#pragma once

#include "core/export/torch_module.h"

#include <string>

namespace ganglion::torch {

/// A tensor of the given PyTorch shape holding `value` row by row (C order).
TorchTensor tensor(std::string name, const Matrix& value, std::vector<std::size_t> shape, bool trainable = true);
/// A (rows, cols) tensor of a matrix, or a 1-D one of a column (cols == 1 and vector = true).
TorchTensor matrix(std::string name, const Matrix& value, bool trainable = true);
TorchTensor vector(std::string name, const Matrix& column, bool trainable = true);

/// Python `load_data(here)` reading train_x, train_y, test_x, test_y from here/data.npz (samples as
/// rows); labels: y is returned as (n,) int64 class indices, else as float32 targets.
std::string npzLoader(bool labels);
/// A Python string literal of `s` (single-quoted, escaped).
std::string pyString(const std::string& s);
/// A float as Python source that reads back to the same float32 value.
std::string pyFloat(double v);

}  // namespace ganglion::torch
