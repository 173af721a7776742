// Node type "NcapBNeuron": one B-type motor neuron of the NCAP circuit (dorsal DB or ventral
// VB), graded: out = clamp(w_speed·speed + w_prop·stretch + w_osc·osc + w_turn·turn, 0, 1),
// where stretch is this side's half of the previous joint's bend (NcapCircuit::step).
#include "core/worm/ncap_parts.h"

#include <cmath>
#include <memory>
#include <numbers>

namespace ganglion {
namespace {

class NcapBNeuronKernel : public worm::GradedUnitKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const int joint = int(ctx.params.getInt("joint"));
        const int angleFeatures = ctx.inputs.size() > 1 ? ctx.inputs[1].features : -1;
        if (angleFeatures > 0 && joint > 1 && angleFeatures < joint - 1)
            throw BuildError("angles", "angles input has " + std::to_string(angleFeatures) +
                                           " joints, but this neuron at joint " + std::to_string(joint) +
                                           " senses joint " + std::to_string(joint - 1));
        setParams(ctx.params);
        resetUnit();
        return {Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        dorsal_ = p.getString("side") == "dorsal";
        joint_ = int(p.getInt("joint"));
        wOsc_ = float(p.getFloat("w_osc"));
        wProp_ = float(p.getFloat("w_prop"));
        wSpeed_ = float(p.getFloat("w_speed"));
        wTurn_ = float(p.getFloat("w_turn"));
        ablated_ = p.getBool("ablated");
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase == Phase::Train) {
            // Same terms in the same order as NcapCircuit::step, so results match it exactly.
            float x = in[2] ? wSpeed_ * worm::scalarIn(in[2]) : 0.f;
            const Value* angles = in[1];
            if (angles && joint_ > 1 && angles->tensor.rows() >= joint_ - 1 && angles->tensor.cols() >= 1) {
                const Eigen::Index n = angles->tensor.rows();
                const float norm = float(2.0 * std::numbers::pi / double(n + 1));
                const float a = angles->tensor(joint_ - 2, 0) / norm;
                x += wProp_ * std::max(dorsal_ ? a : -a, 0.f);
            }
            if (in[0]) x += wOsc_ * worm::scalarIn(in[0]);
            if (in[3]) x += wTurn_ * worm::scalarIn(in[3]);
            fire(x);
        }
        worm::setScalar(out[0], out_);
    }

private:
    bool dorsal_ = true;
    int joint_ = 1;
    float wOsc_ = 1.f, wProp_ = 1.f, wSpeed_ = -1.f, wTurn_ = 1.f;
};

}  // namespace

NodeSpec makeNcapBNeuronSpec() {
    NodeSpec s;
    s.type = "NcapBNeuron";
    s.title = "B-neuron (NCAP)";
    s.category = "C. elegans";
    s.observables = {"activations", "trace"};
    s.thumbnail = Thumbnail::Trace;
    s.help = "A B-type motor neuron of the NCAP circuit (DB dorsal, VB ventral), graded: "
             "clamp(x, 0, 1) of its weighted inputs. Proprioception: the previous joint's bend "
             "(normalised by 2π/(joints+1)), its positive half for a dorsal neuron and its negative "
             "half for a ventral one. The head neurons (joint 1) take the oscillator instead. "
             "Excitatory weights are ≥ 0 and the speed weight ≤ 0 (enforced by their ranges).";
    s.reference = "Bhattasali, Zador & Engel (2022) Neural Circuit Architectural Priors for Embodied "
                  "Control, NeurIPS";
    s.inputs = {{"osc", PortType::Scalar, "oscillator drive (head neurons)", true, false},
                {"angles", PortType::Tensor, "joint angles of the body (radians); reads joint − 1", true, true},
                {"speed", PortType::Scalar, "speed unit: 1 − speed command", true, false},
                {"turn", PortType::Scalar, "turn unit on this side", true, false}};
    s.outputs = {{"out", PortType::Scalar, "activation in [0, 1]"}};
    s.params = {
        enumParam("side", "dorsal", {"dorsal", "ventral"}, "Dorsal (DB) or ventral (VB) neuron.", true),
        intParam("joint", 1, 1, 30, "Joint this neuron drives, numbered from the head.", true),
        floatParam("w_osc", 1.0, 0.0, 10.0, "Oscillator weight (excitatory, ≥ 0).", "", true),
        floatParam("w_prop", 1.0, 0.0, 10.0, "Proprioception weight (excitatory, ≥ 0).", "", true),
        floatParam("w_speed", -1.0, -10.0, 0.0, "Speed unit weight (inhibitory, ≤ 0).", "", true),
        floatParam("w_turn", 1.0, 0.0, 10.0, "Turn unit weight (excitatory, ≥ 0).", "", true),
        boolParam("ablated", false, "Silence this neuron (output 0).", true),
    };
    s.create = [] { return std::make_unique<NcapBNeuronKernel>(); };
    return s;
}

}  // namespace ganglion
