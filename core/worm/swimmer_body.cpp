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
    gx_ = gy_ = Gx_ = Gy_ = t00_ = t01_ = t11_ = u00_ = u01_ = u11_ = Eigen::VectorXd::Zero(L);
    // Sizes the factorisation's storage once (LLT(n) would leave its status uninitialised).
    llt_.compute(Eigen::MatrixXd::Identity(n_, n_));
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
    // Closed forms of M = sum_i m J_i^T J_i + I, D = sum_i J_i^T R_i J_i (+ rotational and joint
    // terms) and the centripetal bias, using suffix sums over links: O(L^2) with 2x2 algebra.
    // J_i: identity on the head translation; column of theta_k = a_ik (sin k, -cos k) with arm
    // a_ik = l for k < i, l/2 for k = i, 0 beyond.
    const int L = cfg_.links;
    const double l = l_, m = m_;
    for (int i = 0; i < L; ++i) {
        sinT_(i) = std::sin(theta_(i));
        cosT_(i) = std::cos(theta_(i));
    }
    const double ct = cfg_.dragTangent * l, cn = cfg_.dragNormal * l;
    // R_i = ct t t^T + cn n n^T, t = (c, s), n = (-s, c); T_k = l * sum_{i>k} R_i + l/2 * R_k
    // (suffix sums); G_k = l * sum_{i>k} g_i + l/2 * g_k for the bias, g_i = centripetal accel.
    double s00 = 0, s01 = 0, s11 = 0;   // sum_{i>k} R_i
    double gsx = 0, gsy = 0;           // sum_{i>k} g_i
    // centripetal accelerations g_i = sum_{k<i} l w_k^2 u_k + l/2 w_i^2 u_i (prefix pass)
    double px = 0, py = 0;
    for (int i = 0; i < L; ++i) {
        const double w2 = omega_(i) * omega_(i);
        gx_(i) = px + 0.5 * l * w2 * cosT_(i);
        gy_(i) = py + 0.5 * l * w2 * sinT_(i);
        px += l * w2 * cosT_(i);
        py += l * w2 * sinT_(i);
    }
    double R00 = 0, R01 = 0, R11 = 0;
    for (int k = L - 1; k >= 0; --k) {
        const double c = cosT_(k), s = sinT_(k);
        const double r00 = ct * c * c + cn * s * s, r11 = ct * s * s + cn * c * c, r01 = (ct - cn) * c * s;
        t00_(k) = l * s00 + 0.5 * l * r00;
        t01_(k) = l * s01 + 0.5 * l * r01;
        t11_(k) = l * s11 + 0.5 * l * r11;
        // same for the arm-squared weighting of the diagonal: l^2 sum_{i>k} R_i + l^2/4 R_k
        u00_(k) = l * l * s00 + 0.25 * l * l * r00;
        u01_(k) = l * l * s01 + 0.25 * l * l * r01;
        u11_(k) = l * l * s11 + 0.25 * l * l * r11;
        Gx_(k) = l * gsx + 0.5 * l * gx_(k);
        Gy_(k) = l * gsy + 0.5 * l * gy_(k);
        s00 += r00;
        s01 += r01;
        s11 += r11;
        gsx += gx_(k);
        gsy += gy_(k);
        R00 += r00;
        R01 += r01;
        R11 += r11;
    }
    M_.setZero();
    D_.setZero();
    M_(0, 0) = M_(1, 1) = m * L;
    D_(0, 0) = R00;
    D_(0, 1) = D_(1, 0) = R01;
    D_(1, 1) = R11;
    bias_(0) = m * (gsx);
    bias_(1) = m * (gsy);
    for (int k = 0; k < L; ++k) {
        const double dx = sinT_(k), dy = -cosT_(k);          // unit direction of column k
        const double Ak = 0.5 * l + double(L - 1 - k) * l;   // sum_{i>=k} a_ik
        const int ck = 2 + k;
        M_(0, ck) = M_(ck, 0) = m * Ak * dx;
        M_(1, ck) = M_(ck, 1) = m * Ak * dy;
        M_(ck, ck) = m * (0.25 * l * l + double(L - 1 - k) * l * l) + inertia_;
        // D translation-rotation: T_k d_k
        D_(0, ck) = D_(ck, 0) = t00_(k) * dx + t01_(k) * dy;
        D_(1, ck) = D_(ck, 1) = t01_(k) * dx + t11_(k) * dy;
        D_(ck, ck) = dx * (u00_(k) * dx + u01_(k) * dy) + dy * (u01_(k) * dx + u11_(k) * dy) +
                     cfg_.dragNormal * l * l * l / 12.0;
        bias_(ck) = m * (dx * Gx_(k) + dy * Gy_(k));
        for (int j = k + 1; j < L; ++j) {
            // k < j: sum_{i>=j} a_ik a_ij (...) = l * (l sum_{i>j} + l/2 at i=j) = l * T_j
            const double ex = sinT_(j), ey = -cosT_(j);
            const int cj = 2 + j;
            const double mkj = m * l * (0.5 * l + double(L - 1 - j) * l) * (dx * ex + dy * ey);
            M_(ck, cj) = M_(cj, ck) = mkj;
            const double dkj = l * (dx * (t00_(j) * ex + t01_(j) * ey) + dy * (t01_(j) * ex + t11_(j) * ey));
            D_(ck, cj) = D_(cj, ck) = dkj;
        }
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
    llt_.compute(A_);
    qd_ = llt_.solve(rhs_);
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

double SwimmerBody::dissipation() const {
    double p = 0;
    Eigen::Vector2d acc(0, 0);
    for (int i = 0; i < cfg_.links; ++i) {
        const Eigen::Vector2d d(std::sin(theta_(i)), -std::cos(theta_(i)));
        const Eigen::Vector2d v = v0_ + acc + 0.5 * l_ * omega_(i) * d;  // centre velocity
        acc += l_ * omega_(i) * d;
        const Eigen::Vector2d t(std::cos(theta_(i)), std::sin(theta_(i))), n(-t.y(), t.x());
        // integral over the link of c_t (v_s . t)^2 + c_n (v_s . n)^2, v_s = v + omega s n
        p += l_ * (cfg_.dragTangent * std::pow(v.dot(t), 2) + cfg_.dragNormal * std::pow(v.dot(n), 2)) +
             cfg_.dragNormal * omega_(i) * omega_(i) * l_ * l_ * l_ / 12.0;
    }
    for (int j = 0; j + 1 < cfg_.links; ++j) p += cfg_.jointDamping * std::pow(omega_(j) - omega_(j + 1), 2);
    return p;
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
