// A self-contained MLP trainer (no engine): hidden layers dense or G2G-sparse with ReLU, a dense
// softmax readout, cross-entropy loss and Adam. Minibatches are split across worker threads
// (data parallel: each thread runs forward/backward on its share of the batch, then the
// gradient reduction and the Adam update are split by parameter range). Used by the benchmark
// and the training tests; the engine's node kernels reuse the same layer classes.
#pragma once

#include "core/g2g/dense_linear.h"
#include "core/g2g/fashion_mnist.h"
#include "core/g2g/g2g_layer.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ganglion::g2g {

struct MlpSpec {
    std::vector<int> widths = {784, 512, 512, 10};
    bool sparse = false;   ///< hidden layers G2G (readout stays dense) instead of dense
    G2GConfig g2g;
    RewireConfig rewiring;
    double learningRate = 1e-3;
    int threads = 2;
    std::uint64_t seed = 1;
};

/// Runs fn(t) for t in [0, n) on n threads (the caller is thread 0); a persistent pool.
class WorkerPool {
public:
    explicit WorkerPool(int n);
    ~WorkerPool();
    int size() const { return n_; }
    void run(const std::function<void(int)>& fn);

private:
    void loop(int t);
    int n_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable cv_, doneCv_;
    const std::function<void(int)>* job_ = nullptr;
    std::uint64_t generation_ = 0;
    int pending_ = 0;
    bool stop_ = false;
};

class MlpTrainer {
public:
    explicit MlpTrainer(const MlpSpec& spec);
    ~MlpTrainer();

    /// One Adam step on X (in x B) with labels (1 x B class indices). Returns the mean loss.
    double trainBatch(const Matrix& X, const Matrix& labels);
    /// Accuracy on the first `n` samples of `set` (0 = all).
    double accuracy(const ImageSet& set, Normalisation norm, int n = 0);
    /// Logits for X (out x B), forward only.
    void predict(const Matrix& X, Matrix& logits);

    int layers() const { return int(layers_.size()); }
    bool isSparse(int l) const { return layers_[std::size_t(l)].sparse; }
    G2GLayer& g2g(int l) { return layers_[std::size_t(l)].g2g; }
    DenseLinear& dense(int l) { return layers_[std::size_t(l)].dense; }
    /// Live weights of all layers (sparse: live connections; dense: every weight) plus biases.
    std::size_t parameterCount() const;
    std::uint64_t steps() const { return step_; }
    const ActivationStats& hiddenStats(int l) const { return stats_[std::size_t(l)]; }

private:
    struct Layer {
        bool sparse = false;
        DenseLinear dense;
        G2GLayer g2g;
        Matrix& weights() { return sparse ? g2g.lin.w : dense.w; }
        Matrix& bias() { return sparse ? g2g.lin.b : dense.b; }
    };
    struct Work;
    void forwardPass(Work& w, const Matrix& X, bool keepStats) const;
    void backwardPass(Work& w, const Matrix& labels, double invBatch, bool firstThread);
    void updateRange(int t, int nThreads);

    MlpSpec spec_;
    std::vector<Layer> layers_;
    std::vector<AdamState> adamW_, adamB_;
    std::vector<std::unique_ptr<Work>> work_;
    std::vector<ActivationStats> stats_;
    std::unique_ptr<WorkerPool> pool_;
    Rng rng_;
    std::uint64_t step_ = 0;
    double lastLoss_ = 0;
};

}  // namespace ganglion::g2g
