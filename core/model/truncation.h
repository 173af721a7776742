// Truncated back-propagation through time, shared by every node that carries state from one step
// of a sequence to the next (recurrent cells, LIF layers, the L2MU, the Delta layer).
//
// With bptt_steps = K > 0 the sequence is cut into chunks of K steps (steps 0…K−1, K…2K−1, …) and
// the state that enters a chunk is treated as a constant in the backward pass — PyTorch's
// `h = h.detach()` every K steps. A gradient therefore travels back at most K steps: the loss at
// step t reaches the parameters and inputs of steps t, t−1, … down to the start of t's chunk, never
// an older one. The forward pass is unchanged. K = 0 (the default) or K ≥ T is exact full BPTT.
// A node lists bpttParam() among its parameters, reads it with Truncation::from() at build, and in
// its backward loop over t = T−1 … 0 drops what it carries to step t−1 where cutBelow(t) says so.
#pragma once

#include "core/model/params.h"

#include <stdexcept>
#include <string>

namespace ganglion {

inline ParamSpec bpttParam() {
    return intParam("bptt_steps", 0, 0, 1000000,
                    "Truncated BPTT: gradients flow back at most this many steps (the sequence is cut into chunks of "
                    "this length and the state entering a chunk is held constant in backward); 0 = full BPTT.",
                    true);
}

struct Truncation {
    int K = 0;  ///< chunk length; 0 = no truncation

    static Truncation from(const ParamSet& p) { return Truncation{int(p.getInt("bptt_steps"))}; }
    /// Going back from step t to step t − 1 crosses a chunk boundary: drop the carried gradient.
    bool cutBelow(int t) const { return K > 0 && t > 0 && t % K == 0; }
    /// The PyTorch export trains with full BPTT: refuse a truncation that would change the
    /// gradient (K < T), naming the parameter.
    void requireFull(int T) const {
        if (K > 0 && K < T)
            throw std::runtime_error("bptt_steps = " + std::to_string(K) + " (truncated BPTT over " + std::to_string(T) +
                                     " steps) has no PyTorch export: train.py runs full BPTT; set it to 0");
    }
};

}  // namespace ganglion
