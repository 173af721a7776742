// Node type "SwimmerBody": the planar link-chain swimmer (see swimmer_body.h) as a graph node.
#include "core/model/node_spec.h"
#include "core/io/extra_tables.h"
#include "core/worm/swimmer_body.h"
#include "core/worm/worm_observables.h"

#include <cmath>
#include <memory>
#include <numbers>

namespace ganglion {
namespace {

// Export table: the head's trail, oldest point first (positions in metres of the simulated body).
const bool kSwimmerTableRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    auto f = std::any_cast<std::shared_ptr<const worm::SwimmerFrame>>(&v);
    if (!f || !*f) return false;
    if (!out) return true;  // asked only whether it converts
    io::ExtraTable& t = *out;
    t.columns = {"point", "x_m", "y_m"};
    for (Eigen::Index k = 0; k < (*f)->trail.cols(); ++k) t.rows.push_back({double(k), (*f)->trail(0, k), (*f)->trail(1, k)});
    return true;
});


using worm::SwimmerBody;

class SwimmerKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        const int joints = ctx.inputs.empty() ? -1 : ctx.inputs[0].features;
        if (joints < 1)
            throw BuildError("torque", "connect a torque source (e.g. an NCAP circuit): the body takes "
                                       "its joint count from it");
        worm::BodyConfig cfg;
        cfg.links = joints + 1;
        cfg.bodyLength = p.getFloat("body_length");
        cfg.mass = p.getFloat("mass");
        cfg.dragNormal = p.getFloat("drag_normal");
        cfg.dragTangent = p.getFloat("drag_tangent");
        cfg.jointStiffness = p.getFloat("stiffness");
        cfg.jointDamping = p.getFloat("damping");
        cfg.maxTorque = p.getFloat("max_torque");
        cfg.controlDt = p.getFloat("control_dt");
        cfg.substeps = int(p.getInt("substeps"));
        try {
            body_ = SwimmerBody(cfg);
        } catch (const std::exception& e) {
            throw BuildError("", e.what());
        }
        body_.reset(p.getFloat("heading") * std::numbers::pi / 180.0);
        start_ = body_.centerOfMass();
        maxTorqueScale_ = 1.0;
        animalMm_ = p.getFloat("animal_length");
        trailLen_ = int(p.getInt("trail_length"));
        trail_.setZero(2, trailLen_);
        trailFilled_ = trailHead_ = 0;
        command_.setZero(joints);
        angles_.setZero(joints);
        const int window = std::max(1, int(std::lround(1.0 / cfg.controlDt)));
        comHistory_.setZero(2, window + 1);
        comFilled_ = comHead_ = 0;
        pushCom();
        return {Shape::tensor(joints)};
    }

    void setParams(const ParamSet& p) override {
        maxTorqueScale_ = p.getFloat("max_torque") / std::max(1e-12, body_.config().maxTorque);
        animalMm_ = p.getFloat("animal_length");
    }

    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        const int J = body_.joints();
        if (ctx.phase == Phase::Train) {
            if (in[0] && in[0]->tensor.rows() == J && in[0]->tensor.cols() >= 1)
                command_ = in[0]->tensor.col(0) * float(maxTorqueScale_);
            else
                command_.setZero();
            body_.step(command_);
            if (!std::isfinite(body_.headPosition().x()) || !std::isfinite(body_.linkAngles().sum())) {
                // cannot happen with finite torques (the integrator is implicit); never hand NaNs on
                body_.reset();
                start_ = body_.centerOfMass();
                ++resets_;
            }
            pushCom();
            if (++sinceTrail_ >= trailEvery_) {
                sinceTrail_ = 0;
                trail_.col(trailHead_) = body_.headPosition();
                trailHead_ = (trailHead_ + 1) % trailLen_;
                trailFilled_ = std::min(trailFilled_ + 1, trailLen_);
            }
        }
        body_.jointAngles(angles_);
        out[0].type = PortType::Tensor;
        out[0].tensor = angles_;
    }

    void observe(Observables& obs) const override {
        auto f = std::make_shared<worm::SwimmerFrame>();
        f->points = body_.points();
        f->torque = body_.torques() / std::max(1e-12, body_.config().maxTorque);
        f->trail.resize(2, trailFilled_);
        for (int k = 0; k < trailFilled_; ++k)
            f->trail.col(k) = trail_.col((trailHead_ - trailFilled_ + k + trailLen_) % trailLen_);
        f->heading = body_.heading();
        f->headVelocity = body_.headVelocity();
        f->start = start_;
        f->time = body_.time();
        f->speed = speed();
        f->distance = (body_.centerOfMass() - start_).norm();
        f->bodyLength = body_.config().bodyLength;
        f->animalLengthMm = animalMm_;
        // in body lengths, the measure that compares swimmers of any size
        obs.scalars["speed"] = f->speed / f->bodyLength;
        obs.scalars["distance"] = f->distance / f->bodyLength;
        obs.scalars["head_x"] = body_.headPosition().x();
        obs.scalars["head_y"] = body_.headPosition().y();
        obs.scalars["head_speed"] = body_.headVelocity().norm();
        if (resets_) obs.scalars["resets"] = resets_;
        obs.arrays["angles"] = angles_;
        // canvas thumbnail: the bend of each joint mapped to [0, 1] (0.5 = straight)
        obs.arrays["activations"] = (0.5f + angles_.array() / float(2.0 * std::numbers::pi / (angles_.size() + 1)) * 0.5f)
                                        .max(0.f).min(1.f).matrix();
        obs.extra["swimmer"] = std::shared_ptr<const worm::SwimmerFrame>(f);
    }

    KernelState saveState() const override {
        // The body's pose and velocity, so a saved run resumes where it was.
        return {{"state", body_.state().cast<float>()}, {"velocity", body_.velocity().cast<float>()}};
    }
    void loadState(const KernelState& s) override {
        auto q = s.find("state");
        auto v = s.find("velocity");
        if (q == s.end() || v == s.end()) return;
        const Eigen::Index n = body_.links() + 2;
        for (auto e : {q, v})  // both checked before the body changes
            if (e->second.size() != n)
                throw std::runtime_error("swimmer state '" + e->first + "' must have " + std::to_string(n) +
                                         " entries, has " + std::to_string(e->second.size()));
        body_.setState(q->second.reshaped().cast<double>(), v->second.reshaped().cast<double>());
    }

private:
    void pushCom() {
        comHistory_.col(comHead_) = body_.centerOfMass();
        comHead_ = (comHead_ + 1) % int(comHistory_.cols());
        comFilled_ = std::min(comFilled_ + 1, int(comHistory_.cols()));
    }
    /// Centre-of-mass displacement over the last second (or less) along the heading, per second.
    double speed() const {
        if (comFilled_ < 2) return 0.0;
        const int W = int(comHistory_.cols());
        const int newest = (comHead_ - 1 + W) % W;
        const int oldest = (comHead_ - comFilled_ + W) % W;
        const Eigen::Vector2d d = comHistory_.col(newest) - comHistory_.col(oldest);
        const double T = (comFilled_ - 1) * body_.config().controlDt;
        return d.dot(body_.heading()) / T;
    }

    SwimmerBody body_;
    Eigen::Vector2d start_{0, 0};
    Eigen::VectorXf command_, angles_;
    double maxTorqueScale_ = 1.0;
    double animalMm_ = 1.0;
    Eigen::Matrix2Xd trail_, comHistory_;
    int trailLen_ = 400, trailFilled_ = 0, trailHead_ = 0, trailEvery_ = 2, sinceTrail_ = 0;
    int comFilled_ = 0, comHead_ = 0;
    int resets_ = 0;
};

}  // namespace

NodeSpec makeSwimmerBodySpec() {
    NodeSpec s;
    s.type = "SwimmerBody";
    s.title = "Swimmer body";
    s.category = "C. elegans";
    s.stepSecondsParam = "control_dt";  // a graph with dt = control_dt runs at "real time"
    s.observables = {"swimmer", "angles", "activations"};
    s.help = "A planar chain of rigid links (joints = torque inputs) swimming in a viscous fluid. "
             "Drag follows resistive force theory: each element is resisted more across the body "
             "(drag_normal) than along it (drag_tangent), which turns a travelling bend into thrust. "
             "One control step per engine step, integrated semi-implicitly in sub-steps.";
    s.reference = "Gray & Hancock (1955) The propulsion of sea-urchin spermatozoa, J. Exp. Biol.; "
                  "swimmer as in Tassa et al. (2018) DeepMind Control Suite";
    s.inputs = {{"torque", PortType::Tensor, "joint torque commands in [-1,1]", false, false}};
    s.outputs = {{"angles", PortType::Tensor, "joint angles (radians), joint 1 at the head"}};
    s.params = {
        floatParam("body_length", 1.0, 0.01, 100.0, "Total body length of the simulated body.", "m"),
        floatParam("animal_length", 1.0, 0.01, 1000.0,
                   "Length of the animal the body stands for (an adult C. elegans is about 1 mm): readouts "
                   "in mm scale the motion, measured in body lengths, to it.", "mm", true),
        floatParam("mass", 1.0, 1e-3, 1e3, "Total body mass.", "kg"),
        floatParam("drag_normal", 10.0, 1e-3, 1e4, "Drag coefficient across the body (c_n).", "N·s/m²"),
        floatParam("drag_tangent", 1.0, 1e-3, 1e4, "Drag coefficient along the body (c_t).", "N·s/m²"),
        floatParam("stiffness", 0.05, 0.0, 100.0, "Passive joint stiffness pulling the body straight.", "N·m/rad"),
        floatParam("damping", 0.002, 0.0, 100.0, "Passive joint damping.", "N·m·s/rad"),
        floatParam("max_torque", 0.05, 0.0, 100.0, "Joint torque produced by a command of 1.", "N·m", true),
        floatParam("control_dt", 0.03, 0.001, 1.0, "Simulated time per engine step.", "s"),
        intParam("substeps", 10, 1, 1000, "Integration sub-steps per control step."),
        floatParam("heading", 0.0, -180.0, 180.0, "Initial heading of the head.", "deg"),
        intParam("trail_length", 400, 10, 10000, "Head positions kept for the trail (every 2nd step)."),
    };
    s.create = [] { return std::make_unique<SwimmerKernel>(); };
    return s;
}

}  // namespace ganglion
