#include "core/reservoir/tasks.h"

#include <cmath>
#include <memory>

namespace ganglion::reservoir {

namespace {
constexpr double kBeta = 0.2, kGamma = 0.1, kPower = 10.0;
}  // namespace

MackeyGlass::MackeyGlass(double tau, double sample, double h, double transient, double x0) : h_(h) {
    perSample_ = std::max(1, int(std::lround(sample / h)));
    delaySteps_ = std::max(1, int(std::lround(tau / h)));
    hist_.assign(std::size_t(delaySteps_) + 1, x0);
    head_ = delaySteps_;
    for (int k = 0; k < int(std::lround(transient / h)); ++k) substep();
}

double MackeyGlass::f(double x, double xd) const { return kBeta * xd / (1.0 + std::pow(xd, kPower)) - kGamma * x; }

void MackeyGlass::substep() {
    const int n = int(hist_.size());
    const double x = hist_[std::size_t(head_)];
    // x(t - τ) and x(t - τ + h) are the oldest two stored points; the half step is their mean.
    const int oldest = (head_ + 1) % n;
    const double d0 = hist_[std::size_t(oldest)];
    const double d1 = hist_[std::size_t((oldest + 1) % n)];
    const double dh = 0.5 * (d0 + d1);
    const double k1 = f(x, d0);
    const double k2 = f(x + 0.5 * h_ * k1, dh);
    const double k3 = f(x + 0.5 * h_ * k2, dh);
    const double k4 = f(x + h_ * k3, d1);
    head_ = oldest;  // overwrite x(t - τ), no longer needed
    hist_[std::size_t(head_)] = x + h_ / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4);
}

double MackeyGlass::next() {
    for (int k = 0; k < perSample_; ++k) substep();
    return hist_[std::size_t(head_)];
}

void TaskStream::reset(Task task, int delays, double period, double mgTau, double mgSample, std::uint64_t seed) {
    task_ = task;
    delays_ = std::max(1, delays);
    period_ = period;
    mgTau_ = mgTau;
    mgSample_ = mgSample;
    rng_.seed(seed);
    past_.assign(std::size_t(delays_), 0.f);
    t_ = 0;
    mg_.reset();
    if (task_ == Task::MackeyGlass) {
        mg_.emplace(mgTau_, mgSample_);
        upcoming_ = mg_->next() - 1.0;
    } else if (task_ == Task::Sine) {
        upcoming_ = 0.0;
    }
}

void TaskStream::next(float* input, float* targets) {
    switch (task_) {
    case Task::Memory: {
        const float u = std::uniform_real_distribution<float>(-1.f, 1.f)(rng_);
        *input = u;
        for (int k = 0; k < delays_; ++k) targets[k] = past_[std::size_t(k)];
        past_.pop_back();
        past_.push_front(u);
        break;
    }
    case Task::MackeyGlass:
    case Task::Sine:
        current_ = upcoming_;
        upcoming_ = task_ == Task::Sine ? std::sin(2.0 * M_PI * double(t_ + 1) / period_) : mg_->next() - 1.0;
        *input = float(current_);
        targets[0] = float(upcoming_);
        break;
    }
    ++t_;
}

}  // namespace ganglion::reservoir
