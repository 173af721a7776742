#include "core/nodes/sequence_task.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <stdexcept>

namespace ganglion {

std::vector<Shape> SequenceTaskKernel::build(const BuildContext& ctx) {
    const ParamSet& p = ctx.params;
    task_ = p.getString("task");
    maxN_ = int(p.getInt("n"));
    length_ = int(p.getInt("length"));
    testSize_ = int(p.getInt("test_size"));
    growing_ = p.getString("curriculum") == "growing N";
    const int needed = task_ == "delayed_match" ? maxN_ + 1 : maxN_;
    if (length_ < needed)
        throw BuildError("", "length " + std::to_string(length_) + " is too short for " + task_ + " with n = " +
                                 std::to_string(maxN_) + " (needs at least " + std::to_string(needed) + " steps)");
    const Shape& pred = ctx.inputs[0];
    if (pred.features > 0 && (pred.features != 2 || pred.steps > 0))
        throw BuildError("pred", "expects the model's 2 class scores per sample, got " +
                                     std::to_string(pred.rows()) + " rows");
    setParams(p);
    seed_ = ctx.rng();
    train_.seed(seed_);
    n_ = growing_ ? 1 : maxN_;
    avgAcc_ = 0;
    seen_ = 0;
    regenerateTest();
    return {Shape::sequence(1, length_), Shape::labels(2)};
}

void SequenceTaskKernel::setParams(const ParamSet& p) {
    batch_ = int(p.getInt("batch_size"));
    advance_ = p.getFloat("advance_accuracy");
    averaging_ = int(p.getInt("averaging_batches"));
}

float SequenceTaskKernel::label(const std::string& task, const Matrix& x, Eigen::Index col, int length, int n) {
    const Eigen::Index last = length - 1;
    if (task == "delayed_match") return x(last, col) == x(last - n, col) ? 1.f : 0.f;
    int ones = 0;
    for (int k = 0; k < n; ++k) ones += x(last - k, col) > 0.f;
    return float(ones % 2);
}

void SequenceTaskKernel::fill(Rng& rng, int samples, Matrix& x, Matrix& y) const {
    x.resize(length_, samples);
    y.resize(1, samples);
    for (int b = 0; b < samples; ++b) {
        for (int t = 0; t < length_; ++t) x(t, b) = (rng() & 1u) ? 1.f : -1.f;
        y(0, b) = label(task_, x, b, length_, n_);
    }
}

void SequenceTaskKernel::regenerateTest() {
    Rng test(seed_ ^ 0x9e3779b97f4a7c15ull);
    fill(test, testSize_, testX_, testY_);
}

void SequenceTaskKernel::record(const Matrix& pred) {
    if (pred.size() == 0) return;  // the first step: no scores fed back yet
    if (pred.rows() != 2) {
        std::string msg = "input 'pred' has " + std::to_string(pred.rows()) +
                          " rows; connect the model's 2 class scores per sample (the output the Loss reads)";
        if (pred.rows() == 2 * Eigen::Index(length_))  // the scores of every step: a sequence
            msg += "; these are 2 scores for each of the " + std::to_string(length_) +
                   " steps: classify the last step (a recurrent layer with output 'last', or a LastStep node)";
        throw std::runtime_error(msg);
    }
    if (pred.cols() != lastY_.cols() || lastY_.cols() == 0) return;  // not the batch just emitted
    int correct = 0;
    for (Eigen::Index b = 0; b < pred.cols(); ++b) correct += float(pred(1, b) > pred(0, b)) == lastY_(0, b);
    const double acc = double(correct) / double(pred.cols());
    ++seen_;
    const double w = 1.0 / double(std::min(seen_, averaging_));  // a plain mean until the window fills
    avgAcc_ += w * (acc - avgAcc_);
    if (growing_ && n_ < maxN_ && seen_ >= averaging_ && avgAcc_ > advance_) {
        ++n_;
        avgAcc_ = 0;
        seen_ = 0;
        regenerateTest();
    }
}

TorchData SequenceTaskKernel::torchData() const {
    if (growing_) throw std::runtime_error("the 'growing N' curriculum has no PyTorch export (train.py reads a fixed data set)");
    TorchData d;
    d.batchSize = batch_;
    d.pyLoader = torch::npzLoader(true);
    Rng rng(seed_ ^ 0x5851f42d4c957f2dull);
    Matrix x, y;
    fill(rng, std::max(4096, 64 * batch_), x, y);
    d.arrays["train_x"] = x.transpose();
    d.arrays["train_y"] = y;
    d.arrays["test_x"] = testX_.transpose();
    d.arrays["test_y"] = testY_;
    return d;
}

void SequenceTaskKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    if (ctx.phase != Phase::Train) {
        out[0].tensor = testX_;
        out[1].tensor = testY_;
        return;
    }
    if (in[0]) record(in[0]->tensor);
    fill(train_, batch_, out[0].tensor, out[1].tensor);
    lastY_ = out[1].tensor;
    shown_ = out[0].tensor.leftCols(std::min<Eigen::Index>(32, out[0].tensor.cols()));  // the canvas picture
}

void SequenceTaskKernel::observe(Observables& obs) const {
    obs.scalars["task_n"] = n_;
    if (shown_.size()) obs.arrays["activations"] = shown_;  // steps x samples of the latest batch: ±1 inputs
    if (seen_ > 0) obs.scalars["curriculum_accuracy"] = avgAcc_;
}

KernelState SequenceTaskKernel::saveState() const {
    Matrix n(1, 1), acc(2, 1);
    n(0) = float(n_);
    acc << float(avgAcc_), float(seen_);
    return {{"data_seed", seedState(seed_)}, {"task_n", n}, {"curriculum_accuracy", acc}};
}

void SequenceTaskKernel::loadState(const KernelState& state) {
    // every entry's shape first, then the values (the strong guarantee)
    const Matrix& seedEntry = checkedEntry(state, "SequenceTask", "data_seed", 4, 1);
    const float n = checkedEntry(state, "SequenceTask", "task_n", 1, 1)(0);
    const Matrix& acc = checkedEntry(state, "SequenceTask", "curriculum_accuracy", 2, 1);
    const std::uint64_t seed = seedFromState(seedEntry, "data_seed");
    if (!(n >= 1 && n <= float(maxN_)) || n != float(int(n)))
        throw std::runtime_error("SequenceTask state: 'task_n' is " + std::to_string(n) + ", outside 1.." +
                                 std::to_string(maxN_));
    if (!(acc(1) >= 0) || acc(1) != float(int(acc(1))))
        throw std::runtime_error("SequenceTask state: 'curriculum_accuracy' has a bad batch count");
    seed_ = seed;
    train_.seed(seed_);
    n_ = int(n);
    avgAcc_ = acc(0);
    seen_ = int(acc(1));
    regenerateTest();
}

NodeSpec makeSequenceTaskSpec() {
    NodeSpec s;
    s.type = "SequenceTask";
    s.title = "Sequence task (N-parity / delayed match)";
    s.category = "Data";
    s.role = NodeRole::Source;
    s.help = "Binary ±1 input sequences with a class label about their end: the parity of the last N inputs, or "
             "whether the last input matches the one N steps earlier. 'growing N' starts at N = 1 and raises N "
             "whenever the averaged training accuracy (measured from the model's class scores fed back into "
             "'pred') passes advance_accuracy. Training steps draw fresh sequences; tests use a fixed set.";
    s.reference = "Khajehabdollahi et al., Emergent mechanisms for long timescales depend on training curriculum "
                  "and affect performance in memory tasks (ICLR 2024)";
    s.inputs = {{"pred", PortType::Tensor, "the model's 2 class scores for the previous batch (curriculum)", true,
                 true}};
    s.outputs = {{"x", PortType::Tensor, "length steps of 1 input (±1) x batch"},
                 {"y", PortType::Tensor, "1 x batch labels (0/1)"}};
    s.params = {
        enumParam("task", "parity", {"parity", "delayed_match"}, "N-parity or N-delayed match-to-sample."),
        intParam("n", 2, 1, 64, "N: how many recent inputs the parity covers, or the delay of the match."),
        intParam("length", 8, 1, 1024, "Steps per sequence (at least N, N + 1 for delayed match)."),
        enumParam("curriculum", "single N", {"single N", "growing N"},
                  "Train on N from the start, or start at N = 1 and grow N as accuracy passes the threshold."),
        floatParam("advance_accuracy", 0.9, 0.5, 1.0,
                   "Growing N: the averaged training accuracy above which N grows by one.", {}, true),
        intParam("averaging_batches", 20, 1, 10000, "Training batches in the accuracy's moving average.", true),
        intParam("batch_size", 32, 1, 65536, "Training sequences per step.", true),
        intParam("test_size", 256, 1, 65536, "Sequences in the fixed test set."),
    };
    s.observables = {"task_n", "curriculum_accuracy", "activations", "through_time"};
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<SequenceTaskKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{}, {Shape::tensor(2)}}; };
    return s;
}

}  // namespace ganglion
