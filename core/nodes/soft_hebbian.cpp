#include "core/nodes/soft_hebbian.h"

#include "core/model/node_spec.h"
#include "core/nodes/dense.h"
#include "core/nodes/loss.h"

#include <cmath>

namespace ganglion {

void predictionConfidence(const Matrix& scores, Matrix& confidence) {
    Matrix p;
    softmaxColumns(scores, p);
    const double logC = std::log(double(std::max<Eigen::Index>(scores.rows(), 2)));
    confidence.resize(1, scores.cols());
    for (Eigen::Index j = 0; j < p.cols(); ++j) {
        double h = 0;
        for (Eigen::Index c = 0; c < p.rows(); ++c)
            if (p(c, j) > 0) h -= double(p(c, j)) * std::log(double(p(c, j)));
        confidence(0, j) = float(std::clamp(1.0 - h / logC, 0.0, 1.0));
    }
}

void softHebbianStep(Matrix& W, const Matrix& x, const Matrix& u, const Matrix& modulation, const Matrix& refNormSq,
                     float eta, float tau) {
    if (x.cols() == 0) return;
    Matrix y;
    softmaxColumns(u / tau, y);  // soft winner-take-all over the units, per sample
    y.array().rowwise() *= modulation.row(0).array();
    const float rate = eta / float(x.cols());
    // the Oja-like decay uses the weights the batch saw: scale rows first, then add the Hebbian term
    const Matrix decay = (y.array() * u.array()).rowwise().sum().matrix().cwiseQuotient(refNormSq);
    W.array().colwise() *= (1.f - rate * decay.col(0).array());
    W.noalias() += rate * (y * x.transpose());
}

namespace {
SoftHebbianKernel::Adaptation parseAdaptation(const std::string& s) {
    if (s == "off") return SoftHebbianKernel::Adaptation::Off;
    if (s == "hebbian") return SoftHebbianKernel::Adaptation::Hebbian;
    return SoftHebbianKernel::Adaptation::Neuromodulated;
}
constexpr double kRecent = 0.1;  // weight of the newest batch in the recent stream accuracy
}  // namespace

std::vector<Shape> SoftHebbianKernel::build(const BuildContext& ctx) {
    const int in = ctx.inputs[0].features;
    if (in <= 0) throw BuildError("in", "input width is unknown (connect a data source first)");
    const Shape& labels = ctx.inputs[2];
    if (labels.features > 0 && labels.features != 1)
        throw BuildError("labels", "labels must be class indices (1 row), got " + std::to_string(labels.features));
    const int units = initWeights(in, ctx.params, ctx.rng);
    refNormSq_.setOnes(units, 1);
    setParams(ctx.params);
    return {Shape::tensor(units)};
}

void SoftHebbianKernel::setParams(const ParamSet& p) {
    if (p.has("adaptation")) mode_ = parseAdaptation(p.getString("adaptation"));
    if (p.has("learning_rate")) eta_ = float(p.getFloat("learning_rate"));
    if (p.has("temperature")) tau_ = float(p.getFloat("temperature"));
}

void SoftHebbianKernel::adaptOnFeedback(const Value* feedback, const Value* labels) {
    if (traceX_.cols() == 0) return;  // the first stream step: nothing awaits feedback yet
    const Eigen::Index n = traceX_.cols();
    const Matrix* scores = feedback && feedback->tensor.size() ? &feedback->tensor : nullptr;
    if (scores && scores->rows() < 2)
        throw std::runtime_error("input 'feedback' has " + std::to_string(scores->rows()) +
                                 " rows; connect the model's class scores (2 or more per sample)");
    if (scores && scores->cols() != n) scores = nullptr;  // not the batch the trace holds
    // Labels only score the prediction the feedback carries; they never reach the update below.
    if (scores && labels && labels->tensor.cols() == n) {
        std::uint64_t correct = 0;
        for (Eigen::Index j = 0; j < n; ++j) {
            Eigen::Index c;
            scores->col(j).maxCoeff(&c);
            correct += int(labels->tensor(0, j)) == int(c);
        }
        streamSeen_ += std::uint64_t(n);
        streamCorrect_ += correct;
        const double acc = double(correct) / double(n);
        recentAccuracy_ = recentAccuracy_ < 0 ? acc : (1 - kRecent) * recentAccuracy_ + kRecent * acc;
    }
    if (mode_ == Adaptation::Off) return;
    if (mode_ == Adaptation::Hebbian) {
        modulation_.setOnes(1, n);
    } else {
        if (!feedback)
            throw std::runtime_error("input 'feedback' is not connected: neuromodulated adaptation needs the "
                                     "model's class scores (wire the logits back into 'feedback')");
        if (!scores) return;  // the modulator has not reported on this batch: no update
        predictionConfidence(*scores, modulation_);
    }
    meanModulation_ = double(modulation_.mean());
    softHebbianStep(W, traceX_, traceU_, modulation_, refNormSq_, eta_, tau_);
    ++adaptSteps_;
}

void SoftHebbianKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    const Matrix& x = in[0]->tensor;
    Matrix& y = out[0].tensor;
    const bool stream = ctx.phase == Phase::Train && !ctx.supervised;
    if (stream) {
        if (!started_) {  // the norms the source training left are the ones the units keep
            started_ = true;
            refNormSq_ = W.rowwise().squaredNorm().cwiseMax(1e-12f);
        }
        if (ctx.learning) adaptOnFeedback(in[1], in[2]);
    }
    y.noalias() = W * x;
    if (stream) {
        traceX_ = x;  // the eligibility trace: converted into a weight change when the feedback arrives
        traceU_ = y;
    }
    if (useBias_) y.colwise() += b.col(0);
    thumb_.record(ctx.phase, y);
}

double SoftHebbianKernel::meanWeightNorm() const {
    return W.rows() ? double(W.rowwise().norm().mean()) : 0.0;
}

void SoftHebbianKernel::observe(Observables& obs) const {
    obs.scalars["mean_weight_norm"] = meanWeightNorm();
    obs.scalars["adaptation_steps"] = double(adaptSteps_);
    if (adaptSteps_ > 0) obs.scalars["modulation"] = meanModulation_;
    if (streamSeen_ > 0) {
        obs.scalars["stream_accuracy"] = double(streamCorrect_) / double(streamSeen_);
        obs.scalars["stream_accuracy_recent"] = recentAccuracy_;
    }
    obs.arrays["weights"] = W;
    thumb_.publish(obs);
}

KernelState SoftHebbianKernel::saveState() const {
    Matrix progress(1, 4);
    progress << (started_ ? 1.f : 0.f), float(adaptSteps_), float(streamSeen_), float(streamCorrect_);
    return {{"weight", W}, {"bias", b}, {"reference_norm_sq", refNormSq_}, {"adaptation", progress}};
}

void SoftHebbianKernel::loadState(const KernelState& s) {
    // Check every entry before assigning any (a throw leaves the layer unchanged).
    const Matrix& w = checkedEntry(s, "SoftHebbian", "weight", W.rows(), W.cols());
    const Matrix& bias = checkedEntry(s, "SoftHebbian", "bias", b.rows(), b.cols());
    const Matrix& ref = checkedEntry(s, "SoftHebbian", "reference_norm_sq", W.rows(), 1);
    const Matrix& progress = checkedEntry(s, "SoftHebbian", "adaptation", 1, 4);
    if (!(ref.minCoeff() > 0)) throw std::runtime_error("SoftHebbian state: 'reference_norm_sq' must be positive");
    if (!(progress.minCoeff() >= 0) || progress(3) > progress(2))
        throw std::runtime_error("SoftHebbian state: 'adaptation' holds impossible counts");
    W = w;
    b = bias;
    refNormSq_ = ref;
    started_ = progress(0) > 0;
    adaptSteps_ = std::uint64_t(progress(1));
    streamSeen_ = std::uint64_t(progress(2));
    streamCorrect_ = std::uint64_t(progress(3));
    traceX_.resize(0, 0);
    traceU_.resize(0, 0);
}

NodeSpec makeSoftHebbianSpec() {
    NodeSpec s;
    s.type = "SoftHebbian";
    s.title = "Soft-Hebbian layer (test-time adaptation)";
    s.category = "Layers";
    s.observables = {"weights",           "activations",          "modulation", "adaptation_steps",
                     "mean_weight_norm", "stream_accuracy", "stream_accuracy_recent"};
    s.help =
        "Fully connected feature layer, out = W·in + b, that back-propagation trains while its data supervise it. "
        "On a test-time stream (a data source that stops supervising, e.g. ShiftedFashionMNIST after shift_at) it "
        "adapts W without labels by the soft winner-take-all Hebbian rule: u = W·x, y = softmax(u / temperature) "
        "over the units, Δw_i = η · m · y_i · (x − u_i · w_i / r_i²), where r_i is the unit's norm when the stream "
        "began (Oja-like: the norm settles there, weights stay bounded). The neuro-modulator m is each sample's "
        "confidence 1 − H/log C, the entropy H of the class scores fed back into 'feedback' (a delayed wire from "
        "the logits): the update of a batch waits, as an eligibility trace, until its feedback arrives at the next "
        "step. 'hebbian' adapts with m = 1, 'off' not at all. Optional 'labels' (delayed, the same source's y) "
        "only score the fed-back predictions (stream_accuracy); they never enter the update.";
    s.reference = "Tang et al., Neuro-Modulated Hebbian Learning for Fully Test-Time Adaptation, CVPR 2023; "
                  "Moraitis et al., SoftHebb: Bayesian inference in unsupervised Hebbian soft winner-take-all "
                  "networks, Neuromorph. Comput. Eng. 2022";
    s.inputs = {{"in", PortType::Tensor, "features x batch"},
                {"feedback", PortType::Tensor, "the model's class scores for the previous batch (neuro-modulator)",
                 true, true},
                {"labels", PortType::Tensor, "class indices of the previous batch, only to score the feedback", true,
                 true}};
    s.outputs = {{"out", PortType::Tensor, "units x batch"}};
    s.params = {
        intParam("units", 64, 1, 65536, "Number of output neurons."),
        boolParam("bias", true, "Learn a bias per neuron (by back-propagation; the Hebbian rule leaves it)."),
        enumParam("init", "xavier", {"he", "xavier", "lecun"},
                  "Weight initialisation: He (ReLU), Xavier/Glorot (tanh, sigmoid) or LeCun (linear)."),
        enumParam("adaptation", "neuromodulated", {"off", "hebbian", "neuromodulated"},
                  "On a test-time stream: no adaptation, the soft-WTA Hebbian rule with m = 1, or the rule "
                  "scaled by the confidence fed back from the output.",
                  true),
        floatParam("learning_rate", 0.01, 0.0, 10.0, "Hebbian rate η (0 freezes the weights).", "", true),
        floatParam("temperature", 1.0, 1e-3, 1e3,
                   "Softmax temperature of the competition: small = hard winner-take-all, large = every unit "
                   "learns almost equally.",
                   "", true),
    };
    s.create = [] { return std::make_unique<SoftHebbianKernel>(); };
    s.example = [](const std::string&) {
        return NodeExample{{{"units", ParamValue(std::int64_t(5))}},
                           {Shape::tensor(4), Shape::tensor(3), Shape::labels(3)}};
    };
    return s;
}

}  // namespace ganglion
