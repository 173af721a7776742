#include "core/snn/sg_layer.h"

#include "core/model/node_spec.h"
#include "core/snn/surrogate.h"

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
constexpr double kSampleDt = 1e-3;  // nominal seconds per sequence step in the recorded raster
}

// ------------------------------------------------------------------ LIFLayer

std::vector<Shape> LifLayerKernel::build(const BuildContext& ctx) {
    const auto& p = ctx.params;
    T_ = int(p.getInt("steps"));
    units_ = int(p.getInt("units"));
    const Shape& x = ctx.inputs[0];
    if (x.features <= 0) throw BuildError("in", "input width is unknown (connect a SpikeEncoder or LIFLayer)");
    if (x.steps > 0) {  // a sequence: its length must be the layer's
        if (x.steps != T_)
            throw BuildError("in", "a sequence of " + std::to_string(x.steps) + " steps, but steps = " +
                                       std::to_string(T_) + " (set the layer's steps to the sequence length)");
        in_ = x.features;
    } else {  // a plain tensor holding T steps of features, time-major
        if (x.features % T_ != 0)
            throw BuildError("in", "input has " + std::to_string(x.features) + " rows, not a multiple of steps = " +
                                       std::to_string(T_) + " (expected time-major steps x features)");
        in_ = x.features / T_;
    }
    readout_ = p.getBool("readout");
    smooth_ = p.getBool("smooth_forward");
    useBias_ = p.getBool("bias");
    recurrent_ = p.getBool("recurrent");
    if (recurrent_ && readout_)
        throw BuildError("", "a readout has no spikes to feed back: turn 'recurrent' or 'readout' off");
    learnBeta_ = p.getBool("learn_beta");
    learnTheta_ = p.getBool("learn_threshold");
    if (learnTheta_ && readout_)
        throw BuildError("", "a readout has no threshold to learn: turn 'learn_threshold' or 'readout' off");
    betaMin_ = float(p.getFloat("beta_min"));
    betaMax_ = float(p.getFloat("beta_max"));
    thetaMin_ = float(p.getFloat("threshold_min"));
    if (!(betaMin_ <= betaMax_))
        throw BuildError("", "beta_min (" + std::to_string(betaMin_) + ") is above beta_max (" + std::to_string(betaMax_) + ")");
    betas.setConstant(units_, 1, float(p.getFloat("beta")));
    thresholds.setConstant(units_, 1, float(p.getFloat("threshold")));
    if (learnBeta_) projectBeta(betas, this);
    if (learnTheta_) projectTheta(thresholds, this);
    dBetas.setZero(units_, 1);
    dThresholds.setZero(units_, 1);
    setParams(p);
    std::normal_distribution<float> g(0.f, float(p.getFloat("init_scale") / std::sqrt(double(in_))));
    W.resize(units_, in_);
    for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = g(ctx.rng);
    b.setZero(units_, 1);
    dW.setZero(units_, in_);
    db.setZero(units_, 1);
    if (recurrent_) {
        std::normal_distribution<float> gr(0.f, float(p.getFloat("init_scale") / std::sqrt(double(units_))));
        Wrec.resize(units_, units_);
        for (Eigen::Index i = 0; i < Wrec.size(); ++i) Wrec(i) = gr(ctx.rng);
        dWrec.setZero(units_, units_);
    } else {
        Wrec.resize(0, 0);
        dWrec.resize(0, 0);
    }
    samples_ = snn::SpikeRecorder({ctx.nodeName}, {0, units_}, kSampleDt, 2000);
    sampleStep_ = 0;
    return {readout_ ? Shape::tensor(units_) : Shape::sequence(units_, T_)};
}

void LifLayerKernel::setParams(const ParamSet& p) {
    const float beta = float(p.getFloat("beta")), theta = float(p.getFloat("threshold"));
    // A fixed value follows the parameter; a learned one restarts from it only when it is edited.
    if (betas.size() == units_ && (!learnBeta_ || beta != beta_)) betas.setConstant(beta);
    if (thresholds.size() == units_ && (!learnTheta_ || theta != theta_)) thresholds.setConstant(theta);
    beta_ = beta;
    theta_ = theta;
    k_ = float(p.getFloat("slope"));
    trunc_ = Truncation::from(p);
    if (learnBeta_) projectBeta(betas, this);
    if (learnTheta_) projectTheta(thresholds, this);
}

void LifLayerKernel::projectBeta(Matrix& m, void* self) {
    const auto* k = static_cast<const LifLayerKernel*>(self);
    m = m.cwiseMax(k->betaMin_).cwiseMin(k->betaMax_);
}

void LifLayerKernel::projectTheta(Matrix& m, void* self) {
    m = m.cwiseMax(static_cast<const LifLayerKernel*>(self)->thetaMin_);
}

float LifLayerKernel::spike(float u) const { return surrogateSpike(u, k_, smooth_); }

float LifLayerKernel::surrogate(float u) const { return surrogateGrad(u, k_); }

NodeCost LifLayerKernel::cost() const {
    const double T = T_, in = in_, n = units_, rec = recurrent_ ? n * n : 0.0;
    NodeCost c;
    c.counted = true;
    const double learned = (learnBeta_ ? n : 0.0) + (learnTheta_ ? n : 0.0);
    c.params = in * n + (useBias_ ? n : 0) + rec + learned;
    c.forwardMacs = T * (in * n + rec + 2 * n);
    c.trainMacs = c.forwardMacs + T * (2 * in * n + 2 * rec + 2 * n + 2 * learned);
    c.cacheBytes = double(sizeof(float)) * T * n * (readout_ ? 1 : 2);
    return c;
}

void LifLayerKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    const Eigen::Index B = x.cols();
    U_.resize(T_ * units_, B);
    S_.resize(readout_ ? 0 : T_ * units_, B);
    Matrix& y = out[0].tensor;
    if (readout_) y.setZero(units_, B);
    else y.resize(T_ * units_, B);
    Matrix u = Matrix::Zero(units_, B), cur(units_, B);
    for (int t = 0; t < T_; ++t) {
        cur.noalias() = W * x.middleRows(Eigen::Index(t) * in_, in_);
        if (useBias_) cur.colwise() += b.col(0);
        if (recurrent_ && t > 0) cur.noalias() += Wrec * S_.middleRows(Eigen::Index(t - 1) * units_, units_);
        u = (u.array().colwise() * betas.col(0).array()).matrix() + cur;
        if (!readout_ && t > 0)
            u -= (S_.middleRows(Eigen::Index(t - 1) * units_, units_).array().colwise() * thresholds.col(0).array()).matrix();
        U_.middleRows(Eigen::Index(t) * units_, units_) = u;
        if (readout_) {
            y += u / float(T_);
        } else {
            auto s = S_.middleRows(Eigen::Index(t) * units_, units_);
            for (Eigen::Index c = 0; c < B; ++c)
                for (int j = 0; j < units_; ++j) s(j, c) = spike(u(j, c) - thresholds(j, 0));
            y.middleRows(Eigen::Index(t) * units_, units_) = s;
        }
    }
    if (readout_) readoutThumb_.record(ctx.phase, y, 32);
    if (!readout_ && S_.size()) {
        rate_ = double(S_.mean());
        const Eigen::Index cells = Eigen::Index(units_) * B;
        Eigen::Index silent = 0;
        for (Eigen::Index c = 0; c < B; ++c)
            for (int j = 0; j < units_; ++j) {
                bool any = false;
                for (int t = 0; t < T_ && !any; ++t) any = S_(Eigen::Index(t) * units_ + j, c) > 0.5f;
                silent += !any;
            }
        silent_ = cells ? double(silent) / double(cells) : 0.0;
        if (ctx.phase == Phase::Train && B > 0) {
            std::vector<std::int32_t> fired;
            for (int t = 0; t < T_; ++t) {
                fired.clear();
                for (int j = 0; j < units_; ++j)
                    if (S_(Eigen::Index(t) * units_ + j, 0) > 0.5f) fired.push_back(j);
                samples_.beginStep(sampleStep_++);
                samples_.add(0, fired);
                samples_.endStep();
            }
        }
    }
}

void LifLayerKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                              std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    const Matrix& g = gradOut[0];
    if (g.size() == 0) return;
    const Matrix& x = in[0]->tensor;
    const Eigen::Index B = x.cols();
    const bool wantIn = gradIn[0].size() != 0;
    if (wantIn) gradIn[0].setZero(x.rows(), B);
    Matrix dUnext = Matrix::Zero(units_, B), dU(units_, B), dS, sg(units_, B);
    const auto beta = betas.col(0).array();
    const auto theta = thresholds.col(0).array();
    for (int t = T_ - 1; t >= 0; --t) {
        const auto rows = Eigen::Index(t) * units_;
        if (readout_) {
            dU = g / float(T_) + (dUnext.array().colwise() * beta).matrix();
        } else {
            // S_t feeds the output and, through the reset, U_{t+1} = … − θ S_t.
            dS = g.middleRows(rows, units_);
            if (t + 1 < T_) dS -= (dUnext.array().colwise() * theta).matrix();
            if (recurrent_ && t + 1 < T_) dS.noalias() += Wrec.transpose() * dUnext;  // S_t drives step t+1
            const auto u = U_.middleRows(rows, units_);
            for (Eigen::Index c = 0; c < B; ++c)
                for (int j = 0; j < units_; ++j) sg(j, c) = surrogate(u(j, c) - thresholds(j, 0));
            dU = dS.cwiseProduct(sg) + (dUnext.array().colwise() * beta).matrix();
            if (learnTheta_) {
                dThresholds.col(0) -= dS.cwiseProduct(sg).rowwise().sum();  // the spike's threshold
                if (t > 0) dThresholds.col(0) -= dU.cwiseProduct(S_.middleRows(rows - units_, units_)).rowwise().sum();  // the reset
            }
        }
        if (learnBeta_ && t > 0) dBetas.col(0) += dU.cwiseProduct(U_.middleRows(rows - units_, units_)).rowwise().sum();
        const auto xt = x.middleRows(Eigen::Index(t) * in_, in_);
        dW.noalias() += dU * xt.transpose();
        if (useBias_) db.noalias() += dU.rowwise().sum();
        if (recurrent_ && t > 0) dWrec.noalias() += dU * S_.middleRows(Eigen::Index(t - 1) * units_, units_).transpose();
        if (wantIn) gradIn[0].middleRows(Eigen::Index(t) * in_, in_).noalias() = W.transpose() * dU;
        if (trunc_.cutBelow(t)) dUnext.setZero();  // truncated BPTT: U_{t−1} and S_{t−1} held constant
        else dUnext = dU;
    }
}

std::vector<Parameter> LifLayerKernel::parameters() {
    std::vector<Parameter> p{{"weight", &W, &dW}};
    if (useBias_) p.push_back({"bias", &b, &db});
    if (recurrent_) p.push_back({"recurrent_weight", &Wrec, &dWrec});
    if (learnBeta_) p.push_back({"beta", &betas, &dBetas, &LifLayerKernel::projectBeta, this});
    if (learnTheta_) p.push_back({"threshold", &thresholds, &dThresholds, &LifLayerKernel::projectTheta, this});
    return p;
}

void LifLayerKernel::observe(Observables& obs) const {
    obs.arrays["weights"] = W;
    if (learnBeta_ || learnTheta_) {  // the learned per-neuron values and their means over training
        obs.arrays["beta"] = betas;
        obs.scalars["mean_beta"] = double(betas.mean());
        // the same decay as a time constant in steps, β = exp(−1/τ): τ = −1/ln β
        const Matrix tau = betas.unaryExpr([](float b) { return b > 0 && b < 1 ? -1.f / std::log(b) : 0.f; });
        obs.arrays["tau"] = tau;
        obs.scalars["tau_mean"] = double(tau.mean());
        if (!readout_) {
            obs.arrays["threshold"] = thresholds;
            obs.scalars["mean_threshold"] = double(thresholds.mean());
        }
    }
    if (!readout_) {
        obs.scalars["spike_rate"] = rate_;            // spikes per neuron per step
        obs.scalars["spike_sparsity"] = silent_;      // fraction of neurons silent for a sample
        obs.extra["spikes"] = samples_.raster();      // one sample per training step, back to back
    } else {
        readoutThumb_.publish(obs);
    }
}

KernelState LifLayerKernel::saveState() const {
    KernelState st{{"weight", W}, {"bias", b}};
    if (recurrent_) st["recurrent_weight"] = Wrec;
    if (learnBeta_) st["beta"] = betas;
    if (learnTheta_) st["threshold"] = thresholds;
    return st;
}

void LifLayerKernel::loadState(const KernelState& s) {
    // Check every entry before assigning any (a throw leaves the layer unchanged).
    const Matrix& w = checkedEntry(s, "LIFLayer", "weight", W.rows(), W.cols());
    const Matrix& bias = checkedEntry(s, "LIFLayer", "bias", b.rows(), b.cols());
    if (recurrent_ && !s.count("recurrent_weight"))
        throw std::runtime_error("LIFLayer state: missing 'recurrent_weight' (the layer is recurrent)");
    const Matrix* rec = recurrent_ ? &checkedEntry(s, "LIFLayer", "recurrent_weight", Wrec.rows(), Wrec.cols()) : nullptr;
    // Learned β / θ: a state saved before they were learned (no entry) keeps the parameter values.
    const Matrix* be = learnBeta_ && s.count("beta") ? &checkedEntry(s, "LIFLayer", "beta", units_, 1) : nullptr;
    const Matrix* th = learnTheta_ && s.count("threshold") ? &checkedEntry(s, "LIFLayer", "threshold", units_, 1) : nullptr;
    W = w;
    b = bias;
    if (rec) Wrec = *rec;
    if (be) betas = *be;
    if (th) thresholds = *th;
}

// --------------------------------------------------------------- SpikeEncoder

std::vector<Shape> SpikeEncoderKernel::build(const BuildContext& ctx) {
    f_ = ctx.inputs[0].features;
    if (f_ <= 0) throw BuildError("in", "input width is unknown (connect a data source)");
    if (ctx.inputs[0].steps > 0)
        throw BuildError("in", "the input is already a sequence of " + std::to_string(ctx.inputs[0].steps) +
                                   " steps (the encoder makes one from a plain tensor)");
    T_ = int(ctx.params.getInt("steps"));
    rate_ = ctx.params.getString("mode") == "rate";
    setParams(ctx.params);
    return {Shape::sequence(f_, T_)};
}

void SpikeEncoderKernel::setParams(const ParamSet& p) { gain_ = float(p.getFloat("gain")); }

void SpikeEncoderKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    Matrix& y = out[0].tensor;
    y.resize(Eigen::Index(T_) * f_, x.cols());
    if (ctx.phase == Phase::Train) thumb_.record(ctx.phase, gain_ * x.leftCols(std::min<Eigen::Index>(32, x.cols())));
    if (!rate_) {
        for (int t = 0; t < T_; ++t) y.middleRows(Eigen::Index(t) * f_, f_) = gain_ * x;
        return;
    }
    Rng& rng = ctx.rng ? *ctx.rng : fallback_;
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (Eigen::Index c = 0; c < x.cols(); ++c)
        for (int t = 0; t < T_; ++t)
            for (int i = 0; i < f_; ++i)
                y(Eigen::Index(t) * f_ + i, c) = u(rng) < std::clamp(gain_ * x(i, c), 0.f, 1.f) ? 1.f : 0.f;
}

void SpikeEncoderKernel::observe(Observables& obs) const {
    thumb_.publish(obs);
}

void SpikeEncoderKernel::backward(const StepContext&, std::span<const Value* const> in, std::span<const Value>,
                                  std::span<const Matrix> gradOut, std::span<Matrix> gradIn) {
    // Direct coding is linear; rate coding passes the expected-value gradient (straight-through).
    if (gradOut[0].size() == 0 || gradIn[0].size() == 0) return;
    const Matrix& x = in[0]->tensor;
    gradIn[0].setZero(x.rows(), x.cols());
    for (int t = 0; t < T_; ++t) gradIn[0] += gain_ * gradOut[0].middleRows(Eigen::Index(t) * f_, f_);
}

NodeSpec makeSpikeEncoderSpec() {
    NodeSpec s;
    s.type = "SpikeEncoder";
    s.title = "Spike encoder";
    s.category = "Spiking";
    s.observables = {"activations"};
    s.help = "Turns a data tensor (features x batch) into a spike train tensor (steps·features x batch, "
             "time-major) for LIF layers: 'rate' draws a spike with probability gain·x each step; "
             "'direct' feeds gain·x as an input current every step.";
    s.reference = "Neftci, Mostafa & Zenke, IEEE Signal Process. Mag. 2019";
    s.inputs = {{"in", PortType::Tensor, "features x batch"}};
    s.outputs = {{"out", PortType::Tensor, "a sequence of steps: steps·features x batch"}};
    s.sequenceAware = true;
    s.params = {
        intParam("steps", 10, 1, 1000, "Time steps per sample."),
        enumParam("mode", "direct", {"rate", "direct"}, "Rate (Bernoulli) or direct (current) coding."),
        floatParam("gain", 1.0, 0.0, 1e6, "Scale applied to the input.", "", true),
    };
    s.create = [] { return std::make_unique<SpikeEncoderKernel>(); };
    return s;
}

NodeSpec makeLifLayerSpec() {
    NodeSpec s;
    s.type = "LIFLayer";
    s.title = "LIF layer (surrogate gradient)";
    s.category = "Spiking";
    s.observables = {"spikes", "weights", "activations", "beta", "threshold", "mean_beta", "mean_threshold",
                     "tau", "tau_mean"};
    s.observableWhen = {{"tau", "learn_beta"}};
    s.thumbnail = Thumbnail::SpikeRaster;
    s.help = "Dense layer of leaky integrate-and-fire neurons run for 'steps' time steps on a time-major "
             "spike train, trained with back-propagation through time and a fast-sigmoid surrogate "
             "gradient. As a readout (LI) it outputs the mean membrane potential: class scores for a Loss.";
    s.reference = "Zenke & Ganguli, Neural Computation 2018 (SuperSpike); Neftci, Mostafa & Zenke 2019";
    s.inputs = {{"in", PortType::Tensor, "a sequence of steps (steps·inputs x batch, time-major)"}};
    s.outputs = {{"out", PortType::Tensor, "a sequence of spikes (steps·units x batch), or units x batch (readout)"}};
    s.sequenceAware = true;
    s.params = {
        intParam("units", 32, 1, 65536, "Number of neurons."),
        intParam("steps", 10, 1, 1000, "Time steps per sample (must match the encoder)."),
        floatParam("beta", 0.9, 0.0, 1.0, "Membrane decay per step, exp(−dt/τ_mem).", "", true),
        floatParam("threshold", 1.0, 1e-6, 1e6, "Firing threshold θ.", "", true),
        floatParam("slope", 5.0, 0.01, 1000.0, "Surrogate slope k of σ'(u) = (k/2)/(1+k|u|)².", "", true),
        boolParam("readout", false, "Leaky-integrator readout: output the mean membrane (no spikes)."),
        boolParam("bias", true, "Learn a bias current per neuron."),
        boolParam("recurrent", false, "Recurrent connections: each step's spikes feed the next step's input "
                                      "through learned weights (units x units)."),
        floatParam("init_scale", 1.0, 0.0, 100.0, "Initial weight standard deviation × 1/√inputs."),
        boolParam("smooth_forward", false, "Use the smooth sigmoid as spike function (gradient checks)."),
        boolParam("learn_beta", false, "Learn the decay β of every neuron (starts at 'beta')."),
        boolParam("learn_threshold", false, "Learn the threshold θ of every neuron (starts at 'threshold')."),
        floatParam("beta_min", 0.0, 0.0, 1.0, "Lower limit of a learned β."),
        floatParam("beta_max", 0.999, 0.0, 1.0, "Upper limit of a learned β (below 1: the membrane must leak)."),
        floatParam("threshold_min", 0.05, 1e-6, 1e6, "Lower limit of a learned θ."),
        bpttParam(),
    };
    s.create = [] { return std::make_unique<LifLayerKernel>(); };
    // 4 steps of 3 inputs; the smooth forward makes the surrogate gradient the true one
    s.example = [](const std::string&) {
        return NodeExample{{{"units", std::int64_t(4)}, {"steps", std::int64_t(4)}, {"recurrent", true},
                            {"smooth_forward", true}, {"learn_beta", true}, {"learn_threshold", true}},
                           {Shape::sequence(3, 4)}};
    };
    return s;
}

}  // namespace ganglion
