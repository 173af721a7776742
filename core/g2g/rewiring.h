// Dynamic sparse training: periodically prune a fraction of the live connections and regrow the
// same number elsewhere, so the sparsity level is preserved exactly.
//  prune: smallest |w| (SET, Mocanu et al. 2018), random, or lowest Hebbian score;
//  regrow: highest Hebbian score, random, or largest |dL/dw| (RigL, Evci et al. 2020).
// The fraction is annealed with RigL's cosine schedule f(t) = f0/2 (1 + cos(pi t / T_end)).
#pragma once

#include "core/g2g/sparse_linear.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ganglion::g2g {

enum class PruneRule { Magnitude, Random, Hebbian };
enum class GrowRule { Hebbian, Random, Gradient };
PruneRule parsePruneRule(const std::string& s);  ///< "magnitude", "random", "hebbian"
GrowRule parseGrowRule(const std::string& s);    ///< "hebbian", "random", "gradient"

struct RewireConfig {
    int every = 0;            ///< rewire every N training steps; 0 = static connectivity
    double fraction = 0.3;    ///< initial fraction of live connections replaced
    int until = 0;            ///< step at which the annealed fraction reaches 0 (0 = no annealing)
    PruneRule prune = PruneRule::Magnitude;
    GrowRule grow = GrowRule::Gradient;
    int hebbianWindow = 20;   ///< batches of activity accumulated before each rewiring
};

/// Fraction to rewire at `step` (0 when static, or past `until`).
double rewireFraction(const RewireConfig& c, std::uint64_t step);
/// Whether a rewiring happens at the start of training step `step`.
bool rewireDue(const RewireConfig& c, std::uint64_t step);

/// Cosine similarity between pre- and post-synaptic activity, accumulated over batches.
class HebbianTrace {
public:
    void reset(int rows, int cols);
    /// pre: cols x B (layer input), post: rows x B (layer output).
    void accumulate(const Matrix& pre, const Matrix& post);
    int batches() const { return batches_; }
    /// |cos(pre_j, post_i)| over the accumulated batches (rows x cols); 0 where either is silent.
    Matrix score() const;

private:
    Matrix corr_;
    Vector preSq_, postSq_;
    int batches_ = 0;
};

struct RewireEvent {
    std::uint64_t step = 0;
    std::vector<std::pair<int, int>> pruned;  ///< (row, col) removed
    std::vector<std::pair<int, int>> grown;   ///< (row, col) added
    std::vector<int> movedSlots;                ///< slots reassigned (same order as grown)
};

/// Moves `count` live connections: prune by `prune`, regrow by `grow` among connections that
/// are neither live nor just pruned. `hebbian` (rows x cols) is needed by the Hebbian rules,
/// `gradient` (rows x cols, dense dL/dW) by the gradient rule; a rule missing its input throws
/// std::invalid_argument. Regrown weights start at 0. Rebuilds the structure and repacks.
/// The live count is unchanged; when fewer candidates than `count` exist, fewer move.
RewireEvent rewire(SparseLinear& layer, int count, PruneRule prune, GrowRule grow, const Matrix* hebbian,
                   const Matrix* gradient, Rng& rng);

}  // namespace ganglion::g2g
