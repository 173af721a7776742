// "TaskStream" node: a continual-learning stream of tasks, permuted Fashion-MNIST — every task is
// the whole 10-class problem seen through its own fixed pixel permutation (the domain-incremental
// setting of permuted MNIST, where one shared head serves all tasks, as in the HLOP paper's PMNIST
// experiments). Training batches come from one task at a time, switching every steps_per_task
// batches; test evaluations emit the same test images under every task's permutation at once, with
// a row saying which task each column belongs to (TaskAccuracy turns that into the accuracy
// matrix). The task output's shape is labels(tasks), so a consumer knows the number of tasks at build.
#pragma once

#include <cstdint>
#include <vector>

namespace ganglion {

/// The pixel permutation of task `task` (0-based) for `seed`: pixel p of a task image is pixel
/// perm[p] of the original. With firstIdentity, task 0 is the identity (the unpermuted images).
std::vector<int> taskPermutation(std::uint64_t seed, int task, int pixels, bool firstIdentity);

}  // namespace ganglion
