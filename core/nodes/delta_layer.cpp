#include "core/nodes/delta_layer.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"
#include "core/nodes/step_slice.h"

#include <cmath>

namespace ganglion {

std::vector<Shape> DeltaLayerKernel::build(const BuildContext& ctx) {
    const Shape& x = requireSequence(ctx, "in");
    T_ = x.steps;
    f_ = x.features;
    setParams(ctx.params);
    return {Shape::sequence(f_, T_)};
}

void DeltaLayerKernel::setParams(const ParamSet& p) {
    theta_ = float(p.getFloat("threshold"));
    lambda_ = float(p.getFloat("sparsity_penalty"));
    trunc_ = Truncation::from(p);
}

void DeltaLayerKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& a = in[0]->tensor;
    Matrix& y = out[0].tensor;
    const Eigen::Index B = a.cols();
    y.resize(a.rows(), B);
    delta_.resize(a.rows(), B);
    double zerosA = 0, zerosD = 0, zerosLater = 0, l1 = 0;
    for (int t = 0; t < T_; ++t) {
        const Eigen::Index r = Eigen::Index(t) * f_;
        for (Eigen::Index b = 0; b < B; ++b)
            for (int i = 0; i < f_; ++i) {
                const float held = t > 0 ? y(r - f_ + i, b) : 0.f;
                const float av = a(r + i, b);
                const float d = av - held;
                const float sent = std::abs(d) > theta_ ? d : 0.f;
                delta_(r + i, b) = sent;
                y(r + i, b) = held + sent;
                zerosA += av == 0.f;
                if (sent == 0.f) {
                    zerosD += 1;
                    if (t > 0) zerosLater += 1;
                }
                l1 += std::abs(sent);
            }
    }
    penalty_ = ctx.phase == Phase::Train && B > 0 ? double(lambda_) * l1 / double(B) : 0.0;
    if (ctx.phase != Phase::Train || B == 0) return;
    const double n = double(T_) * f_ * B;
    spatial_ = zerosA / n;
    temporal_ = T_ > 1 ? zerosLater / (double(T_ - 1) * f_ * B) : zerosD / n;
    // a delta-aware dense layer: nnz(Δ)·fanout multiplies + fanout accumulates per step, against
    // features·fanout for a dense one (the fan-out cancels)
    skipped_ = std::max(0.0, 1.0 - ((n - zerosD) + double(T_) * B) / n);
    first_.resize(f_, T_);
    for (int t = 0; t < T_; ++t) first_.col(t) = delta_.block(Eigen::Index(t) * f_, 0, f_, 1);
    firstHeld_ = firstSampleThroughTime(y, f_, T_);
}

void DeltaLayerKernel::backward(const StepContext&, std::span<const Value* const>, std::span<const Value>,
                                std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    if (gradIn[0].size() == 0) return;
    if (gradOut[0].size()) gradIn[0] += gradOut[0];  // straight through the threshold and the hold
    if (lambda_ == 0.f || delta_.cols() == 0) return;
    const float scale = lambda_ / float(delta_.cols());
    const auto sgn = [](float v) { return float((v > 0.f) - (v < 0.f)); };
    const Eigen::Index rows = delta_.rows();
    for (Eigen::Index b = 0; b < delta_.cols(); ++b)
        for (Eigen::Index r = 0; r < rows; ++r) {
            const int t = int(r / f_);  // Δ_{t+1} reaches a_t unless truncated BPTT cuts between them
            const float next = r + f_ < rows && !trunc_.cutBelow(t + 1) ? sgn(delta_(r + f_, b)) : 0.f;
            gradIn[0](r, b) += scale * (sgn(delta_(r, b)) - next);
        }
}

void DeltaLayerKernel::observe(Observables& obs) const {
    if (spatial_ < 0) return;
    obs.scalars["spatial_sparsity"] = spatial_;
    obs.scalars["temporal_sparsity"] = temporal_;
    obs.scalars["delta_skipped_macs"] = skipped_;
    obs.scalars["delta_penalty"] = penalty_;
    obs.arrays["activations"] = first_;  // the canvas thumbnail: where Δ is zero nothing is sent
    obs.arrays[std::string(kThroughTime) + "Δ sent"] = first_;
    obs.arrays[std::string(kThroughTime) + "held (out)"] = firstHeld_;
}

NodeCost DeltaLayerKernel::cost() const {
    NodeCost c;
    c.counted = true;
    const double n = double(T_) * f_;
    c.forwardMacs = 3 * n;  // difference, threshold test, held update
    c.trainMacs = c.forwardMacs + 3 * n;  // straight-through copy, two sign terms of the penalty
    c.cacheBytes = n * sizeof(float);     // the transmitted deltas
    return c;
}

TorchModule DeltaLayerKernel::torchModule() const {
    trunc_.requireFull(T_);
    TorchModule m;
    m.pyClass = "DeltaLayer";
    m.pySource =
        "class DeltaLayer(GanglionModule):\n"
        "    def forward(self, x):\n"
        "        a = x.reshape(x.shape[0], self.steps, -1)\n"
        "        with torch.no_grad():  # the held values: a change is sent where it exceeds the threshold\n"
        "            held, ys, sent = torch.zeros_like(a[:, 0]), [], []\n"
        "            for t in range(self.steps):\n"
        "                d = a[:, t] - held\n"
        "                s = torch.where(d.abs() > self.threshold, d, torch.zeros_like(d))\n"
        "                held = held + s\n"
        "                ys.append(held)\n"
        "                sent.append(s)\n"
        "            y, s = torch.stack(ys, 1), torch.stack(sent, 1)\n"
        "        self.penalty = None\n"
        "        if self.training and self.sparsity_penalty > 0:\n"
        "            # value: lambda * sum |sent| / batch; gradient on a_t: lambda / batch * (sign s_t - sign s_t+1)\n"
        "            diff = a - torch.cat([torch.zeros_like(a[:, :1]), a[:, :-1]], 1)\n"
        "            self.penalty = self.sparsity_penalty / x.shape[0] * (s.abs().sum() + (s.sign() * (diff - diff.detach())).sum())\n"
        "        return (a + (y - a).detach()).reshape(x.shape[0], -1)  # straight through\n";
    m.pyArgs = "steps=" + std::to_string(T_) + ", threshold=" + torch::pyFloat(theta_) + ", sparsity_penalty=" + torch::pyFloat(lambda_);
    m.steps = T_;
    return m;
}

NodeSpec makeDeltaLayerSpec() {
    NodeSpec s;
    s.type = "DeltaLayer";
    s.title = "Delta activation layer";
    s.category = "Time";
    s.help = "Delta inference on a sequence: transmits the change Δ = a_t − â_{t−1} of each activation only where "
             "|Δ| exceeds the threshold and holds the previous value elsewhere; the output is the held value â_t. "
             "Training adds the L1 penalty λ·Σ|Δ| (batch mean) so the network learns temporally sparse "
             "activations; the threshold is passed straight through in the backward pass. Publishes spatial and "
             "temporal sparsity and the fraction of downstream multiply-accumulates a delta-aware layer skips.";
    s.reference = "Yousefzadeh & Sifalakis, Delta Activation Layer exploits temporal sparsity in deep neural "
                  "networks (2022)";
    s.inputs = {{"in", PortType::Tensor, "a sequence of activations (steps·features x batch)"}};
    s.outputs = {{"out", PortType::Tensor, "the held values â_t, same sequence shape"}};
    s.params = {floatParam("threshold", 0.1, 0.0, 1e6, "θ: a change is transmitted only where |Δ| > θ.", {}, true),
                floatParam("sparsity_penalty", 0.0, 0.0, 1e6,
                           "λ: weight of the training penalty λ·Σ|Δ_t| (summed over steps and features, mean over "
                           "the batch).", {}, true),
                bpttParam()};
    s.observables = {"spatial_sparsity", "temporal_sparsity", "delta_skipped_macs", "delta_penalty", "activations",
                     "through_time"};
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<DeltaLayerKernel>(); };
    // θ = 0: the straight-through gradient is then exact, as the contract's finite differences need
    s.example = [](const std::string&) { return NodeExample{{{"threshold", 0.0}}, {Shape::sequence(4, 3)}}; };
    return s;
}

}  // namespace ganglion
