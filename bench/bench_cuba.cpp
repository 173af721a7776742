// CUBA benchmark (Vogels & Abbott 2005 / Brette et al. 2007): 1 s of biological time at
// dt = 0.1 ms for 4,000 and 40,000 neurons (in-degree ~80), against Brian2 C++ standalone.
// Prints wall time (main loop only, median of repeats), spikes, synaptic events/s, mean rate and
// the ratio to the Brian2 peer (../shared/peers/brian2_cuba.py) run on this machine now.
#include "core/snn/presets.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace ganglion::snn;

namespace {

struct Result {
    double wall = 0, rate = 0, evPerS = 0;
    std::uint64_t spikes = 0, events = 0;
    std::size_t synapses = 0;
};

Result runOnce(int n, std::uint64_t seed) {
    CubaConfig cfg;
    cfg.neurons = n;
    Network net = buildCuba(cfg, 1e-4, seed);
    const auto t0 = std::chrono::steady_clock::now();
    net.run(1.0);
    const auto t1 = std::chrono::steady_clock::now();
    Result r;
    r.wall = std::chrono::duration<double>(t1 - t0).count();
    r.spikes = net.totalSpikes();
    r.events = net.synapticEvents();
    r.rate = double(r.spikes) / n / 1.0;
    r.evPerS = double(r.events) / r.wall;
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
        std::vector<Result> rs;
        for (int rep = 0; rep < 3; ++rep) rs.push_back(runOnce(n, 1 + rep));
        std::sort(rs.begin(), rs.end(), [](const Result& a, const Result& b) { return a.wall < b.wall; });
        const Result& r = rs[1];
        std::printf("ganglion CUBA N=%d synapses=%zu wall=%.4f s spikes=%llu rate=%.2f Hz "
                    "syn_events=%llu syn_events_per_s=%.4g\n",
                    n, r.synapses, r.wall, (unsigned long long)r.spikes, r.rate,
                    (unsigned long long)r.events, r.evPerS);
        std::printf("figure: cuba%d_wall=%.4f s\n", n, r.wall);
        std::printf("figure: cuba%d_rate=%.3f Hz\n", n, r.rate);
        std::printf("figure: cuba%d_syn_events_per_s=%.4g events/s\n", n, r.evPerS);
        if (!withPeer) continue;
        auto [pw, prate] = runPeer(n);
        if (pw <= 0) {
            std::printf("brian2 peer unavailable (python3-brian missing?)\n");
            continue;
        }
        std::printf("brian2 cpp_standalone N=%d wall=%.4f s rate=%.2f Hz\n", n, pw, prate);
        std::printf("figure: cuba%d_brian2_wall=%.4f s\n", n, pw);
        std::printf("figure: cuba%d_speedup_vs_brian2=%.2f x\n", n, pw / r.wall);
        if (prate > 0)
            std::printf("figure: cuba%d_rate_ratio_vs_brian2=%.3f\n", n, r.rate / prate);
    }
    return 0;
}
