// Counter-current learning (Kao & Hariharan, "Counter-Current Learning: A Biologically Plausible
// Dual Network Approach for Deep Learning", NeurIPS 2024, arXiv:2409.19841), the training rule a
// Loss node selects with rule = counter_current instead of back-propagation.
//
// Two networks run in opposite directions. The forward network F is the chain of layers between the
// data and the loss (as for forward-forward: each a Dense layer followed by the parameter-free
// differentiable nodes up to the next one), L layers, layer l giving a_l (d_l units; a_{L-1} is the
// prediction, C units). The feedback network G, held by the engine, starts from the target — the
// one-hot label, b_{L-1} = onehot(y) — and runs down: its layer anti-parallel to forward layer l+1
// maps b_{l+1} back to layer l's width,
//     b_l = act_l(V_l · b_{l+1} + c_l)        (act_l: a copy of forward layer l's activations)
// so every forward activation a_l has a feedback partner b_l of the same width. Each layer learns
// from its partner alone, the partner detached:
//     forward layer l:        ½ · mean over units of (â_l − sg(b̂_l))², input sg(a_{l−1})
//     feedback layer for l:   ½ · mean over units of (b̂_l − sg(â_l))², input sg(b_{l+1})
// averaged over the batch, where for the hidden pairs (l < L − 1) û is u centred over the batch and
// rescaled to unit mean square per sample, and for the top pair û = u; no gradient crosses from
// one layer to another, in either network. The
// top forward layer is thus trained locally towards the one-hot target, and the prediction is the
// forward network's own output (argmax of a_{L-1}), as in the paper's classification set-up.
// Departures from the paper (our choices, stated in the example too): the paper's feedback network
// also reaches the input (b_0 reconstructs x); that bottom layer trains nothing in F and is left out
// here, so G has L − 1 layers. The hidden pairs are compared centred and length-normalised, and the
// feedback network learns at a fraction of the forward rate (ccl_feedback_rate, 0.1): with plain
// squared differences and equal rates the pairs collapsed here — agreeing on features that carry no
// class (Fashion-MNIST, 150 steps: 0.38 test accuracy, 0.29 after 600; with both changes 0.59 and
// 0.72).
#pragma once

#include "core/engine/forward_forward.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ganglion {

class Optimizer;
struct OptimizerConfig;

/// rule = counter_current's own parameter on the Loss node: the feedback network's learning rate
/// relative to the loss's (ccl_feedback_rate).
double cclFeedbackRate(const ParamSet& p);

class CounterCurrent {
public:
    using Layer = ForwardForward::Layer;
    /// `layers`: the forward chain; `feedbackActs[l]` (l < L − 1): fresh kernels computing forward
    /// layer l's activations (built for d_l features), owned by the feedback network; `input` the
    /// data (features x batch), `labels` the class indices (1 x batch). The feedback weights are
    /// drawn from `seed` (Glorot-uniform, biases 0).
    CounterCurrent(std::vector<Layer> layers, std::vector<std::vector<std::unique_ptr<Kernel>>> feedbackActs,
                   const Value* input, const Value* labels, std::uint64_t seed);
    ~CounterCurrent();
    int layerCount() const { return int(layers_.size()); }
    /// The feedback network's weights and biases, for the optimiser ("<prefix>feedback<l>.weight").
    std::vector<Parameter> parameters(const std::string& prefix);
    /// From now on train() steps the feedback network itself with optimiser `cfg` at `rate` times
    /// its learning rate (again: re-configures, keeping the moments). Without it, train() only
    /// accumulates the feedback gradients (parameters() hands them to an outside optimiser).
    void setFeedbackOptimizer(const OptimizerConfig& cfg, double rate, std::uint64_t seed = 0);
    /// One training step on the current input and labels: accumulates each forward layer's local
    /// gradient into its parameters' gradients (the loss's optimiser then steps), and the feedback
    /// layers' into theirs (stepped here when the feedback network has its optimiser).
    void train(const StepContext& ctx);
    /// Mean of the forward layers' local losses at the latest train() (< 0 before the first).
    double localLoss() const { return loss_; }
    /// Local loss of forward layer l / of the feedback layer ending at width d_l (0 for the top).
    const std::vector<double>& forwardLosses() const { return fLoss_; }
    const std::vector<double>& feedbackLosses() const { return gLoss_; }
    /// Forward activation a_l of the latest train() (d_l x batch; l = L − 1: the prediction).
    const Matrix& activation(int l) const { return acts_[std::size_t(l)].back().tensor; }
    /// Feedback activation b_l of the latest train() (d_l x batch).
    const Matrix& feedback(int l) const { return b_[std::size_t(l)]; }
    /// The feedback weights, keyed "ccl.feedback<l>.weight" / ".bias"; loadState ignores missing
    /// entries and throws std::runtime_error naming an entry of the wrong shape (nothing changed).
    KernelState saveState() const;
    void loadState(const KernelState& state);

private:
    /// ½·mean((u − v)²) per column averaged over the batch — with `normalised`, of u and v each
    /// rescaled to unit mean square per column — and its gradient with respect to u in `g`.
    static double pairLoss(const Matrix& u, const Matrix& v, bool normalised, Matrix& g);
    /// Runs `ks` in turn from `in`, kernel k's output into outs[k]; returns the last output (`in`
    /// when there is no kernel).
    static const Value* runChain(const StepContext& ctx, const std::vector<Kernel*>& ks, const Value* in,
                                 std::vector<Value>& outs);
    /// Back through `ks` (outputs `outs`, first input `in`) from gradient g_; the first kernel's
    /// input gradient is kept in gin_ only when `wantInput`.
    void backThrough(const StepContext& ctx, const std::vector<Kernel*>& ks, const Value* in,
                     const std::vector<Value>& outs, bool wantInput);
    std::vector<Layer> layers_;
    std::vector<std::vector<std::unique_ptr<Kernel>>> gActs_;
    const Value* input_;
    const Value* labels_;
    std::vector<Matrix> V_, c_, dV_, dc_;  // feedback layer l: d_l x d_{l+1}
    std::unique_ptr<Optimizer> fopt_;
    double loss_ = -1;
    std::vector<double> fLoss_, gLoss_;
    std::vector<std::vector<Value>> acts_, gOuts_;
    std::vector<Value> ins_, gIn_;
    std::vector<Matrix> b_;
    Matrix g_, gin_;
};

}  // namespace ganglion
