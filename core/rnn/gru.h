// "GRU": gated recurrent unit over a sequence, PyTorch's equations and gate order:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h' = (1 − z)⊙n + z⊙h
// The shared bias is PyTorch's b_ih; b_hh is this cell's second bias (needed inside r⊙(…)).
#pragma once

#include "core/rnn/recurrent.h"

namespace ganglion {

class GruKernel : public RecurrentKernel {
public:
    Matrix bh, dbh;  ///< recurrent bias b_hh (3H x 1)

protected:
    std::unique_ptr<RecurrentKernel> sibling() const override { return std::make_unique<GruKernel>(); }
    int gates() const override { return 3; }
    double elementwisePerUnit() const override { return 10; }
    double cachedPerUnit() const override { return 4; }  // W_hn h + b_hn and the recurrent gradient
    const char* typeName() const override { return "GRU"; }
    std::pair<std::string, std::string> torchCell() const override;
    void buildCell(const BuildContext& ctx) override;
    void prepare(Eigen::Index B) override;
    void runSteps(Lane& L) override;
    void backSteps(Lane& L) override;
    const Matrix& recurrentGrad() const override { return dHp_; }
    void finishBackward() override;

private:
    Matrix hn_;    // H x T·B: W_hn h_{t−1} + b_hn
    Matrix dHp_;   // 3H x T·B: gradient of W_h h_{t−1} + b_hh
};

}  // namespace ganglion
