#include "core/reservoir/readout.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

namespace ganglion::reservoir {

Eigen::MatrixXd ridgeFit(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Y, double lambda) {
    const Eigen::Index f = X.cols();
    Eigen::MatrixXd Xb(X.rows(), f + 1);
    Xb.leftCols(f) = X;
    Xb.col(f).setOnes();
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(f + 1, f + 1);
    A.selfadjointView<Eigen::Lower>().rankUpdate(Xb.transpose());
    A.diagonal().head(f).array() += lambda;
    const Eigen::MatrixXd rhs = Xb.transpose() * Y;
    return A.selfadjointView<Eigen::Lower>().ldlt().solve(rhs).transpose();
}

double squaredCorrelation(const Eigen::VectorXd& p, const Eigen::VectorXd& y) {
    const Eigen::ArrayXd a = p.array() - p.mean(), b = y.array() - y.mean();
    const double saa = (a * a).sum(), sbb = (b * b).sum();
    if (saa <= 0 || sbb <= 0) return 0.0;
    const double sab = (a * b).sum();
    return sab * sab / (saa * sbb);
}

double nrmse(const Eigen::VectorXd& p, const Eigen::VectorXd& y) {
    const double var = (y.array() - y.mean()).square().mean();
    const double mse = (p - y).squaredNorm() / double(std::max<Eigen::Index>(1, y.size()));
    if (var <= 0) return mse <= 0 ? 0.0 : 1e9;
    return std::sqrt(mse / var);
}

void RidgeReadout::configure(int features, int targets, int window, double lambda, double testFraction) {
    features_ = features;
    targets_ = targets;
    window_ = window;
    lambda_ = lambda;
    testFraction_ = testFraction;
    states_.setZero(features, window);
    goals_.setZero(targets, window);
    count_ = head_ = 0;
    w_.setZero(targets, features + 1);
    fitted_ = false;
    r2_.assign(std::size_t(targets), 0.0);
    nrmse_.assign(std::size_t(targets), 1.0);
}

void RidgeReadout::record(const float* features, const float* targets) {
    states_.col(head_) = Eigen::Map<const Vector>(features, features_);
    goals_.col(head_) = Eigen::Map<const Vector>(targets, targets_);
    head_ = (head_ + 1) % window_;
    count_ = std::min(count_ + 1, window_);
}

int RidgeReadout::minSteps() const { return std::max(20, int(std::ceil(10.0 / testFraction_))); }

bool RidgeReadout::refit() {
    if (targets_ == 0 || count_ < minSteps()) return false;
    const int n = count_;
    const int nTest = std::max(1, int(std::lround(n * testFraction_)));
    const int nTrain = n - nTest;
    const int first = (head_ - n + window_) % window_;  // oldest step
    Eigen::MatrixXd X(nTrain, features_), Y(nTrain, targets_);
    Eigen::MatrixXd Xt(nTest, features_ + 1), Yt(nTest, targets_);
    for (int k = 0; k < n; ++k) {
        const int c = (first + k) % window_;
        if (k < nTrain) {
            X.row(k) = states_.col(c).cast<double>().transpose();
            Y.row(k) = goals_.col(c).cast<double>().transpose();
        } else {
            Xt.row(k - nTrain).head(features_) = states_.col(c).cast<double>().transpose();
            Xt(k - nTrain, features_) = 1.0;
            Yt.row(k - nTrain) = goals_.col(c).cast<double>().transpose();
        }
    }
    const Eigen::MatrixXd W = ridgeFit(X, Y, lambda_);
    if (!W.allFinite()) return false;
    const Eigen::MatrixXd P = Xt * W.transpose();
    for (int j = 0; j < targets_; ++j) {
        r2_[std::size_t(j)] = squaredCorrelation(P.col(j), Yt.col(j));
        nrmse_[std::size_t(j)] = reservoir::nrmse(P.col(j), Yt.col(j));
    }
    w_ = W.cast<float>();
    fitted_ = true;
    return true;
}

void RidgeReadout::predict(const float* features, float* out) const {
    Eigen::Map<Vector> y(out, targets_);
    y.noalias() = w_.leftCols(features_) * Eigen::Map<const Vector>(features, features_);
    y += w_.col(features_);
}

}  // namespace ganglion::reservoir
