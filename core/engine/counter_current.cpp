#include "core/engine/counter_current.h"

#include "core/engine/optimizer.h"

#include <cmath>
#include <random>
#include <stdexcept>

namespace ganglion {

double cclFeedbackRate(const ParamSet& p) {
    return p.has("ccl_feedback_rate") ? p.getFloat("ccl_feedback_rate") : 0.1;
}

CounterCurrent::CounterCurrent(std::vector<Layer> layers, std::vector<std::vector<std::unique_ptr<Kernel>>> feedbackActs,
                               const Value* input, const Value* labels, std::uint64_t seed)
    : layers_(std::move(layers)), gActs_(std::move(feedbackActs)), input_(input), labels_(labels) {
    const std::size_t L = layers_.size();
    acts_.resize(L);
    for (std::size_t l = 0; l < L; ++l) acts_[l].resize(layers_[l].kernels.size());
    ins_.resize(L);
    b_.resize(L);
    fLoss_.assign(L, 0.0);
    gLoss_.assign(L, 0.0);
    gActs_.resize(L > 0 ? L - 1 : 0);
    gOuts_.resize(gActs_.size());
    gIn_.resize(gActs_.size());
    std::vector<int> width(L);
    for (std::size_t l = 0; l < L; ++l) width[l] = int(layers_[l].kernels.front()->linearMaps()[0].weight->rows());
    std::mt19937_64 rng(seed);
    for (std::size_t l = 0; l + 1 < L; ++l) {
        gOuts_[l].resize(gActs_[l].size());
        const int out = width[l], in = width[l + 1];
        const float bound = std::sqrt(6.f / float(in + out));
        std::uniform_real_distribution<float> u(-bound, bound);
        V_.emplace_back(out, in);
        for (Eigen::Index i = 0; i < V_.back().size(); ++i) V_.back()(i) = u(rng);
        c_.push_back(Matrix::Zero(out, 1));
        dV_.push_back(Matrix::Zero(out, in));
        dc_.push_back(Matrix::Zero(out, 1));
    }
}

CounterCurrent::~CounterCurrent() = default;

void CounterCurrent::setFeedbackOptimizer(const OptimizerConfig& cfg, double rate, std::uint64_t seed) {
    OptimizerConfig c = cfg;
    c.learningRate *= rate;
    if (fopt_) fopt_->configure(c);
    else fopt_ = std::make_unique<Optimizer>(parameters("ccl."), c, seed);
}

std::vector<Parameter> CounterCurrent::parameters(const std::string& prefix) {
    std::vector<Parameter> out;
    for (std::size_t l = 0; l < V_.size(); ++l) {
        out.push_back({prefix + "feedback" + std::to_string(l) + ".weight", &V_[l], &dV_[l]});
        out.push_back({prefix + "feedback" + std::to_string(l) + ".bias", &c_[l], &dc_[l]});
    }
    return out;
}

double CounterCurrent::pairLoss(const Matrix& u, const Matrix& v, bool normalised, Matrix& g) {
    const double B = double(u.cols()), n = double(u.rows());
    if (!normalised) {
        g = (u - v) / float(B * n);
        return 0.5 * double((u - v).squaredNorm()) / (B * n);
    }
    // centred over the batch, then each column rescaled to unit mean square: only how the activity
    // varies from sample to sample is matched, so the pair cannot agree by fading out together
    const Eigen::VectorXf mu = u.rowwise().mean(), mv = v.rowwise().mean();
    g.resize(u.rows(), u.cols());
    double loss = 0;
    for (Eigen::Index j = 0; j < u.cols(); ++j) {
        const Eigen::VectorXf cu = u.col(j) - mu, cv = v.col(j) - mv;
        const float ru = std::sqrt(cu.squaredNorm() / float(n) + 1e-6f), rv = std::sqrt(cv.squaredNorm() / float(n) + 1e-6f);
        const Eigen::VectorXf nu = cu / ru, d = nu - cv / rv;
        loss += 0.5 * double(d.squaredNorm());
        g.col(j) = (d - nu * (nu.dot(d) / float(n))) / (ru * float(B * n));
    }
    const Eigen::VectorXf gm = g.rowwise().mean();
    g.colwise() -= gm;
    return loss / (B * n);
}

const Value* CounterCurrent::runChain(const StepContext& ctx, const std::vector<Kernel*>& ks, const Value* in,
                                     std::vector<Value>& outs) {
    for (std::size_t k = 0; k < ks.size(); ++k) {
        const Value* const ptr[1] = {in};
        ks[k]->forward(ctx, std::span<const Value* const>(ptr, 1), std::span<Value>(&outs[k], 1));
        in = &outs[k];
    }
    return in;
}

void CounterCurrent::backThrough(const StepContext& ctx, const std::vector<Kernel*>& ks, const Value* in,
                                 const std::vector<Value>& outs, bool wantInput) {
    for (std::size_t k = ks.size(); k-- > 0;) {
        const Value* x = k == 0 ? in : &outs[k - 1];
        const Value* const ptr[1] = {x};
        const bool keep = k > 0 || wantInput;
        if (keep) gin_.setZero(x->tensor.rows(), x->tensor.cols());
        else gin_.resize(0, 0);
        ks[k]->backward(ctx, std::span<const Value* const>(ptr, 1), std::span<const Value>(&outs[k], 1),
                        std::span<const Matrix>(&g_, 1), std::span<Matrix>(&gin_, 1));
        if (keep) g_.swap(gin_);
    }
}

void CounterCurrent::train(const StepContext& ctx) {
    const Matrix& x = input_->tensor;
    const Eigen::Index B = x.cols();
    const std::size_t L = layers_.size();
    if (B == 0 || L == 0) return;
    if (fopt_) fopt_->zeroGrad();
    // forward network, each layer on the detached output of the one before
    const Matrix* from = &x;
    for (std::size_t l = 0; l < L; ++l) {
        ins_[l].tensor = *from;
        from = &runChain(ctx, layers_[l].kernels, &ins_[l], acts_[l])->tensor;
    }
    // feedback network from the one-hot target down; each of its layers learns towards a_l
    const Matrix& top = acts_[L - 1].back().tensor;
    b_[L - 1].setZero(top.rows(), B);
    for (Eigen::Index j = 0; j < B; ++j) {
        const int y = int(labels_->tensor(0, j));
        if (y < 0 || y >= top.rows())
            throw std::runtime_error("counter-current: label " + std::to_string(y) + " is outside the " +
                                     std::to_string(top.rows()) + " classes");
        b_[L - 1](y, j) = 1.f;
    }
    gLoss_[L - 1] = 0;
    for (std::size_t l = L - 1; l-- > 0;) {
        gIn_[l].tensor.noalias() = V_[l] * b_[l + 1];
        gIn_[l].tensor.colwise() += c_[l].col(0);
        std::vector<Kernel*> ks;
        for (auto& k : gActs_[l]) ks.push_back(k.get());
        b_[l] = runChain(ctx, ks, &gIn_[l], gOuts_[l])->tensor;
        gLoss_[l] = pairLoss(b_[l], acts_[l].back().tensor, true, g_);
        backThrough(ctx, ks, &gIn_[l], gOuts_[l], true);
        dV_[l].noalias() += g_ * b_[l + 1].transpose();
        dc_[l].noalias() += g_.rowwise().sum();
    }
    // each forward layer towards its feedback partner, back through its own kernels only
    double total = 0;
    for (std::size_t l = 0; l < L; ++l) {
        fLoss_[l] = pairLoss(acts_[l].back().tensor, b_[l], l + 1 < L, g_);
        total += fLoss_[l];
        backThrough(ctx, layers_[l].kernels, &ins_[l], acts_[l], false);
    }
    loss_ = total / double(L);
    if (fopt_) fopt_->step();
}

KernelState CounterCurrent::saveState() const {
    KernelState out;
    for (std::size_t l = 0; l < V_.size(); ++l) {
        out["ccl.feedback" + std::to_string(l) + ".weight"] = V_[l];
        out["ccl.feedback" + std::to_string(l) + ".bias"] = c_[l];
    }
    return out;
}

void CounterCurrent::loadState(const KernelState& state) {
    const auto check = [&](const std::string& key, const Matrix& m) -> const Matrix* {
        auto it = state.find(key);
        if (it == state.end()) return nullptr;
        if (it->second.rows() != m.rows() || it->second.cols() != m.cols())
            throw std::runtime_error("state entry '" + key + "': " + std::to_string(it->second.rows()) + "x" +
                                     std::to_string(it->second.cols()) + ", the feedback layer is " +
                                     std::to_string(m.rows()) + "x" + std::to_string(m.cols()));
        return &it->second;
    };
    std::vector<const Matrix*> found;
    for (std::size_t l = 0; l < V_.size(); ++l) {
        found.push_back(check("ccl.feedback" + std::to_string(l) + ".weight", V_[l]));
        found.push_back(check("ccl.feedback" + std::to_string(l) + ".bias", c_[l]));
    }
    for (std::size_t l = 0; l < V_.size(); ++l) {
        if (found[2 * l]) V_[l] = *found[2 * l];
        if (found[2 * l + 1]) c_[l] = *found[2 * l + 1];
    }
}

}  // namespace ganglion
