// First-order optimisers over kernel Parameters. Configured from a Loss node's parameters
// (optimizer, learning_rate, momentum, weight_decay) and re-configured live when they change.
#pragma once

#include "core/model/kernel.h"

#include <memory>
#include <string>
#include <vector>

namespace ganglion {

struct OptimizerConfig {
    std::string kind = "adam";  ///< "adam", "sgd" or "lbfgs" (the engine runs L-BFGS itself)
    double learningRate = 0.01;
    double momentum = 0.9;      ///< SGD momentum (Adam: beta1)
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weightDecay = 0.0;   ///< L2 coefficient added to the gradient
    static OptimizerConfig fromParams(const ParamSet& p);  ///< missing keys keep defaults
};

class Optimizer {
public:
    Optimizer(std::vector<Parameter> params, OptimizerConfig cfg);
    void configure(const OptimizerConfig& cfg);  ///< keeps moment estimates
    const OptimizerConfig& config() const { return cfg_; }
    void zeroGrad();
    void step();
    const std::vector<Parameter>& parameters() const { return params_; }

private:
    std::vector<Parameter> params_;
    std::vector<Matrix> m_, v_;
    OptimizerConfig cfg_;
    long t_ = 0;
};

}  // namespace ganglion
