#include "core/rnn/legendre.h"

#include <cmath>

namespace ganglion {

Eigen::MatrixXd legendreA(int d, double theta) {
    Eigen::MatrixXd A(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) A(i, j) = (2 * i + 1) * (i < j ? -1.0 : ((i - j + 1) % 2 ? -1.0 : 1.0)) / theta;
    return A;
}

Eigen::VectorXd legendreB(int d, double theta) {
    Eigen::VectorXd B(d);
    for (int i = 0; i < d; ++i) B(i) = (2 * i + 1) * (i % 2 ? -1.0 : 1.0) / theta;
    return B;
}

Eigen::MatrixXd matrixExp(const Eigen::MatrixXd& M) {
    const double norm = M.cwiseAbs().rowwise().sum().maxCoeff();  // the ∞-norm
    int s = 0;
    while (std::ldexp(norm, -s) > 0.5) ++s;
    const Eigen::MatrixXd X = M * std::ldexp(1.0, -s);
    const Eigen::Index n = M.rows();
    Eigen::MatrixXd E = Eigen::MatrixXd::Identity(n, n), term = E;
    for (int k = 1; k <= 20; ++k) {
        term = term * X / double(k);
        E += term;
    }
    for (int i = 0; i < s; ++i) E = E * E;
    return E;
}

void discretiseZoh(const Eigen::MatrixXd& A, const Eigen::VectorXd& B, Eigen::MatrixXd& Abar, Eigen::VectorXd& Bbar) {
    const Eigen::Index d = A.rows();
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(d + 1, d + 1);
    M.topLeftCorner(d, d) = A;
    M.topRightCorner(d, 1) = B;
    const Eigen::MatrixXd E = matrixExp(M);
    Abar = E.topLeftCorner(d, d);
    Bbar = E.topRightCorner(d, 1);
}

Eigen::VectorXd shiftedLegendre(int d, double r) {
    Eigen::VectorXd p(d);
    for (int i = 0; i < d; ++i) {
        double sum = 0, c1 = 1;  // c1 = C(i, j); C(i+j, j) built alongside
        double c2 = 1;
        for (int j = 0; j <= i; ++j) {
            if (j > 0) {
                c1 = c1 * (i - j + 1) / j;
                c2 = c2 * (i + j) / j;
            }
            sum += c1 * c2 * std::pow(-r, j);
        }
        p(i) = (i % 2 ? -1.0 : 1.0) * sum;
    }
    return p;
}

}  // namespace ganglion
