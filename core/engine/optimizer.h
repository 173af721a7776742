// First-order optimisers over kernel Parameters. Configured from a Loss node's parameters
// (optimizer, learning_rate, momentum, weight_decay, langevin_noise, classp_threshold,
// classp_power) and re-configured live when they change. The update rules of exponentiated
// gradient and CLASSP are in core/engine/bio_optimizers.h.
#pragma once

#include "core/engine/bio_optimizers.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ganglion {

struct OptimizerConfig {
    std::string kind = "adam";  ///< "adam", "sgd", "lbfgs" (the engine runs L-BFGS itself), "eg" or "classp"
    double learningRate = 0.01;
    double momentum = 0.9;      ///< SGD momentum (Adam: beta1)
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weightDecay = 0.0;   ///< L2 coefficient added to the gradient
    double langevinNoise = 0.0;   ///< EG: σ of the multiplicative noise
    double classpThreshold = 0.0; ///< CLASSP: |g| at or below which a weight is not updated
    double classpPower = 2.0;     ///< CLASSP: p of the accumulated |g|^p
    static OptimizerConfig fromParams(const ParamSet& p);  ///< missing keys keep defaults
};

/// Exponentiated gradient updates every parameter except biases (parameters whose name ends in
/// "bias"): a bias usually starts at 0, where a multiplicative step would hold it forever, and a
/// bias is not a synapse with a sign to keep, so biases take plain SGD steps (no momentum) at the
/// same rate. CLASSP, Adam and SGD treat biases like weights.
class Optimizer {
public:
    /// `noiseSeed` seeds the generator of EG's Langevin noise.
    Optimizer(std::vector<Parameter> params, OptimizerConfig cfg, std::uint64_t noiseSeed = 0);
    void configure(const OptimizerConfig& cfg);  ///< keeps moment estimates
    /// Forgets the moment estimates (Adam, SGD momentum, CLASSP's accumulated |g|^p) and the step
    /// count, as a new optimiser would start.
    void restart();
    const OptimizerConfig& config() const { return cfg_; }
    void zeroGrad();
    /// One update; the learning rate is cfg.learningRate · rateScale (the Loss node's homeostatic
    /// modulation, core/engine/homeostasis.h).
    void step(double rateScale = 1.0);
    const std::vector<Parameter>& parameters() const { return params_; }

    /// State the current algorithm carries from step to step beyond the weights, keyed
    /// "optimizer.<kind>/<parameter name>" (CLASSP's accumulated |g|^p per parameter) and
    /// "optimizer.eg/noise_rng" (EG's noise generator). Empty for Adam, SGD and L-BFGS, whose
    /// moments restart when the engine is rebuilt.
    KernelState saveState() const;
    /// Loads entries saved by saveState() for the current algorithm (entries of another algorithm
    /// are ignored: switching algorithms restarts the state). A parameter without an entry, or
    /// whose entry has another shape (the layer was resized), starts afresh. Throws
    /// std::runtime_error naming the entry when the noise generator entry is malformed; nothing is
    /// changed then.
    void loadState(const KernelState& state);

private:
    std::string stateKey(std::size_t i) const;
    std::vector<Parameter> params_;
    std::vector<Matrix> m_, v_;  // Adam: moments; SGD: velocity in m_; CLASSP: accumulated |g|^p in v_
    OptimizerConfig cfg_;
    long t_ = 0;
    NormalSource noise_;
};

}  // namespace ganglion
