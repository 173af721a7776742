// Planar swimmer body: a chain of rigid links joined by hinge joints, driven by joint torques in a
// viscous medium. Drag follows resistive force theory (Gray & Hancock 1955): each body element
// feels a force opposing its velocity, with a larger coefficient across the body (c_n) than along
// it (c_t); that anisotropy is what turns an undulation into thrust. Integration is semi-implicit
// (drag, joint damping and stiffness implicit), so any sub-step is stable. No Qt.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>

namespace ganglion::worm {

struct BodyConfig {
    int links = 6;                ///< joints = links - 1
    double bodyLength = 1.0;      ///< metres (links are equal)
    double mass = 1.0;            ///< kg, whole body
    double dragNormal = 10.0;     ///< c_n, N·s/m² (force per unit length per unit speed)
    double dragTangent = 1.0;     ///< c_t
    double jointStiffness = 0.05; ///< N·m/rad, passive spring pulling joints straight
    double jointDamping = 0.002;  ///< N·m·s/rad
    double maxTorque = 0.05;      ///< N·m produced by a torque command of 1
    double controlDt = 0.03;      ///< seconds per control step
    int substeps = 10;            ///< integration steps per control step
};

class SwimmerBody {
public:
    SwimmerBody() = default;
    /// Throws std::invalid_argument naming the bad setting.
    explicit SwimmerBody(const BodyConfig& cfg);

    const BodyConfig& config() const { return cfg_; }
    int links() const { return cfg_.links; }
    int joints() const { return cfg_.links - 1; }

    /// Straight body along +x, head tip at (0, 0), at rest.
    void reset(double heading = 0.0);

    /// Advance one control step holding `command` (joints entries, clamped to [-1, 1]).
    void step(const Eigen::Ref<const Eigen::VectorXf>& command);
    /// One integration sub-step of length h with joint torques tau (N·m).
    void substep(double h, const Eigen::VectorXd& tau);

    double time() const { return time_; }
    /// Joint angles (theta_j - theta_{j+1}), radians, joint 0 next to the head.
    void jointAngles(Eigen::Ref<Eigen::VectorXf> out) const;
    Eigen::VectorXf jointAngles() const;
    /// Absolute link orientations (direction from tail end to head end of each link).
    const Eigen::VectorXd& linkAngles() const { return theta_; }
    const Eigen::VectorXd& linkAngularVelocities() const { return omega_; }
    /// Link end points, 2 x (links + 1): column 0 = head tip, last = tail tip.
    Eigen::Matrix2Xd points() const;
    Eigen::Vector2d headPosition() const { return p0_; }
    Eigen::Vector2d headVelocity() const;
    Eigen::Vector2d centerOfMass() const;
    Eigen::Vector2d centerOfMassVelocity() const;
    /// Direction the head link points (unit vector).
    Eigen::Vector2d heading() const;
    /// Last applied joint torques (N·m).
    const Eigen::VectorXd& torques() const { return tau_; }
    /// Kinetic energy (translational + rotational) of all links.
    double kineticEnergy() const;

    /// Generalised state (x, y, theta_0..theta_{L-1}) and its velocity; for tests and saving.
    Eigen::VectorXd state() const;
    Eigen::VectorXd velocity() const;
    void setState(const Eigen::VectorXd& q, const Eigen::VectorXd& qd);

    /// Mass matrix M(q), drag matrix D(q) (generalised drag force = -D qd, joint damping
    /// included) and centripetal bias of the current state, in generalised coordinates.
    /// Recomputed by this call; step() does it every sub-step.
    void assemble();
    const Eigen::MatrixXd& massMatrix() const { return M_; }
    const Eigen::MatrixXd& dragMatrix() const { return D_; }
    /// Power dissipated by drag and joint damping, computed link by link (W); equals
    /// qd^T D qd, a check on the closed-form assembly.
    double dissipation() const;

private:
    BodyConfig cfg_;
    int n_ = 0;                  // generalised coordinates = links + 2
    double l_ = 0, m_ = 0, inertia_ = 0;
    Eigen::Vector2d p0_{0, 0}, v0_{0, 0};
    Eigen::VectorXd theta_, omega_, tau_;
    double time_ = 0;
    // work storage (no allocation per step)
    Eigen::MatrixXd M_, D_, K_, A_;
    Eigen::VectorXd bias_, rhs_, qd_, q_;
    Eigen::LLT<Eigen::MatrixXd> llt_;  // A = M + hD + h^2 K is symmetric positive definite
    Eigen::VectorXd sinT_, cosT_, tauCmd_;
    Eigen::VectorXd gx_, gy_, Gx_, Gy_, t00_, t01_, t11_, u00_, u01_, u11_;  // per-link sums
};

}  // namespace ganglion::worm
