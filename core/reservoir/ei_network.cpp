#include "core/reservoir/ei_network.h"

#include <cmath>
#include <limits>
#include <vector>


namespace ganglion::reservoir {

std::pair<float, float> rateRange(Activation a) {
    switch (a) {
    case Activation::Sigmoid: return {0.f, 1.f};
    case Activation::Tanh: return {-1.f, 1.f};
    case Activation::Linear: break;
    }
    return {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
}

namespace {

/// Sparse random block: rows x cols, each entry present with probability p, uniform in (0, 2m).
SparseMatrix randomBlock(int rows, int cols, int colOffset, double p, double m, Rng& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<Eigen::Triplet<float>> t;
    t.reserve(std::size_t(double(rows) * cols * p * 1.1) + 16);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            const bool present = u(rng) < p;
            const double w = u(rng);  // drawn either way: the structure does not depend on m
            if (present && i != j + colOffset) t.emplace_back(i, j, float(2.0 * m * w));
        }
    SparseMatrix s(rows, cols);
    s.setFromTriplets(t.begin(), t.end());
    s.makeCompressed();
    return s;
}

}  // namespace

RandomEI drawNetwork(const NetworkConfig& cfg, float lo, float hi, Rng& rng) {
    RandomEI d;
    const int n = cfg.neurons;
    const int nI = int(std::lround(cfg.inhibitoryFraction * n));
    const int nE = n - nI;
    const double p = cfg.connectionProb;
    // Mean weight so that p·N_E·m_E = excitatoryWeight (and likewise for inhibition).
    const double mE = nE > 0 ? cfg.excitatoryWeight / (p * nE) : 0.0;
    const double mI = nI > 0 ? cfg.inhibitoryWeight / (p * nI) : 0.0;
    d.wE = randomBlock(n, nE, 0, p, mE, rng);
    d.wI = randomBlock(n, nI, nE, p, mI, rng);
    std::uniform_real_distribution<float> uin(-1.f, 1.f);
    d.win.resize(n, cfg.inputs);
    for (Eigen::Index k = 0; k < d.win.size(); ++k) d.win(k) = float(cfg.inputGain) * uin(rng);
    std::normal_distribution<double> g(0.0, 1.0);
    const bool clip = std::isfinite(lo) && std::isfinite(hi);
    const float margin = clip ? 0.01f * (hi - lo) : 0.f;
    d.target.resize(n);
    for (int i = 0; i < n; ++i) {
        const double z = g(rng);
        double t = cfg.targetRate * (cfg.targetSpread > 0 ? std::exp(cfg.targetSpread * z) : 1.0);
        if (clip) t = std::clamp(t, double(lo + margin), double(hi - margin));
        d.target(i) = float(t);
    }
    return d;
}

void EINetwork::build(const NetworkConfig& cfg, Rng& rng) {
    cfg_ = cfg;
    const auto [lo, hi] = rateRange(cfg.activation);
    RandomEI d = drawNetwork(cfg, lo, hi, rng);
    wE_ = std::move(d.wE);
    wI_ = std::move(d.wI);
    nE_ = int(wE_.cols());
    product_.build(wE_, wI_);
    win = std::move(d.win);
    target = std::move(d.target);
    gain = Vector::Constant(cfg.neurons, float(cfg.initialGain));
    resetState();
}

void EINetwork::setWeights(SparseMatrix we, SparseMatrix wi) {
    if (we.rows() != neurons() || wi.rows() != neurons() || we.cols() + wi.cols() != neurons())
        throw std::invalid_argument("EINetwork::setWeights: blocks must be N x NE and N x (N - NE)");
    wE_ = std::move(we);
    wI_ = std::move(wi);
    wE_.makeCompressed();
    wI_.makeCompressed();
    nE_ = int(wE_.cols());
    product_.build(wE_, wI_);
}

void EINetwork::applyActivation() {
    switch (cfg_.activation) {
    case Activation::Sigmoid: r.array() = 1.f / (1.f + (-x.array()).exp()); break;
    case Activation::Tanh: r.array() = x.array().tanh(); break;
    case Activation::Linear: r = x; break;
    }
}

void EINetwork::resetState() {
    // At rest every neuron sits at its bias (the identity network at zero).
    const int n = int(target.size());
    setState(Vector::Constant(n, cfg_.activation == Activation::Linear ? 0.f : float(cfg_.bias)));
}

void EINetwork::setState(const Vector& state) {
    x = state;
    r.resize(x.size());
    applyActivation();
    exc.setZero(x.size());
    inh.setZero(x.size());
}

void EINetwork::saveState(KernelState& s) const { s["state"] = x; }

void EINetwork::checkState(const KernelState& s) const { checkedEntry(s, "Reservoir", "state", neurons(), 1); }

void EINetwork::loadState(const KernelState& s) { setState(s.at("state")); }

void EINetwork::step(const float* u, bool adapt, double eta) {
    product_.multiply(r.data(), exc.data(), inh.data());
    const float a = float(cfg_.leak);
    const float b = float(cfg_.bias);
    // x <- (1-a) x + a (E - g∘I + Win u + b), without temporaries
    auto drive = x.array();
    drive *= (1.f - a);
    drive += a * (exc.array() - gain.array() * inh.array() + b);
    for (Eigen::Index k = 0; k < win.cols(); ++k) x.noalias() += (a * u[k]) * win.col(k);
    applyActivation();
    if (adapt) gain.array() = (gain.array() + float(eta) * (r.array() - target.array())).max(0.f);
}

}  // namespace ganglion::reservoir
