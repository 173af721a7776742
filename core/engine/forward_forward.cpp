#include "core/engine/forward_forward.h"

#include <cmath>
#include <stdexcept>

namespace ganglion {

ForwardForwardConfig ForwardForwardConfig::fromParams(const ParamSet& p) {
    ForwardForwardConfig c;
    if (p.has("rule")) c.on = p.getString("rule") == "forward_forward";
    if (p.has("ff_threshold")) c.threshold = p.getFloat("ff_threshold");
    if (p.has("ff_label_value")) c.labelValue = p.getFloat("ff_label_value");
    return c;
}

namespace {
std::uint64_t splitmix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
double softplus(double v) { return v > 30 ? v : std::log1p(std::exp(v)); }
double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }
}  // namespace

ForwardForward::ForwardForward(std::vector<Layer> layers, const Value* input, const Value* labels, int classes,
                               const ForwardForwardConfig& cfg, std::uint64_t seed)
    : layers_(std::move(layers)), input_(input), labels_(labels), classes_(classes), cfg_(cfg), seed_(seed) {
    acts_.resize(layers_.size());
    for (std::size_t l = 0; l < layers_.size(); ++l) acts_[l].resize(layers_[l].kernels.size());
    ins_.resize(layers_.size());
    layerLoss_.assign(layers_.size(), 0.0);
}

int ForwardForward::negativeLabel(std::uint64_t step, Eigen::Index j, int label) const {
    const std::uint64_t h = splitmix(seed_ ^ splitmix(step * 0x632be59bd9b4e019ull + std::uint64_t(j)));
    const int r = int(h % std::uint64_t(classes_ - 1));
    return r >= label ? r + 1 : r;
}

void ForwardForward::embed(const Matrix& x, const std::vector<int>& label, Matrix& out) const {
    out = x;
    out.topRows(classes_).setZero();
    for (Eigen::Index j = 0; j < out.cols(); ++j) out(label[std::size_t(j)], j) = float(cfg_.labelValue);
}

void ForwardForward::normalise(const Matrix& h, Matrix& out) {
    // unit mean square per sample: only the direction of the activity goes on
    const float n = float(h.rows());
    out = h;
    for (Eigen::Index j = 0; j < out.cols(); ++j) out.col(j) /= std::sqrt(h.col(j).squaredNorm() / n + 1e-8f);
}

const Matrix& ForwardForward::runLayer(const StepContext& ctx, std::size_t l, const Matrix& in) {
    ins_[l].tensor = in;
    const Value* from = &ins_[l];
    for (std::size_t k = 0; k < layers_[l].kernels.size(); ++k) {
        const Value* const ptr[1] = {from};
        layers_[l].kernels[k]->forward(ctx, std::span<const Value* const>(ptr, 1), std::span<Value>(&acts_[l][k], 1));
        from = &acts_[l][k];
    }
    return from->tensor;
}

void ForwardForward::predict(const StepContext& ctx, Matrix& scores) {
    const Matrix& x = input_->tensor;
    scores.setZero(classes_, x.cols());
    for (int c = 0; c < classes_; ++c) {
        lab_.assign(std::size_t(x.cols()), c);
        embed(x, lab_, x_);
        for (std::size_t l = 0; l < layers_.size(); ++l) {
            const Matrix& h = runLayer(ctx, l, x_);
            scores.row(c) += h.colwise().squaredNorm() / float(h.rows());
            if (l + 1 < layers_.size()) normalise(h, x_);
        }
    }
}

void ForwardForward::train(const StepContext& ctx, std::uint64_t step) {
    const Matrix& x = input_->tensor;
    const Eigen::Index B = x.cols();
    if (B == 0) return;
    // positives (true label) in the first B columns, negatives (a wrong label) in the next B
    lab_.resize(std::size_t(2 * B));
    for (Eigen::Index j = 0; j < B; ++j) {
        const int y = int(labels_->tensor(0, j));
        if (y < 0 || y >= classes_)
            throw std::runtime_error("forward-forward: label " + std::to_string(y) + " is outside the " +
                                     std::to_string(classes_) + " classes");
        lab_[std::size_t(j)] = y;
        lab_[std::size_t(B + j)] = negativeLabel(step, j, y);
    }
    Matrix both(x.rows(), 2 * B);
    both << x, x;
    embed(both, lab_, x_);
    const double theta = cfg_.threshold;
    StepContext back = ctx;
    double total = 0;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const Matrix& h = runLayer(ctx, l, x_);
        const float units = float(h.rows());
        g_.resize(h.rows(), h.cols());
        double loss = 0;
        for (Eigen::Index j = 0; j < 2 * B; ++j) {
            const double G = double(h.col(j).squaredNorm()) / units;
            const bool pos = j < B;
            loss += pos ? softplus(theta - G) : softplus(G - theta);
            const double dG = (pos ? -sigmoid(theta - G) : sigmoid(G - theta)) / double(B);
            g_.col(j) = h.col(j) * float(2.0 * dG / units);
        }
        layerLoss_[l] = loss / double(B);
        total += layerLoss_[l];
        // back through this layer's own kernels only: the linear layer's input gradient is not asked for
        auto& ks = layers_[l].kernels;
        for (std::size_t k = ks.size(); k-- > 0;) {
            const Value* in = k == 0 ? &ins_[l] : &acts_[l][k - 1];
            const Value* const ptr[1] = {in};
            if (k > 0) gin_.setZero(in->tensor.rows(), in->tensor.cols());
            else gin_.resize(0, 0);
            ks[k]->backward(back, std::span<const Value* const>(ptr, 1), std::span<const Value>(&acts_[l][k], 1),
                            std::span<const Matrix>(&g_, 1), std::span<Matrix>(&gin_, 1));
            if (k > 0) g_.swap(gin_);
        }
        if (l + 1 < layers_.size()) normalise(acts_[l].back().tensor, x_);
    }
    loss_ = total / double(layers_.size());
}

}  // namespace ganglion
