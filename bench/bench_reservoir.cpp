// Reservoir benchmark: an E/I rate reservoir of 1,000 neurons (sparse, p = 0.1, inhibitory gains
// adapting) stepped one time step at a time, and the ridge readout refit over a 2,000-step window
// (40 targets, 30% held out); then the NumPy peer (bench/peers/reservoir_numpy.py, the same update
// and refit, dense float32 weights and one BLAS thread) and the ratios. Each timing is the best of
// three blocks. Usage: bench_reservoir [--steps N] [--neurons N] [--no-peer]
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

std::map<std::string, double> runPeer(const std::string& args) {
    // one BLAS thread, like this program (the step is far too small to gain from a second one)
    return bench::runPeerScript(std::string(GANGLION_SOURCE_DIR) + "/bench/peers/reservoir_numpy.py", args,
                                "OPENBLAS_NUM_THREADS=1 ");
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
    double bestBlock = 1e9;  // the best of three blocks: a loaded machine only ever slows a block down
    const int block = steps / 3;
    for (int b = 0; b < 3; ++b) {
        const auto t0 = Clock::now();
        for (int t = 200 + b * block; t < 200 + (b + 1) * block; ++t) net.step(&in[std::size_t(t)], true, 0.01);
        bestBlock = std::min(bestBlock, seconds(t0, Clock::now()));
    }
    const double sps = block / bestBlock;
    std::printf("reservoir: %d neurons (%ld + %ld connections), %d steps, mean rate %.3f\n", neurons,
                long(net.wE.nonZeros()), long(net.wI.nonZeros()), steps, double(net.r.mean()));
    std::printf("figure: reservoir_steps_per_s=%.0f\n", sps);

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

    auto figs = runPeer("--neurons " + std::to_string(neurons) + " --steps " + std::to_string(std::max(200, steps / 10)) +
                        " --window " + std::to_string(window) + " --targets " + std::to_string(targets));
    const double npSps = figs.count("numpy_reservoir_steps_per_s") ? figs["numpy_reservoir_steps_per_s"] : 0;
    const double npRefit = figs.count("numpy_readout_refit_ms") ? figs["numpy_readout_refit_ms"] : 0;
    if (npSps <= 0) {
        std::printf("peer gave no figures (is python3-numpy installed?)\n");
        return 1;
    }
    std::printf("figure: numpy_reservoir_steps_per_s=%.1f\n", npSps);
    std::printf("figure: numpy_readout_refit_ms=%.1f\n", npRefit);
    std::printf("figure: reservoir_ratio_vs_numpy=%.1f x\n", sps / npSps);
    if (npRefit > 0) std::printf("figure: reservoir_refit_ratio_vs_numpy=%.2f x\n", npRefit / (1000 * best));
    return 0;
}
