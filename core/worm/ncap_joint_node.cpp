// Node type "NcapJoint": where a joint's two muscles meet the body. It writes
// torque = dorsal − ventral muscle into its entry of the joint-torque vector and passes the
// other entries on from its 'torques' input, so the joints of a circuit chain head to tail and
// the last one drives the Swimmer body.
#include "core/worm/ncap_parts.h"

#include <memory>

namespace ganglion {
namespace {

class NcapJointKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        joints_ = int(ctx.params.getInt("joints"));
        joint_ = int(ctx.params.getInt("joint"));
        if (joint_ > joints_)
            throw BuildError("", "joint " + std::to_string(joint_) + " is beyond the body's " +
                                     std::to_string(joints_) + " joints");
        const int chained = ctx.inputs.size() > 2 ? ctx.inputs[2].features : -1;
        if (chained > 0 && chained != joints_)
            throw BuildError("torques", "torques input has " + std::to_string(chained) +
                                            " entries but this joint node says the body has " +
                                            std::to_string(joints_) + " joints");
        torques_.setZero(joints_);
        trace_.reset(1);
        return {Shape::tensor(joints_)};
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase == Phase::Train) {
            if (in[2] && in[2]->tensor.rows() == joints_ && in[2]->tensor.cols() >= 1)
                torques_ = in[2]->tensor.col(0);
            else
                torques_.setZero();
            torques_(joint_ - 1) = worm::scalarIn(in[0]) - worm::scalarIn(in[1]);
            trace_.push(torques_(joint_ - 1));
        }
        out[0].type = PortType::Tensor;
        out[0].tensor = torques_;
    }

    void observe(Observables& obs) const override {
        // canvas thumbnail: this joint's torque mapped to [0, 1] (0.5 = none)
        obs.arrays["activations"] = Matrix::Constant(1, 1, 0.5f + 0.5f * torques_(joint_ - 1));
        obs.arrays["trace"] = trace_.ordered();
    }

private:
    int joints_ = 5, joint_ = 1;
    Eigen::VectorXf torques_;
    worm::TraceRing trace_;
};

}  // namespace

NodeSpec makeNcapJointSpec() {
    NodeSpec s;
    s.type = "NcapJoint";
    s.title = "Joint torque (NCAP)";
    s.category = "C. elegans";
    s.observables = {"activations", "trace"};
    s.thumbnail = Thumbnail::Trace;
    s.help = "Turns one joint's muscles into torque (dorsal − ventral, in [−1, 1]) and writes it "
             "into that joint's entry of the torque vector; the other entries come from the "
             "'torques' input. Chain the joints head to tail and connect the last to a Swimmer body.";
    s.inputs = {{"dorsal", PortType::Scalar, "dorsal muscle activation", true, false},
                {"ventral", PortType::Scalar, "ventral muscle activation", true, false},
                {"torques", PortType::Tensor, "torque vector of the joints before this one", true, false}};
    s.outputs = {{"torques", PortType::Tensor, "torque vector with this joint's entry set"}};
    s.params = {
        intParam("joint", 1, 1, 30, "Which joint (numbered from the head)."),
        intParam("joints", 5, 1, 30, "Joints of the body (length of the torque vector)."),
    };
    s.create = [] { return std::make_unique<NcapJointKernel>(); };
    // the torque vector of the joints before it is as long as the body's
    s.example = [](const std::string&) {
        return NodeExample{{{"joints", std::int64_t(4)}}, {Shape::tensor(1), Shape::tensor(1), Shape::tensor(4)}};
    };
    return s;
}

}  // namespace ganglion
