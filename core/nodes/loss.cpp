#include "core/nodes/loss.h"

#include "core/model/node_spec.h"

#include <cmath>
#include <limits>

namespace ganglion {

void softmaxColumns(const Matrix& logits, Matrix& probs) {
    probs = (logits.rowwise() - logits.colwise().maxCoeff()).array().exp();
    probs.array().rowwise() /= probs.colwise().sum().array();
}

std::vector<Shape> LossKernel::build(const BuildContext& ctx) {
    crossEntropy_ = ctx.params.getString("loss") == "cross_entropy";
    const Shape& pred = ctx.inputs[0];
    const Shape& target = ctx.inputs[1];
    if (pred.features <= 0) throw BuildError("pred", "prediction width is unknown");
    width_ = pred.features;
    if (crossEntropy_) {
        if (target.features != 1)
            throw BuildError("target", "cross-entropy needs class-index labels (1 row), got " +
                                           std::to_string(target.features) + " rows");
        if (target.classes > 0 && target.classes != pred.features)
            throw BuildError("pred", "has " + std::to_string(pred.features) + " outputs but the labels have " +
                                         std::to_string(target.classes) + " classes");
        if (pred.features < 2) throw BuildError("pred", "cross-entropy needs at least 2 class scores");
        classes_ = pred.features;
    } else if (target.features != pred.features) {
        throw BuildError("target", "MSE target has " + std::to_string(target.features) +
                                       " rows but the prediction has " + std::to_string(pred.features));
    }
    homeostasis_ = ctx.params.getString("homeostasis") == "accuracy";
    if (homeostasis_ && !crossEntropy_)
        throw BuildError("", "homeostasis 'accuracy' needs cross-entropy: an MSE loss makes no classifications");
    if (homeostasis_ && ctx.params.getString("optimizer") == "lbfgs")
        throw BuildError("", "homeostasis modulates a learning rate, and lbfgs has none (it line-searches its steps)");
    if (homeostasis_ && ctx.params.getFloat("homeostatic_memory") <= ctx.params.getFloat("homeostatic_window"))
        throw BuildError("", "homeostatic_memory (" + std::to_string(ctx.params.getFloat("homeostatic_memory")) +
                                 ") must be longer than homeostatic_window (" +
                                 std::to_string(ctx.params.getFloat("homeostatic_window")) + ")");
    homeostat_.reset();
    setParams(ctx.params);
    return {};
}

void LossKernel::setParams(const ParamSet& p) {
    HomeostasisConfig c;
    if (p.has("homeostatic_window")) c.window = p.getFloat("homeostatic_window");
    if (p.has("homeostatic_memory")) c.memory = std::max(p.getFloat("homeostatic_memory"), c.window + 1);
    if (p.has("homeostatic_gain")) c.gain = p.getFloat("homeostatic_gain");
    if (p.has("homeostatic_max")) c.maxModulation = p.getFloat("homeostatic_max");
    homeostat_.configure(c);
}

void LossKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value>) {
    if (ctx.phase == Phase::Grid) return;
    const Matrix& p = in[0]->tensor;
    const Matrix& t = in[1]->tensor;
    double value = 0;
    const double n = double(std::max<Eigen::Index>(p.cols(), 1));
    if (crossEntropy_) {
        softmaxColumns(p, probs_);
        int correct = 0;
        for (Eigen::Index j = 0; j < p.cols(); ++j) {
            const int c = int(t(0, j));
            if (c < 0 || c >= p.rows()) {  // a label outside the class range: make it visible
                value = std::numeric_limits<double>::quiet_NaN();
                break;
            }
            value -= std::log(std::max(double(probs_(c, j)), 1e-12));
            Eigen::Index guess = 0;
            p.col(j).maxCoeff(&guess);
            correct += guess == c;
        }
        value /= n;
        // The consequence of its own classifications drives the learner's rate (homeostasis.h).
        if (homeostasis_ && ctx.phase == Phase::Train && ctx.supervised && ctx.learning && std::isfinite(value))
            homeostat_.update(double(correct) / n);
    } else {
        value = double((p - t).squaredNorm()) / double(std::max<Eigen::Index>(p.size(), 1));
    }
    if (ctx.phase == Phase::Test) {
        testLoss_ = value;
    } else {
        loss_ = value;
        smooth_ = smooth_ < 0 || !std::isfinite(smooth_) ? value : 0.9 * smooth_ + 0.1 * value;
    }
}

void LossKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                          std::span<const Matrix>, std::span<Matrix> gradIn) {
    if (gradIn[0].size() == 0) return;
    const Matrix& p = in[0]->tensor;
    const Matrix& t = in[1]->tensor;
    if (crossEntropy_) {
        gradIn[0] = probs_;
        for (Eigen::Index j = 0; j < p.cols(); ++j) gradIn[0](int(t(0, j)), j) -= 1.f;
        gradIn[0] /= float(p.cols());
    } else {
        gradIn[0] = (p - t) * (2.f / float(std::max<Eigen::Index>(p.size(), 1)));
    }
}

void LossKernel::observe(Observables& obs) const {
    obs.scalars["loss"] = smooth_ < 0 ? loss_ : smooth_;
    if (testLoss_ >= 0) obs.scalars["test_loss"] = testLoss_;
    if (homeostasis_) {
        obs.scalars["rate_modulation"] = homeostat_.modulation();
        obs.scalars["running_accuracy"] = homeostat_.running();
        obs.scalars["expected_accuracy"] = homeostat_.expected();
    }
}

NodeSpec makeLossSpec() {
    NodeSpec s;
    s.type = "Loss";
    s.title = "Loss";
    s.category = "Training";
    s.observables = {"loss", "test_loss", "hebbian_components", "rate_modulation", "running_accuracy",
                     "expected_accuracy", "ff_loss", "ccl_loss"};
    s.role = NodeRole::Loss;
    s.help = "Training objective. Back-propagation starts here (or, with rule = forward_forward or counter_current, each "
             "layer upstream learns from a local objective of its own) and the optimiser chosen here updates "
             "every trainable parameter upstream. Cross-entropy takes class scores (logits) and class "
             "indices; MSE takes a prediction and a target of the same width.";
    s.reference = "Adam: Kingma & Ba, ICLR 2015; exponentiated gradient with multiplicative Langevin noise: "
                  "Shetty, Prasath & Seelamantula, \"Dale meets Langevin\", arXiv:2510.02730, 2025; CLASSP: "
                  "Ludwig, arXiv:2405.09637, 2024; Hebbian orthogonal projection (HLOP): Xiao, Meng, Zhang, He & Lin, "
                  "ICLR 2024, arXiv:2402.11984; homeostatic learning rate: Man, Damasio & Neven, \"Need is all you need: "
                  "homeostatic neural networks adapt to concept shift\", arXiv:2205.08645, 2022; forward-forward: Hinton, \"The Forward-Forward Algorithm: Some Preliminary "
                  "Investigations\", arXiv:2212.13345, 2022; counter-current learning: Kao & Hariharan, \"Counter-Current "
                  "Learning: A Biologically Plausible Dual Network Approach for Deep Learning\", NeurIPS 2024, arXiv:2409.19841";
    s.inputs = {{"pred", PortType::Tensor, "logits (cross-entropy) or prediction (MSE)"},
                {"target", PortType::Tensor, "class indices (1 x batch) or target values"}};
    s.params = {
        enumParam("loss", "cross_entropy", {"cross_entropy", "mse"}, "Softmax cross-entropy or mean squared error."),
        enumParam("optimizer", "adam", {"adam", "sgd", "lbfgs", "eg", "classp"},
                  "adam: Adam. sgd: SGD with momentum. lbfgs: L-BFGS (pykan's choice: up to 20 line-searched "
                  "iterations per step on the same batch; use it with full-batch data). eg: exponentiated "
                  "gradient, w ← w·exp(−η·sign(w)·g): every weight keeps its sign (Dale's law) and a weight that "
                  "is exactly 0 stays 0; biases take plain SGD steps (no momentum); langevin_noise adds "
                  "multiplicative noise, giving log-normal weights. classp: CLASSP, a weight moves only when "
                  "|g| > classp_threshold, by η·g/(ε+S)^(1/p) where S accumulates |g|^p over its own past "
                  "updates (p = classp_power), so often-updated weights slow down.",
                  true),
        floatParam("learning_rate", 0.01, 0.0, 10.0,
                   "Step size η of Adam, SGD, EG and CLASSP (0 freezes the weights); L-BFGS finds its own by line search.",
                   "", true),
        floatParam("momentum", 0.9, 0.0, 0.9999, "SGD momentum; Adam's beta1.", "", true),
        floatParam("weight_decay", 0.0, 0.0, 1.0, "L2 regularisation coefficient.", "", true),
        floatParam("langevin_noise", 0.0, 0.0, 10.0,
                   "EG only: σ of multiplicative Langevin noise, w ← w·exp(−η·sign(w)·g + σ·√η·ξ), ξ ~ N(0,1) "
                   "drawn per weight and step from the graph's seed; signs are still kept. 0: none.",
                   "", true),
        floatParam("classp_threshold", 0.0, 0.0, 1e6,
                   "CLASSP only: a weight whose |gradient| is at or below this is not updated (sparsity promotion).",
                   "", true),
        floatParam("classp_power", 2.0, 0.5, 16.0,
                   "CLASSP only: exponent p of the accumulated past gradients (2: AdaGrad's).", "", true),
        enumParam("rule", "backprop", {"backprop", "forward_forward", "counter_current"},
                  "How the layers upstream learn. backprop: the gradient of this loss flows back through every "
                  "layer. forward_forward (Hinton 2022): no backward pass through the network — each Dense layer "
                  "(with the activation after it) of the chain from the data to this loss learns on its own to "
                  "give high goodness G = mean h² to the input with its true label written over the first C "
                  "features (one-hot, ff_label_value at the label) and low goodness to the same input with a wrong label: loss softplus(θ − G₊) + "
                  "softplus(G₋ − θ); the next layer sees the activity length-normalised, without a gradient "
                  "back. The class scores reaching this loss (and a Classifier beside it) are then the goodness "
                  "summed over the layers for each embedded label; the loss publishes ff_loss, "
                  "the mean local loss. counter_current (Kao & Hariharan 2024): a feedback network held by the engine "
                  "runs from the one-hot target down through layers anti-parallel to the Dense layers of the chain "
                  "(each ending in a copy of the forward layer's activation); each forward layer learns to match "
                  "its feedback partner's activity and each feedback layer its forward partner's (mean squared "
                  "difference, the partner and the layer's input detached), so no gradient crosses a layer; the top "
                  "layer learns towards the one-hot target and predicts. The same optimiser steps both networks; the "
                  "feedback weights are saved with the trained state; the loss publishes ccl_loss, the forward "
                  "layers' mean local loss. Hidden pairs are compared centred over the batch and rescaled to unit "
                  "mean square per sample (so they cannot agree by fading out together); the top pair is plain. Both rules need cross-entropy, a first-order optimiser and Dense layers "
                  "only."),
        floatParam("ff_threshold", 2.0, 0.0, 1e4,
                   "forward_forward: goodness threshold θ (goodness is the mean square of a layer's output).", "", true),
        floatParam("ff_label_value", 3.0, 0.0, 1e3,
                   "forward_forward: value of the label's entry in the one-hot written over the first C inputs "
                   "(the others are 0); larger than the data's own values makes the label easy to read.",
                   "", true),
        floatParam("ccl_feedback_rate", 0.1, 0.0, 10.0,
                   "counter_current: learning rate of the feedback network relative to learning_rate (it has an "
                   "optimiser of its own, of the same kind). Below 1 the forward network leads: when both learn "
                   "as fast, the pairs agree on features that no longer tell the classes apart.",
                   "", true),
        enumParam("continual", "none", {"none", "hebbian_projection"},
                  "Continual learning on a task stream (e.g. TaskStream upstream). hebbian_projection (HLOP): "
                  "lateral neurons of every Dense or LIFLayer layer this loss trains learn, with Hebbian and "
                  "anti-Hebbian (Oja subspace) rules, the principal subspace of the layer's inputs on each task; at "
                  "a task switch they are kept, and from then on every weight update of the layer is projected "
                  "orthogonally to the subspaces of past tasks, ΔW ← ΔW·(I − BᵀB), so the layer answers old inputs "
                  "as before. The loss then publishes hebbian_components (kept components over all layers)."),
        intParam("subspace_per_task", 20, 1, 4096,
                 "hebbian_projection: lateral neurons (principal components) each layer adds per task; a layer "
                 "stops adding when its input space is full."),
        floatParam("hebbian_rate", 0.15, 1e-5, 1.0,
                   "hebbian_projection: rate η of the lateral weights' Oja rule, relative to the input power "
                   "(ΔV = η/P · mean of y·(r − Vᵀy)ᵀ, P the running mean of |r|²).",
                   "", true),
        enumParam("homeostasis", "none", {"none", "accuracy"},
                  "Homeostatic learning rate (Man, Damasio & Neven 2022): 'accuracy' makes the consequences of the "
                  "learner's own classifications set its plasticity, for any optimiser but L-BFGS. With c the "
                  "fraction of a training batch it classified correctly, a its running accuracy over "
                  "homeostatic_window batches and ā its expected accuracy over homeostatic_memory batches, the "
                  "rate is η·m with m = min(1 + homeostatic_gain·max(0, ā − a), homeostatic_max): when its "
                  "classifications suddenly go worse than it is used to (the concept shifted), it learns faster; "
                  "as it recovers, m relaxes to 1. Publishes rate_modulation (m), running_accuracy and "
                  "expected_accuracy. Cross-entropy only."),
        floatParam("homeostatic_gain", 10.0, 0.0, 1000.0,
                   "homeostasis: G, how strongly an accuracy shortfall (ā − a) raises the rate.", "", true),
        floatParam("homeostatic_max", 5.0, 1.0, 1000.0, "homeostasis: the largest modulation m.", "", true),
        floatParam("homeostatic_window", 10.0, 1.0, 1e6,
                   "homeostasis: W, batches over which the running accuracy a averages.", "", true),
        floatParam("homeostatic_memory", 200.0, 2.0, 1e7,
                   "homeostasis: M, batches over which the expected accuracy ā averages (longer than the window).",
                   "", true),
    };
    s.create = [] { return std::make_unique<LossKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{}, {Shape::tensor(3), Shape::labels(3)}}; };
    return s;
}

}  // namespace ganglion
