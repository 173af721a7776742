#include "core/memory/ca3.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ganglion::memory {

namespace {

int stepsOf(double seconds, double dt) { return int(std::lround(seconds / dt)); }

snn::NeuronParams lif(double tau, double refractory) {
    snn::NeuronParams n;
    n.model = snn::Model::LIF;
    n.tauMem = tau;
    n.refractory = refractory;
    return n;
}

}  // namespace

Ca3Network::Ca3Network(const Ca3Params& p) : p_(p) {
    auto fail = [](const std::string& msg) { throw std::invalid_argument(msg); };
    if (p.neurons < 2) fail("neurons: a CA3 memory needs at least 2 units, got " + std::to_string(p.neurons));
    if (p.interneurons < 1) fail("interneurons: at least 1 is needed");
    if (!(p.dt > 0)) fail("dt must be > 0");
    cycle_ = stepsOf(p.cycle, p.dt);
    if (cycle_ < 2)
        fail("cycle: " + std::to_string(p.cycle * 1e3) + " ms is shorter than two steps of dt = " +
             std::to_string(p.dt * 1e3) + " ms (the inhibitory loop needs them)");
    if (stepsOf(p.refractory, p.dt) >= cycle_)
        fail("refractory: " + std::to_string(p.refractory * 1e3) + " ms must be shorter than the cycle (" +
             std::to_string(p.cycle * 1e3) + " ms), or a neuron could not answer its own pattern's next wave");
    if (!(p.wMax > 0)) fail("w_max must be > 0");
    if (!(p.inhibition >= 0 && p.inhibition <= 1)) fail("inhibition must be within [0, 1]");
    const int n = p.neurons, m = p.interneurons;
    q_ = (n + m - 1) / m;
    dgPeriod_ = dgEvery_ = std::max(1, int(std::lround(p.dgPeriod / p.cycle))) * cycle_;

    net_.addPopulation(snn::Population("DG", n, lif(p.tauDg, 2e-3), snn::Dale::Excitatory));
    net_.addPopulation(snn::Population("CA3", n, lif(p.tauCa3, p.refractory), snn::Dale::Excitatory));
    snn::Population inh("Inh", m, lif(p.tauInh, 0.0), snn::Dale::Inhibitory);
    // interneuron k fires when the wave reaching it holds more than k·q spikes (each a jump of 1,
    // decayed over the step like any input of a LIF neuron)
    const float keep = float(std::exp(-p.dt / p.tauInh));
    snn::Heterogeneity h;
    h.vThreshold.resize(std::size_t(m));
    for (int k = 0; k < m; ++k) h.vThreshold[std::size_t(k)] = (float(k) * float(q_) + 0.5f) * keep;
    inh.setHeterogeneity(std::move(h));
    net_.addPopulation(std::move(inh));

    // A wave at step t reaches CA3 through the recurrent synapses at t + cycle (delay cycle − 1)
    // and through the interneurons at the same step: delays a + b = cycle − 2 (each hop adds one).
    const int a = (cycle_ - 2) / 2, b = cycle_ - 2 - a;
    auto withDelay = [](snn::Synapses s, int d) {
        s.delay.assign(s.size(), std::uint16_t(d));
        return s;
    };
    net_.addProjection("DG→CA3", kDg, kCa3, snn::connect::oneToOne(n, float(p.dgWeight)));
    rec_ = net_.addProjection("CA3→CA3", kCa3, kCa3, withDelay(snn::connect::allToAll(n, n, 0.f, false), cycle_ - 1));
    net_.addProjection("CA3→Inh", kCa3, kInh, withDelay(snn::connect::allToAll(n, m, 1.f), a));
    inhOut_ = net_.addProjection("Inh→CA3", kInh, kCa3, withDelay(snn::connect::allToAll(m, n, -0.f), b));
    snn::StdpParams stdp;
    stdp.enabled = true;
    stdp.aPlus = stdp.aMinus = p.learningRate;
    stdp.wMin = 0;
    stdp.wMax = p.wMax;
    net_.projection(rec_).setStdp(stdp);
    setInhibition(p.inhibition);
    net_.prepare(p.dt, 1);
    cue_.assign(std::size_t(n), 0);
    active_.assign(std::size_t(n), 0);
    lastFired_.assign(std::size_t(n), -(std::int64_t(1) << 40));
    drive(false);
}

void Ca3Network::drive(bool on) {
    // one step of a current far above threshold: every cued DG neuron fires in that step
    auto& ext = net_.population(kDg).extCurrent();
    for (int i = 0; i < p_.neurons; ++i) ext[std::size_t(i)] = on && cue_[std::size_t(i)] ? 1e6f : 0.f;
    driving_ = on;
}

void Ca3Network::present(const std::vector<std::uint8_t>& active, bool teach) {
    if (int(active.size()) != p_.neurons)
        throw std::invalid_argument("a cue of " + std::to_string(active.size()) + " units for a memory of " +
                                    std::to_string(p_.neurons));
    auto& rec = net_.projection(rec_);
    if (rec.stdp().aPlus != p_.learningRate) {  // a new rate clears traces and in-flight spikes: only between trials
        snn::StdpParams s = rec.stdp();
        s.aPlus = s.aMinus = p_.learningRate;
        rec.setStdp(s);
    }
    for (int i = 0; i < net_.populationCount(); ++i) net_.population(i).resetState();
    for (int k = 0; k < net_.projectionCount(); ++k) net_.projection(k).resetState();
    cue_ = active;
    std::fill(active_.begin(), active_.end(), std::uint8_t(0));
    std::fill(lastFired_.begin(), lastFired_.end(), -(std::int64_t(1) << 40));
    trialStep_ = 0;
    dgEvery_ = teach ? cycle_ : dgPeriod_;
}

void Ca3Network::step(bool learn) {
    const bool volley = trialStep_ % dgEvery_ == 0;
    if (volley || driving_) drive(volley);
    net_.setLearning(learn);
    net_.step();
    ++steps_;
    ++trialStep_;
    for (auto i : net_.fired(kCa3)) lastFired_[std::size_t(i)] = steps_;
    for (int i = 0; i < p_.neurons; ++i) active_[std::size_t(i)] = steps_ - lastFired_[std::size_t(i)] < 3 * cycle_;
}

void Ca3Network::decay(float factor) {
    for (auto& w : net_.projection(rec_).weights()) w *= factor;
}

void Ca3Network::relax(const Eigen::MatrixXf& toward, float factor) {
    auto& proj = net_.projection(rec_);
    const auto& rs = proj.rowStart();
    const auto& tg = proj.targets();
    auto& ws = proj.weights();
    for (int i = 0; i < p_.neurons; ++i)
        for (int k = rs[std::size_t(i)]; k < rs[std::size_t(i) + 1]; ++k) {
            const float t = toward(tg[std::size_t(k)], i);
            ws[std::size_t(k)] = t + (ws[std::size_t(k)] - t) * factor;
        }
}

void Ca3Network::setInhibition(double g) {
    p_.inhibition = std::clamp(g, 0.0, 1.0);
    const float w = -float(p_.inhibition * p_.wMax * q_);
    for (auto& x : net_.projection(inhOut_).weights()) x = w;
}

void Ca3Network::setLearningRate(double rate) { p_.learningRate = rate; }

Eigen::MatrixXf Ca3Network::weights() const { return net_.projection(rec_).toDense(); }

void Ca3Network::setWeights(const Eigen::MatrixXf& w) {
    const int n = p_.neurons;
    if (w.rows() != n || w.cols() != n)
        throw std::invalid_argument("weights: " + std::to_string(w.rows()) + "x" + std::to_string(w.cols()) +
                                    ", expected " + std::to_string(n) + "x" + std::to_string(n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j && !(w(j, i) >= 0.f && w(j, i) <= float(p_.wMax)))
                throw std::invalid_argument("weights: " + std::to_string(w(j, i)) + " from unit " + std::to_string(i) +
                                            " to " + std::to_string(j) + " is outside [0, w_max]");
    auto& proj = net_.projection(rec_);
    const auto& rs = proj.rowStart();
    const auto& tg = proj.targets();
    auto& ws = proj.weights();
    for (int i = 0; i < n; ++i)
        for (int k = rs[std::size_t(i)]; k < rs[std::size_t(i) + 1]; ++k) ws[std::size_t(k)] = w(tg[std::size_t(k)], i);
}

double Ca3Network::meanWeight() const {
    const auto& w = net_.projection(rec_).weights();
    double s = 0;
    for (float x : w) s += x;
    return w.empty() ? 0.0 : s / double(w.size());
}

Eigen::VectorXf activeOverlaps(const std::vector<std::uint8_t>& a, const Eigen::MatrixXf& patterns) {
    Eigen::VectorXf m = Eigen::VectorXf::Zero(patterns.cols());
    long na = 0;
    for (auto x : a) na += x != 0;
    for (Eigen::Index mu = 0; mu < patterns.cols(); ++mu) {
        long np = 0, both = 0;
        for (Eigen::Index i = 0; i < patterns.rows(); ++i)
            if (patterns(i, mu) > 0.f) {
                ++np;
                both += std::size_t(i) < a.size() && a[std::size_t(i)] != 0;
            }
        if (na && np) m(mu) = float(double(both) / std::sqrt(double(na) * double(np)));
    }
    return m;
}

}  // namespace ganglion::memory
