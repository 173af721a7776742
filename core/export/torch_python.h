// The fixed Python text of a PyTorch export (core/export/torch_export.h): model.py's preamble and
// helpers, and train.py, which reads everything graph-specific from model.py.
#pragma once

#include <string>

namespace ganglion::torch {

/// Imports and GanglionModule (the base of every node's class: registers its tensors by name).
const std::string& modelPreamble();
/// load_weights, save_weights, make_optimizers, loss_value, project (read LOSSES from model.py).
const std::string& modelHelpers();
/// The training script (one process or torchrun with DDP).
const std::string& trainScript();

}  // namespace ganglion::torch
