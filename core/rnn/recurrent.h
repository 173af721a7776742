// What the recurrent cells (LSTM, GRU, τ-RNN) share: a sequence in, the hidden state of every
// step (or of the last) out, and exact back-propagation through time inside the kernel.
//
// Layout. The input sequence (T·in) x B is seen, without a copy, as an in x (T·B) matrix whose
// column b·T + t is step t of sample b (core/model/types.h). Every per-step array of a cell uses
// that same column order, so:
//  - the input projection of all steps is one GEMM: pre = Wx·X + b (G·H x T·B), and after the
//    backward pass dWx += dPre·Xᵀ and dX = Wxᵀ·dPre are one GEMM each;
//  - the hidden states H x (T·B) are the output sequence as it is;
//  - step t of an array is the H x B map of columns t, t+T, t+2T… (stepOf()), which the per-step
//    recurrent GEMM reads and writes in place (no temporaries, no allocation once the batch size
//    is known).
// Samples are independent, so the batch is cut into lanes (contiguous column ranges) that run
// their steps on separate threads (setRecurrentThreads(); 1 by default, benchmarks ask for 2), and
// the weight gradients are summed over all columns afterwards, split by rows.
// Bidirectional: a second kernel of the same cell reads the sequence backwards; each step's output
// stacks the forward state over the backward one (2H rows), and the last-step output stacks the
// final states of both directions (PyTorch's h_n).
// Continuing streams (carry_state): when consecutive training batches continue the same sequences
// (sample b of a batch follows sample b of the previous one: an event stream binned window by
// window), each training batch starts from the state the previous one ended in instead of the
// initial state; the carried state is a constant, so gradients stop at the batch boundary (and the
// learned initial state gets none). Test evaluations start from the initial state and leave the
// carried one alone. Truncated BPTT within a batch: core/model/truncation.h.
// Gate rows follow PyTorch's order (LSTM i,f,g,o; GRU r,z,n) so weights and results compare.
#pragma once

#include "core/export/torch_module.h"
#include "core/model/kernel.h"
#include "core/model/node_spec.h"
#include "core/model/truncation.h"

#include <string>
#include <utility>
#include <vector>

namespace ganglion {

using StepMap = Eigen::Map<Matrix, 0, Eigen::OuterStride<>>;

/// Threads the recurrent cells may use (1 or 2; 1 by default: the engine thread shares the
/// machine with the GUI).
void setRecurrentThreads(int n);
int recurrentThreads();

class RecurrentKernel : public Kernel, public TorchExportable {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void setParams(const ParamSet& p) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    bool differentiable() const override { return true; }
    void backward(const StepContext& ctx, std::span<const Value* const> in, std::span<const Value> out,
                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) override;
    std::vector<Parameter> parameters() override { return params_; }
    void observe(Observables& obs) const override;
    /// Per sample: T·(G·H·in + G·H·H + elementwise·H) forward; training adds about twice the
    /// GEMM work (weight and input gradients) plus the elementwise chain. Caches the pre-activations
    /// and states of every step.
    NodeCost cost() const override;
    KernelState saveState() const override;
    void loadState(const KernelState& state) override;
    /// A GanglionRecurrent subclass (model.py's preamble) running the same cell step by step; its
    /// tensors carry the state's names (input_weight, recurrent_weight, bias, …), so the default
    /// stateFromTorch() maps them back (core/rnn/recurrent_torch.cpp).
    TorchModule torchModule() const override;

    int units() const { return H_; }
    int steps() const { return T_; }

    Matrix Wx, Wh, b, dWx, dWh, db;  ///< input (G·H x in), recurrent (G·H x H) weights, bias (G·H)
    Matrix h0, dh0;                   ///< initial state (H x 1): zero, or learned

protected:
    /// A new kernel of the same cell (the backward direction of a bidirectional layer).
    virtual std::unique_ptr<RecurrentKernel> sibling() const = 0;
    /// Gate blocks G (4 LSTM, 3 GRU, 1 τ-RNN) and the elementwise operations per unit and step.
    virtual int gates() const = 0;
    virtual double elementwisePerUnit() const = 0;
    virtual const char* typeName() const = 0;
    /// Cell-specific parameters from `ctx` (after the shared ones exist); register them with
    /// addParameter().
    virtual void buildCell(const BuildContext& ctx) = 0;
    /// A range of samples [s0, s0 + n) run by one thread, with its own per-step scratch.
    struct Lane {
        Eigen::Index s0 = 0, n = 0;
        Matrix dh;         ///< H x n: gradient of the state while going back through the steps
        Matrix m1, m2;     ///< cell scratch (LSTM: dc, c0; GRU: W_h h + b_hh)
        Eigen::ArrayXf v;  ///< cell accumulator (τ-RNN: dL/d(1/τ))
    };
    /// Sizes the cell's own per-step arrays for a batch of B samples (before the lanes run).
    virtual void prepare(Eigen::Index /*B*/) {}
    /// Runs the T steps of a lane: pre_ holds Wx·x + b for every step; read h_{t−1} from
    /// state(t, L) and write h_t into hidden_ (and state(t + 1, L)).
    virtual void runSteps(Lane& L) = 0;
    /// Back through the T steps of a lane (addOutputGrad() adds what reaches h_t from the
    /// output): fill dPre_ (and what recurrentGrad() returns) and leave the gradient of the
    /// initial state in L.dh.
    virtual void backSteps(Lane& L) = 0;
    /// The gradient of the recurrent pre-activation W_h h_{t−1} (+ bias) for every step: dWh
    /// is it times the states. dPre_ unless the cell separates the two (GRU).
    virtual const Matrix& recurrentGrad() const { return dPre_; }
    /// After the lanes and the shared weight gradients: the cell's own parameter gradients.
    virtual void finishBackward() {}
    virtual void observeCell(Observables&) const {}
    /// The cell's class in model.py: its name and source (a GanglionRecurrent with cell()).
    virtual std::pair<std::string, std::string> torchCell() const = 0;
    /// Tensors the PyTorch cell needs that are not trained parameters (τ when fixed), named with
    /// `prefix` ("reverse_" for the backward direction).
    virtual void addTorchBuffers(std::vector<TorchTensor>&, const std::string& /*prefix*/) const {}
    /// Extra elements per unit and step kept for backward (besides pre_, states and hidden_).
    virtual double cachedPerUnit() const { return 0; }

    void addParameter(const std::string& name, Matrix* value, Matrix* grad,
                      void (*project)(Matrix&, void*) = nullptr);
    /// Step t of a lane's samples in an array laid out rows x (T·B), columns b·T + t.
    StepMap stepOf(Matrix& m, int t, const Lane& L) const {
        return StepMap(m.data() + (L.s0 * T_ + t) * m.rows(), m.rows(), L.n, Eigen::OuterStride<>(m.rows() * T_));
    }
    /// h_{t−1} of step t (t = 0: the initial state, broadcast over the batch).
    StepMap state(int t, const Lane& L) { return stepOf(states_, t, L); }
    /// The gradient reaching h_t from the output (during backward), added to L.dh. Where
    /// truncated BPTT cuts between steps t and t + 1 (core/model/truncation.h) it first drops what
    /// L.dh (and the cell's dropCarry()) brought back from step t + 1.
    void addOutputGrad(Lane& L, int t) const;
    /// Truncated BPTT: zero the cell's own gradient carried from step t + 1 to t besides L.dh
    /// (LSTM: the cell state's).
    virtual void dropCarry(Lane&) const {}
    /// Runs f(lane) on every lane, each on its own thread.
    template <class F>
    void forLanes(F&& f);
    std::vector<Lane> lanes_;
    /// PyTorch's initialisation of every weight and bias: U(−1/√H, 1/√H).
    void initUniform(Matrix& m, Eigen::Index rows, Eigen::Index cols, Rng& rng) const;

    int H_ = 0, in_ = 0, T_ = 0;
    bool lastOnly_ = false, learnInit_ = false;
    Truncation trunc_;
    bool carry_ = false;    ///< carry_state: the data is a continuing stream
    bool carried_ = false;  ///< this batch started from the previous batch's final state
    bool carrying_ = false; ///< this batch's final state is kept for the next one
    Matrix carryH_;         ///< H x B: the final hidden state kept
    Matrix pre_;     ///< G·H x T·B: Wx·x + b, then (cells' choice) the gate activations
    Matrix dPre_;    ///< its gradient
    Matrix states_;  ///< H x T·B: h_{t−1} at step t (the state each step starts from)
    Matrix hidden_;  ///< H x T·B: h_t
    Matrix first_;   ///< H x T: the hidden activity of the first sample of the last training batch

private:
    /// One direction: y from x (both laid out as the node's ports, H rows per step).
    void forwardOne(const StepContext& ctx, const Matrix& x, Matrix& y);
    /// One direction's backward from dL/dy; writes dL/dx into `gradIn` when given.
    void backwardOne(const Matrix& x, const Matrix& g, Matrix* gradIn);

    std::vector<Parameter> params_;
    std::unique_ptr<RecurrentKernel> reverse_;  ///< the backward direction (bidirectional)
    Matrix xr_, yf_, yr_, gf_, gr_, gin_;       ///< time-reversed input, per-direction outputs and gradients
    const Matrix* dY_ = nullptr;  ///< the output's gradient during backward
};

/// The parameters every cell shares (bptt_steps included), for its NodeSpec.
std::vector<ParamSpec> recurrentParams();
/// Ports, category, observables and example shared by the cells' specs.
void describeRecurrent(NodeSpec& s);

}  // namespace ganglion
