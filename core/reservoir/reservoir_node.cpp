#include "core/reservoir/reservoir_node.h"

#include "core/model/node_spec.h"

#include <cmath>

namespace ganglion {

namespace {
constexpr int kTraceNeurons = 16, kTraceSteps = 120;
constexpr float kAverage = 0.02f;  // weight of the newest step in the views' running averages
constexpr int kMaxSubsteps = 10000;  // lif: simulation steps per reservoir step (each is a pass over the neurons)

reservoir::Activation activationOf(const std::string& s) {
    if (s == "tanh") return reservoir::Activation::Tanh;
    if (s == "linear") return reservoir::Activation::Linear;
    return reservoir::Activation::Sigmoid;
}

std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}
}  // namespace

std::vector<Shape> ReservoirKernel::build(const BuildContext& ctx) {
    const ParamSet& p = ctx.params;
    const int inputs = ctx.inputs[0].features;
    if (inputs <= 0) throw BuildError("in", "input width is unknown (connect a task source first)");
    targets_ = ctx.inputs.size() > 1 ? std::max(0, ctx.inputs[1].features) : 0;
    cfg_.neurons = int(p.getInt("neurons"));
    cfg_.inputs = inputs;
    cfg_.inhibitoryFraction = p.getFloat("inhibitory_fraction");
    cfg_.connectionProb = p.getFloat("connection_prob");
    cfg_.excitatoryWeight = p.getFloat("excitatory_weight");
    cfg_.inhibitoryWeight = p.getFloat("inhibitory_weight");
    cfg_.initialGain = p.getFloat("inhibitory_gain");
    cfg_.inputGain = p.getFloat("input_gain");
    cfg_.leak = p.getFloat("leak");
    cfg_.bias = p.getFloat("bias");
    cfg_.activation = activationOf(p.getString("activation"));
    cfg_.targetRate = p.getFloat("target_rate");
    cfg_.targetSpread = p.getFloat("target_spread");
    spiking_ = p.getString("neuron") == "lif";
    lifCfg_.tauMem = 1e-3 * p.getFloat("tau_mem");
    lifCfg_.refractory = 1e-3 * p.getFloat("refractory");
    lifCfg_.tauTrace = 1e-3 * p.getFloat("tau_trace");
    lifCfg_.stepDuration = 1e-3 * p.getFloat("step_ms");
    lifCfg_.dt = 1e-3 * p.getFloat("dt_ms");
    window_ = int(p.getInt("window"));
    testFraction_ = p.getFloat("test_fraction");
    washout_ = int(p.getInt("washout"));
    setParams(p);

    const int nI = int(std::lround(cfg_.inhibitoryFraction * cfg_.neurons));
    if (cfg_.inhibitoryFraction > 0 && nI == 0)
        throw BuildError("", "'inhibitory_fraction' " + fmt(cfg_.inhibitoryFraction) + " of 'neurons' " +
                                 std::to_string(cfg_.neurons) + " leaves no inhibitory neuron");
    if (nI >= cfg_.neurons)
        throw BuildError("", "'inhibitory_fraction' " + fmt(cfg_.inhibitoryFraction) + " leaves no excitatory neuron");
    if (spiking_) {
        const double most = reservoir::maxFiringRate(lifCfg_);
        if (!(cfg_.targetRate > 0 && cfg_.targetRate < most))
            throw BuildError("", "'target_rate' " + fmt(cfg_.targetRate) + " Hz is outside the firing rates 'lif' neurons "
                                 "can reach (0 to " + fmt(most) + " Hz with 'refractory' and 'dt_ms')");
        const double ratio = lifCfg_.stepDuration / lifCfg_.dt;
        if (std::abs(ratio - std::round(ratio)) > 1e-6 * ratio)
            throw BuildError("", "'step_ms' " + fmt(p.getFloat("step_ms")) + " is not a whole number of 'dt_ms' " +
                                     fmt(p.getFloat("dt_ms")));
        if (ratio > kMaxSubsteps)
            throw BuildError("", "'step_ms' " + fmt(p.getFloat("step_ms")) + " is " + fmt(std::round(ratio)) +
                                     " simulation steps of 'dt_ms' " + fmt(p.getFloat("dt_ms")) + ", more than " +
                                     std::to_string(kMaxSubsteps));
    } else {
        const auto [lo, hi] = reservoir::rateRange(cfg_.activation);
        if (!(cfg_.targetRate > lo && cfg_.targetRate < hi))
            throw BuildError("", "'target_rate' " + fmt(cfg_.targetRate) + " is outside the rates '" +
                                     p.getString("activation") + "' can reach (" + fmt(lo) + " to " + fmt(hi) + ")");
    }
    reservoir::RidgeReadout probe;
    probe.configure(0, 0, 1, lambda_, testFraction_);
    if (window_ < probe.minSteps())
        throw BuildError("", "'window' " + std::to_string(window_) + " is too short to hold out 10 steps with 'test_fraction' " +
                                 fmt(testFraction_) + " (at least " + std::to_string(probe.minSteps()) + ")");
    seed_ = ctx.rng();
    rebuild();
    return {Shape::tensor(cfg_.neurons), Shape::tensor(std::max(1, targets_))};
}

void ReservoirKernel::setParams(const ParamSet& p) {
    adapt_ = p.getBool("adapt");
    eta_ = p.getFloat("adapt_rate");
    lambda_ = p.getFloat("ridge");
    refitEvery_ = int(p.getInt("refit_every"));
    readout_.setLambda(lambda_);
}

void ReservoirKernel::rebuild() {
    Rng rng(seed_);
    if (spiking_) lif_.build(cfg_, lifCfg_, rng);
    else rate_.build(cfg_, rng);
    readout_.configure(cfg_.neurons, targets_, window_, lambda_, testFraction_);
    steps_ = 0;
    avgExc_.setZero(cfg_.neurons);
    avgInh_.setZero(cfg_.neurons);
    avgRate_ = net().r;
    trace_.setZero(std::min(kTraceNeurons, cfg_.neurons), kTraceSteps);
    traceHead_ = traceCount_ = 0;
    in_.assign(std::size_t(cfg_.inputs), 0.f);
    goal_.assign(std::size_t(std::max(1, targets_)), 0.f);
}

void ReservoirKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& u = in[0]->tensor;
    const Matrix* y = targets_ > 0 && in.size() > 1 && in[1] ? &in[1]->tensor : nullptr;
    if (u.rows() != cfg_.inputs) throw std::runtime_error("Reservoir: input has " + std::to_string(u.rows()) + " rows, built for " + std::to_string(cfg_.inputs));
    if (y && (y->rows() != targets_ || y->cols() != u.cols()))
        throw std::runtime_error("Reservoir: target is " + std::to_string(y->rows()) + "x" + std::to_string(y->cols()) +
                                 ", expected " + std::to_string(targets_) + "x" + std::to_string(u.cols()));
    const Eigen::Index batch = u.cols();
    Matrix& state = out[0].tensor;
    Matrix& pred = out[1].tensor;
    if (state.rows() != cfg_.neurons || state.cols() != batch) state.resize(cfg_.neurons, batch);
    const Eigen::Index rows = std::max(1, targets_);
    if (pred.rows() != rows || pred.cols() != batch) pred.setZero(rows, batch);
    const bool train = ctx.phase == Phase::Train;
    reservoir::ReservoirNetwork& nw = net();
    for (Eigen::Index b = 0; b < batch; ++b) {
        if (train) {  // evaluation passes show the current state without advancing time
            for (int k = 0; k < cfg_.inputs; ++k) in_[std::size_t(k)] = u(k, b);
            nw.step(in_.data(), adapt_ && ctx.learning, eta_);
            ++steps_;
            avgExc_ += kAverage * (nw.exc - avgExc_);
            avgInh_ += kAverage * (nw.gain.cwiseProduct(nw.inh) - avgInh_);
            avgRate_ += kAverage * (nw.r - avgRate_);
            recordTrace();
        }
        state.col(b) = nw.r;
        if (targets_ > 0) {
            readout_.predict(nw.r.data(), pred.col(b).data());
            if (train && y && steps_ > std::uint64_t(washout_)) {
                for (int k = 0; k < targets_; ++k) goal_[std::size_t(k)] = (*y)(k, b);
                readout_.record(nw.r.data(), goal_.data());
                if (ctx.learning && steps_ % std::uint64_t(refitEvery_) == 0) readout_.refit();
            }
        }
    }
}

void ReservoirKernel::recordTrace() {
    const reservoir::ReservoirNetwork& nw = net();
    for (Eigen::Index i = 0; i < trace_.rows(); ++i)
        trace_(i, traceHead_) = nw.r(i * (cfg_.neurons / trace_.rows()));
    traceHead_ = (traceHead_ + 1) % kTraceSteps;
    traceCount_ = std::min(traceCount_ + 1, kTraceSteps);
}

double ReservoirKernel::capacity() const {
    double s = 0;
    for (double v : readout_.r2()) s += v;
    return s;
}

double ReservoirKernel::meanNrmse() const {
    double s = 0;
    for (double v : readout_.nrmse()) s += v;
    return readout_.nrmse().empty() ? 0.0 : s / double(readout_.nrmse().size());
}

double ReservoirKernel::rateError() const {
    const reservoir::ReservoirNetwork& nw = net();
    return double((avgRate_ - nw.target).cwiseAbs().mean());
}

void ReservoirKernel::observe(Observables& obs) const {
    const reservoir::ReservoirNetwork& nw = net();
    const int n = cfg_.neurons;
    if (readout_.fitted()) {
        if (targets_ > 1) obs.scalars["memory_capacity"] = capacity();
        else obs.scalars["nrmse"] = meanNrmse();
        Matrix r2(1, targets_);
        for (int k = 0; k < targets_; ++k) r2(0, k) = float(readout_.r2()[std::size_t(k)]);
        obs.arrays["r2_per_target"] = r2;
    }
    obs.scalars["mean_rate"] = double(avgRate_.mean());
    obs.scalars["rate_error"] = rateError();
    obs.scalars["mean_inhibitory_gain"] = double(nw.gain.mean());
    const double e = double(avgExc_.sum());
    if (e > 0) obs.scalars["ei_ratio"] = double(avgInh_.sum()) / e;
    Matrix ei(2, n), rt(2, n);
    ei.row(0) = avgExc_.transpose();
    ei.row(1) = avgInh_.transpose();
    rt.row(0) = avgRate_.transpose();
    rt.row(1) = nw.target.transpose();
    obs.arrays["ei_input"] = ei;
    obs.arrays["rate_target"] = rt;
    obs.arrays["inhibitory_gain"] = nw.gain.transpose();
    if (traceCount_ > 1) {
        Matrix tr(trace_.rows(), traceCount_);
        for (int k = 0; k < traceCount_; ++k)
            tr.col(k) = trace_.col((traceHead_ - traceCount_ + k + kTraceSteps) % kTraceSteps);
        obs.arrays["activations"] = tr;  // the canvas thumbnail: a heat map of recent rates
    }
}

KernelState ReservoirKernel::saveState() const {
    KernelState s{{"seed", seedState(seed_)}, {"inhibitory_gain", net().gain}, {"readout", readout_.weights()}};
    net().saveState(s);
    return s;
}

void ReservoirKernel::loadState(const KernelState& s) {
    const int n = cfg_.neurons;
    // every entry checked first, then the values
    const Matrix& seedEntry = checkedEntry(s, "Reservoir", "seed", 4, 1);
    const Matrix& g = checkedEntry(s, "Reservoir", "inhibitory_gain", n, 1);
    const Matrix& w = checkedEntry(s, "Reservoir", "readout", targets_, n + 1);
    net().checkState(s);
    const std::uint64_t seed = seedFromState(seedEntry, "seed");
    if (!(g.array() >= 0).all()) throw std::runtime_error("Reservoir state: 'inhibitory_gain' has a negative gain");
    seed_ = seed;
    rebuild();
    net().loadState(s);
    net().gain = g;
    readout_.setWeights(w);
    avgRate_ = net().r;
}

NodeSpec makeReservoirSpec() {
    NodeSpec s;
    s.type = "Reservoir";
    s.title = "E/I reservoir";
    s.category = "Reservoir";
    s.help = "A random recurrent network of excitatory and inhibitory neurons (Dale's law, sparse "
             "connections), rate neurons or leaky integrate-and-fire neurons (`neuron`), driven by its input, with a linear readout trained by ridge regression "
             "(closed form, refit every few steps on a sliding window, scored on its newest, held-out "
             "part) and an optional local adaptation of each neuron's inhibitory gain toward a target "
             "rate. Spiking neurons hold each input sample for `step_ms`, and their readout sees filtered "
             "spike trains (an exponential trace, in Hz). A readout of several targets (a delay line) reports the memory capacity Σ r², a "
             "single target the NRMSE of its prediction.";
    s.reference = "K. Srinivasan, D. Plenz, M. Girvan, Boosting reservoir computing with brain-inspired "
                  "adaptive dynamics, arXiv:2504.12480 (2025); H. Jaeger, Short term memory in echo state "
                  "networks, GMD Report 152 (2001).";
    s.inputs = {{"in", PortType::Tensor, "input x time steps (one column per step)"},
                {"target", PortType::Tensor, "what the readout learns, targets x time steps", true}};
    s.outputs = {{"state", PortType::Tensor, "rates of every neuron, neurons x time steps"},
                 {"prediction", PortType::Tensor, "readout, targets x time steps (one row of zeros without a target)"}};
    s.params = {
        enumParam("neuron", "rate", {"rate", "lif"},
                  "rate: x <- (1-a) x + a (E - g I + Win u + b), rate f(x). lif: leaky integrate-and-fire "
                  "(threshold 1, reset 0): tau_mem dv/dt = -v + b + Win u, each spike jumps its targets' v "
                  "by its weight (inhibitory ones by -g times it) one dt_ms later."),
        intParam("neurons", 200, 2, 20000, "Number of neurons N."),
        floatParam("inhibitory_fraction", 0.2, 0.0, 0.9, "Fraction of the neurons that are inhibitory."),
        floatParam("connection_prob", 0.1, 0.001, 1.0, "Probability that a neuron receives a given other neuron."),
        floatParam("excitatory_weight", 10.0, 0.0, 1000.0,
                   "Expected summed excitatory weight onto a neuron (lif: in units of the threshold per spike)."),
        floatParam("inhibitory_weight", 10.0, 0.0, 1000.0,
                   "Expected summed inhibitory weight onto a neuron (before its gain); equal to the "
                   "excitatory weight, gain 1 balances the two."),
        floatParam("inhibitory_gain", 1.0, 0.0, 100.0,
                   "Initial gain g of every neuron's inhibitory input: below 1 excitation dominates, "
                   "above 1 inhibition."),
        floatParam("input_gain", 0.3, 0.0, 100.0, "Input weights are uniform in ±input_gain."),
        floatParam("leak", 0.5, 0.001, 1.0,
                   "Rate neurons: leak rate a, the share of the new drive in each step (1: no leak memory)."),
        floatParam("bias", -2.0, -100.0, 100.0,
                   "Constant drive b of every neuron (rate: negative is a threshold; lif: the resting "
                   "potential it pulls v to, threshold 1)."),
        enumParam("activation", "sigmoid", {"sigmoid", "tanh", "linear"},
                  "Rate neurons: logistic sigmoid (rates 0..1), tanh (-1..1) or identity (a linear reservoir)."),
        floatParam("tau_mem", 20.0, 0.1, 10000.0, "lif: membrane time constant.", "ms"),
        floatParam("refractory", 2.0, 0.0, 1000.0, "lif: refractory period (v held at reset).", "ms"),
        floatParam("tau_trace", 20.0, 0.1, 10000.0,
                   "lif: time constant of the exponential trace of each spike train the readout sees.", "ms"),
        floatParam("step_ms", 10.0, 0.01, 10000.0, "lif: duration of one input sample (one reservoir step).", "ms"),
        floatParam("dt_ms", 1.0, 0.01, 100.0, "lif: simulation step; step_ms must be a whole number of it.", "ms"),
        boolParam("adapt", false,
                  "Adapt each neuron's inhibitory gain toward its target rate: g += η (rate - target) each "
                  "step (lif: spikes in the step - target × step_ms).", true),
        floatParam("adapt_rate", 0.01, 0.0, 10.0, "Adaptation rate η per step.", {}, true),
        floatParam("target_rate", 0.2, -1e6, 1e6,
                   "Target rate ρ (mean of the targets when they are spread): within the activation's "
                   "range for rate neurons, a firing rate in Hz for lif."),
        floatParam("target_spread", 0.0, 0.0, 3.0,
                   "Heterogeneous targets: ρ_i = ρ·exp(σ n_i), n_i standard normal; 0 = the same target for all."),
        floatParam("ridge", 1e-4, 0.0, 1e6, "Ridge penalty λ of the readout.", {}, true),
        intParam("window", 2000, 20, 1000000, "Steps the readout is fitted and scored on (a sliding window)."),
        intParam("refit_every", 250, 1, 1000000, "Refit the readout every this many steps.", true),
        floatParam("test_fraction", 0.3, 0.05, 0.9, "The newest part of the window held out to score the readout."),
        intParam("washout", 100, 0, 1000000, "Initial steps not recorded (the transient from rest)."),
    };
    s.observables = {"memory_capacity", "nrmse", "mean_rate", "rate_error", "mean_inhibitory_gain", "ei_ratio",
                     "ei_input", "rate_target", "inhibitory_gain", "r2_per_target", "activations"};
    s.thumbnail = Thumbnail::Activations;
    s.create = [] { return std::make_unique<ReservoirKernel>(); };
    s.example = [](const std::string&) {
        NodeExample ex;
        ex.params = {{"neurons", std::int64_t(30)}, {"window", std::int64_t(40)}, {"refit_every", std::int64_t(2)},
                     {"washout", std::int64_t(0)}, {"adapt", true}};
        ex.inputs = {Shape::tensor(1), Shape::tensor(3)};
        return ex;
    };
    return s;
}

}  // namespace ganglion
