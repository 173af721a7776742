#include "core/engine/hebbian_subspace.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion {

namespace {
constexpr double kPowerDecay = 0.99;   // running mean of |r|² over batches
constexpr float kKeepResidual = 0.5f;  // a row mostly explained by earlier ones is not added
}  // namespace

void HebbianSubspace::reset(int dims, int perTask, std::uint64_t seed) {
    if (dims <= 0 || perTask <= 0) throw std::invalid_argument("Hebbian subspace: dims and perTask must be positive");
    dims_ = dims;
    perTask_ = perTask;
    basis_.resize(0, dims);
    power_ = -1;
    rng_.setState(seed);
    freshNeurons();
}

void HebbianSubspace::freshNeurons() {
    const int k = std::min<int>(perTask_, dims_ - int(basis_.rows()));
    current_.resize(std::max(k, 0), dims_);
    if (k <= 0) return;
    const Eigen::ArrayXf& z = rng_.fill(Eigen::Index(k) * dims_);
    current_ = Eigen::Map<const Matrix>(z.data(), k, dims_);
    if (basis_.rows()) current_ -= (current_ * basis_.transpose()) * basis_;  // start outside the old subspace
    for (Eigen::Index i = 0; i < current_.rows(); ++i) {
        const float n = current_.row(i).norm();
        if (n > 0) current_.row(i) /= n;
    }
}

void HebbianSubspace::learn(const Matrix& x, float rate) {
    if (current_.rows() == 0 || x.cols() == 0) return;
    if (x.rows() != dims_)
        throw std::runtime_error("Hebbian subspace: input has " + std::to_string(x.rows()) + " features, expected " +
                                 std::to_string(dims_));
    r_ = x;
    if (basis_.rows()) r_.noalias() -= basis_.transpose() * (basis_ * x);
    const double p = double(r_.colwise().squaredNorm().sum()) / double(x.cols());
    if (!(p > 0) || !std::isfinite(p)) return;  // nothing left to explain
    power_ = float(power_ < 0 ? p : kPowerDecay * power_ + (1 - kPowerDecay) * p);
    y_.noalias() = current_ * r_;        // lateral neurons' responses
    e_ = r_;
    e_.noalias() -= current_.transpose() * y_;  // what the recurrent lateral circuit leaves unexplained
    const float step = float(double(rate) / (double(power_) * double(x.cols())));
    current_.noalias() += step * (y_ * e_.transpose());
}

void HebbianSubspace::consolidate() {
    if (power_ < 0) {  // never saw any activity this task: nothing learnt, keep the neurons
        return;
    }
    for (Eigen::Index i = 0; i < current_.rows(); ++i) {
        Eigen::RowVectorXf v = current_.row(i);
        const float before = v.norm();
        if (!(before > 0)) continue;
        for (int pass = 0; pass < 2 && basis_.rows(); ++pass) v -= (v * basis_.transpose()) * basis_;
        const float after = v.norm();
        if (!(after > kKeepResidual * std::max(before, 1.f)) || basis_.rows() >= dims_) continue;
        basis_.conservativeResize(basis_.rows() + 1, Eigen::NoChange);
        basis_.row(basis_.rows() - 1) = v / after;
    }
    power_ = -1;
    freshNeurons();
}

void HebbianSubspace::project(Matrix& update) const {
    if (basis_.rows() == 0) return;
    if (update.cols() != dims_)
        throw std::runtime_error("Hebbian projection: update has " + std::to_string(update.cols()) +
                                 " columns, expected " + std::to_string(dims_));
    update.noalias() -= (update * basis_.transpose()) * basis_;
}

void HebbianSubspace::save(KernelState& out, const std::string& prefix) const {
    out[prefix + "basis"] = basis_;
    out[prefix + "current"] = current_;
    out[prefix + "power"] = Matrix::Constant(1, 1, power_);
    out[prefix + "rng"] = seedState(rng_.state());
}

void HebbianSubspace::load(const KernelState& in, const std::string& prefix, const std::string& what) {
    const auto find = [&](const std::string& key) -> const Matrix& {
        auto it = in.find(prefix + key);
        if (it == in.end()) throw std::runtime_error(what + " state: missing '" + prefix + key + "'");
        return it->second;
    };
    const Matrix& basis = find("basis");
    if (basis.cols() != dims_ || basis.rows() > dims_)
        throw std::runtime_error(what + " state: '" + prefix + "basis' has shape " + std::to_string(basis.rows()) +
                                 "x" + std::to_string(basis.cols()) + ", expected at most " + std::to_string(dims_) +
                                 " rows of " + std::to_string(dims_));
    const Matrix& current = find("current");
    if (current.cols() != dims_ || current.rows() > perTask_)
        throw std::runtime_error(what + " state: '" + prefix + "current' has shape " +
                                 std::to_string(current.rows()) + "x" + std::to_string(current.cols()) +
                                 ", expected at most " + std::to_string(perTask_) + " rows of " +
                                 std::to_string(dims_));
    const Matrix& power = checkedEntry(in, what, prefix + "power", 1, 1);
    const std::uint64_t seed = seedFromState(find("rng"), prefix + "rng");
    basis_ = basis;
    current_ = current;
    power_ = power(0, 0);
    rng_.setState(seed);
}

}  // namespace ganglion
