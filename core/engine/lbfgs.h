// L-BFGS (limited-memory BFGS, history of `history` pairs) with a strong-Wolfe line search
// over kernel Parameters, as pykan trains KANs (torch.optim.LBFGS with line_search_fn =
// "strong_wolfe"). Works on the flattened parameter vector in double precision.
#pragma once

#include "core/model/kernel.h"

#include <Eigen/Core>
#include <functional>
#include <vector>

namespace ganglion {

struct LbfgsConfig {
    double lr = 1.0;
    int maxIter = 20;       ///< inner iterations per step()
    int history = 10;
    double tolGrad = 1e-7;  ///< stop when max |g| falls below
    double tolChange = 1e-9;
    int maxEvalsPerSearch = 25;
};

class Lbfgs {
public:
    /// `closure` must zero the gradients, evaluate the loss, accumulate gradients and return it.
    Lbfgs(std::vector<Parameter> params, LbfgsConfig cfg = {});
    /// Runs up to cfg.maxIter iterations; returns the loss at the final point.
    double step(const std::function<double()>& closure);
    int evaluations() const { return evals_; }  ///< closure calls so far

private:
    using Vec = Eigen::VectorXd;
    Vec flatParams() const;
    Vec flatGrad() const;
    void setParams(const Vec& x);
    double evalAt(const std::function<double()>& closure, const Vec& x, Vec& g);
    double strongWolfe(const std::function<double()>& closure, const Vec& x0, double f0,
                       const Vec& g0, const Vec& d, double& t, Vec& gOut);

    std::vector<Parameter> p_;
    LbfgsConfig cfg_;
    std::vector<Vec> s_, y_;
    Vec d_, gPrev_;
    double t_ = 0;
    bool started_ = false;
    int evals_ = 0;
};

}  // namespace ganglion
