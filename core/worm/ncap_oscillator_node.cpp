// Node type "NcapOscillator": the NCAP circuit's head oscillator as its own node — a square
// wave that is 1 on its dorsal output for the first half of each period and 1 on its ventral
// output for the second half (NcapCircuit::oscillatorDorsal).
#include "core/worm/ncap_parts.h"

#include <cmath>
#include <memory>

namespace ganglion {
namespace {

class NcapOscillatorKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        dt_ = ctx.params.getFloat("control_dt");
        if (ctx.params.getFloat("period") < 2 * dt_)
            throw BuildError("", "oscillator period must be at least two control steps (2 x control_dt)");
        setParams(ctx.params);
        step_ = 0;
        dorsal_ = ventral_ = 0.f;
        trace_.reset(2);
        return {Shape::tensor(1), Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        active_ = p.getBool("active");
        periodSteps_ = std::max<long long>(2, std::llround(std::max(p.getFloat("period"), 2 * dt_) / dt_));
    }

    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase == Phase::Train) {
            const bool dorsalPhase = (step_++ % periodSteps_) < periodSteps_ / 2;
            dorsal_ = active_ && dorsalPhase ? 1.f : 0.f;
            ventral_ = active_ && !dorsalPhase ? 1.f : 0.f;
            trace_.push(Eigen::Vector2f(dorsal_, ventral_));
        }
        worm::setScalar(out[0], dorsal_);
        worm::setScalar(out[1], ventral_);
    }

    void observe(Observables& obs) const override {
        obs.arrays["activations"] = Matrix(2, 1);
        obs.arrays["activations"] << dorsal_, ventral_;
        obs.arrays["trace"] = trace_.ordered();
    }

private:
    double dt_ = 0.03;
    long long periodSteps_ = 60, step_ = 0;
    bool active_ = true;
    float dorsal_ = 0.f, ventral_ = 0.f;
    worm::TraceRing trace_;
};

}  // namespace

NodeSpec makeNcapOscillatorSpec() {
    NodeSpec s;
    s.type = "NcapOscillator";
    s.title = "Head oscillator";
    s.category = "C. elegans";
    s.stepSecondsParam = "control_dt";  // a graph with dt = control_dt runs at "real time"
    s.observables = {"activations", "trace"};
    s.thumbnail = Thumbnail::Trace;
    s.help = "The NCAP circuit's head oscillator: a square wave, 1 on 'dorsal' for the first half "
             "of each period and 1 on 'ventral' for the second. It drives the head B-neurons. "
             "Made by expanding an NCAP swimmer circuit.";
    s.reference = "Bhattasali, Zador & Engel (2022) Neural Circuit Architectural Priors for Embodied "
                  "Control, NeurIPS";
    s.outputs = {{"dorsal", PortType::Scalar, "1 during the dorsal half-period, else 0"},
                 {"ventral", PortType::Scalar, "1 during the ventral half-period, else 0"}};
    s.params = {
        floatParam("period", 1.8, 0.06, 60.0, "Oscillation period (square wave).", "s", true),
        floatParam("control_dt", 0.03, 0.001, 1.0, "Control step: simulated time per engine step.", "s"),
        boolParam("active", true, "Off = oscillator ablated (both outputs 0).", true),
    };
    s.create = [] { return std::make_unique<NcapOscillatorKernel>(); };
    return s;
}

}  // namespace ganglion
