// G2GNet vs dense MLP (784-512-512-10) on Fashion-MNIST: seconds per training epoch and test
// accuracy for each, the G2G/dense time ratio, and our dense throughput vs PyTorch's (peer script
// ../shared/peers/torch_sparse_mlp.py, run in the same process tree when python3-torch is there).
// Dense and G2G train in alternating blocks of 8 batches so a shared, busy machine loads both
// alike. Options: --epochs N (default 1), --threads N (default 2), --sparsity S (default 0.75),
//          --batch B (default 128), --no-peer.
#include "core/g2g/mlp_trainer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

using namespace ganglion;
using namespace ganglion::g2g;

namespace {

struct Result {
    double secondsPerEpoch = 0;  ///< wall clock
    double cpuPerEpoch = 0;      ///< process CPU seconds (all threads)
    double accuracy = 0;
    double samplesPerSecond = 0;
    std::size_t params = 0;
};

double cpuNow() {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Model {
    std::unique_ptr<MlpTrainer> trainer;
    EpochSampler sampler;
    Matrix x, y;
    Result r;
};

MlpSpec specFor(bool sparse, int threads, double sparsity) {
    MlpSpec spec;
    spec.sparse = sparse;
    spec.threads = threads;
    spec.seed = 7;
    spec.g2g.ensembles = 8;
    spec.g2g.pIn = 1.0;
    spec.g2g.pOut = pOutForDensity(8, 1.0, 1.0 - sparsity);
    return spec;
}

// Trains dense and G2G in alternating blocks of batches so both see the same machine load
// (the box is shared); each model's wall and CPU time are summed over its own blocks only.
void runBoth(const FashionMnist& data, Model& dense, Model& g2g, int epochs, int batch) {
    const int perEpoch = data.train.size() / batch;
    constexpr int kBlock = 8;
    Model* models[2] = {&dense, &g2g};
    for (Model* m : models) {
        // Warm-up (allocation, caches) on a throw-away copy of the spec is not timed.
        m->sampler.reset(data.train.size(), 11, true);
        for (int i = 0; i < 3; ++i) {
            fillBatch(data.train, m->sampler.next(batch), Normalisation::MinusOneOne, m->x, m->y);
            m->trainer->predict(m->x, m->y);
        }
        m->sampler.reset(data.train.size(), 11, true);
    }
    for (int b0 = 0; b0 < perEpoch * epochs; b0 += kBlock)
        for (Model* m : models) {
            const auto t0 = std::chrono::steady_clock::now();
            const double c0 = cpuNow();
            for (int b = b0; b < std::min(perEpoch * epochs, b0 + kBlock); ++b) {
                fillBatch(data.train, m->sampler.next(batch), Normalisation::MinusOneOne, m->x, m->y);
                m->trainer->trainBatch(m->x, m->y);
            }
            m->r.secondsPerEpoch += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            m->r.cpuPerEpoch += cpuNow() - c0;
        }
    for (Model* m : models) {
        m->r.secondsPerEpoch /= epochs;
        m->r.cpuPerEpoch /= epochs;
        m->r.samplesPerSecond = double(perEpoch) * batch / m->r.secondsPerEpoch;
        m->r.accuracy = m->trainer->accuracy(data.test, Normalisation::MinusOneOne);
        m->r.params = m->trainer->parameterCount();
    }
}

double runPeer() {
    const std::string script = std::string(GANGLION_SHARED_DIR) + "/peers/torch_sparse_mlp.py";
    const std::string cmd = "python3 '" + script + "' --models dense 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char line[1024];
    double sps = -1;
    const char* key = "figure: dense_mlp_train_samples_per_s=";
    while (fgets(line, sizeof line, p)) {
        std::printf("  peer| %s", line);
        if (const char* k = std::strstr(line, key)) sps = std::atof(k + std::strlen(key));
    }
    pclose(p);
    return sps;
}

}  // namespace

int main(int argc, char** argv) {
    int epochs = 1, threads = 2, batch = 128;
    double sparsity = 0.75;
    bool peer = true;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : "0"; };
        if (a == "--epochs") epochs = std::max(1, std::atoi(next()));
        else if (a == "--threads") threads = std::max(1, std::atoi(next()));
        else if (a == "--batch") batch = std::max(1, std::atoi(next()));
        else if (a == "--sparsity") sparsity = std::atof(next());
        else if (a == "--no-peer") peer = false;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    std::shared_ptr<const FashionMnist> data;
    try {
        data = FashionMnist::load();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_g2g: %s\n", e.what());
        return 1;
    }
    std::printf("Fashion-MNIST 784-512-512-10, batch %d, Adam 1e-3, %d thread(s), %d epoch(s); G2G: 8 ensembles, "
                "p_in 1, sparsity %.2f on both hidden layers (readout dense)\n",
                batch, threads, epochs, sparsity);
    Model dm, gm;
    dm.trainer = std::make_unique<MlpTrainer>(specFor(false, threads, sparsity));
    gm.trainer = std::make_unique<MlpTrainer>(specFor(true, threads, sparsity));
    runBoth(*data, dm, gm, epochs, batch);
    const Result& dense = dm.r;
    const Result& g2g = gm.r;
    std::printf("dense: %.3f s/epoch (%.2f CPU s)  %.0f samples/s  test accuracy %.4f  params %zu\n", dense.secondsPerEpoch,
                dense.cpuPerEpoch, dense.samplesPerSecond, dense.accuracy, dense.params);
    std::printf("g2g:   %.3f s/epoch (%.2f CPU s)  %.0f samples/s  test accuracy %.4f  params %zu\n", g2g.secondsPerEpoch,
                g2g.cpuPerEpoch, g2g.samplesPerSecond, g2g.accuracy, g2g.params);
    std::printf("figure: dense_epoch_cpu_seconds=%.3f s\n", dense.cpuPerEpoch);
    std::printf("figure: g2g_epoch_cpu_seconds=%.3f s\n", g2g.cpuPerEpoch);
    std::printf("figure: g2g_over_dense_epoch_cpu=%.3f\n", g2g.cpuPerEpoch / dense.cpuPerEpoch);
    std::printf("figure: dense_epoch_seconds=%.3f s\n", dense.secondsPerEpoch);
    std::printf("figure: g2g_epoch_seconds=%.3f s\n", g2g.secondsPerEpoch);
    std::printf("figure: dense_test_accuracy=%.4f\n", dense.accuracy);
    std::printf("figure: g2g_test_accuracy=%.4f\n", g2g.accuracy);
    std::printf("figure: dense_train_samples_per_s=%.0f samples/s\n", dense.samplesPerSecond);
    std::printf("figure: g2g_train_samples_per_s=%.0f samples/s\n", g2g.samplesPerSecond);
    std::printf("figure: g2g_over_dense_epoch_time=%.3f (target <= 0.5)\n", g2g.secondsPerEpoch / dense.secondsPerEpoch);
    std::printf("figure: g2g_minus_dense_accuracy=%.4f (target >= -0.01)\n", g2g.accuracy - dense.accuracy);
    if (peer) {
        const double torch = runPeer();
        if (torch > 0) {
            std::printf("figure: torch_dense_train_samples_per_s=%.0f samples/s\n", torch);
            std::printf("figure: dense_over_torch_throughput=%.3f (target >= 1)\n", dense.samplesPerSecond / torch);
            std::printf("figure: g2g_over_torch_throughput=%.3f\n", g2g.samplesPerSecond / torch);
        } else {
            std::printf("peer: PyTorch run failed or python3-torch missing (see output above)\n");
        }
    }
    return 0;
}
