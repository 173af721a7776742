// Hopfield recall benchmark (issue 14): N = 10,000 neurons storing K = 100 random patterns; from
// a cue with 30% of its bits flipped, asynchronous T = 0 sweeps in random order (each sweep visits
// every neuron once). Prints sweeps per second of core/memory/hopfield.h (the factored field,
// O(K) per neuron update and per flip, no allocation in the loop), then runs the NumPy peer
// (bench/peers/hopfield_numpy.py: the same formulation, a Python loop over neurons with NumPy inside)
// on this machine right after and prints the ratio. Both report their final overlap with the cued
// pattern, so they are seen to do the same work.
//   ./bench_hopfield [--no-peer]
// $GANGLION_PYTHON names the Python interpreter (default /usr/bin/python3, Debian's, which has
// python3-numpy; else python3 on the PATH).
#include "bench/peer.h"
#include "core/memory/hopfield.h"
#include "core/memory/patterns.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

using namespace ganglion;
using namespace ganglion::memory;

namespace {

constexpr int kNeurons = 10000, kPatterns = 100, kSweepsPerRecall = 5;
constexpr double kFlip = 0.3, kSeconds = 2.0;

/// The peer's sweeps/s, or a negative number when it could not run.
double runPeer() {
    const auto figs = bench::runPeerScript(std::string(GANGLION_SOURCE_DIR) + "/bench/peers/hopfield_numpy.py",
                                           "--neurons " + std::to_string(kNeurons) + " --patterns " +
                                               std::to_string(kPatterns) + " --sweeps " + std::to_string(kSweepsPerRecall) +
                                               " --seconds " + std::to_string(kSeconds));
    const auto it = figs.find("hopfield_numpy_sweeps_per_s");
    return it == figs.end() ? -1.0 : it->second;
}

}  // namespace

int main(int argc, char** argv) {
    const bool withPeer = !(argc > 1 && std::string(argv[1]) == "--no-peer");
    HopfieldNet net;
    net.store(randomBank(kNeurons, kPatterns, 1).base);
    Rng rng(2);
    long sweeps = 0, flips = 0;
    double seconds = 0, overlap = 0;
    while (seconds < kSeconds) {
        const Vector cue = corruptCue(net.stored().col(0), kFlip, 0.0, 0, 0, rng);
        net.setState(cue, rng);
        const auto t0 = std::chrono::steady_clock::now();
        flips += net.updateAsync(long(kSweepsPerRecall) * kNeurons, 0.0, rng);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sweeps += kSweepsPerRecall;
        overlap = net.overlaps()(0);
    }
    const double rate = double(sweeps) / seconds;
    std::printf("summary: neurons=%d patterns=%d sweeps=%ld seconds=%.3f flips=%ld overlap=%.4f\n", kNeurons, kPatterns,
                sweeps, seconds, flips, overlap);
    std::printf("figure: hopfield_sweeps_per_s=%.1f\n", rate);
    std::printf("figure: hopfield_neuron_updates_per_s=%.3g\n", rate * kNeurons);
    if (!withPeer) return 0;
    const double peer = runPeer();
    if (peer <= 0) {
        std::printf("note: the NumPy peer did not run (python3-numpy missing?); no ratio\n");
        return 0;
    }
    std::printf("figure: hopfield_numpy_sweeps_per_s=%.3f\n", peer);
    std::printf("figure: hopfield_ratio_vs_numpy=%.1f x\n", rate / peer);
    return 0;
}
