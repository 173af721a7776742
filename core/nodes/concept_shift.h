// "ConceptShift" node: the concept-shift task of Man, Damasio & Neven (2022, "Need is all you
// need: homeostatic neural networks adapt to concept shift"): the relation between inputs and
// labels changes while the learner runs. Wired between a data source's labels and a loss, it
// passes the labels through unchanged until training batch `shift_step`; from that batch on every
// label c becomes map(c), and with `shift_every` > 0 a further shift composes another permutation
// every shift_every batches after that. Each shift moves `classes_moved` classes (0: all of them)
// along one cycle drawn from `seed` and the shift's index, so every moved class really changes its
// label (a 2-class shift is a swap, the paper's unit of shift). Test evaluations see the mapping in
// force at the time: the concept changed for the held-out data too.
#pragma once

#include <cstdint>
#include <vector>

namespace ganglion {

/// The label map after `shifts` shifts (index = original label). Deterministic for the arguments;
/// shifts == 0 is the identity. moved == 0 or moved >= classes moves every class.
std::vector<int> conceptShiftMap(int classes, int moved, std::uint64_t seed, int shifts);

}  // namespace ganglion
