#include "core/engine/optimizer.h"

#include <cmath>
#include <string_view>

namespace ganglion {

namespace {
bool isBias(const Parameter& p) {
    constexpr std::string_view suffix = "bias";
    return p.name.size() >= suffix.size() && p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0;
}
const std::string kNoiseKey = "optimizer.eg/noise_rng";
}  // namespace

OptimizerConfig OptimizerConfig::fromParams(const ParamSet& p) {
    OptimizerConfig c;
    if (p.has("optimizer")) c.kind = p.getString("optimizer");
    if (p.has("learning_rate")) c.learningRate = p.getFloat("learning_rate");
    if (p.has("momentum")) c.momentum = p.getFloat("momentum");
    if (p.has("weight_decay")) c.weightDecay = p.getFloat("weight_decay");
    if (p.has("langevin_noise")) c.langevinNoise = p.getFloat("langevin_noise");
    if (p.has("classp_threshold")) c.classpThreshold = p.getFloat("classp_threshold");
    if (p.has("classp_power")) c.classpPower = p.getFloat("classp_power");
    return c;
}

Optimizer::Optimizer(std::vector<Parameter> params, OptimizerConfig cfg, std::uint64_t noiseSeed)
    : params_(std::move(params)), cfg_(std::move(cfg)), noise_(noiseSeed) {
    for (auto& p : params_) {
        m_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
        v_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
        p.grad->setZero(p.value->rows(), p.value->cols());
    }
}

void Optimizer::restart() {
    for (auto& m : m_) m.setZero();
    for (auto& v : v_) v.setZero();
    t_ = 0;
}

void Optimizer::configure(const OptimizerConfig& cfg) {
    if (cfg.kind != cfg_.kind) restart();  // switching algorithms restarts the moment estimates
    cfg_ = cfg;
}

void Optimizer::zeroGrad() {
    // Sized from the value: a kernel may have resized a tensor (KAN grid extension).
    for (auto& p : params_) p.grad->setZero(p.value->rows(), p.value->cols());
}

void Optimizer::step(double rateScale) {
    ++t_;
    const float lr = float(cfg_.learningRate * rateScale);
    const float wd = float(cfg_.weightDecay);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Matrix& w = *params_[i].value;
        Matrix& g = *params_[i].grad;
        if (m_[i].rows() != w.rows() || m_[i].cols() != w.cols()) {  // resized by the kernel (KAN grid extension)
            m_[i].setZero(w.rows(), w.cols());
            v_[i].setZero(w.rows(), w.cols());
        }
        if (auto* fresh = params_[i].fresh; fresh && !fresh->empty()) {
            for (Eigen::Index k : *fresh)
                if (k >= 0 && k < w.size()) {
                    m_[i](k) = 0.f;
                    v_[i](k) = 0.f;
                }
            fresh->clear();
        }
        if (wd != 0.f) g += wd * w;
        if (cfg_.kind == "eg") {
            if (isBias(params_[i])) w -= lr * g;
            else exponentiatedGradientStep(w, g, lr, float(cfg_.langevinNoise), &noise_);
        } else if (cfg_.kind == "classp") {
            classpStep(w, g, v_[i], {lr, float(cfg_.classpPower), float(cfg_.classpThreshold), float(cfg_.epsilon)});
        } else if (cfg_.kind == "sgd") {
            const float mu = float(cfg_.momentum);
            m_[i] = mu * m_[i] + g;
            w -= lr * m_[i];
        } else {
            const float b1 = float(cfg_.momentum), b2 = float(cfg_.beta2), eps = float(cfg_.epsilon);
            m_[i] = b1 * m_[i] + (1.f - b1) * g;
            v_[i] = b2 * v_[i] + (1.f - b2) * g.cwiseAbs2();
            const float c1 = 1.f - std::pow(b1, float(t_));
            const float c2 = 1.f - std::pow(b2, float(t_));
            const float alpha = lr * std::sqrt(c2) / c1;
            w.array() -= alpha * m_[i].array() / (v_[i].array().sqrt() + eps * std::sqrt(c2));
        }
        if (params_[i].project) params_[i].project(w, params_[i].user);
    }
}

std::string Optimizer::stateKey(std::size_t i) const { return "optimizer." + cfg_.kind + "/" + params_[i].name; }

KernelState Optimizer::saveState() const {
    KernelState out;
    if (cfg_.kind == "eg") out[kNoiseKey] = seedState(noise_.state());
    if (cfg_.kind == "classp")
        for (std::size_t i = 0; i < params_.size(); ++i) out[stateKey(i)] = v_[i];
    return out;
}

void Optimizer::loadState(const KernelState& state) {
    if (cfg_.kind == "eg") {
        auto it = state.find(kNoiseKey);
        if (it != state.end()) noise_.setState(seedFromState(it->second, kNoiseKey));  // throws before any change
    }
    if (cfg_.kind == "classp")
        for (std::size_t i = 0; i < params_.size(); ++i) {
            const Matrix& w = *params_[i].value;
            auto it = state.find(stateKey(i));
            if (it != state.end() && it->second.rows() == w.rows() && it->second.cols() == w.cols()) v_[i] = it->second;
            else v_[i].setZero(w.rows(), w.cols());
        }
}

}  // namespace ganglion
