// CUBA benchmark (Vogels & Abbott 2005 / Brette et al. 2007): 1 s of biological time at
// dt = 0.1 ms for 4,000 and 40,000 neurons (in-degree ~80), against Brian2 C++ standalone.
// Prints wall time (main loop only, median of 5 seeds) and process CPU time, spikes, synaptic
// events/s, mean rate and the ratios to the Brian2 peer (../shared/peers/brian2_cuba.py, median of
// 3 runs of its main loop) run on this machine right after. Brian2's standalone main-loop timer
// is std::clock(), i.e. process CPU time, so the like-for-like speed-up divides it by our process
// CPU time over the same loop; our wall time is printed too (on a loaded machine it stretches).
#include "core/snn/presets.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace ganglion::snn;

namespace {

struct Result {
    double wall = 0, cpu = 0, rate = 0, evPerS = 0;
    std::uint64_t spikes = 0, events = 0;
    std::size_t synapses = 0;
};

double cpuSeconds() {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

Result runOnce(int n, std::uint64_t seed) {
    CubaConfig cfg;
    cfg.neurons = n;
    Network net = buildCuba(cfg, 1e-4, seed);
    const double c0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    net.run(1.0);
    const auto t1 = std::chrono::steady_clock::now();
    Result r;
    r.cpu = cpuSeconds() - c0;
    r.wall = std::chrono::duration<double>(t1 - t0).count();
    r.spikes = net.totalSpikes();
    r.events = net.synapticEvents();
    r.rate = double(r.spikes) / n / 1.0;
    r.evPerS = double(r.events) / r.cpu;  // per second of CPU time, as Brian2 reports its loop
    r.synapses = net.synapseCount();
    return r;
}

/// Runs the Brian2 peer; returns its main-loop wall time and rate (negative when unavailable).
std::pair<double, double> runPeer(int n) {
    const std::string script = std::string(GANGLION_SHARED_DIR) + "/peers/brian2_cuba.py";
    if (!std::filesystem::exists(script)) return {-1, -1};
    const std::string cmd = "python3 " + script + " --neurons " + std::to_string(n) +
                            " --duration 1 --target cpp_standalone --repeats 3 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) return {-1, -1};
    char line[4096];
    double wall = -1, rate = -1;
    while (fgets(line, sizeof line, pipe.get())) {
        std::string s(line);
        if (auto p = s.find("figure: cuba_run_wall="); p != std::string::npos)
            wall = std::atof(s.c_str() + p + 22);
        if (s.rfind("summary:", 0) == 0)
            if (auto p = s.find(" rate="); p != std::string::npos) rate = std::atof(s.c_str() + p + 6);
    }
    return {wall, rate};
}

}  // namespace

int main(int argc, char** argv) {
    const bool withPeer = !(argc > 1 && std::string(argv[1]) == "--no-peer");
    for (int n : {4000, 40000}) {
        // Median wall time over 5 seeds; the mean rate over the same runs (one seed's rate can
        // differ by ~10% from the network's typical rate at 4,000 neurons).
        std::vector<Result> rs;
        double meanRate = 0;
        for (int rep = 0; rep < 5; ++rep) {
            rs.push_back(runOnce(n, 1 + rep));
            meanRate += rs.back().rate / 5;
        }
        std::sort(rs.begin(), rs.end(), [](const Result& a, const Result& b) { return a.wall < b.wall; });
        const Result& r = rs[2];
        std::printf("ganglion CUBA N=%d synapses=%zu wall=%.4f s (cpu %.4f s) spikes=%llu rate=%.2f Hz "
                    "syn_events=%llu syn_events_per_s=%.4g\n",
                    n, r.synapses, r.wall, r.cpu, (unsigned long long)r.spikes, r.rate,
                    (unsigned long long)r.events, r.evPerS);
        std::printf("figure: cuba%d_wall=%.4f s\n", n, r.wall);
        std::printf("figure: cuba%d_cpu=%.4f s\n", n, r.cpu);
        std::printf("figure: cuba%d_rate=%.3f Hz\n", n, meanRate);
        std::printf("figure: cuba%d_syn_events_per_s=%.4g events/s\n", n, r.evPerS);
        if (!withPeer) continue;
        auto [pw, prate] = runPeer(n);
        if (pw <= 0) {
            std::printf("brian2 peer unavailable (python3-brian missing?)\n");
            continue;
        }
        std::printf("brian2 cpp_standalone N=%d main loop=%.4f s (std::clock) rate=%.2f Hz\n", n, pw, prate);
        std::printf("figure: cuba%d_brian2_loop=%.4f s\n", n, pw);
        std::printf("figure: cuba%d_speedup_vs_brian2=%.2f x\n", n, pw / r.cpu);
        std::printf("figure: cuba%d_wall_speedup_vs_brian2=%.2f x\n", n, pw / r.wall);
        if (prate > 0)
            std::printf("figure: cuba%d_rate_ratio_vs_brian2=%.3f\n", n, meanRate / prate);
    }
    return 0;
}
