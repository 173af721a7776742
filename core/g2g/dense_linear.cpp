#include "core/g2g/dense_linear.h"

#include <cmath>

namespace ganglion::g2g {

void DenseLinear::init(int in, int out, Rng& rng) {
    std::normal_distribution<float> n01(0.f, 1.f);
    const float sd = std::sqrt(2.f / float(in));
    w.resize(out, in);
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = n01(rng) * sd;
    b = Matrix::Zero(out, 1);
}

void DenseLinear::forward(const Matrix& X, Matrix& Y) const {
    Y.noalias() = w * X;
    Y.colwise() += b.col(0);
}

void DenseLinear::backward(const Matrix& X, const Matrix& dY, Matrix* dX, Matrix& gW, Matrix& gB) const {
    gW.noalias() += dY * X.transpose();
    gB.col(0) += dY.rowwise().sum();
    if (dX) dX->noalias() = w.transpose() * dY;
}

void adamUpdate(Matrix& w, const Matrix& g, AdamState& st, double lr, std::uint64_t t, Eigen::Index begin,
                Eigen::Index end, double beta1, double beta2, double eps) {
    const float b1 = float(beta1), b2 = float(beta2);
    const double c1 = 1.0 - std::pow(beta1, double(t)), c2 = 1.0 - std::pow(beta2, double(t));
    const float step = float(lr * std::sqrt(c2) / c1);
    const float e = float(eps * std::sqrt(c2));
    const Eigen::Index n = end - begin;
    if (n <= 0) return;
    auto W = Eigen::Map<Eigen::ArrayXf>(w.data() + begin, n);
    auto G = Eigen::Map<const Eigen::ArrayXf>(g.data() + begin, n);
    auto M = Eigen::Map<Eigen::ArrayXf>(st.m.data() + begin, n);
    auto V = Eigen::Map<Eigen::ArrayXf>(st.v.data() + begin, n);
    M = b1 * M + (1.f - b1) * G;
    V = b2 * V + (1.f - b2) * G.square();
    W -= step * M / (V.sqrt() + e);
}

}  // namespace ganglion::g2g
