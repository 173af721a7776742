// CUBA benchmark (Vogels & Abbott 2005 / Brette et al. 2007): 1 s of biological time at
// dt = 0.1 ms for 4,000 and 40,000 neurons (in-degree ~80), against Brian2 C++ standalone
// (../shared/peers/brian2_cuba.py, median of 3 runs of its main loop) run on this machine right
// after, on one thread and with its OpenMP code on two; then a 1,000,000-neuron network of the
// same kind (80 synapses per neuron) for 0.1 s against Brian2 at the same size.
//
// Our runs: median of 5 seeds on one thread (wall and process CPU time) and on two threads (wall;
// the spike counts of a seed must equal the one-thread run's). Brian2's single-thread main-loop
// timer is std::clock(), i.e. process CPU time, so the single-core like-for-like ratio divides it
// by our one-thread CPU time (`_speedup_1t_vs_brian2`). With OpenMP Brian2 times its loop with
// omp_get_wtime() (wall), compared with our two-thread wall time (`_speedup_vs_brian2_omp2`). The
// headline `_speedup_vs_brian2` is Brian2 on one thread against us on both cores (wall).
#include "core/snn/presets.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace ganglion::snn;

namespace {

struct Result {
    double wall = 0, cpu = 0, rate = 0, evPerS = 0, build = 0;
    std::uint64_t spikes = 0, events = 0;
    std::size_t synapses = 0;
};

double cpuSeconds() {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

Result runOnce(int n, std::uint64_t seed, int threads, double seconds) {
    CubaConfig cfg;
    cfg.neurons = n;
    const double b0 = now();
    Network net = buildCuba(cfg, 1e-4, seed);
    Result r;
    r.build = now() - b0;
    net.setThreads(threads);
    const double c0 = cpuSeconds(), t0 = now();
    net.run(seconds);
    r.wall = now() - t0;
    r.cpu = cpuSeconds() - c0;
    r.spikes = net.totalSpikes();
    r.events = net.synapticEvents();
    r.rate = double(r.spikes) / n / seconds;
    r.evPerS = double(r.events) / r.cpu;  // per second of CPU time, as Brian2 reports its loop
    r.synapses = net.synapseCount();
    return r;
}

struct Peer {
    double loop = -1, rate = -1, proc = -1, build = -1, rssMb = -1;
};

/// Runs the Brian2 peer; loop < 0 when unavailable.
Peer runPeer(int n, int threads, double seconds, int repeats) {
    // GANGLION_SHARED_DIR in the environment overrides the build's ../shared (a git worktree's
    // parent has no shared/).
    const char* env = std::getenv("GANGLION_SHARED_DIR");
    const std::string script = std::string(env ? env : GANGLION_SHARED_DIR) + "/peers/brian2_cuba.py";
    if (!std::filesystem::exists(script)) return {};
    const std::string cmd = "python3 " + script + " --neurons " + std::to_string(n) + " --duration " +
                            std::to_string(seconds) + " --target cpp_standalone --threads " +
                            std::to_string(threads) + " --repeats " + std::to_string(repeats) +
                            // own project directory for the OpenMP build, so neither rebuilds the other
                            (threads > 1 ? " --build-dir /tmp/brian2_cuba_" + std::to_string(n) + "_omp" +
                                               std::to_string(threads) : std::string()) +
                            " 2>/dev/null";
    Peer p;
    {
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
        if (!pipe) return {};
        char line[4096];
        auto after = [](const std::string& s, const char* key) {
            const auto at = s.find(key);
            return at == std::string::npos ? -1.0 : std::atof(s.c_str() + at + std::strlen(key));
        };
        while (fgets(line, sizeof line, pipe.get())) {
            const std::string s(line);
            if (s.find("figure: cuba_run_wall=") != std::string::npos) p.loop = after(s, "cuba_run_wall=");
            if (s.rfind("summary:", 0) == 0) p.rate = after(s, " rate=");
            if (s.find("whole binary") != std::string::npos) p.proc = after(s, "creation: ");
            if (s.rfind("code generation", 0) == 0) p.build = after(s, "compilation: ");
        }
    }
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);  // largest descendant waited for so far (KB on Linux)
    p.rssMb = double(ru.ru_maxrss) / 1024.0;
    return p;
}

Result median(std::vector<Result> rs) {
    std::sort(rs.begin(), rs.end(), [](const Result& a, const Result& b) { return a.wall < b.wall; });
    return rs[rs.size() / 2];
}

void benchSize(int n, bool withPeer) {
    // Median wall time over 5 seeds; the mean rate over the same runs (one seed's rate can differ
    // by ~10% from the network's typical rate at 4,000 neurons).
    std::vector<Result> one, two;
    double meanRate = 0;
    bool identical = true;
    for (int rep = 0; rep < 5; ++rep) {
        one.push_back(runOnce(n, 1 + rep, 1, 1.0));
        two.push_back(runOnce(n, 1 + rep, 2, 1.0));
        meanRate += one.back().rate / 5;
        identical &= one.back().spikes == two.back().spikes && one.back().events == two.back().events;
    }
    const Result r = median(one), r2 = median(two);
    std::printf("ganglion CUBA N=%d synapses=%zu wall=%.4f s (cpu %.4f s) spikes=%llu rate=%.2f Hz "
                "syn_events=%llu syn_events_per_s=%.4g\n",
                n, r.synapses, r.wall, r.cpu, (unsigned long long)r.spikes, r.rate,
                (unsigned long long)r.events, r.evPerS);
    std::printf("ganglion CUBA N=%d on 2 threads: wall=%.4f s (cpu %.4f s), spike counts of every seed %s "
                "the 1-thread run's\n", n, r2.wall, r2.cpu, identical ? "equal" : "DIFFER FROM");
    std::printf("figure: cuba%d_wall=%.4f s\n", n, r.wall);
    std::printf("figure: cuba%d_cpu=%.4f s\n", n, r.cpu);
    std::printf("figure: cuba%d_wall_2t=%.4f s\n", n, r2.wall);
    std::printf("figure: cuba%d_thread_speedup=%.2f x\n", n, r.wall / r2.wall);
    std::printf("figure: cuba%d_rate=%.3f Hz\n", n, meanRate);
    std::printf("figure: cuba%d_syn_events_per_s=%.4g events/s\n", n, r.evPerS);
    if (!withPeer) return;
    const Peer p = runPeer(n, 1, 1.0, 3);
    if (p.loop <= 0) {
        std::printf("brian2 peer unavailable (python3-brian missing?)\n");
        return;
    }
    std::printf("brian2 cpp_standalone N=%d main loop=%.4f s (std::clock) rate=%.2f Hz\n", n, p.loop, p.rate);
    std::printf("figure: cuba%d_brian2_loop=%.4f s\n", n, p.loop);
    std::printf("figure: cuba%d_speedup_vs_brian2=%.2f x\n", n, p.loop / r2.wall);
    std::printf("figure: cuba%d_speedup_1t_vs_brian2=%.2f x\n", n, p.loop / r.cpu);
    std::printf("figure: cuba%d_wall_speedup_vs_brian2=%.2f x\n", n, p.loop / r.wall);
    if (p.rate > 0) std::printf("figure: cuba%d_rate_ratio_vs_brian2=%.3f\n", n, meanRate / p.rate);
    const Peer p2 = runPeer(n, 2, 1.0, 3);
    if (p2.loop > 0) {
        std::printf("brian2 cpp_standalone OpenMP 2 threads N=%d main loop=%.4f s (wall)\n", n, p2.loop);
        std::printf("figure: cuba%d_brian2_omp2_loop=%.4f s\n", n, p2.loop);
        std::printf("figure: cuba%d_speedup_vs_brian2_omp2=%.2f x\n", n, p2.loop / r2.wall);
    }
}

void benchMillion(bool withPeer) {
    const int n = 1000000;
    const double seconds = 0.1;
    const Result r = runOnce(n, 1, 2, seconds);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double rss = double(ru.ru_maxrss) / 1024.0;
    std::printf("ganglion CUBA N=%d synapses=%zu build=%.2f s run %.2f s of biology: wall=%.3f s (2 threads) "
                "spikes=%llu rate=%.2f Hz\n", n, r.synapses, r.build, seconds, r.wall,
                (unsigned long long)r.spikes, r.rate);
    std::printf("figure: cuba1m_build_s=%.2f s\n", r.build);
    std::printf("figure: cuba1m_peak_rss_mb=%.0f MB\n", rss);
    std::printf("figure: cuba1m_realtime_factor=%.4f x\n", seconds / r.wall);
    if (!withPeer) return;
    const Peer p = runPeer(n, 1, seconds, 1);
    if (p.loop <= 0) {
        std::printf("brian2 at N=%d did not finish (memory or time)\n", n);
        return;
    }
    std::printf("brian2 cpp_standalone N=%d: code generation + compilation %.1f s, binary incl. synapse "
                "creation %.1f s, main loop %.3f s for %.2f s of biology, rate=%.2f Hz, peak RSS %.0f MB\n",
                n, p.build, p.proc, p.loop, seconds, p.rate, p.rssMb);
    std::printf("figure: cuba1m_brian2_realtime_factor=%.4f x\n", seconds / p.loop);
    std::printf("figure: cuba1m_brian2_peak_rss_mb=%.0f MB\n", p.rssMb);
    std::printf("figure: cuba1m_speedup_vs_brian2=%.2f x\n", p.loop / r.wall);
    std::printf("figure: cuba1m_rss_ratio_vs_brian2=%.3f\n", rss / p.rssMb);
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
    bool withPeer = true, million = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--no-peer") withPeer = false;
        else if (a == "--no-1m") million = false;
        else {
            std::fprintf(stderr, "usage: bench_cuba [--no-peer] [--no-1m]\n");
            return 2;
        }
    }
    for (int n : {4000, 40000}) benchSize(n, withPeer);
    if (million) benchMillion(withPeer);
    return 0;
}
