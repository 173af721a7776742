// The PyTorch equivalents of SpikeEncoder and LIFLayer (core/export/torch_module.h): sequences
// stay time-major, (batch, steps·features) as the engine's (steps·features) x batch, and the
// spike's backward is the fast-sigmoid surrogate of core/snn/surrogate.h.
#include "core/export/torch_hooks.h"
#include "core/snn/sg_layer.h"

namespace ganglion {

namespace {

const char* kEncoderSource = R"PY(class SpikeEncoder(GanglionModule):
    # direct: gain*x as the input current of every step; rate: Bernoulli spikes of probability
    # gain*x, passing the gradient of gain*x straight through (as Ganglion's encoder does)
    def forward(self, x):
        g = (self.gain * x).repeat(1, self.steps)
        if self.mode == 'direct':
            return g
        s = torch.bernoulli(g.detach().clamp(0.0, 1.0))
        return s + g - g.detach()
)PY";

const char* kLifSource = R"PY(class FastSigmoidSpike(torch.autograd.Function):
    """H(u) forward; the fast-sigmoid surrogate (k/2) / (1 + k|u|)^2 backward."""

    @staticmethod
    def forward(ctx, u, k):
        ctx.save_for_backward(u)
        ctx.k = k
        return (u > 0).to(u.dtype)

    @staticmethod
    def backward(ctx, g):
        (u,) = ctx.saved_tensors
        return g * (0.5 * ctx.k) / (1.0 + ctx.k * u.abs()) ** 2, None


class LIFLayer(GanglionModule):
    # I_t = W x_t + b (+ W_rec S_t-1),  U_t = beta U_t-1 + I_t - theta S_t-1,  S_t = H(U_t - theta);
    # a readout integrates without spikes and outputs the mean membrane over the steps
    def spike(self, u):
        if self.smooth:
            return 0.5 * (1.0 + self.slope * u / (1.0 + self.slope * u.abs()))
        return FastSigmoidSpike.apply(u, self.slope)

    def forward(self, x):
        units, nin = self.weight.shape
        u = x.new_zeros(x.shape[0], units)
        s, y, spikes = None, 0.0, []
        for t in range(self.steps):
            cur = F.linear(x[:, t * nin:(t + 1) * nin], self.weight, self.bias)
            if self.recurrent and t > 0:
                cur = cur + F.linear(s, self.recurrent_weight)
            u = u * self.beta + cur
            if not self.readout and t > 0:
                u = u - s * self.threshold
            if self.readout:
                y = y + u / self.steps
            else:
                s = self.spike(u - self.threshold)
                spikes.append(s)
        return y if self.readout else torch.cat(spikes, dim=1)

    def project(self):
        with torch.no_grad():
            if self.learn_beta:
                self.beta.clamp_(self.beta_min, self.beta_max)
            if self.learn_threshold:
                self.threshold.clamp_(min=self.threshold_min)
)PY";

std::string pyBool(bool b) { return b ? "True" : "False"; }

}  // namespace

TorchModule SpikeEncoderKernel::torchModule() const {
    TorchModule m;
    m.pyClass = "SpikeEncoder";
    m.pySource = kEncoderSource;
    m.pyArgs = "steps=" + std::to_string(T_) + ", mode=" + torch::pyString(rate_ ? "rate" : "direct") + ", gain=" + torch::pyFloat(gain_);
    m.steps = T_;
    if (rate_) m.notes.push_back("rate coding draws its spikes from PyTorch's generator (the same statistics, other samples)");
    return m;
}

TorchModule LifLayerKernel::torchModule() const {
    trunc_.requireFull(T_);
    TorchModule m;
    m.pyClass = "LIFLayer";
    m.pySource = kLifSource;
    m.pyArgs = "steps=" + std::to_string(T_) + ", readout=" + pyBool(readout_) + ", recurrent=" + pyBool(recurrent_) +
               ", smooth=" + pyBool(smooth_) + ", slope=" + torch::pyFloat(k_) + ", learn_beta=" + pyBool(learnBeta_) +
               ", learn_threshold=" + pyBool(learnTheta_) + ", beta_min=" + torch::pyFloat(betaMin_) +
               ", beta_max=" + torch::pyFloat(betaMax_) + ", threshold_min=" + torch::pyFloat(thetaMin_);
    m.steps = readout_ ? 0 : T_;
    m.tensors = {torch::matrix("weight", W), torch::vector("bias", b, useBias_)};
    if (recurrent_) m.tensors.push_back(torch::matrix("recurrent_weight", Wrec));
    m.tensors.push_back(torch::vector("beta", betas, learnBeta_));
    m.tensors.push_back(torch::vector("threshold", thresholds, learnTheta_));
    return m;
}

}  // namespace ganglion
