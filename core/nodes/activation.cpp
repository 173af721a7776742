#include "core/nodes/activation.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

namespace ganglion {

ActivationFn activationFromName(const std::string& n) {
    if (n == "relu") return ActivationFn::ReLU;
    if (n == "tanh") return ActivationFn::Tanh;
    if (n == "sigmoid") return ActivationFn::Sigmoid;
    if (n == "silu") return ActivationFn::SiLU;
    return ActivationFn::Linear;
}

void applyActivation(ActivationFn f, const Matrix& x, Matrix& y) {
    switch (f) {
    case ActivationFn::ReLU: y = x.cwiseMax(0.f); break;
    case ActivationFn::Tanh: y = x.array().tanh(); break;
    case ActivationFn::Sigmoid: y = (1.f + (-x.array()).exp()).inverse(); break;
    case ActivationFn::SiLU: y = x.array() * (1.f + (-x.array()).exp()).inverse(); break;
    case ActivationFn::Linear: y = x; break;
    }
}

void activationGradient(ActivationFn f, const Matrix& x, const Matrix& y, const Matrix& gy, Matrix& gx) {
    switch (f) {
    case ActivationFn::ReLU: gx = (x.array() > 0.f).select(gy, 0.f); break;
    case ActivationFn::Tanh: gx = gy.array() * (1.f - y.array().square()); break;
    case ActivationFn::Sigmoid: gx = gy.array() * y.array() * (1.f - y.array()); break;
    case ActivationFn::SiLU: {
        auto s = (1.f + (-x.array()).exp()).inverse();
        gx = gy.array() * (s * (1.f + x.array() * (1.f - s)));
        break;
    }
    case ActivationFn::Linear: gx = gy; break;
    }
}

std::vector<Shape> ActivationKernel::build(const BuildContext& ctx) {
    if (ctx.inputs[0].features <= 0) throw BuildError("in", "input width is unknown");
    setParams(ctx.params);
    width_ = ctx.inputs[0].features;
    return {ctx.inputs[0]};
}

void ActivationKernel::setParams(const ParamSet& p) {
    fn_ = activationFromName(p.getString("function"));
    eps_ = p.getFloat("epsilon");
}

void ActivationKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    Matrix& y = out[0].tensor;
    applyActivation(fn_, x, y);
    if (y.size() == 0) return;
    const double n = double(y.size());
    zeroFrac_ = double((y.array() == 0.f).count()) / n;
    smallFrac_ = double((y.array().abs() < float(eps_)).count()) / n;
    if (ctx.phase == Phase::Train)
        runningZero_ = runningZero_ < 0 ? zeroFrac_ : 0.98 * runningZero_ + 0.02 * zeroFrac_;
    thumb_.record(ctx.phase, y);
}

void ActivationKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value> out,
                                std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradIn[0].size() == 0 || gradOut[0].size() == 0) return;
    activationGradient(fn_, in[0]->tensor, out[0].tensor, gradOut[0], gradIn[0]);
}

void ActivationKernel::observe(Observables& obs) const {
    obs.scalars["activation_sparsity"] = zeroFrac_;
    obs.scalars["near_zero_fraction"] = smallFrac_;
    if (runningZero_ >= 0) obs.scalars["activation_sparsity_mean"] = runningZero_;
    thumb_.publish(obs);
}

TorchModule ActivationKernel::torchModule() const {
    static const char* names[] = {"relu", "tanh", "sigmoid", "silu", "linear"};
    TorchModule m;
    m.pyClass = "Activation";
    m.pySource = "class Activation(GanglionModule):\n"
                 "    def forward(self, x):\n"
                 "        f = self.function\n"
                 "        if f == 'relu':\n"
                 "            return torch.relu(x)\n"
                 "        if f == 'tanh':\n"
                 "            return torch.tanh(x)\n"
                 "        if f == 'sigmoid':\n"
                 "            return torch.sigmoid(x)\n"
                 "        if f == 'silu':\n"
                 "            return F.silu(x)\n"
                 "        return x\n";
    m.pyArgs = "function=" + torch::pyString(names[int(fn_)]);
    return m;
}

NodeSpec makeActivationSpec() {
    NodeSpec s;
    s.type = "Activation";
    s.title = "Activation";
    s.category = "Layers";
    s.observables = {"activations"};
    s.help = "Element-wise non-linearity. Reports activation sparsity: the fraction of outputs that "
             "are exactly zero and the fraction below epsilon in magnitude.";
    s.inputs = {{"in", PortType::Tensor, "any width"}};
    s.outputs = {{"out", PortType::Tensor, "same width"}};
    s.params = {
        enumParam("function", "tanh", {"relu", "tanh", "sigmoid", "silu", "linear"},
                  "ReLU max(0,x); tanh; sigmoid 1/(1+e^-x); SiLU x·sigmoid(x); linear x.", true),
        floatParam("epsilon", 1e-3, 0.0, 1.0, "Threshold for the near-zero activation fraction.", "", true),
    };
    s.create = [] { return std::make_unique<ActivationKernel>(); };
    return s;
}

}  // namespace ganglion
