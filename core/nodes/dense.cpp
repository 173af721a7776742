#include "core/nodes/dense.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

#include <cmath>

namespace ganglion {

NodeCost denseCost(int in, int units, bool bias) {
    NodeCost c;
    c.counted = true;
    c.params = double(in) * units + (bias ? units : 0);
    c.forwardMacs = double(in) * units;
    c.trainMacs = 3 * c.forwardMacs;
    return c;
}

std::vector<Shape> DenseKernel::build(const BuildContext& ctx) {
    const int in = ctx.inputs[0].features;
    if (in <= 0) throw BuildError("in", "input width is unknown (connect a data source first)");
    const int units = initWeights(in, ctx.params, ctx.rng);
    setParams(ctx.params);
    signs_.start(W.data(), std::size_t(W.size()));
    return {Shape::tensor(units)};
}

void DenseKernel::setParams(const ParamSet& params) {
    watchWeights_ = params.has("weight_stats") && params.getBool("weight_stats");
}

int DenseKernel::initWeights(int in, const ParamSet& params, Rng& rng) {
    const int units = int(params.getInt("units"));
    useBias_ = params.getBool("bias");
    const std::string init = params.getString("init");
    // He for ReLU-family, Glorot (Xavier) for tanh/sigmoid, LeCun for SELU-like/linear.
    double stddev = init == "he" ? std::sqrt(2.0 / in)
                  : init == "xavier" ? std::sqrt(2.0 / (in + units))
                                     : std::sqrt(1.0 / in);
    std::normal_distribution<float> g(0.f, float(stddev));
    W.resize(units, in);
    for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = g(rng);
    b.setZero(units, 1);
    dW.setZero(units, in);
    db.setZero(units, 1);
    return units;
}

void DenseKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    Matrix& y = out[0].tensor;
    y.noalias() = W * x;
    if (useBias_) y.colwise() += b.col(0);
    thumb_.record(ctx.phase, y);
}

void DenseKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                           std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    const Matrix& x = in[0]->tensor;
    const Matrix& g = gradOut[0];
    if (g.size() == 0) return;
    dW.noalias() += g * x.transpose();
    if (useBias_) db.noalias() += g.rowwise().sum();
    if (gradIn[0].size()) gradIn[0].noalias() = W.transpose() * g;
}

std::vector<Parameter> DenseKernel::parameters() {
    std::vector<Parameter> p{{"weight", &W, &dW}};
    if (useBias_) p.push_back({"bias", &b, &db});
    return p;
}

void DenseKernel::observe(Observables& obs) const {
    obs.scalars["weight_rms"] = W.size() ? std::sqrt(double(W.squaredNorm()) / double(W.size())) : 0.0;
    obs.arrays["weights"] = W;
    if (watchWeights_) signs_.publish(obs, W.data(), std::size_t(W.size()));
    thumb_.publish(obs);
}

TorchModule DenseKernel::torchModule() const {
    TorchModule m;
    m.pyClass = "Dense";
    m.pySource = "class Dense(GanglionModule):\n"
                 "    def forward(self, x):\n"
                 "        return F.linear(x, self.weight, self.bias)\n";
    m.tensors = {torch::matrix("weight", W), torch::vector("bias", b, useBias_)};
    return m;
}

KernelState DenseKernel::saveState() const { return {{"weight", W}, {"bias", b}}; }

void DenseKernel::loadState(const KernelState& s) {
    // Check every entry before assigning any (a throw leaves the layer unchanged).
    const Matrix& w = checkedEntry(s, "Dense", "weight", W.rows(), W.cols());
    const Matrix& bias = checkedEntry(s, "Dense", "bias", b.rows(), b.cols());
    W = w;
    b = bias;
    signs_.start(W.data(), std::size_t(W.size()));
}

NodeSpec makeDenseSpec() {
    NodeSpec s;
    s.type = "Dense";
    s.title = "Dense";
    s.category = "Layers";
    s.observables = {"weights", "activations", kWeightStats};
    s.observableWhen = {{kWeightStats, "weight_stats"}};
    s.help = "Fully connected layer: out = W·in + b with W of size units x inputs. With weight_stats on "
             "it publishes the distribution of its weights, their signs and the sign flips since the "
             "start (the Weight distribution view).";
    s.inputs = {{"in", PortType::Tensor, "features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "units x batch"}};
    s.params = {
        intParam("units", 8, 1, 65536, "Number of output neurons."),
        boolParam("bias", true, "Learn a bias per neuron."),
        enumParam("init", "xavier", {"he", "xavier", "lecun"},
                  "Weight initialisation: He (ReLU), Xavier/Glorot (tanh, sigmoid) or LeCun (linear)."),
        boolParam("weight_stats", false,
                  "Publish the histogram of the weights (w and log10|w|), the fractions of excitatory "
                  "(w > 0) and inhibitory (w < 0) weights and the sign flips since the start.", true),
    };
    s.create = [] { return std::make_unique<DenseKernel>(); };
    return s;
}

}  // namespace ganglion
