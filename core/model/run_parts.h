// Splitting a kernel's work over the two cores: runParts(parts, f) calls f(part, parts) for every
// part, part 0 on the calling thread and part 1 on one started for it (the kernels that use it
// split at most in two). f must only write disjoint ranges.
#pragma once

#include <thread>
#include <utility>

namespace ganglion {

template <class F>
void runParts(int parts, F&& f) {
    if (parts <= 1) {
        f(0, 1);
        return;
    }
    std::thread t([&] { f(1, parts); });
    f(0, parts);
    t.join();
}

}  // namespace ganglion
