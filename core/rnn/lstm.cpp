#include "core/rnn/lstm.h"

namespace ganglion {

void LstmKernel::buildCell(const BuildContext&) {
    c0.setZero(H_, 1);
    if (learnInit_) addParameter("initial_cell", &c0, &dc0);
}

void LstmKernel::runSteps(Eigen::Index B) {
    const Eigen::Index H = H_;
    cells_.resize(H, B * T_);
    tanhC_.resize(H, B * T_);
    c0b_.resize(H, B);
    c0b_.colwise() = c0.col(0);
    for (int t = 0; t < T_; ++t) {
        StepMap g = stepOf(pre_, t);
        g.noalias() += Wh * state(t);
        auto ifg = g.topRows(2 * H).array();
        ifg = (1.f + (-ifg).exp()).inverse();
        auto o = g.bottomRows(H).array();
        o = (1.f + (-o).exp()).inverse();
        auto gg = g.middleRows(2 * H, H).array();
        gg = gg.tanh();
        const StepMap cp = t > 0 ? stepOf(cells_, t - 1) : StepMap(c0b_.data(), H, B, Eigen::OuterStride<>(H));
        StepMap c = stepOf(cells_, t);
        c.array() = g.middleRows(H, H).array() * cp.array() + g.topRows(H).array() * gg;
        StepMap tc = stepOf(tanhC_, t);
        tc.array() = c.array().tanh();
        StepMap h = stepOf(hidden_, t);
        h.array() = o * tc.array();
        if (t + 1 < T_) state(t + 1) = h;
    }
}

void LstmKernel::backSteps(Eigen::Index B) {
    const Eigen::Index H = H_;
    dc_.setZero(H, B);
    for (int t = T_ - 1; t >= 0; --t) {
        addOutputGrad(dh_, t);
        const StepMap g = stepOf(pre_, t);
        const auto i = g.topRows(H).array(), f = g.middleRows(H, H).array();
        const auto gg = g.middleRows(2 * H, H).array(), o = g.bottomRows(H).array();
        const StepMap tcm = stepOf(tanhC_, t);
        const auto tc = tcm.array();
        const StepMap cp = t > 0 ? stepOf(cells_, t - 1) : StepMap(c0b_.data(), H, B, Eigen::OuterStride<>(H));
        StepMap d = stepOf(dPre_, t);
        const auto dh = dh_.array();
        d.bottomRows(H).array() = dh * tc * o * (1.f - o);
        dc_.array() += dh * o * (1.f - tc.square());
        const auto dc = dc_.array();
        d.topRows(H).array() = dc * gg * i * (1.f - i);
        d.middleRows(H, H).array() = dc * cp.array() * f * (1.f - f);
        d.middleRows(2 * H, H).array() = dc * i * (1.f - gg.square());
        dc_.array() *= f;
        dh_.noalias() = Wh.transpose() * d;
    }
    dWh.noalias() += dPre_ * states_.transpose();
    if (learnInit_) dc0.noalias() += dc_.rowwise().sum();
}

NodeSpec makeLstmSpec() {
    NodeSpec s;
    s.type = "LSTM";
    s.title = "LSTM";
    describeRecurrent(s);
    s.help = "Long short-term memory layer over a sequence (PyTorch's nn.LSTM equations and gate order i, f, g, "
             "o): c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t). Trained by exact back-propagation through time; "
             "outputs every step's hidden state or the last one.";
    s.reference = "Hochreiter & Schmidhuber, Neural Computation 1997; Gers, Schmidhuber & Cummins 2000 (forget gate)";
    s.params = recurrentParams();
    s.create = [] { return std::make_unique<LstmKernel>(); };
    return s;
}

}  // namespace ganglion
