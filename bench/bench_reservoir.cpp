// Reservoir benchmark: an E/I rate reservoir of 1,000 neurons (sparse, p = 0.1, inhibitory gains
// adapting) stepped one time step at a time, on one thread and on two (the recurrent product's
// rows split, ei_product.h), and the ridge readout refit over a 2,000-step window (40 targets, 30%
// held out); then the NumPy peer (bench/peers/reservoir_numpy.py, the same update and refit,
// dense float32 weights) with one BLAS thread and with two, and the ratios. Each step rate is the
// best of 100 blocks of ~2 ms (the peer's too), so a loaded machine slows no figure more than the
// others. Usage: bench_reservoir [--steps N] [--neurons N] [--no-peer]
#include "bench/peer.h"
#include "core/reservoir/ei_network.h"
#include "core/reservoir/readout.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

using namespace ganglion;
using namespace ganglion::reservoir;
using Clock = std::chrono::steady_clock;

namespace {
double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

std::map<std::string, double> runPeer(const std::string& args, int threads) {
    return bench::runPeerScript(std::string(GANGLION_SOURCE_DIR) + "/bench/peers/reservoir_numpy.py", args,
                                "OPENBLAS_NUM_THREADS=" + std::to_string(threads) + " ");
}

/// Steps per second of `net`: the best of `blocks` blocks of `block` steps over the inputs.
double stepRate(EINetwork& net, const std::vector<float>& in, int blocks, int block) {
    double best = 1e9;  // a loaded machine only ever slows a block down
    for (int b = 0; b < blocks; ++b) {
        const auto t0 = Clock::now();
        const std::size_t from = std::size_t(200 + (b * block) % int(in.size() - 200 - std::size_t(block)));
        for (std::size_t t = from; t < from + std::size_t(block); ++t) net.step(&in[t], true, 0.01);
        best = std::min(best, seconds(t0, Clock::now()));
    }
    return block / best;
}
}  // namespace

int main(int argc, char** argv) {
    int steps = 20000, neurons = 1000, window = 2000, targets = 40, refits = 3;
    bool peer = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--steps") && i + 1 < argc) steps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--neurons") && i + 1 < argc) neurons = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-peer")) peer = false;
    }
    NetworkConfig cfg;
    cfg.neurons = neurons;
    cfg.targetSpread = 0.3;
    Rng rng(1);
    EINetwork net;
    net.build(cfg, rng);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::vector<float> in(std::size_t(steps) + 200);
    for (float& v : in) v = u(rng);
    for (int t = 0; t < 200; ++t) net.step(&in[std::size_t(t)], true, 0.01);
    const int blocks = 100, block = std::max(10, steps / blocks);
    net.setThreads(1);
    const double sps1 = stepRate(net, in, blocks, block);
    net.setThreads(2);
    const int threads = net.threads();  // 1 when the network is too small to pay for a second thread
    const double sps2 = threads > 1 ? stepRate(net, in, blocks, block) : sps1;
    std::printf("reservoir: %d neurons (%ld + %ld connections, %zu stored with tile padding), %d steps, mean rate %.3f\n",
                neurons, long(net.weightsE().nonZeros()), long(net.weightsI().nonZeros()), net.storedWeights(), steps,
                double(net.r.mean()));
    std::printf("figure: reservoir_steps_per_s_1thread=%.0f\n", sps1);
    std::printf("figure: reservoir_steps_per_s_%dthreads=%.0f\n", threads, sps2);
    // the headline figure: the faster configuration (two threads lose on a machine whose cores are busy)
    const int used = sps2 > sps1 ? threads : 1;
    const double sps = std::max(sps1, sps2);
    std::printf("threads: %d (of 1 and %d measured; the rows of the recurrent product split between them)\n", used, threads);
    std::printf("figure: reservoir_steps_per_s=%.0f\n", sps);
    net.setThreads(1);

    RidgeReadout ro;
    ro.configure(neurons, targets, window, 1e-4, 0.3);
    std::vector<float> y(static_cast<std::size_t>(targets));
    for (int t = 0; t < window; ++t) {
        net.step(&in[std::size_t(t)], false, 0.0);
        for (float& v : y) v = u(rng);
        ro.record(net.r.data(), y.data());
    }
    double best = 1e9;
    for (int k = 0; k < refits; ++k) {
        const auto a = Clock::now();
        if (!ro.refit()) std::printf("refit failed\n");
        best = std::min(best, seconds(a, Clock::now()));
    }
    std::printf("figure: readout_refit_ms=%.1f\n", 1000 * best);
    if (!peer) return 0;

    const std::string args = "--neurons " + std::to_string(neurons) + " --steps " + std::to_string(std::max(200, steps / 10)) +
                             " --window " + std::to_string(window) + " --targets " + std::to_string(targets) + " --blocks 100";
    auto figs = runPeer(args, 1);
    const double npSps = figs.count("numpy_reservoir_steps_per_s") ? figs["numpy_reservoir_steps_per_s"] : 0;
    const double npRefit = figs.count("numpy_readout_refit_ms") ? figs["numpy_readout_refit_ms"] : 0;
    if (npSps <= 0) {
        std::printf("peer gave no figures (is python3-numpy installed?)\n");
        return 1;
    }
    auto figs2 = runPeer(args + " --refits 0", 2);
    const double npSps2 = figs2.count("numpy_reservoir_steps_per_s") ? figs2["numpy_reservoir_steps_per_s"] : 0;
    std::printf("figure: numpy_reservoir_steps_per_s=%.1f\n", npSps);
    if (npSps2 > 0) std::printf("figure: numpy_reservoir_steps_per_s_2threads=%.1f\n", npSps2);
    std::printf("figure: numpy_readout_refit_ms=%.1f\n", npRefit);
    std::printf("ratio: this program on %d thread%s, NumPy on 1 BLAS thread (OPENBLAS_NUM_THREADS=1); _1thread: both on "
                "one; vs_best_numpy: against NumPy's faster of 1 and 2 BLAS threads\n", used, used > 1 ? "s" : "");
    std::printf("figure: reservoir_ratio_vs_numpy=%.1f x\n", sps / npSps);
    std::printf("figure: reservoir_ratio_vs_numpy_1thread=%.1f x\n", sps1 / npSps);
    if (npSps2 > 0) std::printf("figure: reservoir_ratio_vs_best_numpy=%.1f x\n", sps / std::max(npSps, npSps2));
    if (npRefit > 0) std::printf("figure: reservoir_refit_ratio_vs_numpy=%.2f x\n", npRefit / (1000 * best));
    return 0;
}
