#include "core/reservoir/lif_network.h"

#include <algorithm>
#include <cmath>

namespace ganglion::reservoir {

double maxFiringRate(const LifConfig& lif) { return 1.0 / std::max(lif.refractory, lif.dt); }

void LifNetwork::build(const NetworkConfig& cfg, const LifConfig& lif, Rng& rng) {
    cfg_ = cfg;
    lif_ = lif;
    substeps_ = std::max(1, int(std::lround(lif.stepDuration / lif.dt)));
    RandomEI d = drawNetwork(cfg, 0.f, float(maxFiringRate(lif)), rng);
    wE_ = std::move(d.wE);
    wI_ = std::move(d.wI);
    nE_ = int(wE_.cols());
    colE_ = wE_;
    colI_ = wI_;
    colE_.makeCompressed();
    colI_.makeCompressed();
    win = std::move(d.win);
    target = std::move(d.target);
    const int n = cfg.neurons;
    gain = Vector::Constant(n, float(cfg.initialGain));
    snn::NeuronParams p;
    p.model = snn::Model::LIF;
    p.tauMem = lif.tauMem;
    p.refractory = lif.refractory;
    p.vLeak = 0.0;
    p.vThreshold = 1.0;
    p.vReset = 0.0;
    p.bias = cfg.bias;
    pop_.emplace("reservoir", n, p);
    pop_->prepare(lif.dt);
    traceDecay_ = float(std::exp(-lif.dt / lif.tauTrace));
    traceJump_ = float(1.0 / lif.tauTrace);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    v0_.resize(n);
    for (int i = 0; i < n; ++i) v0_(i) = u(rng);
    resetState();
}

void LifNetwork::resetState() {
    const int n = int(v0_.size());
    pop_->resetState();
    std::copy(v0_.data(), v0_.data() + n, pop_->v().begin());
    pop_->extCurrent().assign(std::size_t(n), 0.f);
    fired_.clear();
    r = target;  // the traces start at the rates the neurons aim for
    exc.setZero(n);
    inh.setZero(n);
    counts_.setZero(n);
    arriveE_.setZero(n);
    arriveI_.setZero(n);
}

void LifNetwork::step(const float* u, bool adapt, double eta) {
    const int n = neurons();
    std::vector<float>& ext = pop_->extCurrent();
    for (int i = 0; i < n; ++i) {
        float drive = 0.f;
        for (Eigen::Index k = 0; k < win.cols(); ++k) drive += win(i, k) * u[k];
        ext[std::size_t(i)] = drive;
    }
    exc.setZero();
    inh.setZero();
    counts_.setZero();
    std::vector<float>& jumpE = pop_->inExc();
    std::vector<float>& jumpI = pop_->inInh();
    for (int s = 0; s < substeps_; ++s) {
        // the spikes of the last simulation step arrive now
        for (std::int32_t j : fired_) {
            if (j < nE_)
                for (Eigen::SparseMatrix<float>::InnerIterator it(colE_, j); it; ++it) arriveE_(it.index()) += it.value();
            else
                for (Eigen::SparseMatrix<float>::InnerIterator it(colI_, j - nE_); it; ++it) arriveI_(it.index()) += it.value();
        }
        for (int i = 0; i < n; ++i) {
            jumpE[std::size_t(i)] = arriveE_(i);
            jumpI[std::size_t(i)] = -gain(i) * arriveI_(i);
        }
        exc += arriveE_;
        inh += arriveI_;
        arriveE_.setZero();
        arriveI_.setZero();
        pop_->step(0.0, unused_, fired_);
        r *= traceDecay_;
        for (std::int32_t j : fired_) {
            r(j) += traceJump_;
            counts_(j) += 1.f;
        }
    }
    if (adapt) {
        const float expected = float(lif_.stepDuration);
        gain.array() = (gain.array() + float(eta) * (counts_.array() - expected * target.array())).max(0.f);
    }
}

void LifNetwork::saveState(KernelState& s) const {
    const int n = neurons();
    Vector spikes = Vector::Zero(n);
    for (std::int32_t j : fired_) spikes(j) = 1.f;
    s["state"] = Eigen::Map<const Vector>(pop_->v().data(), n);
    s["trace"] = r;
    s["refractory"] = Eigen::Map<const Vector>(pop_->refractory().data(), n);
    s["spikes"] = spikes;
}

void LifNetwork::checkState(const KernelState& s) const {
    const int n = neurons();
    checkedEntry(s, "Reservoir", "state", n, 1);
    const Matrix& trace = checkedEntry(s, "Reservoir", "trace", n, 1);
    const Matrix& refr = checkedEntry(s, "Reservoir", "refractory", n, 1);
    const Matrix& spikes = checkedEntry(s, "Reservoir", "spikes", n, 1);
    if (!(trace.array() >= 0).all()) throw std::runtime_error("Reservoir state: 'trace' has a negative value");
    if (!(refr.array() >= 0).all()) throw std::runtime_error("Reservoir state: 'refractory' has a negative value");
    if (!(spikes.array() == 0 || spikes.array() == 1).all())
        throw std::runtime_error("Reservoir state: 'spikes' holds a value other than 0 and 1");
}

void LifNetwork::loadState(const KernelState& s) {
    const int n = neurons();
    const Matrix& v = s.at("state");
    const Matrix& refr = s.at("refractory");
    const Matrix& spikes = s.at("spikes");
    std::copy(v.data(), v.data() + n, pop_->v().begin());
    std::copy(refr.data(), refr.data() + n, pop_->refractory().begin());
    r = s.at("trace");
    fired_.clear();
    for (int i = 0; i < n; ++i)
        if (spikes(i) != 0) fired_.push_back(i);
}

}  // namespace ganglion::reservoir
