// The trained linear readout of a reservoir: ridge regression in closed form over a sliding
// window of collected states, refit periodically, scored on held-out steps.
//
// A fit uses the older (1 - testFraction) part of the window; the newest testFraction part is
// held out to score it: r² per target (squared correlation of prediction and target) and NRMSE
// (root mean squared error over the target's standard deviation). For a delay-line task the sum
// of r² over the delays is the memory capacity (Jaeger 2001).
#pragma once

#include "core/model/types.h"

#include <Eigen/Core>
#include <vector>

namespace ganglion::reservoir {

/// Ridge regression: the W (targets x (features + 1), last column the bias) minimising
/// Σ_t |y_t - W [x_t; 1]|² + λ |W without the bias column|², from the normal equations
/// ([X 1]ᵀ[X 1] + λ D) Wᵀ = [X 1]ᵀ Y solved by LDLT (D: identity with 0 for the bias).
/// X: samples x features, Y: samples x targets.
Eigen::MatrixXd ridgeFit(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, double lambda);

/// r² (squared Pearson correlation) of prediction p and target y; 0 when either is constant.
double squaredCorrelation(const Eigen::VectorXd& p, const Eigen::VectorXd& y);
/// sqrt(mean (p - y)²) / std(y); 0 when y is constant and matched, 1e9 when not.
double nrmse(const Eigen::VectorXd& p, const Eigen::VectorXd& y);

class RidgeReadout {
public:
    /// Clears everything: the window, the weights (zero) and the scores.
    void configure(int features, int targets, int window, double lambda, double testFraction);
    void setLambda(double lambda) { lambda_ = lambda; }

    /// Appends one step (features and targets as columns of length features()/targets()).
    void record(const float* features, const float* targets);
    int recorded() const { return count_; }
    void clearWindow() { count_ = 0; head_ = 0; }

    /// Fits on the window's older part and scores on its newest; false (nothing changes) while
    /// the window holds fewer than minSteps() steps.
    bool refit();
    int minSteps() const;

    /// weights() · [features; 1] into out (targets() values).
    void predict(const float* features, float* out) const;

    int features() const { return features_; }
    int targets() const { return targets_; }
    const Matrix& weights() const { return w_; }  ///< targets x (features + 1)
    void setWeights(const Matrix& w) { w_ = w; }  ///< scores stay as they were
    /// True once a refit scored the readout on held-out steps.
    bool fitted() const { return fitted_; }
    const std::vector<double>& r2() const { return r2_; }     ///< per target, last refit
    const std::vector<double>& nrmse() const { return nrmse_; }

private:
    int features_ = 0, targets_ = 0, window_ = 0;
    double lambda_ = 1e-4, testFraction_ = 0.3;
    Matrix states_, goals_;  ///< features x window, targets x window (ring buffers)
    int count_ = 0, head_ = 0;
    Matrix w_;
    bool fitted_ = false;
    std::vector<double> r2_, nrmse_;
};

}  // namespace ganglion::reservoir
