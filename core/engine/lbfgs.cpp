// L-BFGS with a strong-Wolfe line search over kernel Parameters (written for the KAN tools,
// used by the engine when a Loss node selects optimizer = lbfgs).
#include "core/engine/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ganglion {

Lbfgs::Lbfgs(std::vector<Parameter> params, LbfgsConfig cfg) : p_(std::move(params)), cfg_(cfg) {}

Lbfgs::Vec Lbfgs::flatParams() const {
    Eigen::Index n = 0;
    for (auto& p : p_) n += p.value->size();
    Vec x(n);
    n = 0;
    for (auto& p : p_) {
        x.segment(n, p.value->size()) = Eigen::Map<const Eigen::VectorXf>(p.value->data(), p.value->size()).cast<double>();
        n += p.value->size();
    }
    return x;
}

Lbfgs::Vec Lbfgs::flatGrad() const {
    Eigen::Index n = 0;
    for (auto& p : p_) n += p.value->size();
    Vec g(n);
    n = 0;
    for (auto& p : p_) {
        g.segment(n, p.value->size()) = Eigen::Map<const Eigen::VectorXf>(p.grad->data(), p.grad->size()).cast<double>();
        n += p.value->size();
    }
    return g;
}

void Lbfgs::setParams(const Vec& x) {
    Eigen::Index n = 0;
    for (auto& p : p_) {
        Eigen::Map<Eigen::VectorXf>(p.value->data(), p.value->size()) = x.segment(n, p.value->size()).cast<float>();
        if (p.project) p.project(*p.value, p.user);
        n += p.value->size();
    }
}

double Lbfgs::evalAt(const std::function<double()>& closure, const Vec& x, Vec& g) {
    setParams(x);
    const double f = closure();
    ++evals_;
    g = flatGrad();
    return f;
}

namespace {
// Minimiser of the cubic interpolating (x1, f1, g1), (x2, f2, g2), clamped to the bounds.
double cubicMin(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
    const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
    const double sq = d1 * d1 - g1 * g2;
    if (sq >= 0) {
        const double d2 = std::sqrt(sq) * (x2 > x1 ? 1 : -1);
        const double t = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
        if (std::isfinite(t)) return std::clamp(t, lo, hi);
    }
    return 0.5 * (lo + hi);
}
}  // namespace

// Nocedal & Wright algorithms 3.5/3.6 (bracket, then zoom with cubic interpolation).
double Lbfgs::strongWolfe(const std::function<double()>& closure, const Vec& x0, double f0,
                          const Vec& g0, const Vec& d, double& t, Vec& gOut) {
    const double c1 = 1e-4, c2 = 0.9;
    const double gtd0 = g0.dot(d);
    double tPrev = 0, fPrev = f0, gtdPrev = gtd0;
    Vec gPrev = g0, g;
    double f = evalAt(closure, x0 + t * d, g);
    double gtd = g.dot(d);
    int evals = 1;
    double lo = 0, hi = 0, flo = f0, fhi = 0, glo = gtd0, ghi = 0;
    Vec gLo = g0, gHi;
    bool bracketed = false;
    while (evals < cfg_.maxEvalsPerSearch) {
        if (!std::isfinite(f) || f > f0 + c1 * t * gtd0 || (evals > 1 && f >= fPrev)) {
            lo = tPrev; flo = fPrev; glo = gtdPrev; gLo = gPrev;
            hi = t; fhi = f; ghi = gtd; gHi = g;
            bracketed = true;
            break;
        }
        if (std::abs(gtd) <= -c2 * gtd0) { gOut = g; return f; }
        if (gtd >= 0) {
            lo = t; flo = f; glo = gtd; gLo = g;
            hi = tPrev; fhi = fPrev; ghi = gtdPrev; gHi = gPrev;
            bracketed = true;
            break;
        }
        const double tNext = std::isfinite(f) ? cubicMin(tPrev, fPrev, gtdPrev, t, f, gtd, t + 0.01 * (t - tPrev), t * 10) : t * 0.5;
        tPrev = t; fPrev = f; gtdPrev = gtd; gPrev = g;
        t = tNext;
        f = evalAt(closure, x0 + t * d, g);
        gtd = g.dot(d);
        ++evals;
    }
    if (!bracketed) { gOut = g; return f; }
    // zoom: the interval between lo and hi contains a point satisfying the strong Wolfe conditions
    while (evals < cfg_.maxEvalsPerSearch && std::abs(hi - lo) * d.lpNorm<Eigen::Infinity>() > cfg_.tolChange) {
        const double a = std::min(lo, hi), b = std::max(lo, hi);
        double tj = std::isfinite(fhi) ? cubicMin(lo, flo, glo, hi, fhi, ghi, a, b) : 0.5 * (a + b);
        const double margin = 0.1 * (b - a);
        if (tj - a < margin || b - tj < margin) tj = 0.5 * (a + b);
        f = evalAt(closure, x0 + tj * d, g);
        gtd = g.dot(d);
        ++evals;
        if (!std::isfinite(f) || f > f0 + c1 * tj * gtd0 || f >= flo) {
            hi = tj; fhi = f; ghi = gtd; gHi = g;
        } else {
            if (std::abs(gtd) <= -c2 * gtd0) { t = tj; gOut = g; return f; }
            if (gtd * (hi - lo) >= 0) { hi = lo; fhi = flo; ghi = glo; gHi = gLo; }
            lo = tj; flo = f; glo = gtd; gLo = g;
        }
    }
    // best point found: lo (always decreases f relative to f0 unless lo == 0)
    t = lo;
    if (lo == 0) { setParams(x0); gOut = g0; return f0; }
    setParams(x0 + lo * d);
    const double fl = closure();
    ++evals_;
    gOut = flatGrad();
    return fl;
}

double Lbfgs::step(const std::function<double()>& closure) {
    Vec x = flatParams();
    Vec g;
    double f = evalAt(closure, x, g);
    // A kernel may resize its tensors between steps or in the first evaluation of a step (KAN
    // grid extension, an S-KAN node frozen to one basis): the curvature history then belongs to
    // other shapes, and when the first evaluation resized them, so does this step's point x.
    if (g.size() != x.size() || (started_ && gPrev_.size() != g.size())) {
        s_.clear();
        y_.clear();
        started_ = false;
        if (g.size() != x.size()) return f;  // the next step starts from the new shapes
    }
    if (!std::isfinite(f) || g.lpNorm<Eigen::Infinity>() <= cfg_.tolGrad) return f;
    for (int it = 0; it < cfg_.maxIter; ++it) {
        if (started_) {  // curvature pair from the last line search
            const Vec y = g - gPrev_, s = d_ * t_;
            if (y.dot(s) > 1e-10) {
                if (int(s_.size()) == cfg_.history) { s_.erase(s_.begin()); y_.erase(y_.begin()); }
                s_.push_back(s);
                y_.push_back(y);
            }
        }
        // two-loop recursion
        Vec q = -g;
        const int m = int(s_.size());
        std::vector<double> alpha(static_cast<size_t>(m)), rho(static_cast<size_t>(m));
        for (int k = m - 1; k >= 0; --k) {
            rho[size_t(k)] = 1.0 / y_[size_t(k)].dot(s_[size_t(k)]);
            alpha[size_t(k)] = rho[size_t(k)] * s_[size_t(k)].dot(q);
            q -= alpha[size_t(k)] * y_[size_t(k)];
        }
        if (m > 0) q *= s_.back().dot(y_.back()) / y_.back().squaredNorm();
        for (int k = 0; k < m; ++k) {
            const double beta = rho[size_t(k)] * y_[size_t(k)].dot(q);
            q += (alpha[size_t(k)] - beta) * s_[size_t(k)];
        }
        d_ = q;
        gPrev_ = g;
        const double fPrev = f;
        double t = !started_ ? std::min(1.0, 1.0 / g.lpNorm<1>()) * cfg_.lr : cfg_.lr;
        started_ = true;
        const double gtd = g.dot(d_);
        if (gtd > -cfg_.tolChange) {  // not a descent direction: restart from steepest descent
            s_.clear(); y_.clear(); started_ = false;
            break;
        }
        Vec gNew;
        f = strongWolfe(closure, x, f, g, d_, t, gNew);
        x += t * d_;
        g = gNew;
        t_ = t;
        if (!std::isfinite(f)) break;
        if (g.lpNorm<Eigen::Infinity>() <= cfg_.tolGrad) break;
        if ((d_ * t).lpNorm<Eigen::Infinity>() <= cfg_.tolChange) break;
        if (std::abs(f - fPrev) < cfg_.tolChange) break;
    }
    return f;
}

}  // namespace ganglion
