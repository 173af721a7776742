// "SequenceTask": the temporal tasks of "Emergent mechanisms for long timescales" as a data source.
//
// Each sample is a sequence of `length` binary inputs ±1 (one feature per step) and one class label
// (0/1, as Loss and Classifier take them) about its end:
//  - parity: the parity of the last N inputs (1 when an odd number of them are +1);
//  - delayed_match: 1 when the last input equals the one N steps before it.
// Training steps emit fresh random sequences; test evaluations a fixed set drawn from its own seed.
//
// Curriculum. "single N" trains on N from the start. "growing N" starts at N = 1 and raises it by
// one, up to N, whenever a moving average of training accuracy passes `advance_accuracy`. The
// accuracy comes from the optional delayed input `pred`: connect the model's class scores there
// (the same output the Loss reads). On each training step the task compares the scores of the
// previous step (the delayed edge delivers them) with the labels it emitted for that batch; the
// average restarts when N grows. Without `pred` the curriculum stays at N = 1.
// The current N and the averaged accuracy are published as scalars and saved with the seed.
#pragma once

#include "core/export/torch_module.h"
#include "core/model/kernel.h"

namespace ganglion {

class SequenceTaskKernel : public Kernel, public TorchDataSource {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;
    /// train.py's data: a fixed training set drawn once (Ganglion draws fresh sequences every
    /// step) and the same test set; the growing curriculum is refused.
    TorchData torchData() const override;

    int currentN() const { return n_; }
    /// The label of one ±1 sequence (x(t) = step t) for `task` ("parity" / "delayed_match") and n.
    static float label(const std::string& task, const Matrix& x, Eigen::Index col, int length, int n);

private:
    void fill(Rng& rng, int samples, Matrix& x, Matrix& y) const;
    void regenerateTest();
    void record(const Matrix& pred);

    std::string task_;
    int maxN_ = 2, length_ = 8, batch_ = 32, testSize_ = 256, averaging_ = 20;
    bool growing_ = false;
    double advance_ = 0.9;
    int n_ = 1;
    double avgAcc_ = 0;   // moving average of training accuracy at the current N
    int seen_ = 0;        // batches in that average
    std::uint64_t seed_ = 0;
    Rng train_;
    Matrix testX_, testY_, lastY_;
    Matrix shown_;  ///< the first sequences of the latest training batch (canvas thumbnail)
};

}  // namespace ganglion
