// "TauRNN": an Elman RNN whose units each have a trainable time constant τ ≥ 1 (in steps):
//   h_t = (1 − 1/τ)⊙h_{t−1} + (1/τ)⊙tanh(W h_{t−1} + U x_t + b)
// τ = 1 is the plain Elman RNN; a large τ makes a slow, long-memory unit. τ is learned with the
// weights and kept ≥ 1 by projection after each optimiser update (Parameter::project).
#pragma once

#include "core/rnn/recurrent.h"

namespace ganglion {

class TauRnnKernel : public RecurrentKernel {
public:
    Matrix tau, dtau;  ///< per-unit time constants (H x 1), in steps

protected:
    std::unique_ptr<RecurrentKernel> sibling() const override { return std::make_unique<TauRnnKernel>(); }
    int gates() const override { return 1; }
    double elementwisePerUnit() const override { return 5; }
    const char* typeName() const override { return "TauRNN"; }
    std::pair<std::string, std::string> torchCell() const override;
    void addTorchBuffers(std::vector<TorchTensor>& tensors, const std::string& prefix) const override;
    void buildCell(const BuildContext& ctx) override;
    void prepare(Eigen::Index B) override;
    void runSteps(Lane& L) override;
    void backSteps(Lane& L) override;
    void finishBackward() override;
    void observeCell(Observables& obs) const override;

private:
    Eigen::ArrayXf alpha_;  // 1/τ
};

}  // namespace ganglion
