#include "core/snn/network.h"

#include <stdexcept>

namespace ganglion::snn {

int Network::addPopulation(Population p) {
    if (populationIndex(p.name()) >= 0)
        throw std::invalid_argument("duplicate population name '" + p.name() + "'");
    offsets_.push_back(offsets_.back() + p.size());
    baseParams_.push_back(p.params());
    pops_.push_back(std::move(p));
    fired_.emplace_back();
    counts_.push_back(0);
    return int(pops_.size()) - 1;
}

int Network::addProjection(const std::string& name, int pre, int post, const Synapses& syn,
                           std::optional<Channel> channel) {
    if (pre < 0 || pre >= populationCount() || post < 0 || post >= populationCount())
        throw std::invalid_argument("projection '" + name + "': population index out of range");
    const Channel ch = channel.value_or(pops_[pre].dale() == Dale::Inhibitory ? Channel::Inh : Channel::Exc);
    projs_.emplace_back(name, pre, post, pops_[pre], pops_[post], syn, ch);
    plastic_.push_back(0);
    return int(projs_.size()) - 1;
}

void Network::addStepCurrent(const StepCurrent& c) {
    if (c.population < 0 || c.population >= populationCount())
        throw std::invalid_argument("step current: population index out of range");
    currents_.push_back(c);
}

void Network::setPopulationParams(int i, const NeuronParams& p) {
    pops_.at(std::size_t(i)).setParams(p);
    baseParams_.at(std::size_t(i)) = p;
}

int Network::populationIndex(const std::string& name) const {
    for (size_t i = 0; i < pops_.size(); ++i)
        if (pops_[i].name() == name) return int(i);
    return -1;
}

void Network::prepare(double dt, std::uint64_t seed) {
    if (!(dt > 0)) throw std::invalid_argument("time step dt must be > 0");
    dt_ = dt;
    rng_.seed(seed);
    for (size_t i = 0; i < pops_.size(); ++i) {
        pops_[i].setParams(baseParams_[i]);
        pops_[i].prepare(dt);
        pops_[i].resetState();
        fired_[i].clear();
        fired_[i].reserve(pops_[i].size());
        counts_[i] = 0;
    }
    for (size_t k = 0; k < projs_.size(); ++k) {
        projs_[k].prepare(dt);
        plastic_[k] = projs_[k].stdp().enabled || projs_[k].homeostasis().enabled;
    }
    step_ = 0;
    events_ = 0;
}

void Network::applyStepCurrents(double t) {
    if (currents_.empty()) return;
    std::vector<double> bias(pops_.size());
    for (size_t i = 0; i < pops_.size(); ++i) bias[i] = baseParams_[i].bias;
    for (const auto& c : currents_)
        if (t >= c.t0 - 1e-12 && t < c.t1 - 1e-12) bias[c.population] += c.amplitude;
    for (size_t i = 0; i < pops_.size(); ++i)
        if (pops_[i].params().bias != bias[i]) {
            NeuronParams p = pops_[i].params();
            p.bias = bias[i];
            pops_[i].setParams(p);
        }
}

void Network::step() {
    if (!(dt_ > 0)) throw std::logic_error("Network::step() before prepare()");
    const double tStart = double(step_) * dt_;
    const double tEnd = double(step_ + 1) * dt_;
    applyStepCurrents(tStart);
    for (size_t i = 0; i < pops_.size(); ++i) {
        pops_[i].step(tEnd, rng_, fired_[i]);
        counts_[i] += fired_[i].size();
    }
    for (size_t k = 0; k < projs_.size(); ++k) {
        Projection& pr = projs_[k];
        const auto& pre = fired_[pr.prePop()];
        if (!pre.empty()) {
            const auto& rs = pr.rowStart();
            for (auto i : pre) events_ += std::uint64_t(rs[i + 1] - rs[i]);
        }
        pr.deliver(pre, pops_[pr.postPop()], step_);
        pr.flushDelayed(pops_[pr.postPop()], step_);
        if (learning_ && plastic_[k]) pr.learn(pre, fired_[pr.postPop()], step_);
    }
    ++step_;
}

void Network::run(double seconds) {
    const auto n = std::uint64_t(seconds / dt_ + 0.5);
    for (std::uint64_t s = 0; s < n; ++s) step();
}

std::uint64_t Network::totalSpikes() const {
    std::uint64_t s = 0;
    for (auto c : counts_) s += c;
    return s;
}

std::size_t Network::synapseCount() const {
    std::size_t s = 0;
    for (const auto& p : projs_) s += p.synapseCount();
    return s;
}

}  // namespace ganglion::snn
