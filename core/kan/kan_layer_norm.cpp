// Layer normalisation of a KAN layer's input (LayerConfig::layerNorm, AF-KAN's normalisation):
// x̂ = (x - μ)/√(σ² + ε) over the in features of each sample, z = gain ⊙ x̂ + shift, and its exact
// backward.
#include "core/kan/kan_layer.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ganglion::kan {

namespace {
constexpr float kLnEps = 1e-5f;
}

void Layer::normalizeInput(const Matrix& x) {
    const Eigen::Index n = x.cols();
    const float inv = 1.f / float(x.rows());
    xhat_.resize(x.rows(), n);
    lnRstd_.resize(1, n);
    for (Eigen::Index b = 0; b < n; ++b) {
        const float mu = x.col(b).sum() * inv;
        xhat_.col(b) = x.col(b).array() - mu;
        const float var = xhat_.col(b).squaredNorm() * inv;
        lnRstd_(0, b) = 1.f / std::sqrt(var + kLnEps);
        xhat_.col(b) *= lnRstd_(0, b);
    }
    x_ = (xhat_.array().colwise() * lnGain.col(0).array()).colwise() + lnShift.col(0).array();
}

void Layer::normBackward(const Matrix& gz, Matrix* gx) {
    gLnGain.col(0) += gz.cwiseProduct(xhat_).rowwise().sum();
    gLnShift.col(0) += gz.rowwise().sum();
    if (!gx) return;
    const Eigen::Index n = gz.cols();
    const float inv = 1.f / float(gz.rows());
    gx->resize(gz.rows(), n);
    for (Eigen::Index b = 0; b < n; ++b) {
        const Eigen::ArrayXf gh = gz.col(b).array() * lnGain.col(0).array();
        const float m1 = gh.sum() * inv, m2 = (gh * xhat_.col(b).array()).sum() * inv;
        gx->col(b) = (lnRstd_(0, b) * (gh - m1 - xhat_.col(b).array() * m2)).matrix();
    }
}

Matrix Layer::edgeInputs(const Matrix& x) const {
    if (!cfg_.layerNorm) return x;
    if (x.rows() != cfg_.in) throw std::invalid_argument("KAN layer expects " + std::to_string(cfg_.in) + " input features");
    Matrix z(x.rows(), x.cols());
    const float inv = 1.f / float(x.rows());
    for (Eigen::Index b = 0; b < x.cols(); ++b) {
        const float mu = x.col(b).sum() * inv;
        const Eigen::ArrayXf c = x.col(b).array() - mu;
        const float r = 1.f / std::sqrt(float(c.square().sum()) * inv + kLnEps);
        z.col(b) = (c * r * lnGain.col(0).array() + lnShift.col(0).array()).matrix();
    }
    return z;
}

}  // namespace ganglion::kan
