#include "core/rnn/gru.h"

namespace ganglion {

void GruKernel::buildCell(const BuildContext& ctx) {
    initUniform(bh, 3 * Eigen::Index(H_), 1, ctx.rng);
    addParameter("recurrent_bias", &bh, &dbh);
}

void GruKernel::prepare(Eigen::Index B) {
    hn_.resize(H_, B * T_);
    dHp_.resize(3 * Eigen::Index(H_), B * T_);
}

void GruKernel::runSteps(Lane& L) {
    const Eigen::Index H = H_;
    Matrix& hpre = L.m1;  // W_h h_{t−1} + b_hh of the current step
    hpre.resize(3 * H, L.n);
    for (int t = 0; t < T_; ++t) {
        StepMap p = stepOf(pre_, t, L);
        const StepMap hp = state(t, L);
        hpre.noalias() = Wh * hp;
        hpre.colwise() += bh.col(0);
        auto rz = p.topRows(2 * H).array();
        rz = (1.f + (-(rz + hpre.topRows(2 * H).array())).exp()).inverse();
        StepMap hn = stepOf(hn_, t, L);
        hn = hpre.bottomRows(H);
        auto n = p.bottomRows(H).array();
        n = (n + p.topRows(H).array() * hn.array()).tanh();
        const auto z = p.middleRows(H, H).array();
        StepMap h = stepOf(hidden_, t, L);
        h.array() = (1.f - z) * n + z * hp.array();
        if (t + 1 < T_) state(t + 1, L) = h;
    }
}

void GruKernel::backSteps(Lane& L) {
    const Eigen::Index H = H_;
    for (int t = T_ - 1; t >= 0; --t) {
        addOutputGrad(L, t);
        const StepMap p = stepOf(pre_, t, L);
        const auto r = p.topRows(H).array(), z = p.middleRows(H, H).array(), n = p.bottomRows(H).array();
        const StepMap hp = state(t, L), hn = stepOf(hn_, t, L);
        StepMap dx = stepOf(dPre_, t, L), dq = stepOf(dHp_, t, L);
        const auto dh = L.dh.array();
        dx.bottomRows(H).array() = dh * (1.f - z) * (1.f - n.square());
        dq.bottomRows(H).array() = dx.bottomRows(H).array() * r;
        dx.topRows(H).array() = dx.bottomRows(H).array() * hn.array() * r * (1.f - r);
        dx.middleRows(H, H).array() = dh * (hp.array() - n) * z * (1.f - z);
        dq.topRows(2 * H) = dx.topRows(2 * H);
        L.dh.array() *= z;
        L.dh.noalias() += Wh.transpose() * dq;
    }
}

void GruKernel::finishBackward() { dbh.noalias() += dHp_.rowwise().sum(); }

std::pair<std::string, std::string> GruKernel::torchCell() const {
    return {"GRU",
            "class GRU(GanglionRecurrent):\n"
            "    def cell(self, p, state, r):\n"
            "        h = state[0]\n"
            "        q = F.linear(h, getattr(self, r + 'recurrent_weight'), getattr(self, r + 'recurrent_bias'))\n"
            "        pr, pz, pn = p.chunk(3, 1)\n"
            "        qr, qz, qn = q.chunk(3, 1)\n"
            "        z = torch.sigmoid(pz + qz)\n"
            "        n = torch.tanh(pn + torch.sigmoid(pr + qr) * qn)\n"
            "        return ((1 - z) * n + z * h,)\n"};
}

NodeSpec makeGruSpec() {
    NodeSpec s;
    s.type = "GRU";
    s.title = "GRU";
    describeRecurrent(s);
    s.help = "Gated recurrent unit layer over a sequence (PyTorch's nn.GRU equations and gate order r, z, n, with "
             "r applied to W_hn h + b_hn): h' = (1 − z)⊙n + z⊙h. Trained by exact back-propagation through time; "
             "outputs every step's hidden state or the last one.";
    s.reference = "Cho et al., EMNLP 2014";
    s.params = recurrentParams();
    s.create = [] { return std::make_unique<GruKernel>(); };
    return s;
}

}  // namespace ganglion
