#include "core/kan/kan_optim.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ganglion::kan {

Adam::Adam(std::vector<Parameter> params, double lr, double beta1, double beta2, double eps)
    : p_(std::move(params)), lr_(lr), b1_(beta1), b2_(beta2), eps_(eps) {
    for (auto& p : p_) {
        m_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
        v_.push_back(Matrix::Zero(p.value->rows(), p.value->cols()));
    }
}

void Adam::zeroGrad() {
    for (auto& p : p_) p.grad->setZero(p.value->rows(), p.value->cols());
}

void Adam::step() {
    ++t_;
    const float c1 = float(1.0 / (1.0 - std::pow(b1_, double(t_))));
    const float c2 = float(1.0 / (1.0 - std::pow(b2_, double(t_))));
    const float b1 = float(b1_), b2 = float(b2_), lr = float(lr_), eps = float(eps_);
    for (size_t k = 0; k < p_.size(); ++k) {
        auto& p = p_[k];
        if (m_[k].rows() != p.value->rows() || m_[k].cols() != p.value->cols()) {
            m_[k].setZero(p.value->rows(), p.value->cols());  // the tensor was resized (grid extension)
            v_[k].setZero(p.value->rows(), p.value->cols());
        }
        m_[k] = b1 * m_[k] + (1 - b1) * *p.grad;
        v_[k] = b2 * v_[k] + (1 - b2) * p.grad->cwiseAbs2();
        p.value->array() -= lr * (m_[k].array() * c1) / ((v_[k].array() * c2).sqrt() + eps);
        if (p.project) p.project(*p.value, p.user);
    }
}

}  // namespace ganglion::kan
