#include "core/kan/kan_optim.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ganglion::kan {

Adam::Adam(std::vector<Parameter> params, double lr, double beta1, double beta2, double eps)
    : cfg_{"adam", lr, beta1, beta2, eps, 0.0}, opt_(std::move(params), cfg_) {}

void Adam::setLearningRate(double lr) {
    cfg_.learningRate = lr;
    opt_.configure(cfg_);
}

}  // namespace ganglion::kan
