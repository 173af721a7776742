// Splitting a kernel's work over the cores: runParts(parts, f) calls f(part, parts) for every
// part, part 0 on the calling thread and each other part on a thread started for it. f must only
// write disjoint ranges. Parts that advance together through many short steps (the spiking
// simulator) start their threads once per run and meet at a SpinBarrier between phases.
#pragma once

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

namespace ganglion {

template <class F>
void runParts(int parts, F&& f) {
    if (parts <= 1) {
        f(0, 1);
        return;
    }
    std::vector<std::thread> others;
    others.reserve(std::size_t(parts - 1));
    for (int p = 1; p < parts; ++p) others.emplace_back([&f, p, parts] { f(p, parts); });
    f(0, parts);
    for (auto& t : others) t.join();
}

/// A reusable barrier for `n` threads: spins briefly (a step of a few microseconds would lose
/// more to a sleep), then sleeps until the last thread arrives (the other thread may be
/// descheduled on a busy machine; a sleeping waiter leaves the core to it).
class SpinBarrier {
public:
    explicit SpinBarrier(int n) : n_(n) {}
    void wait() {
        if (n_ <= 1) return;
        const unsigned gen = gen_.load(std::memory_order_acquire);
        if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
            count_.store(0, std::memory_order_relaxed);
            gen_.store(gen + 1, std::memory_order_release);
            gen_.notify_all();
            return;
        }
        for (int spins = 0; gen_.load(std::memory_order_acquire) == gen; ++spins) {
            if (spins < 4000) {
#if defined(__x86_64__) || defined(__i386__)
                __builtin_ia32_pause();
#endif
            } else {
                gen_.wait(gen, std::memory_order_acquire);
            }
        }
    }

private:
    int n_;
    std::atomic<int> count_{0};
    std::atomic<unsigned> gen_{0};
};

}  // namespace ganglion
