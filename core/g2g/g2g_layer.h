// A G2GNet layer independent of the engine: sparse ensemble-to-ensemble weights, dynamic
// rewiring schedule with its Hebbian / gradient bookkeeping, and activation-sparsity statistics.
// Used by the "G2GLayer" node kernel and by the self-contained trainer (bench, tests).
#pragma once

#include "core/g2g/ensembles.h"
#include "core/g2g/rewiring.h"
#include "core/g2g/sparse_linear.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace ganglion::g2g {

/// Fraction of exact zeros and of |a| < eps, per batch and as a running (exponential) mean.
struct ActivationStats {
    double zeroFraction = 0, smallFraction = 0;          ///< last batch
    double zeroFractionMean = 0, smallFractionMean = 0;  ///< running mean (EMA, alpha 0.05)
    std::uint64_t batches = 0;
    void update(const Matrix& a, float eps);
    void reset() { *this = ActivationStats{}; }
};

/// What the connectivity view draws (published as Observables::extra["g2g_connectivity"]).
struct G2GConnectivity {
    int rows = 0, cols = 0, ensembles = 1;
    std::vector<int> rowEnsemble, colEnsemble;  ///< ensemble of each output / input neuron
    std::vector<int> rowOrder, colOrder;        ///< neurons sorted by ensemble (display order)
    std::vector<std::int32_t> liveRow, liveCol; ///< live connections
    std::vector<float> liveWeight;
    std::vector<std::pair<int, int>> pruned, grown;  ///< of the latest rewiring
    std::uint64_t rewireStep = 0;  ///< step of the latest rewiring
    int rewireCount = 0;           ///< rewirings so far (views flash when it changes)
    std::uint64_t step = 0;        ///< step at publication
};

class G2GLayer {
public:
    void build(int in, int out, const G2GConfig& cfg, Rng& rng);
    int inputs() const { return lin.s.cols; }
    int outputs() const { return lin.s.rows; }

    /// Whether training step `step` should feed the Hebbian trace / the dense gradient.
    bool wantsHebbian(std::uint64_t step) const;
    bool wantsGradient(std::uint64_t step) const;
    /// At the start of training step `step`: rewire when due. Returns true when it did (the
    /// caller must then reset optimiser state of `lastEvent.movedSlots`).
    bool maybeRewire(std::uint64_t step, Rng& rng);

    std::shared_ptr<const G2GConnectivity> connectivity(std::uint64_t step) const;

    SparseLinear lin;
    EnsembleAssignment ens;
    G2GConfig cfg;
    RewireConfig rewiring;
    HebbianTrace hebbian;
    Matrix denseGrad;  ///< dL/dW (dense) of the step before a gradient regrowth
    bool denseGradValid = false;
    RewireEvent lastEvent;
    int rewireCount = 0;
};

}  // namespace ganglion::g2g
