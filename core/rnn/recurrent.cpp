#include "core/rnn/recurrent.h"

#include "core/model/run_parts.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion {

using ConstStepMap = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

namespace {
int gThreads = 1;
constexpr Eigen::Index kMinLane = 16;  // fewer samples per lane do not pay for a thread

}  // namespace

void setRecurrentThreads(int n) { gThreads = std::clamp(n, 1, 2); }
int recurrentThreads() { return gThreads; }

template <class F>
void RecurrentKernel::forLanes(F&& f) {
    runParts(int(lanes_.size()), [&](int part, int) { f(lanes_[std::size_t(part)]); });
}

std::vector<ParamSpec> recurrentParams() {
    return {
        intParam("units", 32, 1, 8192, "Hidden units H."),
        enumParam("output", "sequence", {"sequence", "last"},
                  "Output the hidden state of every step (a sequence) or of the last step only."),
        boolParam("learn_initial_state", false, "Learn the initial state (else it is zero)."),
        boolParam("bidirectional", false,
                  "Add a second layer reading the sequence backwards: each step outputs both states (2·units rows); "
                  "the last-step output holds the final state of each direction."),
        bpttParam(),
        boolParam("carry_state", false,
                  "The data is a continuing stream (each batch continues the previous one sample by sample): start "
                  "each training batch from the state the previous one ended in; gradients stop at the batch boundary."),
    };
}

namespace {
/// Step t of `x` ((T·f) x B) goes to step T−1−t of `r`.
void reverseSteps(const Matrix& x, int T, Eigen::Index f, Matrix& r) {
    r.resize(x.rows(), x.cols());
    for (int t = 0; t < T; ++t) r.middleRows(Eigen::Index(T - 1 - t) * f, f) = x.middleRows(Eigen::Index(t) * f, f);
}
}  // namespace

void describeRecurrent(NodeSpec& s) {
    s.category = "Time";
    s.inputs = {{"in", PortType::Tensor, "a sequence (steps·inputs x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "hidden states: a sequence (steps·units x batch) or units x batch (last)"}};
    s.sequenceAware = true;
    s.observables = {"through_time", "activations"};
    s.example = [](const std::string&) {
        return NodeExample{{{"units", std::int64_t(3)}, {"learn_initial_state", true}}, {Shape::sequence(2, 3)}};
    };
}

void RecurrentKernel::initUniform(Matrix& m, Eigen::Index rows, Eigen::Index cols, Rng& rng) const {
    std::uniform_real_distribution<float> u(-1.f / std::sqrt(float(H_)), 1.f / std::sqrt(float(H_)));
    m.resize(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = u(rng);
}

void RecurrentKernel::addParameter(const std::string& name, Matrix* value, Matrix* grad, void (*project)(Matrix&, void*)) {
    grad->setZero(value->rows(), value->cols());
    Parameter p{name, value, grad};
    p.project = project;
    params_.push_back(p);
}

std::vector<Shape> RecurrentKernel::build(const BuildContext& ctx) {
    const Shape& x = ctx.inputs[0];
    if (x.features <= 0) throw BuildError("in", "input width is unknown (connect a sequence)");
    if (x.steps <= 0)
        throw BuildError("in", "expects a sequence (e.g. FashionMNIST with rows as steps, a SpikeEncoder or another "
                               "recurrent layer), got a plain tensor of " + std::to_string(x.features) + " features");
    const auto& p = ctx.params;
    H_ = int(p.getInt("units"));
    in_ = x.features;
    T_ = x.steps;
    lastOnly_ = p.getString("output") == "last";
    learnInit_ = p.getBool("learn_initial_state");
    trunc_ = Truncation::from(p);
    carry_ = p.getBool("carry_state");
    carryH_.resize(0, 0);
    carried_ = carrying_ = false;
    const int G = gates();
    params_.clear();
    initUniform(Wx, Eigen::Index(G) * H_, in_, ctx.rng);
    initUniform(Wh, Eigen::Index(G) * H_, H_, ctx.rng);
    initUniform(b, Eigen::Index(G) * H_, 1, ctx.rng);
    h0.setZero(H_, 1);
    addParameter("input_weight", &Wx, &dWx);
    addParameter("recurrent_weight", &Wh, &dWh);
    addParameter("bias", &b, &db);
    if (learnInit_) addParameter("initial_state", &h0, &dh0);
    buildCell(ctx);
    first_.resize(0, 0);
    reverse_.reset();
    int width = H_;
    if (p.getBool("bidirectional")) {
        ParamSet one = p;
        one.set("bidirectional", false);
        one.set("carry_state", false);  // the backward direction starts at the end: nothing to carry
        reverse_ = sibling();
        reverse_->build(BuildContext{one, ctx.inputs, ctx.rng, ctx.nodeName, ctx.dt, ctx.gridSize});
        for (const Parameter& q : reverse_->params_) {
            Parameter r = q;
            r.name = "reverse_" + q.name;
            params_.push_back(r);
        }
        width = 2 * H_;
    }
    return {lastOnly_ ? Shape::tensor(width) : Shape::sequence(width, T_)};
}

void RecurrentKernel::setParams(const ParamSet& p) {
    trunc_ = Truncation::from(p);
    if (reverse_) reverse_->trunc_ = trunc_;
}

void RecurrentKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    if (x.rows() != Eigen::Index(T_) * in_)
        throw std::runtime_error("input has " + std::to_string(x.rows()) + " rows, expected " + std::to_string(T_) +
                                 " steps x " + std::to_string(in_) + " features");
    Matrix& y = out[0].tensor;
    if (!reverse_) {
        forwardOne(ctx, x, y);
        return;
    }
    reverseSteps(x, T_, in_, xr_);
    forwardOne(ctx, x, yf_);
    reverse_->forwardOne(ctx, xr_, yr_);
    const Eigen::Index H = H_, B = x.cols();
    if (lastOnly_) {
        y.resize(2 * H, B);
        y.topRows(H) = yf_;
        y.bottomRows(H) = yr_;
        return;
    }
    y.resize(2 * H * T_, B);
    for (int t = 0; t < T_; ++t) {
        y.middleRows(2 * H * t, H) = yf_.middleRows(H * t, H);
        y.middleRows(2 * H * t + H, H) = yr_.middleRows(H * (T_ - 1 - t), H);
    }
}

void RecurrentKernel::forwardOne(const StepContext& ctx, const Matrix& x, Matrix& y) {
    const Eigen::Index B = x.cols(), TB = B * T_;
    const Eigen::Map<const Matrix> X(x.data(), in_, TB);  // column b·T + t = step t of sample b
    pre_.resize(Eigen::Index(gates()) * H_, TB);
    states_.resize(H_, TB);
    hidden_.resize(H_, TB);
    const bool train = ctx.phase == Phase::Train;
    carried_ = carry_ && train && carryH_.rows() == H_ && carryH_.cols() == B;
    carrying_ = carry_ && train;
    if (carrying_ && !carried_) carryH_.resize(H_, B);
    prepare(B);
    const int parts = gThreads > 1 && B >= 2 * kMinLane ? gThreads : 1;
    lanes_.resize(std::size_t(parts));
    for (int k = 0; k < parts; ++k) {
        lanes_[std::size_t(k)].s0 = B * k / parts;
        lanes_[std::size_t(k)].n = B * (k + 1) / parts - B * k / parts;
    }
    forLanes([&](Lane& L) {
        const Eigen::Index c0 = L.s0 * T_, nc = L.n * T_;
        pre_.middleCols(c0, nc).noalias() = Wx * X.middleCols(c0, nc);
        pre_.middleCols(c0, nc).colwise() += b.col(0);
        if (carried_) state(0, L) = carryH_.middleCols(L.s0, L.n);
        else state(0, L).colwise() = h0.col(0);
        runSteps(L);
        if (carrying_) carryH_.middleCols(L.s0, L.n) = stepOf(hidden_, T_ - 1, L);
    });
    if (lastOnly_) {
        y.resize(H_, B);
        y = StepMap(hidden_.data() + Eigen::Index(T_ - 1) * H_, H_, B, Eigen::OuterStride<>(Eigen::Index(H_) * T_));
    } else {
        y.resize(Eigen::Index(H_) * T_, B);
        Eigen::Map<Matrix>(y.data(), H_, TB) = hidden_;
    }
    if (ctx.phase == Phase::Train && B > 0) first_ = hidden_.leftCols(T_);
}

void RecurrentKernel::addOutputGrad(Lane& L, int t) const {
    if (trunc_.cutBelow(t + 1)) {
        L.dh.setZero();
        dropCarry(L);
    }
    const Matrix& g = *dY_;
    if (lastOnly_) {
        if (t == T_ - 1) L.dh += g.middleCols(L.s0, L.n);
    } else {  // g is (T·H) x B: step t of sample b at rows t·H…, column b
        L.dh += ConstStepMap(g.data() + L.s0 * g.rows() + Eigen::Index(t) * H_, H_, L.n,
                             Eigen::OuterStride<>(Eigen::Index(H_) * T_));
    }
}

void RecurrentKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                               std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradOut[0].size() == 0) return;
    const Matrix& x = in[0]->tensor;
    const Matrix& g = gradOut[0];
    Matrix* gIn = gradIn[0].size() ? &gradIn[0] : nullptr;
    if (!reverse_) {
        backwardOne(x, g, gIn);
        return;
    }
    const Eigen::Index H = H_;
    if (lastOnly_) {
        gf_ = g.topRows(H);
        gr_ = g.bottomRows(H);
    } else {
        gf_.resize(H * T_, g.cols());
        gr_.resize(H * T_, g.cols());
        for (int t = 0; t < T_; ++t) {
            gf_.middleRows(H * t, H) = g.middleRows(2 * H * t, H);
            gr_.middleRows(H * (T_ - 1 - t), H) = g.middleRows(2 * H * t + H, H);
        }
    }
    backwardOne(x, gf_, gIn);
    if (gIn) gin_.setZero(x.rows(), x.cols());
    reverse_->backwardOne(xr_, gr_, gIn ? &gin_ : nullptr);
    if (gIn)
        for (int t = 0; t < T_; ++t)
            gIn->middleRows(Eigen::Index(t) * in_, in_) += gin_.middleRows(Eigen::Index(T_ - 1 - t) * in_, in_);
}

void RecurrentKernel::backwardOne(const Matrix& x, const Matrix& g, Matrix* gIn) {
    const Eigen::Index B = x.cols(), TB = B * T_;
    if (pre_.cols() != TB) throw std::runtime_error("backward without a forward pass on this batch");
    dY_ = &g;
    dPre_.resize(pre_.rows(), TB);
    forLanes([&](Lane& L) {
        L.dh.setZero(H_, L.n);
        backSteps(L);
    });
    dY_ = nullptr;
    // the weight gradients sum over every column: split by rows; the input gradient by columns
    const Eigen::Map<const Matrix> X(x.data(), in_, TB);
    const Matrix& dRec = recurrentGrad();
    const bool wantIn = gIn != nullptr;
    runParts(int(lanes_.size()), [&](int part, int parts) {
        const Eigen::Index G = dPre_.rows(), r0 = G * part / parts, nr = G * (part + 1) / parts - r0;
        dWx.middleRows(r0, nr).noalias() += dPre_.middleRows(r0, nr) * X.transpose();
        db.middleRows(r0, nr).noalias() += dPre_.middleRows(r0, nr).rowwise().sum();
        dWh.middleRows(r0, nr).noalias() += dRec.middleRows(r0, nr) * states_.transpose();
        if (wantIn) {
            const Eigen::Index c0 = TB * part / parts, nc = TB * (part + 1) / parts - c0;
            Eigen::Map<Matrix>(gIn->data(), in_, TB).middleCols(c0, nc).noalias() =
                Wx.transpose() * dPre_.middleCols(c0, nc);
        }
    });
    if (learnInit_ && !carried_)  // a carried state is a constant
        for (const Lane& L : lanes_) dh0.noalias() += L.dh.rowwise().sum();
    finishBackward();
}

NodeCost RecurrentKernel::cost() const {
    const double T = T_, G = gates(), H = H_, in = in_;
    NodeCost c;
    c.counted = true;
    for (const auto& p : params_) c.params += double(p.value->size());
    const double gemm = G * H * in + G * H * H;
    c.forwardMacs = T * (gemm + elementwisePerUnit() * H);
    c.trainMacs = c.forwardMacs + T * (2 * gemm + elementwisePerUnit() * H);
    c.cacheBytes = double(sizeof(float)) * T * H * (G + 2 + cachedPerUnit());
    if (reverse_) {  // the backward direction (its parameters are already in params_)
        const NodeCost r = reverse_->cost();
        c.forwardMacs += r.forwardMacs;
        c.trainMacs += r.trainMacs;
        c.cacheBytes += r.cacheBytes;
    }
    return c;
}

void RecurrentKernel::observe(Observables& obs) const {
    if (first_.size()) {
        obs.arrays[std::string(kThroughTime) + "hidden"] = first_;  // units x steps, first sample of the last training batch
        obs.arrays["activations"] = first_;
    }
    observeCell(obs);
}

KernelState RecurrentKernel::saveState() const {
    KernelState st;
    for (const auto& p : params_) st[p.name] = *p.value;
    return st;
}

void RecurrentKernel::loadState(const KernelState& s) {
    std::vector<const Matrix*> found;  // every entry checked before any is assigned
    for (const auto& p : params_) found.push_back(&checkedEntry(s, typeName(), p.name, p.value->rows(), p.value->cols()));
    for (std::size_t i = 0; i < params_.size(); ++i) *params_[i].value = *found[i];
}

}  // namespace ganglion
