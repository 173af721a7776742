#include "core/g2g/mlp_trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ganglion::g2g {

// --- WorkerPool ---------------------------------------------------------------------------

WorkerPool::WorkerPool(int n) : n_(std::max(1, n)) {
    for (int t = 1; t < n_; ++t) threads_.emplace_back([this, t] { loop(t); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& th : threads_) th.join();
}

void WorkerPool::run(const std::function<void(int)>& fn) {
    if (n_ == 1) {
        fn(0);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        job_ = &fn;
        pending_ = n_ - 1;
        ++generation_;
    }
    cv_.notify_all();
    fn(0);
    std::unique_lock lock(mutex_);
    doneCv_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
}

void WorkerPool::loop(int t) {
    std::uint64_t seen = 0;
    for (;;) {
        const std::function<void(int)>* job = nullptr;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
            job = job_;
        }
        (*job)(t);
        {
            std::lock_guard lock(mutex_);
            --pending_;
        }
        doneCv_.notify_one();
    }
}

// --- MlpTrainer ---------------------------------------------------------------------------

struct MlpTrainer::Work {
    Matrix x;                       // this thread's share of the batch
    std::vector<Matrix> z, a;       // pre-activations / activations per layer
    std::vector<Matrix> dz, da;
    std::vector<Matrix> gW, gB;
    std::vector<SparseScratch> scratch;
    Matrix labels;
    double loss = 0;
    int correct = 0;
};

MlpTrainer::MlpTrainer(const MlpSpec& spec) : spec_(spec), rng_(spec.seed) {
    const int L = int(spec.widths.size()) - 1;
    layers_.resize(std::size_t(L));
    for (int l = 0; l < L; ++l) {
        Layer& ly = layers_[std::size_t(l)];
        ly.sparse = spec.sparse && l < L - 1;
        if (ly.sparse) {
            ly.g2g.build(spec.widths[std::size_t(l)], spec.widths[std::size_t(l) + 1], spec.g2g, rng_);
            ly.g2g.rewiring = spec.rewiring;
        } else {
            ly.dense.init(spec.widths[std::size_t(l)], spec.widths[std::size_t(l) + 1], rng_);
        }
        AdamState aw, ab;
        aw.reset(ly.weights());
        ab.reset(ly.bias());
        adamW_.push_back(aw);
        adamB_.push_back(ab);
    }
    stats_.resize(std::size_t(L));
    pool_ = std::make_unique<WorkerPool>(spec.threads);
    for (int t = 0; t < pool_->size(); ++t) {
        auto w = std::make_unique<Work>();
        w->z.resize(std::size_t(L));
        w->a.resize(std::size_t(L));
        w->dz.resize(std::size_t(L));
        w->da.resize(std::size_t(L));
        w->scratch.resize(std::size_t(L));
        for (auto& ly : layers_) {
            w->gW.push_back(Matrix::Zero(ly.weights().rows(), ly.weights().cols()));
            w->gB.push_back(Matrix::Zero(ly.bias().rows(), 1));
        }
        work_.push_back(std::move(w));
    }
}

MlpTrainer::~MlpTrainer() = default;

std::size_t MlpTrainer::parameterCount() const {
    std::size_t n = 0;
    for (const auto& ly : layers_)
        n += std::size_t(ly.sparse ? ly.g2g.lin.w.size() + ly.g2g.lin.b.size() : ly.dense.w.size() + ly.dense.b.size());
    return n;
}

void MlpTrainer::forwardPass(Work& w, const Matrix& X, bool keepStats) const {
    const int L = int(layers_.size());
    const Matrix* in = &X;
    for (int l = 0; l < L; ++l) {
        const Layer& ly = layers_[std::size_t(l)];
        Matrix& z = w.z[std::size_t(l)];
        if (ly.sparse) ly.g2g.lin.forward(*in, z, w.scratch[std::size_t(l)]);
        else ly.dense.forward(*in, z);
        if (l < L - 1) {
            w.a[std::size_t(l)] = z.cwiseMax(0.f);
            in = &w.a[std::size_t(l)];
        }
    }
    (void)keepStats;
}

void MlpTrainer::backwardPass(Work& w, const Matrix& labels, double invBatch, bool firstThread) {
    const int L = int(layers_.size());
    // Softmax cross-entropy on the logits.
    Matrix& logits = w.z[std::size_t(L - 1)];
    Matrix& d = w.dz[std::size_t(L - 1)];
    d.resize(logits.rows(), logits.cols());
    w.loss = 0;
    w.correct = 0;
    for (Eigen::Index c = 0; c < logits.cols(); ++c) {
        Eigen::Index arg;
        const float mx = logits.col(c).maxCoeff(&arg);
        d.col(c) = (logits.col(c).array() - mx).exp();
        const float sum = d.col(c).sum();
        const int y = int(labels(0, c));
        w.loss += -(double(logits(y, c)) - mx - std::log(double(sum)));
        w.correct += int(arg == y);
        d.col(c) /= sum;
        d(y, c) -= 1.f;
    }
    d *= float(invBatch);
    for (auto& g : w.gW) g.setZero();
    for (auto& g : w.gB) g.setZero();
    for (int l = L - 1; l >= 0; --l) {
        Layer& ly = layers_[std::size_t(l)];
        const Matrix& in = l == 0 ? w.x : w.a[std::size_t(l - 1)];
        Matrix* dIn = l == 0 ? nullptr : &w.da[std::size_t(l - 1)];
        const Matrix& dz = w.dz[std::size_t(l)];
        if (ly.sparse) {
            ly.g2g.lin.backward(dz, dIn, w.gW[std::size_t(l)], w.gB[std::size_t(l)], w.scratch[std::size_t(l)]);
            if (firstThread) {
                if (ly.g2g.wantsGradient(step_)) {
                    ly.g2g.lin.denseGradient(dz, w.scratch[std::size_t(l)], ly.g2g.denseGrad);
                    ly.g2g.denseGradValid = true;
                }
                if (ly.g2g.wantsHebbian(step_)) ly.g2g.hebbian.accumulate(in, w.z[std::size_t(l)]);
            }
        } else {
            ly.dense.backward(in, dz, dIn, w.gW[std::size_t(l)], w.gB[std::size_t(l)]);
        }
        if (l > 0) {
            Matrix& dzPrev = w.dz[std::size_t(l - 1)];
            dzPrev = (w.z[std::size_t(l - 1)].array() > 0.f).select(w.da[std::size_t(l - 1)], 0.f);
        }
    }
}

void MlpTrainer::updateRange(int t, int nThreads) {
    const double lr = spec_.learningRate;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        Layer& ly = layers_[l];
        for (int which = 0; which < 2; ++which) {
            Matrix& value = which == 0 ? ly.weights() : ly.bias();
            AdamState& st = which == 0 ? adamW_[l] : adamB_[l];
            const Eigen::Index n = value.size();
            const Eigen::Index b = n * t / nThreads, e = n * (t + 1) / nThreads;
            Matrix& g0 = which == 0 ? work_[0]->gW[l] : work_[0]->gB[l];
            for (std::size_t k = 1; k < work_.size(); ++k) {
                const Matrix& gk = which == 0 ? work_[k]->gW[l] : work_[k]->gB[l];
                Eigen::Map<Eigen::ArrayXf>(g0.data() + b, e - b) += Eigen::Map<const Eigen::ArrayXf>(gk.data() + b, e - b);
            }
            adamUpdate(value, g0, st, lr, step_ + 1, b, e);
        }
    }
}

double MlpTrainer::trainBatch(const Matrix& X, const Matrix& labels) {
    // Rewiring at the start of the step (uses statistics gathered in earlier steps).
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        Layer& ly = layers_[l];
        if (ly.sparse && ly.g2g.maybeRewire(step_, rng_)) {
            for (int k : ly.g2g.lastEvent.movedSlots) adamW_[l].m(k) = adamW_[l].v(k) = 0.f;
        }
    }
    const int T = pool_->size();
    const int B = int(X.cols());
    const double invB = 1.0 / B;
    std::function<void(int)> job = [&](int t) {
        Work& w = *work_[std::size_t(t)];
        const int c0 = B * t / T, c1 = B * (t + 1) / T;
        w.x = X.middleCols(c0, c1 - c0);
        w.labels = labels.middleCols(c0, c1 - c0);
        forwardPass(w, w.x, true);
        backwardPass(w, w.labels, invB, t == 0);
    };
    pool_->run(job);
    std::function<void(int)> upd = [&](int t) { updateRange(t, T); };
    pool_->run(upd);
    double loss = 0;
    for (auto& w : work_) loss += w->loss;
    for (std::size_t l = 0; l + 1 < layers_.size(); ++l) stats_[l].update(work_[0]->a[l], 1e-3f);
    for (auto& ly : layers_)
        if (ly.sparse) ly.g2g.lin.pack();
    ++step_;
    lastLoss_ = loss * invB;
    return lastLoss_;
}

void MlpTrainer::predict(const Matrix& X, Matrix& logits) {
    Work& w = *work_[0];
    forwardPass(w, X, false);
    logits = w.z.back();
}

double MlpTrainer::accuracy(const ImageSet& set, Normalisation norm, int n) {
    if (n <= 0 || n > set.size()) n = set.size();
    const int T = pool_->size();
    std::vector<int> correct(std::size_t(T), 0);
    constexpr int kChunk = 500;
    std::function<void(int)> job = [&](int t) {
        Work& w = *work_[std::size_t(t)];
        const int s0 = n * t / T, s1 = n * (t + 1) / T;
        std::vector<int> idx;
        Matrix x, y;
        for (int s = s0; s < s1; s += kChunk) {
            const int e = std::min(s1, s + kChunk);
            idx.resize(std::size_t(e - s));
            std::iota(idx.begin(), idx.end(), s);
            fillBatch(set, idx, norm, x, y);
            forwardPass(w, x, false);
            const Matrix& logits = w.z.back();
            for (Eigen::Index c = 0; c < logits.cols(); ++c) {
                Eigen::Index arg;
                logits.col(c).maxCoeff(&arg);
                correct[std::size_t(t)] += int(arg == Eigen::Index(y(0, c)));
            }
        }
    };
    pool_->run(job);
    return double(std::accumulate(correct.begin(), correct.end(), 0)) / n;
}

}  // namespace ganglion::g2g
