#include "core/worm/swim_task.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace ganglion::worm {

NcapController::NcapController(const NcapConfig& cfg) : circuit_(cfg) {
    signs_ = circuit_.parameterSigns();
    angles_.setZero(cfg.joints);
}

void NcapController::project(Eigen::VectorXf& p) const {
    if (!circuit_.config().signConstrained) return;  // the unconstrained ablation
    for (Eigen::Index i = 0; i < p.size(); ++i)
        p(i) = signs_(i) > 0 ? std::max(p(i), 0.f) : std::min(p(i), 0.f);
}

bool NcapController::feasible(const Eigen::VectorXf& p) const {
    if (!circuit_.config().signConstrained) return true;
    for (Eigen::Index i = 0; i < p.size(); ++i)
        if (p(i) * signs_(i) < 0) return false;
    return true;
}

void NcapController::act(long long step, const SwimmerBody& body, Eigen::Ref<Eigen::VectorXf> torque) {
    body.jointAngles(angles_);
    circuit_.step(step, angles_, torque);
}

std::unique_ptr<SwimController> NcapController::clone() const {
    return std::make_unique<NcapController>(*this);
}

MlpController::MlpController(int joints, std::vector<int> hidden, double period, double dt,
                             std::uint64_t seed)
    : joints_(joints), period_(period), dt_(dt) {
    if (joints < 1) throw std::invalid_argument("MLP controller needs at least 1 joint");
    if (!(period > 0) || !(dt > 0)) throw std::invalid_argument("MLP clock period and dt must be positive");
    std::mt19937_64 rng(seed);
    std::vector<int> sizes;
    sizes.push_back(2 * joints + 2);
    for (int h : hidden) {
        if (h < 1) throw std::invalid_argument("MLP hidden layer sizes must be >= 1");
        sizes.push_back(h);
    }
    sizes.push_back(joints);
    act_.push_back(Eigen::VectorXf::Zero(sizes[0]));
    for (size_t l = 1; l < sizes.size(); ++l) {
        const float lim = std::sqrt(6.f / float(sizes[l - 1] + sizes[l]));
        std::uniform_real_distribution<float> u(-lim, lim);
        Eigen::MatrixXf W(sizes[l], sizes[l - 1]);
        for (Eigen::Index i = 0; i < W.size(); ++i) W(i) = u(rng);
        layersW_.push_back(std::move(W));
        layersB_.push_back(Eigen::VectorXf::Zero(sizes[l]));
        act_.push_back(Eigen::VectorXf::Zero(sizes[l]));
        count_ += sizes[l] * sizes[l - 1] + sizes[l];
    }
}

Eigen::VectorXf MlpController::parameters() const {
    Eigen::VectorXf p(count_);
    Eigen::Index k = 0;
    for (size_t l = 0; l < layersW_.size(); ++l) {
        p.segment(k, layersW_[l].size()) = layersW_[l].reshaped();
        k += layersW_[l].size();
        p.segment(k, layersB_[l].size()) = layersB_[l];
        k += layersB_[l].size();
    }
    return p;
}

void MlpController::setParameters(const Eigen::VectorXf& p) {
    if (p.size() != count_)
        throw std::invalid_argument("MLP parameter vector has " + std::to_string(p.size()) +
                                    " entries, expected " + std::to_string(count_));
    Eigen::Index k = 0;
    for (size_t l = 0; l < layersW_.size(); ++l) {
        layersW_[l].reshaped() = p.segment(k, layersW_[l].size());
        k += layersW_[l].size();
        layersB_[l] = p.segment(k, layersB_[l].size());
        k += layersB_[l].size();
    }
}

void MlpController::act(long long step, const SwimmerBody& body, Eigen::Ref<Eigen::VectorXf> torque) {
    Eigen::VectorXf& x = act_[0];
    const auto& th = body.linkAngles();
    const float norm = float(2.0 * std::numbers::pi / (joints_ + 1));
    const auto& w = body.linkAngularVelocities();
    for (int j = 0; j < joints_; ++j) {
        x(j) = float(th(j) - th(j + 1)) / norm;
        x(joints_ + j) = float(w(j) - w(j + 1));
    }
    const double phase = 2.0 * std::numbers::pi * std::fmod(double(step) * dt_, period_) / period_;
    x(2 * joints_) = float(std::sin(phase));
    x(2 * joints_ + 1) = float(std::cos(phase));
    for (size_t l = 0; l < layersW_.size(); ++l) {
        act_[l + 1].noalias() = layersW_[l] * act_[l];
        act_[l + 1] += layersB_[l];
        act_[l + 1] = act_[l + 1].array().tanh();
    }
    torque = act_.back();
}

std::unique_ptr<SwimController> MlpController::clone() const {
    return std::make_unique<MlpController>(*this);
}

EpisodeResult runEpisode(SwimController& controller, const BodyConfig& cfg, double seconds) {
    SwimmerBody body(cfg);
    Eigen::VectorXf torque = Eigen::VectorXf::Zero(body.joints());
    return runEpisode(controller, body, torque, seconds);
}

EpisodeResult runEpisode(SwimController& controller, SwimmerBody& body, Eigen::VectorXf& torque,
                         double seconds) {
    body.reset();
    controller.reset();
    torque.setZero(body.joints());
    const Eigen::Vector2d start = body.centerOfMass();
    const double dt = body.config().controlDt;
    const long long steps = std::max<long long>(1, std::llround(seconds / dt));
    for (long long s = 0; s < steps; ++s) {
        controller.act(s, body, torque);
        body.step(torque);
    }
    const Eigen::Vector2d d = body.centerOfMass() - start;
    EpisodeResult r;
    const double T = double(steps) * dt;
    r.forwardSpeed = d.x() / T;
    r.lateralDrift = std::abs(d.y());
    r.distance = d.norm();
    if (!std::isfinite(r.forwardSpeed)) r.forwardSpeed = -1e9;
    return r;
}

}  // namespace ganglion::worm
