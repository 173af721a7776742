// Soft winner-take-all Hebbian layer for fully test-time adaptation (neuro-modulated Hebbian
// learning, Tang et al., CVPR 2023): a fully connected feature layer, out = W·in + b, trained by
// back-propagation while its data supervise it; on a test-time stream (StepContext::supervised ==
// false) it adapts W without labels by the soft-WTA Hebbian rule of SoftHebb (Moraitis et al. 2022),
// each sample's update scaled by a neuro-modulator computed from the network's own output.
#pragma once

#include "core/nodes/dense.h"

namespace ganglion {

/// Per-sample confidence 1 − H(softmax(scores))/log C of class scores (C x batch), in [0, 1]: the
/// neuro-modulatory signal (negative prediction entropy, rescaled). Writes a 1 x batch row.
void predictionConfidence(const Matrix& scores, Matrix& confidence);

/// One soft winner-take-all Hebbian step on W (units x inputs) from a batch x (inputs x batch):
/// u = W·x, y = softmax over units of u/τ (each column), and for every unit i
///   Δw_i = η · mean_j m_j · y_ij · (x_j − u_ij · w_i / r_i²)
/// where m (1 x batch) is the modulation and r_i² (refNormSq, units x 1) the squared norm unit i
/// keeps (Oja-like normalisation: the norm settles at r_i, so weights stay bounded). `u` must be
/// W·x for the W passed in (the layer keeps it from the forward pass).
void softHebbianStep(Matrix& W, const Matrix& x, const Matrix& u, const Matrix& modulation, const Matrix& refNormSq,
                     float eta, float tau);

/// A Dense layer (same parameters, initialisation and backward pass) that also adapts on a stream.
class SoftHebbianKernel : public DenseKernel {
public:
    enum class Adaptation { Off, Hebbian, Neuromodulated };

    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    bool hasTorchEquivalent() const override { return false; }  ///< the test-time adaptation is not a PyTorch layer
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

private:
    void adaptOnFeedback(const Value* feedback, const Value* labels);
    double meanWeightNorm() const;

    Adaptation mode_ = Adaptation::Neuromodulated;
    float eta_ = 0.01f, tau_ = 1.f;
    int classes_ = 0;            ///< width of the feedback scores (0: not connected)
    Matrix refNormSq_;           ///< units x 1: the norms kept, fixed when adaptation starts
    bool started_ = false;       ///< the test-time stream has begun
    Matrix traceX_, traceU_;     ///< the last stream batch and W·x: the eligibility trace awaiting feedback
    Matrix modulation_;          ///< 1 x batch, the latest neuro-modulatory signal
    double meanModulation_ = 0;
    std::uint64_t adaptSteps_ = 0, streamSeen_ = 0, streamCorrect_ = 0;
    double recentAccuracy_ = -1;
};

}  // namespace ganglion
