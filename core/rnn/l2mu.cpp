#include "core/rnn/l2mu.h"

#include "core/model/node_spec.h"
#include "core/rnn/legendre.h"
#include "core/snn/surrogate.h"

#include <cmath>

namespace ganglion {

namespace {
void uniformInit(Matrix& m, Eigen::Index rows, Eigen::Index cols, double bound, Rng& rng) {
    std::uniform_real_distribution<float> u(-float(bound), float(bound));
    m.resize(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = u(rng);
}
}  // namespace

std::vector<Shape> L2muKernel::build(const BuildContext& ctx) {
    const ParamSet& p = ctx.params;
    const Shape& x = ctx.inputs[0];
    if (x.features <= 0) throw BuildError("in", "input width is unknown (connect a sequence)");
    if (x.steps <= 0)
        throw BuildError("in", "expects a sequence (a SequenceTask, FashionMNIST with rows as steps, a SpikeEncoder "
                               "or a recurrent layer), got a plain tensor of " + std::to_string(x.features) + " features");
    theta_ = p.getFloat("theta");
    d_ = int(p.getInt("order"));
    if (!(theta_ > 0)) throw BuildError("", "parameter 'theta' must be a positive window in steps, got " + std::to_string(theta_));
    if (d_ < 1) throw BuildError("", "parameter 'order' must be at least 1, got " + std::to_string(d_));
    const std::string n = p.getString("neuron");
    neuron_ = n == "lif" ? Neuron::Lif : n == "cuba_lif" ? Neuron::CubaLif : Neuron::None;
    in_ = x.features;
    T_ = x.steps;
    H_ = int(p.getInt("units"));
    q_ = int(p.getInt("memory_inputs"));
    lastOnly_ = p.getString("output") == "last";
    smooth_ = p.getBool("smooth_forward");
    setParams(p);
    Eigen::MatrixXd Ad;
    Eigen::VectorXd Bd;
    discretiseZoh(legendreA(d_, theta_), legendreB(d_, theta_), Ad, Bd);
    Abar_ = Ad.cast<float>();
    Bbar_ = Bd.cast<float>();
    recallDelay_ = std::max(0, int(std::floor(theta_ - 0.5)));
    readP_ = shiftedLegendre(d_, (recallDelay_ + 0.5) / theta_).cast<float>();
    const Eigen::Index qd = Eigen::Index(q_) * d_;
    // the LMU's initialisation: input encoders LeCun-uniform, the others zero; hidden weights
    // uniform in ±scale/√fan-in over everything the hidden layer reads
    const double scale = p.getFloat("init_scale");
    uniformInit(Ex, q_, in_, std::sqrt(3.0 / in_), ctx.rng);
    Eh.setZero(q_, H_);
    Em.setZero(q_, qd);
    bu.setZero(q_, 1);
    const double bound = scale / std::sqrt(double(in_ + H_ + qd));
    uniformInit(Wx, H_, in_, bound, ctx.rng);
    uniformInit(Wh, H_, H_, bound, ctx.rng);
    uniformInit(Wm, H_, qd, bound, ctx.rng);
    bh.setZero(H_, 1);
    for (Parameter& q : parameters()) q.grad->setZero(q.value->rows(), q.value->cols());
    first_.resize(0, 0);
    return {lastOnly_ ? Shape::tensor(H_) : Shape::sequence(H_, T_)};
}

void L2muKernel::setParams(const ParamSet& p) {
    beta_ = float(p.getFloat("beta"));
    thr_ = float(p.getFloat("threshold"));
    alpha_ = float(p.getFloat("synapse_decay"));
    k_ = float(p.getFloat("slope"));
    trunc_ = Truncation::from(p);
}

void L2muKernel::popForward(bool hidden, const Matrix& a, Matrix& I, Eigen::Ref<Matrix> V, Eigen::Ref<Matrix> out,
                            const float* Vp, const float* Sp) const {
    if (neuron_ == Neuron::None) {
        if (hidden) out = a.array().tanh().matrix();
        else out = a;
        return;
    }
    if (neuron_ == Neuron::CubaLif) {
        if (Vp) I = alpha_ * I + a;
        else I = a;
    }
    const Matrix& cur = neuron_ == Neuron::CubaLif ? I : a;
    if (Vp) {
        const Eigen::Map<const Matrix> vp(Vp, a.rows(), a.cols()), sp(Sp, a.rows(), a.cols());
        V = beta_ * vp + cur - thr_ * sp;
    } else {
        V = cur;
    }
    for (Eigen::Index i = 0; i < V.size(); ++i) out.data()[i] = surrogateSpike(V.data()[i] - thr_, k_, smooth_);
}

void L2muKernel::popBackward(bool hidden, const Matrix& g, Eigen::Ref<const Matrix> V, Eigen::Ref<const Matrix> out,
                             Matrix& dV, Matrix& dI, Matrix& da) {
    if (neuron_ == Neuron::None) {
        if (hidden) da = g.cwiseProduct((1.f - out.array().square()).matrix());
        else da = g;
        return;
    }
    // S_t reaches the output (g) and, through the reset, V_{t+1} = … − θ S_t
    dS_ = g - thr_ * dV;
    for (Eigen::Index i = 0; i < dS_.size(); ++i) dS_(i) *= surrogateGrad(V.data()[i] - thr_, k_);
    dV = dS_ + beta_ * dV;
    if (neuron_ == Neuron::CubaLif) {
        dI = dV + alpha_ * dI;
        da = dI;
    } else {
        da = dV;
    }
}

void L2muKernel::memoryStep(const float* mPrev, const float* u, float* m, Eigen::Index B) const {
    const Eigen::Index cols = Eigen::Index(q_) * B;  // memory j of sample b: column b·q + j
    Eigen::Map<Matrix> M(m, d_, cols);
    const Eigen::Map<const Matrix> U(u, 1, cols);
    if (mPrev) M.noalias() = Abar_ * Eigen::Map<const Matrix>(mPrev, d_, cols);
    else M.setZero();
    M.noalias() += Bbar_ * U;
}

void L2muKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    if (x.rows() != Eigen::Index(T_) * in_)
        throw std::runtime_error("input has " + std::to_string(x.rows()) + " rows, expected " + std::to_string(T_) +
                                 " steps x " + std::to_string(in_) + " features");
    const Eigen::Index B = x.cols(), TB = B * T_, qd = Eigen::Index(q_) * d_;
    const bool spiking = neuron_ != Neuron::None;
    U_.resize(q_, TB);
    M_.resize(qd, TB);
    H_s_.resize(H_, TB);
    Vu_.resize(spiking ? q_ : 0, spiking ? TB : 0);
    Vh_.resize(spiking ? H_ : 0, spiking ? TB : 0);
    for (int t = 0; t < T_; ++t) {
        const auto xt = x.middleRows(Eigen::Index(t) * in_, in_);
        const Eigen::Index c0 = Eigen::Index(t) * B, p0 = c0 - B;
        a_.noalias() = Ex * xt;
        a_.colwise() += bu.col(0);
        if (t > 0) {
            a_.noalias() += Eh * H_s_.middleCols(p0, B);
            a_.noalias() += Em * M_.middleCols(p0, B);
        }
        const bool prev = spiking && t > 0;  // the membranes and spikes of step t − 1 (contiguous blocks)
        popForward(false, a_, Iu_, spiking ? Eigen::Ref<Matrix>(Vu_.middleCols(c0, B)) : Eigen::Ref<Matrix>(none_),
                   U_.middleCols(c0, B), prev ? Vu_.col(p0).data() : nullptr, prev ? U_.col(p0).data() : nullptr);
        memoryStep(t > 0 ? M_.col(p0).data() : nullptr, U_.col(c0).data(), M_.col(c0).data(), B);
        c_.noalias() = Wx * xt;
        c_.colwise() += bh.col(0);
        c_.noalias() += Wm * M_.middleCols(c0, B);
        if (t > 0) c_.noalias() += Wh * H_s_.middleCols(p0, B);
        popForward(true, c_, Ih_, spiking ? Eigen::Ref<Matrix>(Vh_.middleCols(c0, B)) : Eigen::Ref<Matrix>(none_),
                   H_s_.middleCols(c0, B), prev ? Vh_.col(p0).data() : nullptr, prev ? H_s_.col(p0).data() : nullptr);
    }
    Matrix& y = out[0].tensor;
    if (lastOnly_) {
        y = H_s_.middleCols(Eigen::Index(T_ - 1) * B, B);
    } else {
        y.resize(Eigen::Index(T_) * H_, B);
        for (int t = 0; t < T_; ++t) y.middleRows(Eigen::Index(t) * H_, H_) = H_s_.middleCols(Eigen::Index(t) * B, B);
    }
    if (ctx.phase == Phase::Train && B > 0) {
        first_.resize(H_, T_);
        for (int t = 0; t < T_; ++t) first_.col(t) = H_s_.col(Eigen::Index(t) * B);
    }
}

void L2muKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                          std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    const Matrix& g = gradOut[0];
    if (g.size() == 0) return;
    const Matrix& x = in[0]->tensor;
    const Eigen::Index B = x.cols(), qd = Eigen::Index(q_) * d_;
    if (M_.cols() != B * T_) throw std::runtime_error("backward without a forward pass on this batch");
    const bool wantIn = gradIn[0].size() != 0;
    const bool spiking = neuron_ != Neuron::None;
    Matrix carryH = Matrix::Zero(H_, B), carryM = Matrix::Zero(qd, B), gh, gm, du(q_, B), daH, daU;
    Matrix dVh = Matrix::Zero(H_, B), dIh = Matrix::Zero(H_, B), dVu = Matrix::Zero(q_, B), dIu = Matrix::Zero(q_, B);
    for (int t = T_ - 1; t >= 0; --t) {
        const Eigen::Index c0 = Eigen::Index(t) * B, p0 = c0 - B;
        const auto xt = x.middleRows(Eigen::Index(t) * in_, in_);
        gh = carryH;
        if (lastOnly_) {
            if (t == T_ - 1) gh += g;
        } else {
            gh += g.middleRows(Eigen::Index(t) * H_, H_);
        }
        popBackward(true, gh, spiking ? Eigen::Ref<const Matrix>(Vh_.middleCols(c0, B)) : Eigen::Ref<const Matrix>(none_),
                    H_s_.middleCols(c0, B), dVh, dIh, daH);
        dWx.noalias() += daH * xt.transpose();
        dbh.noalias() += daH.rowwise().sum();
        dWm.noalias() += daH * M_.middleCols(c0, B).transpose();
        if (t > 0) dWh.noalias() += daH * H_s_.middleCols(p0, B).transpose();
        // the memory: m_t feeds c_t, m_{t+1} (carried) and a_{t+1} (carried)
        gm = carryM;
        gm.noalias() += Wm.transpose() * daH;
        const Eigen::Index cols = Eigen::Index(q_) * B;
        const Eigen::Map<const Matrix> G(gm.data(), d_, cols);
        Eigen::Map<Matrix>(du.data(), 1, cols).noalias() = Bbar_.transpose() * G;
        Eigen::Map<Matrix>(carryM.data(), d_, cols).noalias() = Abar_.transpose() * G;
        popBackward(false, du, spiking ? Eigen::Ref<const Matrix>(Vu_.middleCols(c0, B)) : Eigen::Ref<const Matrix>(none_),
                    U_.middleCols(c0, B), dVu, dIu, daU);
        dEx.noalias() += daU * xt.transpose();
        dbu.noalias() += daU.rowwise().sum();
        if (t > 0) {
            dEh.noalias() += daU * H_s_.middleCols(p0, B).transpose();
            dEm.noalias() += daU * M_.middleCols(p0, B).transpose();
        }
        carryH.noalias() = Eh.transpose() * daU;
        carryH.noalias() += Wh.transpose() * daH;
        carryM.noalias() += Em.transpose() * daU;
        if (wantIn) {
            auto gx = gradIn[0].middleRows(Eigen::Index(t) * in_, in_);
            gx.noalias() = Ex.transpose() * daU;
            gx.noalias() += Wx.transpose() * daH;
        }
        if (trunc_.cutBelow(t))  // truncated BPTT: the states entering step t held constant
            for (Matrix* m : {&carryH, &carryM, &dVh, &dIh, &dVu, &dIu}) m->setZero();
    }
}

namespace {
struct Learned {
    const char* name;
    Matrix L2muKernel::*value;
    Matrix L2muKernel::*grad;
};
constexpr Learned kLearned[] = {
    {"encoder_input", &L2muKernel::Ex, &L2muKernel::dEx},      {"encoder_hidden", &L2muKernel::Eh, &L2muKernel::dEh},
    {"encoder_memory", &L2muKernel::Em, &L2muKernel::dEm},     {"encoder_bias", &L2muKernel::bu, &L2muKernel::dbu},
    {"input_weight", &L2muKernel::Wx, &L2muKernel::dWx},       {"recurrent_weight", &L2muKernel::Wh, &L2muKernel::dWh},
    {"memory_weight", &L2muKernel::Wm, &L2muKernel::dWm},      {"bias", &L2muKernel::bh, &L2muKernel::dbh}};
}  // namespace

std::vector<Parameter> L2muKernel::parameters() {
    std::vector<Parameter> ps;
    for (const Learned& l : kLearned) ps.push_back({l.name, &(this->*l.value), &(this->*l.grad)});
    return ps;
}

void L2muKernel::observe(Observables& obs) const {
    if (first_.size()) {
        obs.arrays[std::string(kThroughTime) + "hidden"] = first_;
        obs.arrays["activations"] = first_;
    }
    if (!M_.size()) return;
    const Eigen::Index B = M_.cols() / T_;
    obs.scalars["memory_norm"] = double(M_.colwise().norm().mean());
    if (neuron_ != Neuron::None) {
        obs.scalars["encoder_spike_rate"] = double(U_.mean());
        obs.scalars["hidden_spike_rate"] = double(H_s_.mean());
    }
    // the first sample: its memory, and the memory's reading of the encoder's u_{t−D} (first unit)
    Matrix mem(M_.rows(), T_), recall = Matrix::Zero(2, T_);
    double err = 0, ref = 0;
    for (int t = 0; t < T_; ++t) {
        const Eigen::Index c = Eigen::Index(t) * B;
        mem.col(t) = M_.col(c);
        recall(1, t) = readP_.dot(M_.col(c).head(d_));
        if (t >= recallDelay_) {
            recall(0, t) = U_(0, c - Eigen::Index(recallDelay_) * B);
            err += double(recall(1, t) - recall(0, t)) * (recall(1, t) - recall(0, t));
            ref += double(recall(0, t)) * recall(0, t);
        }
    }
    obs.arrays["memory"] = mem;
    obs.arrays["recall"] = recall;
    if (ref > 0) obs.scalars["recall_error"] = std::sqrt(err / ref);
}

NodeCost L2muKernel::cost() const {
    const double T = T_, in = in_, H = H_, q = q_, d = d_, qd = q * d;
    NodeCost c;
    c.counted = true;
    const double enc = q * (in + H + qd), hid = H * (in + H + qd), mem = qd * d + qd;
    c.params = enc + q + hid + H;
    const double neurons = neuron_ == Neuron::None ? H : 3 * (H + q);
    c.forwardMacs = T * (enc + mem + hid + neurons);
    c.trainMacs = c.forwardMacs + T * (2 * (enc + hid) + mem + neurons);
    c.cacheBytes = double(sizeof(float)) * T * (q + qd + H) * (neuron_ == Neuron::None ? 1 : 2);
    return c;
}

KernelState L2muKernel::saveState() const {
    KernelState st;
    for (const Learned& l : kLearned) st[l.name] = this->*l.value;
    return st;
}

void L2muKernel::loadState(const KernelState& s) {
    std::vector<Parameter> ps = parameters();
    std::vector<const Matrix*> found;  // every entry checked before any is assigned
    for (const Parameter& p : ps) found.push_back(&checkedEntry(s, "L2MU", p.name, p.value->rows(), p.value->cols()));
    for (std::size_t i = 0; i < ps.size(); ++i) *ps[i].value = *found[i];
}

NodeSpec makeL2muSpec() {
    NodeSpec s;
    s.type = "L2MU";
    s.title = "L2MU (spiking Legendre Memory Unit)";
    s.category = "Time";
    s.help = "Legendre Memory Unit: an encoder u = N(E_x x + E_h h + E_m m) feeds a fixed linear memory "
             "m ← Ā m + B̄ u that holds the last θ steps of u as d Legendre coefficients (the delay system of "
             "Voelker et al., discretised exactly by zero-order hold), and a hidden layer h = N(W_x x + W_h h + "
             "W_m m) reads it. neuron = lif or cuba_lif builds the encoder and hidden layer from (current-based) "
             "leaky integrate-and-fire populations that output spikes, trained through time with a surrogate "
             "gradient (the L2MU); none is the non-spiking LMU (identity encoder, tanh hidden layer). Publishes "
             "the memory's norm, the spike rates and the memory's own recall of its input θ steps ago.";
    s.reference = "Voelker, Kajić & Eliasmith, Legendre Memory Units, NeurIPS 2019; L2MU: the spiking Legendre "
                  "Memory Unit (2024)";
    s.inputs = {{"in", PortType::Tensor, "a sequence (steps·inputs x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "the hidden layer: a sequence (steps·units x batch) or units x batch (last)"}};
    s.sequenceAware = true;
    s.observables = {"through_time", "activations", "memory", "recall", "memory_norm", "recall_error",
                     "encoder_spike_rate", "hidden_spike_rate"};
    s.params = {
        intParam("units", 32, 1, 8192, "Hidden units H."),
        intParam("order", 8, 1, 256, "d: Legendre coefficients kept per memory (the memory's resolution)."),
        floatParam("theta", 8.0, 1e-3, 1e6, "θ: the window the memory holds, in steps.", "steps"),
        intParam("memory_inputs", 1, 1, 256, "q: encoder units, each with its own memory of order d."),
        enumParam("neuron", "lif", {"lif", "cuba_lif", "none"},
                  "Encoder and hidden populations: LIF or current-based LIF neurons (spiking), or none: the "
                  "non-spiking LMU cell."),
        enumParam("output", "sequence", {"sequence", "last"},
                  "Output the hidden layer of every step (a sequence) or of the last step only."),
        floatParam("beta", 0.9, 0.0, 1.0, "Membrane decay per step of the spiking neurons.", "", true),
        floatParam("threshold", 1.0, 1e-6, 1e6, "Firing threshold of the spiking neurons.", "", true),
        floatParam("synapse_decay", 0.8, 0.0, 1.0, "α: decay per step of the synaptic current (cuba_lif).", "", true),
        floatParam("slope", 5.0, 0.01, 1000.0, "Surrogate slope k of σ'(u) = (k/2)/(1+k|u|)².", "", true),
        floatParam("init_scale", 1.0, 0.0, 100.0, "Initial hidden weights uniform in ±init_scale/√fan-in."),
        boolParam("smooth_forward", false, "Use the smooth sigmoid as spike function (gradient checks)."),
        bpttParam(),
    };
    s.create = [] { return std::make_unique<L2muKernel>(); };
    s.example = [](const std::string&) {
        return NodeExample{{{"units", std::int64_t(3)}, {"order", std::int64_t(3)}, {"theta", 3.0},
                            {"smooth_forward", true}},
                           {Shape::sequence(2, 3)}};
    };
    return s;
}

}  // namespace ganglion
