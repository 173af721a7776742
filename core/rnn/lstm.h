// "LSTM": long short-term memory over a sequence, PyTorch's gate order and equations:
//   [i f g o] = [σ σ tanh σ](Wx x_t + Wh h_{t−1} + b),  c_t = f⊙c_{t−1} + i⊙g,  h_t = o⊙tanh(c_t)
// (one bias vector: PyTorch's b_ih + b_hh). Exact BPTT inside the kernel (core/rnn/recurrent.h).
#pragma once

#include "core/rnn/recurrent.h"

namespace ganglion {

class LstmKernel : public RecurrentKernel {
public:
    Matrix c0, dc0;  ///< initial cell state (H x 1), learned with learn_initial_state

protected:
    std::unique_ptr<RecurrentKernel> sibling() const override { return std::make_unique<LstmKernel>(); }
    int gates() const override { return 4; }
    double elementwisePerUnit() const override { return 12; }
    double cachedPerUnit() const override { return 2; }  // c_t and tanh(c_t)
    const char* typeName() const override { return "LSTM"; }
    std::pair<std::string, std::string> torchCell() const override;
    void buildCell(const BuildContext& ctx) override;
    void prepare(Eigen::Index B) override;
    void runSteps(Lane& L) override;
    void backSteps(Lane& L) override;
    void finishBackward() override;
    void dropCarry(Lane& L) const override { L.m1.setZero(); }  // dc

private:
    Matrix cells_;  // H x T·B: c_t
    Matrix tanhC_;  // H x T·B: tanh(c_t)
    Matrix carryC_; // H x B: the final cell state kept (carry_state)
};

}  // namespace ganglion
