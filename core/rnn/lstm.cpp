#include "core/rnn/lstm.h"

namespace ganglion {

void LstmKernel::buildCell(const BuildContext&) {
    c0.setZero(H_, 1);
    if (learnInit_) addParameter("initial_cell", &c0, &dc0);
}

void LstmKernel::prepare(Eigen::Index B) {
    cells_.resize(H_, B * T_);
    tanhC_.resize(H_, B * T_);
    if (carrying_ && !carried_) carryC_.resize(H_, B);
}

void LstmKernel::runSteps(Lane& L) {
    const Eigen::Index H = H_, B = L.n;
    Matrix& c0b = L.m2;  // c0 over the lane's samples
    c0b.resize(H, B);
    if (carried_) c0b = carryC_.middleCols(L.s0, B);
    else c0b.colwise() = c0.col(0);
    for (int t = 0; t < T_; ++t) {
        StepMap g = stepOf(pre_, t, L);
        g.noalias() += Wh * state(t, L);
        auto ifg = g.topRows(2 * H).array();
        ifg = (1.f + (-ifg).exp()).inverse();
        auto o = g.bottomRows(H).array();
        o = (1.f + (-o).exp()).inverse();
        auto gg = g.middleRows(2 * H, H).array();
        gg = gg.tanh();
        const StepMap cp = t > 0 ? stepOf(cells_, t - 1, L) : StepMap(c0b.data(), H, B, Eigen::OuterStride<>(H));
        StepMap c = stepOf(cells_, t, L);
        c.array() = g.middleRows(H, H).array() * cp.array() + g.topRows(H).array() * gg;
        StepMap tc = stepOf(tanhC_, t, L);
        tc.array() = c.array().tanh();
        StepMap h = stepOf(hidden_, t, L);
        h.array() = o * tc.array();
        if (t + 1 < T_) state(t + 1, L) = h;
    }
    if (carrying_) carryC_.middleCols(L.s0, B) = stepOf(cells_, T_ - 1, L);
}

void LstmKernel::backSteps(Lane& L) {
    const Eigen::Index H = H_, B = L.n;
    Matrix& dc = L.m1;
    dc.setZero(H, B);
    Matrix& c0b = L.m2;  // as the forward pass left it
    for (int t = T_ - 1; t >= 0; --t) {
        addOutputGrad(L, t);
        const StepMap g = stepOf(pre_, t, L);
        const auto i = g.topRows(H).array(), f = g.middleRows(H, H).array();
        const auto gg = g.middleRows(2 * H, H).array(), o = g.bottomRows(H).array();
        const StepMap tcm = stepOf(tanhC_, t, L);
        const auto tc = tcm.array();
        const StepMap cp = t > 0 ? stepOf(cells_, t - 1, L) : StepMap(c0b.data(), H, B, Eigen::OuterStride<>(H));
        StepMap d = stepOf(dPre_, t, L);
        const auto dh = L.dh.array();
        d.bottomRows(H).array() = dh * tc * o * (1.f - o);
        dc.array() += dh * o * (1.f - tc.square());
        const auto dca = dc.array();
        d.topRows(H).array() = dca * gg * i * (1.f - i);
        d.middleRows(H, H).array() = dca * cp.array() * f * (1.f - f);
        d.middleRows(2 * H, H).array() = dca * i * (1.f - gg.square());
        dc.array() *= f;
        L.dh.noalias() = Wh.transpose() * d;
    }
}

void LstmKernel::finishBackward() {
    if (learnInit_ && !carried_)
        for (const Lane& L : lanes_) dc0.noalias() += L.m1.rowwise().sum();
}

std::pair<std::string, std::string> LstmKernel::torchCell() const {
    return {"LSTM",
            "class LSTM(GanglionRecurrent):\n"
            "    def initial(self, batch, r):\n"
            "        return (self.start(batch, r + 'initial_state'), self.start(batch, r + 'initial_cell'))\n"
            "\n"
            "    def cell(self, p, state, r):\n"
            "        h, c = state\n"
            "        i, f, g, o = (p + F.linear(h, getattr(self, r + 'recurrent_weight'))).chunk(4, 1)\n"
            "        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)\n"
            "        return torch.sigmoid(o) * torch.tanh(c), c\n"};
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
