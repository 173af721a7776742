#include "core/worm/swimmer_body.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ganglion::worm {

SwimmerBody::SwimmerBody(const BodyConfig& cfg) : cfg_(cfg) {
    auto positive = [](double v, const char* what) {
        if (!(v > 0) || !std::isfinite(v))
            throw std::invalid_argument(std::string("swimmer body: ") + what + " must be positive");
    };
    if (cfg.links < 2) throw std::invalid_argument("swimmer body needs at least 2 links");
    positive(cfg.bodyLength, "body length");
    positive(cfg.mass, "mass");
    positive(cfg.dragNormal, "normal drag");
    positive(cfg.dragTangent, "tangential drag");
    positive(cfg.controlDt, "control step");
    if (cfg.jointStiffness < 0 || cfg.jointDamping < 0 || cfg.maxTorque < 0)
        throw std::invalid_argument("swimmer body: stiffness, damping and torque must be >= 0");
    if (cfg.substeps < 1) throw std::invalid_argument("swimmer body: substeps must be >= 1");
    const int L = cfg.links;
    n_ = L + 2;
    l_ = cfg.bodyLength / L;
    m_ = cfg.mass / L;
    inertia_ = m_ * l_ * l_ / 12.0;
    M_.setZero(n_, n_);
    D_.setZero(n_, n_);
    K_.setZero(n_, n_);
    A_.setZero(n_, n_);
    bias_.setZero(n_);
    rhs_.setZero(n_);
    qd_.setZero(n_);
    q_.setZero(n_);
    sinT_.setZero(L);
    cosT_.setZero(L);
    tauCmd_.setZero(L - 1);
    J_.setZero(2, n_);
    RJ_.setZero(2, n_);
    ldlt_ = Eigen::LDLT<Eigen::MatrixXd>(n_);
    for (int j = 0; j + 1 < L; ++j) {
        const int a = 2 + j, b = 3 + j;
        K_(a, a) += cfg.jointStiffness;
        K_(b, b) += cfg.jointStiffness;
        K_(a, b) -= cfg.jointStiffness;
        K_(b, a) -= cfg.jointStiffness;
    }
    reset();
}

void SwimmerBody::reset(double heading) {
    p0_.setZero();
    v0_.setZero();
    theta_ = Eigen::VectorXd::Constant(cfg_.links, heading);
    omega_ = Eigen::VectorXd::Zero(cfg_.links);
    tau_ = Eigen::VectorXd::Zero(cfg_.links - 1);
    time_ = 0;
}

void SwimmerBody::assemble() {
    const int L = cfg_.links;
    for (int i = 0; i < L; ++i) {
        sinT_(i) = std::sin(theta_(i));
        cosT_(i) = std::cos(theta_(i));
    }
    M_.setZero();
    D_.setZero();
    bias_.setZero();
    const double ct = cfg_.dragTangent * l_, cn = cfg_.dragNormal * l_;
    // Jacobian column of link i's centre w.r.t. theta_k: arm * (sin theta_k, -cos theta_k),
    // arm = l for k < i, l/2 for k = i. Columns 0, 1 (head translation) are the identity.
    auto& J = J_;
    auto& RJ = RJ_;
    double gx = 0, gy = 0;  // centripetal term sum_{k<i} l w_k^2 u_k (accumulated)
    for (int i = 0; i < L; ++i) {
        const int cols = 3 + i;
        J.leftCols(cols).setZero();
        J(0, 0) = 1;
        J(1, 1) = 1;
        for (int k = 0; k <= i; ++k) {
            const double arm = k < i ? l_ : 0.5 * l_;
            J(0, 2 + k) = arm * sinT_(k);
            J(1, 2 + k) = -arm * cosT_(k);
        }
        const double c = cosT_(i), s = sinT_(i);
        // R = ct t t^T + cn n n^T with t = (c, s), n = (-s, c)
        const double r00 = ct * c * c + cn * s * s, r11 = ct * s * s + cn * c * c;
        const double r01 = (ct - cn) * c * s;
        RJ.row(0).head(cols) = r00 * J.row(0).head(cols) + r01 * J.row(1).head(cols);
        RJ.row(1).head(cols) = r01 * J.row(0).head(cols) + r11 * J.row(1).head(cols);
        M_.topLeftCorner(cols, cols).noalias() += m_ * J.leftCols(cols).transpose() * J.leftCols(cols);
        D_.topLeftCorner(cols, cols).noalias() += J.leftCols(cols).transpose() * RJ.leftCols(cols);
        M_(2 + i, 2 + i) += inertia_;
        D_(2 + i, 2 + i) += cfg_.dragNormal * l_ * l_ * l_ / 12.0;
        const double wi2 = omega_(i) * omega_(i);
        const double ax = gx + 0.5 * l_ * wi2 * c, ay = gy + 0.5 * l_ * wi2 * s;
        bias_.head(cols).noalias() += m_ * J.leftCols(cols).transpose() * Eigen::Vector2d(ax, ay);
        gx += l_ * wi2 * c;
        gy += l_ * wi2 * s;
    }
    const double b = cfg_.jointDamping;
    for (int j = 0; j + 1 < L; ++j) {
        const int a = 2 + j, c = 3 + j;
        D_(a, a) += b;
        D_(c, c) += b;
        D_(a, c) -= b;
        D_(c, a) -= b;
    }
}

void SwimmerBody::substep(double h, const Eigen::VectorXd& tau) {
    const int L = cfg_.links;
    tau_ = tau;
    assemble();
    q_(0) = p0_.x();
    q_(1) = p0_.y();
    q_.tail(L) = theta_;
    qd_(0) = v0_.x();
    qd_(1) = v0_.y();
    qd_.tail(L) = omega_;
    // M qd+ = M qd + h (Q_tau - bias - D qd+ - K (q + h qd+))
    rhs_.noalias() = M_ * qd_;
    rhs_ -= h * bias_;
    rhs_.noalias() -= h * (K_ * q_);
    for (int j = 0; j + 1 < L; ++j) {
        rhs_(2 + j) += h * tau(j);
        rhs_(3 + j) -= h * tau(j);
    }
    A_ = M_;
    A_ += h * D_;
    A_ += (h * h) * K_;
    ldlt_.compute(A_);
    qd_ = ldlt_.solve(rhs_);
    v0_ = qd_.head<2>();
    omega_ = qd_.tail(L);
    p0_ += h * v0_;
    theta_ += h * omega_;
    time_ += h;
}

void SwimmerBody::step(const Eigen::Ref<const Eigen::VectorXf>& command) {
    const int J = joints();
    Eigen::VectorXd& tau = tauCmd_;
    for (int j = 0; j < J; ++j) {
        const float c = j < command.size() ? command(j) : 0.f;
        tau(j) = cfg_.maxTorque * std::clamp(double(c), -1.0, 1.0);
    }
    const double h = cfg_.controlDt / cfg_.substeps;
    for (int s = 0; s < cfg_.substeps; ++s) substep(h, tau);
}

void SwimmerBody::jointAngles(Eigen::Ref<Eigen::VectorXf> out) const {
    for (int j = 0; j + 1 < cfg_.links; ++j) out(j) = float(theta_(j) - theta_(j + 1));
}

Eigen::VectorXf SwimmerBody::jointAngles() const {
    Eigen::VectorXf a(joints());
    jointAngles(a);
    return a;
}

Eigen::Matrix2Xd SwimmerBody::points() const {
    Eigen::Matrix2Xd p(2, cfg_.links + 1);
    p.col(0) = p0_;
    for (int i = 0; i < cfg_.links; ++i)
        p.col(i + 1) = p.col(i) - l_ * Eigen::Vector2d(std::cos(theta_(i)), std::sin(theta_(i)));
    return p;
}

Eigen::Vector2d SwimmerBody::headVelocity() const { return v0_; }

Eigen::Vector2d SwimmerBody::centerOfMass() const {
    // centre of link i = head - sum_{k<i} l u_k - l/2 u_i (no allocation: runs every step)
    Eigen::Vector2d p = p0_, sum(0, 0);
    for (int i = 0; i < cfg_.links; ++i) {
        const Eigen::Vector2d u(std::cos(theta_(i)), std::sin(theta_(i)));
        sum += p - 0.5 * l_ * u;
        p -= l_ * u;
    }
    return sum / cfg_.links;
}

Eigen::Vector2d SwimmerBody::centerOfMassVelocity() const {
    // velocity of link i's centre: v0 + sum_{k<i} l w_k (sin, -cos)_k + l/2 w_i (sin, -cos)_i
    Eigen::Vector2d acc(0, 0), sum(0, 0);
    for (int i = 0; i < cfg_.links; ++i) {
        const Eigen::Vector2d d(std::sin(theta_(i)), -std::cos(theta_(i)));
        sum += v0_ + acc + 0.5 * l_ * omega_(i) * d;
        acc += l_ * omega_(i) * d;
    }
    return sum / cfg_.links;
}

Eigen::Vector2d SwimmerBody::heading() const {
    return {std::cos(theta_(0)), std::sin(theta_(0))};
}

double SwimmerBody::kineticEnergy() const {
    double e = 0;
    Eigen::Vector2d acc(0, 0);
    for (int i = 0; i < cfg_.links; ++i) {
        const Eigen::Vector2d d(std::sin(theta_(i)), -std::cos(theta_(i)));
        const Eigen::Vector2d v = v0_ + acc + 0.5 * l_ * omega_(i) * d;
        acc += l_ * omega_(i) * d;
        e += 0.5 * m_ * v.squaredNorm() + 0.5 * inertia_ * omega_(i) * omega_(i);
    }
    return e;
}

Eigen::VectorXd SwimmerBody::state() const {
    Eigen::VectorXd q(n_);
    q << p0_, theta_;
    return q;
}

Eigen::VectorXd SwimmerBody::velocity() const {
    Eigen::VectorXd v(n_);
    v << v0_, omega_;
    return v;
}

void SwimmerBody::setState(const Eigen::VectorXd& q, const Eigen::VectorXd& qd) {
    if (q.size() != n_ || qd.size() != n_)
        throw std::invalid_argument("swimmer body state needs " + std::to_string(n_) + " entries");
    p0_ = q.head<2>();
    theta_ = q.tail(cfg_.links);
    v0_ = qd.head<2>();
    omega_ = qd.tail(cfg_.links);
}

}  // namespace ganglion::worm
