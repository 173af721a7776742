// Node type "NcapCommand": the NCAP circuit's optional command units. The speed unit outputs
// 1 − speed (it inhibits every B-neuron when the worm should slow down); the turn units output
// the positive part of the turn command on 'dorsal' and the negative part on 'ventral'.
#include "core/worm/ncap_parts.h"

#include <algorithm>
#include <memory>

namespace ganglion {
namespace {

class NcapCommandKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        setParams(ctx.params);
        return {Shape::tensor(1), Shape::tensor(1), Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        speed_ = float(p.getFloat("speed"));
        turn_ = float(p.getFloat("turn"));
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase == Phase::Train) {
            const float speed = in[0] && in[0]->tensor.size() > 0 ? in[0]->tensor(0, 0) : speed_;
            const float turn = in[1] && in[1]->tensor.size() > 0 ? in[1]->tensor(0, 0) : turn_;
            slow_ = 1.f - std::clamp(speed, 0.f, 1.f);
            dorsal_ = std::max(turn, 0.f);
            ventral_ = std::max(-turn, 0.f);
        }
        worm::setScalar(out[0], slow_);
        worm::setScalar(out[1], dorsal_);
        worm::setScalar(out[2], ventral_);
    }

    void observe(Observables& obs) const override {
        obs.arrays["activations"] = Matrix(3, 1);
        obs.arrays["activations"] << slow_, std::min(dorsal_, 1.f), std::min(ventral_, 1.f);
    }

private:
    float speed_ = 1.f, turn_ = 0.f;
    float slow_ = 0.f, dorsal_ = 0.f, ventral_ = 0.f;
};

}  // namespace

NodeSpec makeNcapCommandSpec() {
    NodeSpec s;
    s.type = "NcapCommand";
    s.title = "Speed & turn units (NCAP)";
    s.category = "C. elegans";
    s.observables = {"activations"};
    s.help = "Command units of the NCAP circuit. 'slow' = 1 − speed (speed in [0, 1], feeds every "
             "B-neuron through its inhibitory w_speed); 'dorsal'/'ventral' = the positive/negative "
             "part of the turn command in [−1, 1] (feed the head B-neurons on that side). Commands "
             "come from the inputs when connected, else from the parameters.";
    s.reference = "Bhattasali, Zador & Engel (2022) Neural Circuit Architectural Priors for Embodied "
                  "Control, NeurIPS";
    s.inputs = {{"speed", PortType::Scalar, "speed command in [0, 1]", true, false},
                {"turn", PortType::Scalar, "turn command in [−1, 1] (+ = dorsal)", true, false}};
    s.outputs = {{"slow", PortType::Scalar, "1 − speed"},
                 {"dorsal", PortType::Scalar, "max(turn, 0)"},
                 {"ventral", PortType::Scalar, "max(−turn, 0)"}};
    s.params = {
        floatParam("speed", 1.0, 0.0, 1.0, "Speed command when the speed input is unconnected.", "", true),
        floatParam("turn", 0.0, -1.0, 1.0, "Turn command when the turn input is unconnected.", "", true),
    };
    s.create = [] { return std::make_unique<NcapCommandKernel>(); };
    return s;
}

}  // namespace ganglion
