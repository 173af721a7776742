// Dense linear layer Y = W X + b on Eigen GEMM: the dense baseline of the G2G trainer/bench.
#pragma once

#include "core/model/kernel.h"
#include "core/model/types.h"

namespace ganglion::g2g {

class DenseLinear {
public:
    Matrix w;  ///< out x in
    Matrix b;  ///< out x 1

    /// He-normal initialisation (std sqrt(2 / in)), zero bias.
    void init(int in, int out, Rng& rng);
    void forward(const Matrix& X, Matrix& Y) const;
    /// gW += dY X^T, gB += sum dY, dX = W^T dY when dX != nullptr.
    void backward(const Matrix& X, const Matrix& dY, Matrix* dX, Matrix& gW, Matrix& gB) const;
};

/// Adam (Kingma & Ba 2015) on one parameter tensor, for elements [begin, end) of its storage.
struct AdamState {
    Matrix m, v;
    void reset(const Matrix& like) { m = Matrix::Zero(like.rows(), like.cols()); v = m; }
};
void adamUpdate(Matrix& w, const Matrix& g, AdamState& st, double lr, std::uint64_t t, Eigen::Index begin,
                Eigen::Index end, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);

}  // namespace ganglion::g2g
