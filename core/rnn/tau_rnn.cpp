#include "core/rnn/tau_rnn.h"

#include "core/export/torch_hooks.h"

namespace ganglion {

namespace {
void atLeastOne(Matrix& tau, void*) { tau = tau.cwiseMax(1.f); }
}  // namespace

void TauRnnKernel::buildCell(const BuildContext& ctx) {
    tau.setConstant(H_, 1, float(ctx.params.getFloat("tau_init")));
    if (ctx.params.getBool("learn_tau")) addParameter("tau", &tau, &dtau, atLeastOne);
}

void TauRnnKernel::prepare(Eigen::Index) { alpha_ = tau.col(0).array().inverse(); }

void TauRnnKernel::runSteps(Lane& L) {
    for (int t = 0; t < T_; ++t) {
        StepMap a = stepOf(pre_, t, L);
        const StepMap hp = state(t, L);
        a.noalias() += Wh * hp;
        a.array() = a.array().tanh();
        StepMap h = stepOf(hidden_, t, L);
        h.array() = hp.array() + (a.array() - hp.array()).colwise() * alpha_;
        if (t + 1 < T_) state(t + 1, L) = h;
    }
}

void TauRnnKernel::backSteps(Lane& L) {
    Eigen::ArrayXf& dalpha = L.v;  // dL/d(1/τ) from this lane's samples
    dalpha.setZero(H_);
    for (int t = T_ - 1; t >= 0; --t) {
        addOutputGrad(L, t);
        const StepMap a = stepOf(pre_, t, L), hp = state(t, L);
        StepMap d = stepOf(dPre_, t, L);
        d.array() = (L.dh.array().colwise() * alpha_) * (1.f - a.array().square());
        dalpha += (L.dh.array() * (a.array() - hp.array())).rowwise().sum();
        L.dh.array() = L.dh.array().colwise() * (1.f - alpha_);
        L.dh.noalias() += Wh.transpose() * d;
    }
}

void TauRnnKernel::finishBackward() {
    if (!dtau.size()) return;
    for (const Lane& L : lanes_) dtau.col(0).array() -= L.v * alpha_.square();  // dα/dτ = −1/τ²
}

void TauRnnKernel::observeCell(Observables& obs) const {
    obs.arrays["tau"] = tau;
    obs.scalars["tau_mean"] = double(tau.mean());
}

std::pair<std::string, std::string> TauRnnKernel::torchCell() const {
    return {"TauRNN",
            "class TauRNN(GanglionRecurrent):\n"
            "    def cell(self, p, state, r):\n"
            "        h = state[0]\n"
            "        a = torch.tanh(p + F.linear(h, getattr(self, r + 'recurrent_weight')))\n"
            "        return (h + (a - h) * (1 / getattr(self, r + 'tau')),)\n"
            "\n"
            "    def project(self):\n"
            "        with torch.no_grad():  # tau >= 1, as the engine keeps it after each update\n"
            "            for name in ('tau', 'reverse_tau'):\n"
            "                if hasattr(self, name):\n"
            "                    getattr(self, name).clamp_(min=1)\n"};
}

void TauRnnKernel::addTorchBuffers(std::vector<TorchTensor>& tensors, const std::string& prefix) const {
    if (!dtau.size()) tensors.push_back(torch::vector(prefix + "tau", tau, false));  // fixed τ
}

NodeSpec makeTauRnnSpec() {
    NodeSpec s;
    s.type = "TauRNN";
    s.title = "τ-RNN (trainable time constants)";
    describeRecurrent(s);
    s.observables.push_back("tau");
    s.observables.push_back("tau_mean");
    s.observableWhen = {{"tau", "learn_tau"}};
    s.help = "Elman recurrent layer whose units each have a time constant τ ≥ 1 (in steps), learned with the "
             "weights: h_t = (1 − 1/τ)⊙h_{t−1} + (1/τ)⊙tanh(W h_{t−1} + U x_t + b). Units that need a long "
             "memory learn a large τ. Trained by exact back-propagation through time.";
    s.reference = "Khajehabdollahi et al., Emergent mechanisms for long timescales depend on training curriculum "
                  "and affect performance in memory tasks, ICLR 2024";
    s.params = recurrentParams();
    s.params.push_back(floatParam("tau_init", 2.0, 1.0, 1e4, "Initial time constant of every unit, in steps."));
    s.params.push_back(boolParam("learn_tau", true, "Learn τ per unit (kept ≥ 1); off: fixed at tau_init."));
    s.create = [] { return std::make_unique<TauRnnKernel>(); };
    return s;
}

}  // namespace ganglion
