// Node type "NcapMuscle": one muscle of the NCAP circuit (dorsal DM or ventral VM), graded:
// out = clamp(w_ipsi·ipsi + w_contra·contra, 0, 1), excited by the B-neuron on its own side and
// inhibited by the one on the other side (NcapCircuit::step).
#include "core/worm/ncap_parts.h"

#include <memory>

namespace ganglion {
namespace {

class NcapMuscleKernel : public worm::GradedUnitKernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        setParams(ctx.params);
        resetUnit();
        return {Shape::tensor(1)};
    }

    void setParams(const ParamSet& p) override {
        wIpsi_ = float(p.getFloat("w_ipsi"));
        wContra_ = float(p.getFloat("w_contra"));
        ablated_ = p.getBool("ablated");
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase == Phase::Train) {
            fire(wIpsi_ * worm::scalarIn(in[0]) + wContra_ * worm::scalarIn(in[1]));
        }
        worm::setScalar(out[0], out_);
    }

private:
    float wIpsi_ = 1.f, wContra_ = -1.f;
};

}  // namespace

NodeSpec makeNcapMuscleSpec() {
    NodeSpec s;
    s.type = "NcapMuscle";
    s.title = "Muscle (NCAP)";
    s.category = "C. elegans";
    s.observables = {"activations", "trace"};
    s.thumbnail = Thumbnail::Trace;
    s.help = "A body-wall muscle of the NCAP circuit (DM dorsal, VM ventral), graded: "
             "clamp(w_ipsi·ipsi + w_contra·contra, 0, 1). The same-side B-neuron excites it "
             "(w_ipsi ≥ 0), the opposite one inhibits it (w_contra ≤ 0). Feed it to a joint node.";
    s.reference = "Bhattasali, Zador & Engel (2022) Neural Circuit Architectural Priors for Embodied "
                  "Control, NeurIPS";
    s.inputs = {{"ipsi", PortType::Scalar, "same-side B-neuron", true, false},
                {"contra", PortType::Scalar, "opposite-side B-neuron", true, false}};
    s.outputs = {{"out", PortType::Scalar, "activation in [0, 1]"}};
    s.params = {
        enumParam("side", "dorsal", {"dorsal", "ventral"}, "Dorsal (DM) or ventral (VM) muscle (labels the circuit views).", true),
        intParam("joint", 1, 1, 30, "Joint this muscle bends, numbered from the head.", true),
        floatParam("w_ipsi", 1.0, 0.0, 10.0, "Same-side B-neuron weight (excitatory, ≥ 0).", "", true),
        floatParam("w_contra", -1.0, -10.0, 0.0, "Opposite-side B-neuron weight (inhibitory, ≤ 0).", "", true),
        boolParam("ablated", false, "Silence this muscle (output 0).", true),
    };
    s.create = [] { return std::make_unique<NcapMuscleKernel>(); };
    return s;
}

}  // namespace ganglion
