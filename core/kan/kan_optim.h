// Optimisers over kernel Parameters used by the KAN tools, tests and benchmark: Adam (same
// update as the engine's) and L-BFGS with a strong-Wolfe line search (pykan trains with
// torch.optim.LBFGS(history_size=10, line_search_fn="strong_wolfe")).
#pragma once

#include "core/model/kernel.h"

#include <Eigen/Core>
#include <functional>
#include <vector>

namespace ganglion::kan {

class Adam {
public:
    explicit Adam(std::vector<Parameter> params, double lr = 1e-3, double beta1 = 0.9,
                  double beta2 = 0.999, double eps = 1e-8);
    void setLearningRate(double lr) { lr_ = lr; }
    void zeroGrad();
    void step();

private:
    std::vector<Parameter> p_;
    std::vector<Matrix> m_, v_;
    double lr_, b1_, b2_, eps_;
    long t_ = 0;
};

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

}  // namespace ganglion::kan
