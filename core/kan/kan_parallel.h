// Internal to the KAN layer: the two-thread split of large layers (see setThreads in kan_layer.h).
#pragma once

#include "core/kan/kan_layer.h"
#include "core/model/run_parts.h"

namespace ganglion::kan::detail {

/// Runs f(part, parts) on threads() threads (the caller takes part 0) when the work is big enough
/// to pay for a thread start; f must only write disjoint ranges.
template <class F>
void parallel(bool big, F&& f) {
    runParts(big ? threads() : 1, std::forward<F>(f));
}

inline bool bigWork(int in, int nb, int out, Eigen::Index n) { return double(in) * nb * out * double(n) > 2e6; }

}  // namespace ganglion::kan::detail
