// "L2MU": the Legendre Memory Unit (Voelker, Kajić & Eliasmith 2019) with its encoder and hidden
// layer built from spiking populations, as in "L2MU: the spiking Legendre Memory Unit", or —
// neuron = none — the non-spiking LMU cell as the reference. Per step t, with the
// encoder u (q units), the linear memory m (q·d: one Legendre memory of order d per encoder unit)
// and the hidden layer h (H units), all starting at zero:
//     a_t = E_x x_t + E_h h_{t−1} + E_m m_{t−1} + b_u          u_t = N_u(a_t)
//     m_t = Ā m_{t−1} + B̄ u_t   (Ā, B̄: core/rnn/legendre.h, window θ steps, order d, fixed)
//     c_t = W_x x_t + W_h h_{t−1} + W_m m_t + b_h              h_t = N_h(c_t)
// N is, for neuron = none, the identity (encoder) and tanh (hidden); for lif a population of LIF
// neurons fed with the current (V_t = β V_{t−1} + I_t − θ S_{t−1}, S_t = H(V_t − θ), reset by
// subtraction, I_t = a_t); for cuba_lif the current is a synaptic trace I_t = α I_{t−1} + a_t.
// The populations output their spikes. Training is exact back-propagation through time with the
// fast-sigmoid surrogate of the LIF layer (core/snn/surrogate.h) in place of H'.
// The memory's state lets the node read its own input back: u_{t−D} ≈ Σ_i P̃_i((D + ½)/θ) m_i(t)
// with D = ⌊θ − ½⌋ (the ½: u_t is held over the step before t), published as "recall".
#pragma once

#include "core/model/kernel.h"
#include "core/model/truncation.h"

namespace ganglion {

class L2muKernel : public Kernel {
public:
    enum class Neuron { None, Lif, CubaLif };

    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& params) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override;
    void observe(Observables& obs) const override;
    /// Per sample and step: the encoder (q·(in + H + q·d)), the memory (q·d² + q·d), the hidden
    /// layer (H·(in + H + q·d)) and the neurons; training about triples the matrix work.
    NodeCost cost() const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;

    /// The discretised memory (d x d, d x 1) and the memory of every step of the last batch
    /// (q·d x T·B, step t in columns t·B …).
    const Matrix& Abar() const { return Abar_; }
    const Matrix& Bbar() const { return Bbar_; }
    const Matrix& memory() const { return M_; }

    Matrix Ex, Eh, Em, bu, Wx, Wh, Wm, bh;          ///< encoder and hidden weights
    Matrix dEx, dEh, dEm, dbu, dWx, dWh, dWm, dbh;  ///< their gradients

private:
    /// One step of a population: current a (rows x B) → output into `out` (spikes, or N(a) for
    /// neuron = none); V: the membrane of this step, Vp/Sp: those of the step before (rows x B,
    /// contiguous; null at t = 0).
    void popForward(bool hidden, const Matrix& a, Matrix& I, Eigen::Ref<Matrix> V, Eigen::Ref<Matrix> out,
                    const float* Vp, const float* Sp) const;
    /// Back through one step of a population: g = dL/d(out_t) → da = dL/d(a_t); dV, dI carry the
    /// membrane's and the current's gradient from step t+1 to step t.
    void popBackward(bool hidden, const Matrix& g, Eigen::Ref<const Matrix> V, Eigen::Ref<const Matrix> out,
                     Matrix& dV, Matrix& dI, Matrix& da);
    /// m ← Ā m_prev + B̄ u for each of the q memories (u: q x B, m: q·d x B, contiguous; mPrev
    /// null at t = 0).
    void memoryStep(const float* mPrev, const float* u, float* m, Eigen::Index B) const;

    Neuron neuron_ = Neuron::None;
    int in_ = 0, T_ = 0, H_ = 0, d_ = 0, q_ = 1;
    double theta_ = 1;
    bool lastOnly_ = false, smooth_ = false;
    float beta_ = 0.9f, thr_ = 1.f, alpha_ = 0.8f, k_ = 5.f;
    Truncation trunc_;  ///< bptt_steps (core/model/truncation.h)
    Matrix Abar_, Bbar_;   // d x d, d x 1
    Eigen::VectorXf readP_;  // P̃_i((D + ½)/θ): reads u_{t−D} from the memory
    int recallDelay_ = 0;
    // every step t of the last forward, in columns t·B … t·B + B − 1
    Matrix U_, Vu_, M_, Vh_, H_s_;  // encoder output and membrane, memory, hidden membrane and output
    Matrix Iu_, Ih_;              // the synaptic currents (cuba_lif)
    Matrix a_, c_, dS_, none_;    // per-step scratch; none_ stays empty (no membranes without neurons)
    Matrix first_;  // H x T: hidden output of the first sample of the last training batch
};

}  // namespace ganglion
