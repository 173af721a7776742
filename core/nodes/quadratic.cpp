#include "core/nodes/quadratic.h"

#include "core/export/torch_hooks.h"
#include "core/model/node_spec.h"

#include <cmath>

namespace ganglion {

NodeCost quadraticCost(int in, int units) {
    NodeCost c;
    c.counted = true;
    const double iu = double(in) * units;
    c.params = 3 * iu + 3.0 * units;
    c.forwardMacs = 3 * iu + in + units;  // three products, in ⊙ in, r ⊙ g
    // gradients: dr, dg (2·units), the three weight gradients and the three input-gradient products
    c.trainMacs = c.forwardMacs + 6 * iu + 2.0 * units + in;
    c.cacheBytes = double(sizeof(float)) * (2.0 * units + in);  // r, g and in ⊙ in
    return c;
}

namespace {
void projectQuadratic(Matrix&, void* user) { static_cast<QuadraticKernel*>(user)->applyReLinearStep(); }
}  // namespace

void QuadraticKernel::applyReLinear(const ParamSet& p) {
    const bool on = p.getBool("relinear");
    quadRate_ = on ? float(p.getFloat("quadratic_rate")) : 1.f;
    maxNorm_ = on ? p.getFloat("quadratic_max_norm") : 0.0;
}

std::vector<Shape> QuadraticKernel::build(const BuildContext& ctx) {
    const int in = ctx.inputs[0].features;
    if (in <= 0) throw BuildError("in", "input width is unknown (connect a data source first)");
    const int units = int(ctx.params.getInt("units"));
    const std::string init = ctx.params.getString("init");
    const double stddev = init == "he" ? std::sqrt(2.0 / in)
                        : init == "xavier" ? std::sqrt(2.0 / (in + units))
                                           : std::sqrt(1.0 / in);
    std::normal_distribution<float> n(0.f, float(stddev));
    Wr.resize(units, in);
    for (Eigen::Index i = 0; i < Wr.size(); ++i) Wr(i) = n(ctx.rng);
    // The paper's initialisation: the layer starts linear.
    br.setZero(units, 1);
    Wg.setZero(units, in);
    bg.setOnes(units, 1);
    Wb.setZero(units, in);
    c.setZero(units, 1);
    for (auto [v, d] : {std::pair{&Wr, &dWr}, {&br, &dbr}, {&Wg, &dWg}, {&bg, &dbg}, {&Wb, &dWb}, {&c, &dc}})
        d->setZero(v->rows(), v->cols());
    applyReLinear(ctx.params);
    Wg0_.resize(0, 0);
    return {Shape::tensor(units)};
}

void QuadraticKernel::setParams(const ParamSet& p) {
    applyReLinear(p);
    limitQuadraticNorm();
}

void QuadraticKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    r_.noalias() = Wr * x;
    r_.colwise() += br.col(0);
    g_.noalias() = Wg * x;
    g_.colwise() += bg.col(0);
    sq_ = x.cwiseAbs2();
    Matrix& y = out[0].tensor;
    y.noalias() = Wb * sq_;
    y.array() += r_.array() * g_.array();
    y.colwise() += c.col(0);
    thumb_.record(ctx.phase, y);
}

void QuadraticKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                               std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    // the point the optimiser's step starts from (see applyReLinearStep), even when no gradient arrives
    Wg0_ = Wg;
    bg0_ = bg;
    Wb0_ = Wb;
    const Matrix& x = in[0]->tensor;
    const Matrix& G = gradOut[0];
    if (G.size() == 0) return;
    dr_ = G.cwiseProduct(g_);
    dg_ = G.cwiseProduct(r_);
    dWr.noalias() += dr_ * x.transpose();
    dbr.noalias() += dr_.rowwise().sum();
    dWg.noalias() += dg_ * x.transpose();
    dbg.noalias() += dg_.rowwise().sum();
    dWb.noalias() += G * sq_.transpose();
    dc.noalias() += G.rowwise().sum();
    if (gradIn[0].size()) {
        Matrix& dx = gradIn[0];
        dx.noalias() = Wb.transpose() * G;
        dx.array() *= 2 * x.array();
        dx.noalias() += Wr.transpose() * dr_;
        dx.noalias() += Wg.transpose() * dg_;
    }
}

std::vector<Parameter> QuadraticKernel::parameters() {
    std::vector<Parameter> p{{"weight", &Wr, &dWr}, {"bias", &br, &dbr}, {"gate_weight", &Wg, &dWg},
                             {"gate_bias", &bg, &dbg}, {"square_weight", &Wb, &dWb}, {"output_bias", &c, &dc}};
    // One projection after the last quadratic tensor's update treats all three together.
    p[4].project = projectQuadratic;
    p[4].user = this;
    return p;
}

void QuadraticKernel::applyReLinearStep() {
    if (quadRate_ != 1.f && Wg0_.rows() == Wg.rows() && Wg0_.cols() == Wg.cols()) {
        Wg = Wg0_ + quadRate_ * (Wg - Wg0_);
        bg = bg0_ + quadRate_ * (bg - bg0_);
        Wb = Wb0_ + quadRate_ * (Wb - Wb0_);
    }
    limitQuadraticNorm();
    // A second optimiser stepping the same layer (a layer upstream of two losses) starts from here.
    Wg0_ = Wg;
    bg0_ = bg;
    Wb0_ = Wb;
}

void QuadraticKernel::limitQuadraticNorm() {
    if (!(maxNorm_ > 0)) return;
    for (Eigen::Index u = 0; u < Wr.rows(); ++u) {
        const double dev = double(bg(u)) - 1.0;
        const double n = std::sqrt(double(Wg.row(u).squaredNorm()) + double(Wb.row(u).squaredNorm()) + dev * dev);
        if (n <= maxNorm_) continue;
        const float s = float(maxNorm_ / n);
        Wg.row(u) *= s;
        Wb.row(u) *= s;
        bg(u) = float(1.0 + dev * s);
    }
}

double QuadraticKernel::quadraticNorm() const {
    double most = 0;
    for (Eigen::Index u = 0; u < Wr.rows(); ++u) {
        const double dev = double(bg(u)) - 1.0;
        most = std::max(most, std::sqrt(double(Wg.row(u).squaredNorm()) + double(Wb.row(u).squaredNorm()) + dev * dev));
    }
    return most;
}

void QuadraticKernel::observe(Observables& obs) const {
    obs.scalars["weight_rms"] = Wr.size() ? std::sqrt(double(Wr.squaredNorm()) / double(Wr.size())) : 0.0;
    obs.scalars["quadratic_norm"] = quadraticNorm();
    obs.arrays["weights"] = Wr;
    thumb_.publish(obs);
}

TorchModule QuadraticKernel::torchModule() const {
    TorchModule m;
    m.pyClass = "Quadratic";
    m.pySource = "class Quadratic(GanglionModule):\n"
                 "    def forward(self, x):\n"
                 "        return (F.linear(x, self.weight, self.bias) * F.linear(x, self.gate_weight, self.gate_bias)\n"
                 "                + F.linear(x * x, self.square_weight, self.output_bias))\n"
                 "\n"
                 "    def project(self):\n"
                 "        if self.max_norm <= 0:\n"
                 "            return\n"
                 "        with torch.no_grad():  # each neuron's distance from linear within max_norm (ReLinear)\n"
                 "            dev = self.gate_bias - 1\n"
                 "            n = (self.gate_weight.square().sum(1) + self.square_weight.square().sum(1) + dev * dev).sqrt()\n"
                 "            s = torch.where(n > self.max_norm, self.max_norm / n, torch.ones_like(n))\n"
                 "            self.gate_weight.mul_(s[:, None])\n"
                 "            self.square_weight.mul_(s[:, None])\n"
                 "            self.gate_bias.copy_(1 + dev * s)\n";
    const std::string rate = torch::pyFloat(quadRate_);
    m.pyArgs = "max_norm=" + torch::pyFloat(maxNorm_) + ", lr_scale={'gate_weight': " + rate + ", 'gate_bias': " + rate +
               ", 'square_weight': " + rate + "}";
    m.tensors = {torch::matrix("weight", Wr),        torch::vector("bias", br),
                 torch::matrix("gate_weight", Wg),   torch::vector("gate_bias", bg),
                 torch::matrix("square_weight", Wb), torch::vector("output_bias", c)};
    return m;
}

KernelState QuadraticKernel::saveState() const {
    return {{"weight", Wr}, {"bias", br}, {"gate_weight", Wg}, {"gate_bias", bg}, {"square_weight", Wb}, {"output_bias", c}};
}

void QuadraticKernel::loadState(const KernelState& s) {
    // Check every entry before assigning any (a throw leaves the layer unchanged).
    const auto entry = [&](const char* key, const Matrix& like) -> const Matrix& {
        return checkedEntry(s, "Quadratic", key, like.rows(), like.cols());
    };
    const Matrix &wr = entry("weight", Wr), &b = entry("bias", br), &wg = entry("gate_weight", Wg),
                 &gb = entry("gate_bias", bg), &wb = entry("square_weight", Wb), &ob = entry("output_bias", c);
    Wr = wr;
    br = b;
    Wg = wg;
    bg = gb;
    Wb = wb;
    c = ob;
    Wg0_.resize(0, 0);  // a loaded layer is no optimiser step's starting point
}

NodeSpec makeQuadraticSpec() {
    NodeSpec s;
    s.type = "Quadratic";
    s.title = "Quadratic";
    s.category = "Layers";
    s.observables = {"weights", "activations"};
    s.help = "Quadratic neurons: out = (W_r·in + b_r) ⊙ (W_g·in + b_g) + W_b·(in ⊙ in) + c, each W units x inputs "
             "(3·inputs·units + 3·units parameters). Starts as a linear layer (W_g = 0, b_g = 1, W_b = 0). ReLinear "
             "trains the quadratic terms W_g, b_g, W_b at quadratic_rate times the optimiser's learning rate and "
             "bounds each neuron's ‖(W_g row, b_g − 1, W_b row)‖₂ by quadratic_max_norm, so the layer leaves the "
             "linear regime gradually instead of collapsing. Publishes quadratic_norm, the largest such norm.";
    s.reference = "Fan, Li, Wang et al., \"On expressivity and trainability of quadratic networks\" (2021/2023)";
    s.inputs = {{"in", PortType::Tensor, "features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "units x batch"}};
    s.params = {
        intParam("units", 8, 1, 65536, "Number of quadratic neurons."),
        enumParam("init", "xavier", {"he", "xavier", "lecun"},
                  "Initialisation of the linear weights W_r (the quadratic terms start at W_g = 0, b_g = 1, W_b = 0)."),
        boolParam("relinear", true,
                  "ReLinear training: a smaller learning rate and a norm bound for the quadratic terms.", true),
        floatParam("quadratic_rate", 0.1, 0.0, 1.0,
                   "ReLinear: factor on the optimiser's learning rate for W_g, b_g and W_b (each update of them is "
                   "scaled by it; for Adam and SGD exactly a rate this many times smaller).",
                   "", true),
        floatParam("quadratic_max_norm", 1.0, 0.0, 1e6,
                   "ReLinear: bound on each neuron's ‖(W_g row, b_g − 1, W_b row)‖₂ after every update (0: none).",
                   "", true),
    };
    s.create = [] { return std::make_unique<QuadraticKernel>(); };
    return s;
}

}  // namespace ganglion
