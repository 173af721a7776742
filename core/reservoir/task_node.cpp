// The "ReservoirTask" source: one benchmark stream (tasks.h) as an input and its targets.
#include "core/model/node_spec.h"
#include "core/reservoir/reservoir_node.h"

namespace ganglion {

namespace {
constexpr int kRecent = 120;  // inputs kept for the thumbnail
}

std::vector<Shape> ReservoirTaskKernel::build(const BuildContext& ctx) {
    const ParamSet& p = ctx.params;
    const std::string& t = p.getString("task");
    task_ = t == "mackey_glass" ? reservoir::Task::MackeyGlass : t == "sine" ? reservoir::Task::Sine : reservoir::Task::Memory;
    delays_ = int(p.getInt("delays"));
    chunk_ = int(p.getInt("steps_per_tick"));
    period_ = p.getFloat("period");
    tau_ = p.getFloat("mg_tau");
    sample_ = p.getFloat("mg_sample");
    seed_ = ctx.rng();
    restart();
    return {Shape::tensor(1), Shape::tensor(stream_.targets())};
}

void ReservoirTaskKernel::restart() {
    stream_.reset(task_, delays_, period_, tau_, sample_, seed_);
    recent_.setZero(1, kRecent);
    recentHead_ = 0;
}

void ReservoirTaskKernel::forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) {
    Matrix& u = out[0].tensor;
    Matrix& y = out[1].tensor;
    if (u.rows() != 1 || u.cols() != chunk_) u.setZero(1, chunk_);
    if (y.rows() != stream_.targets() || y.cols() != chunk_) y.setZero(stream_.targets(), chunk_);
    if (ctx.phase != Phase::Train) return;  // evaluation passes see the current step again
    for (int b = 0; b < chunk_; ++b) {
        stream_.next(&u(0, b), y.col(b).data());
        recent_(0, recentHead_) = u(0, b);
        recentHead_ = (recentHead_ + 1) % kRecent;
    }
}

void ReservoirTaskKernel::observe(Observables& obs) const {
    Matrix tr(1, kRecent);
    for (int k = 0; k < kRecent; ++k) tr(0, k) = recent_(0, (recentHead_ + k) % kRecent);
    obs.arrays["activations"] = tr;  // the canvas thumbnail: recent inputs
}

KernelState ReservoirTaskKernel::saveState() const { return {{"task_seed", seedState(seed_)}}; }

void ReservoirTaskKernel::loadState(const KernelState& s) {
    seed_ = seedFromState(checkedEntry(s, "ReservoirTask", "task_seed", 4, 1), "task_seed");
    restart();
}

NodeSpec makeReservoirTaskSpec() {
    NodeSpec s;
    s.type = "ReservoirTask";
    s.title = "Reservoir task";
    s.category = "Reservoir";
    s.role = NodeRole::Source;
    s.help = "A time series for a reservoir and what its readout should produce. memory: input uniform "
             "in (-1, 1), targets the input 1..K steps back (memory capacity). mackey_glass: the "
             "chaotic Mackey-Glass series (τ 17, RK4 with step 0.1, one sample per time unit, minus 1); "
             "sine: a sine wave; for both the target is the next sample (one-step prediction).";
    s.reference = "H. Jaeger, Short term memory in echo state networks (2001); M. C. Mackey, L. Glass, "
                  "Oscillation and chaos in physiological control systems, Science 197 (1977).";
    s.outputs = {{"input", PortType::Tensor, "1 x steps_per_tick"},
                 {"target", PortType::Tensor, "delays x steps (memory) or 1 x steps (prediction)"}};
    s.params = {
        enumParam("task", "memory", {"memory", "mackey_glass", "sine"}, "Which stream."),
        intParam("delays", 40, 1, 2000, "Memory task: targets are the input 1..delays steps back."),
        intParam("steps_per_tick", 1, 1, 10000, "Time steps per engine step (columns of one output)."),
        floatParam("period", 25.0, 2.0, 1e6, "Sine task: period in time steps.", "steps"),
        floatParam("mg_tau", 17.0, 1.0, 100.0, "Mackey-Glass delay τ (17: mildly chaotic).", "time units"),
        floatParam("mg_sample", 1.0, 0.1, 10.0, "Mackey-Glass time between samples.", "time units"),
    };
    s.observables = {"activations"};
    s.thumbnail = Thumbnail::Activations;
    s.create = [] { return std::make_unique<ReservoirTaskKernel>(); };
    return s;
}

}  // namespace ganglion
