// Optimisers over kernel Parameters used by the KAN tools, tests and benchmark: Adam (same
// update as the engine's) and L-BFGS with a strong-Wolfe line search (pykan trains with
// torch.optim.LBFGS(history_size=10, line_search_fn="strong_wolfe")).
#pragma once

#include "core/engine/lbfgs.h"
#include "core/engine/optimizer.h"
#include "core/model/kernel.h"

#include <Eigen/Core>
#include <functional>
#include <vector>

namespace ganglion::kan {

/// Adam for the KAN tools: the engine's optimiser (core/engine/optimizer.h) with pykan's
/// defaults, so tools, tests and the workbench update weights identically.
class Adam {
public:
    explicit Adam(std::vector<Parameter> params, double lr = 1e-3, double beta1 = 0.9,
                  double beta2 = 0.999, double eps = 1e-8);
    void setLearningRate(double lr);
    void zeroGrad() { opt_.zeroGrad(); }
    void step() { opt_.step(); }

private:
    OptimizerConfig cfg_;
    Optimizer opt_;
};

// L-BFGS lives with the engine's optimisers; the KAN tools use it under their own namespace.
using ganglion::Lbfgs;
using ganglion::LbfgsConfig;

}  // namespace ganglion::kan
