// Surrogate-gradient training of spiking layers through time (BPTT).
//
// A spike train batch is a sequence (Shape::steps = T): a Tensor of (T·features) x batch,
// time-major, rows t·features … t·features+features−1 holding step t. "SpikeEncoder" turns a data
// tensor into such a train; "LIFLayer" is a dense layer of discrete-time LIF neurons run for T steps inside one
// engine step, so the usual Loss node and optimiser train it:
//     I_t = W x_t + b,   U_t = β U_{t−1} + I_t − θ S_{t−1},   S_t = H(U_t − θ)
// (reset by subtraction). Backward replaces H' by the fast-sigmoid surrogate
//     σ'(u) = (k/2) / (1 + k|u|)²,
// the exact derivative of σ(u) = ½(1 + k u / (1 + k|u|)). With readout = true the layer is a
// leaky integrator (LI, no spikes, no reset) whose output is the mean membrane over the T steps
// (units x batch) — the usual readout for a classifier. The gradient is exact BPTT through the
// membrane recurrence and the reset. smooth_forward = true uses σ itself as the spike function:
// then forward and backward are consistent and a finite-difference gradient check applies
// (used by the tests); for training keep it false.
//
// learn_beta / learn_threshold make β and θ per-neuron parameters trained by the same BPTT
// (Perez-Nieves et al. 2021, "Neural heterogeneity promotes robust learning"; the meta-neuron
// setting of "Learning internal neuron parameters"): with u_{t-1} and S_{t-1} the previous step,
//     ∂L/∂β_j = Σ_t dU_t,j · u_{t−1,j}
//     ∂L/∂θ_j = −Σ_t dS_t,j · σ'(u_t,j − θ_j) − Σ_t dU_t,j · S_{t−1,j}
// (through the threshold of the spike and through the reset). After every update a projection
// keeps β in [beta_min, beta_max] and θ ≥ threshold_min.
#pragma once

#include "core/export/torch_module.h"
#include "core/model/truncation.h"
#include "core/snn/spike_history.h"

namespace ganglion {

class LifLayerKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override;
    /// The input weight on every step (the recurrent weight is driven by the layer's own spikes).
    std::vector<LinearMap> linearMaps() override { return {{&W, useBias_ ? &b : nullptr, 0}}; }
    void observe(Observables& obs) const override;
    /// Per sample (T steps): T·(in·units [+ units² recurrent] + 2·units) forward (input current,
    /// decay, reset or readout average); training adds T·(2·in·units [+ 2·units²] + 2·units)
    /// (weight and input gradients, surrogate chain). Keeps membranes (and spikes) of all T steps.
    NodeCost cost() const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;
    /// PyTorch (core/snn/sg_torch.cpp): the same recurrence, the step function with the same
    /// fast-sigmoid surrogate derivative in backward, learned β / θ clamped after each step.
    TorchModule torchModule() const override;

    int steps() const { return T_; }
    int units() const { return units_; }
    bool readout() const { return readout_; }
    float beta() const { return beta_; }
    float threshold() const { return theta_; }
    /// Per-neuron decay and threshold (units x 1): constant unless learn_beta / learn_threshold.
    Matrix betas, thresholds, dBetas, dThresholds;
    bool recurrent() const { return recurrent_; }
    Matrix W, b, dW, db;
    Matrix Wrec, dWrec;  ///< recurrent weights (units x units), spikes of step t−1 → input of step t

private:
    float spike(float u) const;
    float surrogate(float u) const;

    int T_ = 10, in_ = 0, units_ = 0;
    float beta_ = 0.9f, theta_ = 1.f, k_ = 5.f;
    float betaMin_ = 0.f, betaMax_ = 0.999f, thetaMin_ = 0.05f;
    bool readout_ = false, smooth_ = false, useBias_ = true, recurrent_ = false;
    bool learnBeta_ = false, learnTheta_ = false;
    Truncation trunc_;  ///< bptt_steps (core/model/truncation.h)
    static void projectBeta(Matrix& m, void* self);
    static void projectTheta(Matrix& m, void* self);
    Matrix U_;  // (T·units) x batch membrane after input, before threshold
    Matrix S_;  // (T·units) x batch spikes
    double rate_ = 0, silent_ = 0;
    // the first sample of each training batch, its T steps appended one after the other: the
    // raster the spiking view and the canvas thumbnail show
    snn::SpikeRecorder samples_;
    std::uint64_t sampleStep_ = 0;
    ActivationThumbnail readoutThumb_;  // a readout's outputs (class scores)
};

class SpikeEncoderKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    /// Canvas thumbnail: the encoded intensities (gain·x) of the first samples of the last batch.
    void observe(Observables& obs) const override;
    TorchModule torchModule() const override;

private:
    int T_ = 10, f_ = 0;
    bool rate_ = true;
    float gain_ = 1.f;
    Rng fallback_{1};
    ActivationThumbnail thumb_;  // the encoded intensities gain·x
};

}  // namespace ganglion
