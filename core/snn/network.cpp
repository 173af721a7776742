#include "core/snn/network.h"

#include "core/model/run_parts.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace ganglion::snn {

namespace {
int gDefaultThreads = 1;
}

void setDefaultThreads(int n) { gDefaultThreads = std::max(n, 1); }
int defaultThreads() { return gDefaultThreads; }

void Network::setThreads(int n, bool adaptive) {
    threads_ = std::max(n, 1);
    adaptive_ = adaptive;
    perStep_[0] = perStep_[1] = 0;
}

int Network::addPopulation(Population p) {
    if (populationIndex(p.name()) >= 0)
        throw std::invalid_argument("duplicate population name '" + p.name() + "'");
    offsets_.push_back(offsets_.back() + p.size());
    baseParams_.push_back(p.params());
    pops_.push_back(std::move(p));
    fired_.emplace_back();
    counts_.push_back(0);
    parts_ = 0;
    return int(pops_.size()) - 1;
}

int Network::addProjection(const std::string& name, int pre, int post, Synapses syn,
                           std::optional<Channel> channel) {
    if (pre < 0 || pre >= populationCount() || post < 0 || post >= populationCount())
        throw std::invalid_argument("projection '" + name + "': population index out of range");
    const Channel ch = channel.value_or(pops_[pre].dale() == Dale::Inhibitory ? Channel::Inh : Channel::Exc);
    projs_.emplace_back(name, pre, post, pops_[pre], pops_[post], std::move(syn), ch);
    plastic_.push_back(0);
    parts_ = 0;
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
    anyPlastic_ = false;
    for (size_t k = 0; k < projs_.size(); ++k) {
        projs_[k].prepare(dt);
        plastic_[k] = projs_[k].stdp().enabled || projs_[k].homeostasis().enabled;
        anyPlastic_ |= plastic_[k] != 0;
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

void Network::partition(int parts) {
    const std::size_t np = pops_.size();
    if (parts != parts_) {
        bounds_.assign(np, {});
        for (std::size_t i = 0; i < np; ++i) {
            const long size = pops_[i].size();
            auto& b = bounds_[i];
            b.assign(std::size_t(parts) + 1, int(size));
            b[0] = 0;
            for (int p = 1; p < parts; ++p) b[std::size_t(p)] = int((size * p / parts) & ~15L);
        }
        for (auto& pr : projs_) pr.setPartition(bounds_[std::size_t(pr.postPop())]);
        for (auto& l : partFired_) l.assign(std::size_t(parts) * np, {});
        parts_ = parts;
    }
    // Rebuilt every run: a copied Network must point at its own lists.
    for (int par = 0; par < 2; ++par) {
        views_[par].resize(std::size_t(parts) * np);
        for (std::size_t i = 0; i < np; ++i)
            for (int q = 0; q < parts; ++q)
                views_[par][i * std::size_t(parts) + std::size_t(q)] = &partFired_[par][std::size_t(q) * np + i];
    }
}

void Network::stepPart(int part, int parts, std::uint64_t step, SpinBarrier& bar) {
    const std::size_t np = pops_.size();
    const int par = int(step & 1);
    if (!currents_.empty()) {
        if (part == 0) applyStepCurrents(double(step) * dt_);
        bar.wait();
    }
    const double tEnd = double(step + 1) * dt_;
    auto& lists = partFired_[par];
    for (std::size_t i = 0; i < np; ++i) {
        auto& out = lists[std::size_t(part) * np + i];
        if (!pops_[i].isSource()) pops_[i].stepRange(tEnd, rng_, out, bounds_[i][std::size_t(part)], bounds_[i][std::size_t(part) + 1]);
        else if (part == 0) pops_[i].step(tEnd, rng_, out);
        else out.clear();
    }
    bar.wait();
    if (part == 0) {
        for (std::size_t i = 0; i < np; ++i) {
            fired_[i].clear();
            for (int q = 0; q < parts; ++q) {
                const auto& l = lists[std::size_t(q) * np + i];
                fired_[i].insert(fired_[i].end(), l.begin(), l.end());
            }
            counts_[i] += fired_[i].size();
        }
        for (const auto& pr : projs_) {
            const auto& rs = pr.rowStart();
            for (auto i : fired_[std::size_t(pr.prePop())]) events_ += std::uint64_t(rs[i + 1] - rs[i]);
        }
    }
    for (auto& pr : projs_) {
        const auto* views = views_[par].data() + std::size_t(pr.prePop()) * std::size_t(parts);
        pr.deliverPart({views, std::size_t(parts)}, pops_[std::size_t(pr.postPop())], step, part);
    }
    if (learning_ && anyPlastic_) {
        // Learning changes weights the others deliver with: after everyone delivered, and done
        // before the next step's delivery (its barrier after the population updates).
        bar.wait();
        if (part == 0)
            for (std::size_t k = 0; k < projs_.size(); ++k)
                if (plastic_[k]) {
                    Projection& pr = projs_[k];
                    pr.learn(fired_[std::size_t(pr.prePop())], fired_[std::size_t(pr.postPop())], step);
                }
    }
}

void Network::runParallel(std::uint64_t n, int parts) {
    partition(parts);
    SpinBarrier bar(parts);
    const std::uint64_t first = step_;
    runParts(parts, [&](int part, int) {
        for (std::uint64_t s = 0; s < n; ++s) stepPart(part, parts, first + s, bar);
    });
    step_ = first + n;
}

void Network::runSteps(std::uint64_t n) {
    if (!(dt_ > 0)) throw std::logic_error("Network::step() before prepare()");
    // A thread start (~50 µs) pays off from about a million neuron updates.
    const double total = totalNeurons();
    if (threads_ < 2 || double(n) * total < 1e6 || total < 64.0 * threads_) {
        runParallel(n, 1);
        return;
    }
    if (!adaptive_ || total < 16384) {  // below ~16k neurons a step (< 10 µs) is too short to split
        runParallel(n, adaptive_ ? 1 : threads_);
        return;
    }
    // Lock-step threads only pay when both get a core: on a machine busy with other work a step
    // can wait milliseconds for the other thread. The results do not depend on the thread count,
    // so chunks of steps run on whichever count was faster per step lately (the other one is
    // re-measured every 16th chunk).
    // Chunks of ~2·10⁷ neuron updates (a thread start each), at least 8 per run when possible.
    const std::uint64_t chunk = std::max<std::uint64_t>(64, std::min<std::uint64_t>(std::uint64_t(2e7 / total), n / 8));
    for (std::uint64_t done = 0; done < n;) {
        const std::uint64_t m = std::min(chunk, n - done);
        const int slot = perStep_[0] <= 0 ? 0 : perStep_[1] <= 0 ? 1 : (perStep_[1] < perStep_[0]) == (++chunks_ % 16 != 0);
        const auto t0 = std::chrono::steady_clock::now();
        runParallel(m, slot ? threads_ : 1);
        const double per = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / double(m);
        perStep_[slot] = perStep_[slot] <= 0 ? per : 0.5 * (perStep_[slot] + per);
        done += m;
    }
}

void Network::step() { runSteps(1); }

void Network::run(double seconds) {
    if (!(dt_ > 0)) throw std::logic_error("Network::run() before prepare()");
    runSteps(std::uint64_t(seconds / dt_ + 0.5));
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
