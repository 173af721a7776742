// The PyTorch export of the recurrent cells (core/export/torch_module.h): model.py's
// GanglionRecurrent (core/export/torch_python.cpp) runs the steps; each cell's class adds cell().
#include "core/export/torch_hooks.h"
#include "core/rnn/recurrent.h"

#include <stdexcept>
#include <tuple>

namespace ganglion {

TorchModule RecurrentKernel::torchModule() const {
    trunc_.requireFull(T_);
    if (carry_) throw std::runtime_error("carry_state has no PyTorch export: train.py starts every batch afresh; turn it off");
    TorchModule m;
    std::tie(m.pyClass, m.pySource) = torchCell();
    m.pyArgs = "units=" + std::to_string(H_) + ", steps=" + std::to_string(T_) + ", last=" + (lastOnly_ ? "True" : "False") +
               ", bidirectional=" + (reverse_ ? "True" : "False");
    m.steps = lastOnly_ ? 0 : T_;
    for (const Parameter& p : params_)  // weights are matrices (also of one input), biases, states and τ vectors
        m.tensors.push_back(p.name.find("weight") != std::string::npos ? torch::matrix(p.name, *p.value) : torch::vector(p.name, *p.value));
    addTorchBuffers(m.tensors, "");
    if (reverse_) reverse_->addTorchBuffers(m.tensors, "reverse_");
    return m;
}

}  // namespace ganglion
