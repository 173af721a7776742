// Recurrent benchmark: sequential Fashion-MNIST (each image read as 28 rows of 28 pixels), one
// recurrent layer of 128 units (LSTM, then GRU) + a linear readout of the last step, batch 128,
// Adam(lr 1e-3), cross-entropy, one epoch (469 batches) trained through the engine. Prints training
// samples/s (first 5 batches untimed), inference samples/s (batches of 128 over the 10,000 test
// images) and test accuracy, then runs the PyTorch peer (../shared/peers/torch_rnn.py, nn.LSTM /
// nn.GRU with the same setup) and prints the ratios.
// Usage: bench_rnn [--batches N] [--no-peer] [--cells lstm,gru] [--threads 1|2]   (default 2: the batch
// is split between two threads, and the peer runs torch with as many. On a loaded machine torch's
// OpenMP threads spin-wait for a core and collapse: compare with --threads 1 there)
#include "bench/peer.h"
#include "core/engine/engine.h"
#include "core/g2g/fashion_mnist.h"
#include "core/nodes/dense.h"
#include "core/rnn/recurrent.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <numeric>
#include <string>

using namespace ganglion;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

struct Result {
    double trainSps = 0, inferSps = 0, acc = 0, lastLoss = 0;
};

/// The cell's kernel built from its spec, outside any engine (for batched inference).
std::unique_ptr<Kernel> buildKernel(const std::string& type, const ParamSet& params, Shape in) {
    Rng rng(1);
    auto k = NodeRegistry::instance().find(type)->create();
    k->build(BuildContext{params, {in}, rng, type});
    return k;
}

Result run(const std::string& cell, const std::string& name, int batches) {
    constexpr int kBatch = 128, kWarmup = 5, kHidden = 128;
    Graph g;
    const NodeId data = g.addNode("FashionMNIST");
    g.setParam(data, "rows_as_steps", true);
    g.setParam(data, "batch_size", std::int64_t(kBatch));
    g.setParam(data, "normalisation", std::string("0..1"));  // like the peer
    g.setParam(data, "test_subset", std::int64_t(kBatch));   // the engine's own evaluations stay small
    const NodeId rnn = g.addNode(cell);
    g.setParam(rnn, "units", std::int64_t(kHidden));
    g.setParam(rnn, "output", std::string("last"));
    const NodeId out = g.addNode("Dense");
    g.setParam(out, "units", std::int64_t(10));
    const NodeId loss = g.addNode("Loss");
    g.setParam(loss, "optimizer", std::string("adam"));
    g.setParam(loss, "learning_rate", 1e-3);
    g.connect({data, "x"}, {rnn, "in"});
    g.connect({rnn, "out"}, {out, "in"});
    g.connect({out, "out"}, {loss, "pred"});
    g.connect({data, "y"}, {loss, "target"});
    g.settings().evalEvery = 0;
    Engine e;
    const auto issues = e.build(g);
    if (!e.ok()) {
        std::printf("%s: build failed: %s\n", cell.c_str(), formatIssues(issues).c_str());
        return {};
    }
    Result r;
    Clock::time_point t0;
    std::clock_t c0 = 0;
    for (int b = 0; b < batches; ++b) {
        if (b == kWarmup) {
            t0 = Clock::now();
            c0 = std::clock();
        }
        if (!e.step()) {
            std::printf("%s: %s\n", cell.c_str(), e.error().c_str());
            return {};
        }
    }
    const double dt = seconds(t0, Clock::now());
    r.trainSps = double(batches - kWarmup) * kBatch / dt;
    r.lastLoss = e.kernel(loss)->loss();
    std::printf("%s: train %d batches x %d: %.0f samples/s (wall %.2f s, CPU %.2f s), last loss %.3f\n", cell.c_str(),
                batches, kBatch, r.trainSps, dt, double(std::clock() - c0) / CLOCKS_PER_SEC, r.lastLoss);

    // inference: the trained kernels on the whole test set in batches of 128
    const auto fm = g2g::FashionMnist::load();
    std::vector<int> idx(std::size_t(fm->test.size()));
    std::iota(idx.begin(), idx.end(), 0);
    Matrix X, Y;
    g2g::fillBatch(fm->test, idx, g2g::Normalisation::ZeroOne, X, Y);
    auto cellK = buildKernel(cell, g.node(rnn)->params, Shape::sequence(28, 28));
    auto denseK = buildKernel("Dense", g.node(out)->params, Shape::tensor(kHidden));
    cellK->loadState(e.kernel(rnn)->saveState());
    denseK->loadState(e.kernel(out)->saveState());
    Value xb, h, z;
    StepContext ctx;
    ctx.phase = Phase::Test;
    ctx.learning = false;
    double best = 1e300;
    int correct = 0;
    for (int rep = 0; rep < 3; ++rep) {
        correct = 0;
        const auto s0 = Clock::now();
        for (Eigen::Index s = 0; s < X.cols(); s += kBatch) {
            const Eigen::Index n = std::min<Eigen::Index>(kBatch, X.cols() - s);
            xb.tensor = X.middleCols(s, n);
            const Value* in1[] = {&xb};
            cellK->forward(ctx, in1, std::span<Value>(&h, 1));
            const Value* in2[] = {&h};
            denseK->forward(ctx, in2, std::span<Value>(&z, 1));
            for (Eigen::Index c = 0; c < n; ++c) {
                Eigen::Index k;
                z.tensor.col(c).maxCoeff(&k);
                correct += int(k) == int(Y(0, s + c));
            }
        }
        best = std::min(best, seconds(s0, Clock::now()));
    }
    r.inferSps = double(X.cols()) / best;
    r.acc = double(correct) / double(X.cols());
    std::printf("%s: infer %.0f samples/s (batch %d), test accuracy %.4f\n", cell.c_str(), r.inferSps, kBatch, r.acc);
    std::printf("figure: %s_train_samples_per_s=%.0f samples/s\n", name.c_str(), r.trainSps);
    std::printf("figure: %s_infer_samples_per_s=%.0f samples/s\n", name.c_str(), r.inferSps);
    std::printf("figure: %s_test_acc=%.4f\n", name.c_str(), r.acc);
    std::fflush(stdout);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int batches = 469, threads = 2;
    bool peer = true;
    std::string cells = "lstm,gru";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--batches") && i + 1 < argc) batches = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-peer")) peer = false;
        else if (!std::strcmp(argv[i], "--cells") && i + 1 < argc) cells = argv[++i];
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    }
    setRecurrentThreads(threads);
    if (batches < 6) batches = 6;
    std::printf("Eigen %d.%d.%d, sequential Fashion-MNIST (28 steps x 28), hidden 128, batch 128, Adam 1e-3, %d batches, "
                "%d thread(s) (the peer runs torch with as many)\n",
                EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, batches, recurrentThreads());
    std::map<std::string, Result> ours;
    for (const char* c : {"lstm", "gru"})
        if (cells.find(c) != std::string::npos) ours[c] = run(std::strcmp(c, "lstm") == 0 ? "LSTM" : "GRU", c, batches);
    if (!peer) return 0;
    const auto figs = bench::runPeerScript(std::string(GANGLION_SHARED_DIR) + "/peers/torch_rnn.py",
                                           "--cells " + cells + " --batches " + std::to_string(batches) +
                                               " --threads " + std::to_string(recurrentThreads()));
    for (const auto& [c, r] : ours) {
        const auto t = figs.find(c + "_train_samples_per_s");
        const auto a = figs.find(c + "_test_acc");
        if (t == figs.end() || t->second <= 0) {
            std::printf("peer: no %s figures\n", c.c_str());
            continue;
        }
        std::printf("figure: %s_train_ratio_vs_torch=%.2f x\n", c.c_str(), r.trainSps / t->second);
        const auto inf = figs.find(c + "_infer_samples_per_s");
        if (inf != figs.end() && inf->second > 0)
            std::printf("figure: %s_infer_ratio_vs_torch=%.2f x\n", c.c_str(), r.inferSps / inf->second);
        if (a != figs.end() && c == "lstm") std::printf("figure: lstm_test_acc_minus_torch=%.4f\n", r.acc - a->second);
        if (a != figs.end() && c == "gru") std::printf("figure: gru_test_acc_minus_torch=%.4f\n", r.acc - a->second);
    }
    return 0;
}
