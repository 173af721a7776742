// Benchmark streams for reservoirs, one time step at a time:
//  - memory: i.i.d. input u(t) uniform in (-1, 1); targets u(t-k) for k = 1..K (0 before the
//    stream began). The sum over k of the held-out r² is the memory capacity.
//  - mackey_glass: the Mackey-Glass delay equation dx/dt = β x(t-τ) / (1 + x(t-τ)^n) - γ x
//    (β 0.2, γ 0.1, n 10, τ 17: chaotic), integrated by RK4 with step h = 0.1 (the delayed term at
//    half steps is interpolated linearly between stored points), sampled every `sample` time units
//    after a transient of 1000 time units; input x(t) - 1, target the next sample.
//  - sine: input sin(2π t / period); target the next sample.
#pragma once

#include "core/model/kernel.h"

#include <deque>
#include <optional>
#include <vector>

namespace ganglion::reservoir {

enum class Task : std::uint8_t { Memory, MackeyGlass, Sine };

/// The Mackey-Glass series, sample by sample.
class MackeyGlass {
public:
    /// transient: time units integrated and discarded before the first sample.
    explicit MackeyGlass(double tau = 17.0, double sample = 1.0, double h = 0.1, double transient = 1000.0,
                         double x0 = 1.2);
    double next();  ///< x at the next sampling time

private:
    double f(double x, double xd) const;
    void substep();
    double h_;  ///< integration step (time units); the delay τ is delaySteps_ steps of h
    int perSample_;
    int delaySteps_;
    std::vector<double> hist_;  ///< ring of the last delaySteps_ + 1 points, h apart
    int head_ = 0;              ///< index of the current point
};

class TaskStream {
public:
    /// delays: K for the memory task (ignored otherwise); period: sine period in steps.
    void reset(Task task, int delays, double period, double mgTau, double mgSample, std::uint64_t seed);
    /// Advance one step: writes the input (1 value) and the targets (targets() values).
    void next(float* input, float* targets);
    int targets() const { return task_ == Task::Memory ? delays_ : 1; }
    Task task() const { return task_; }

private:
    Task task_ = Task::Memory;
    int delays_ = 1;
    double period_ = 25;
    Rng rng_;
    std::deque<float> past_;  ///< memory task: the last `delays_` inputs, newest first
    std::optional<MackeyGlass> mg_;
    double current_ = 0, upcoming_ = 0;  ///< prediction tasks: s(t), s(t+1)
    std::uint64_t t_ = 0;
    double mgTau_ = 17, mgSample_ = 1;
};

}  // namespace ganglion::reservoir
