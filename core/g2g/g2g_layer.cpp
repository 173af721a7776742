#include "core/g2g/g2g_layer.h"
#include "core/io/extra_tables.h"

#include <cmath>

namespace ganglion::g2g {

namespace {

// Export table: the live connections (output row, input column, their ensembles, weight).
const bool kTableRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    auto c = std::any_cast<std::shared_ptr<const G2GConnectivity>>(&v);
    if (!c || !*c) return false;
    if (!out) return true;  // asked only whether it converts
    io::ExtraTable& t = *out;
    const G2GConnectivity& g = **c;
    t.columns = {"row", "col", "row_ensemble", "col_ensemble", "weight"};
    for (std::size_t k = 0; k < g.liveRow.size(); ++k) {
        const int r = g.liveRow[k], col = g.liveCol[k];
        auto ens = [](const std::vector<int>& e, int i) { return i >= 0 && std::size_t(i) < e.size() ? double(e[std::size_t(i)]) : -1.0; };
        t.rows.push_back({double(r), double(col), ens(g.rowEnsemble, r), ens(g.colEnsemble, col),
                          k < g.liveWeight.size() ? double(g.liveWeight[k]) : 0.0});
    }
    return true;
});

}  // namespace


void ActivationStats::update(const Matrix& a, float eps) {
    if (a.size() == 0) return;
    const double n = double(a.size());
    zeroFraction = double((a.array() == 0.f).count()) / n;
    smallFraction = double((a.array().abs() < eps).count()) / n;
    constexpr double alpha = 0.05;
    if (batches == 0) {
        zeroFractionMean = zeroFraction;
        smallFractionMean = smallFraction;
    } else {
        zeroFractionMean += alpha * (zeroFraction - zeroFractionMean);
        smallFractionMean += alpha * (smallFraction - smallFractionMean);
    }
    ++batches;
}

void G2GLayer::build(int in, int out, const G2GConfig& c, Rng& rng) {
    cfg = c;
    ens = assignEnsembles(in, out, c, rng);
    lin.s = sampleStructure(ens, c, rng);
    initFanIn(lin, rng);
    hebbian.reset(out, in);
    denseGrad.resize(0, 0);
    denseGradValid = false;
    lastEvent = {};
    rewireCount = 0;
}

bool G2GLayer::wantsHebbian(std::uint64_t step) const {
    const bool hebb = rewiring.prune == PruneRule::Hebbian || rewiring.grow == GrowRule::Hebbian;
    if (!hebb || rewiring.every <= 0) return false;
    // Steps (next - window, next] before the next rewiring step `next`.
    const std::uint64_t every = std::uint64_t(rewiring.every);
    const std::uint64_t next = (step / every + 1) * every;
    return next - step <= std::uint64_t(std::max(1, rewiring.hebbianWindow)) && rewireFraction(rewiring, next) > 0;
}

bool G2GLayer::wantsGradient(std::uint64_t step) const {
    return rewiring.grow == GrowRule::Gradient && rewireDue(rewiring, step + 1);
}

bool G2GLayer::maybeRewire(std::uint64_t step, Rng& rng) {
    if (!rewireDue(rewiring, step)) return false;
    const bool needHebb = rewiring.prune == PruneRule::Hebbian || rewiring.grow == GrowRule::Hebbian;
    if (needHebb && hebbian.batches() == 0) return false;
    if (rewiring.grow == GrowRule::Gradient && !denseGradValid) return false;
    const int count = int(std::lround(rewireFraction(rewiring, step) * lin.s.nnz()));
    Matrix hs;
    if (needHebb) hs = hebbian.score();
    lastEvent = rewire(lin, count, rewiring.prune, rewiring.grow, needHebb ? &hs : nullptr,
                       denseGradValid ? &denseGrad : nullptr, rng);
    lastEvent.step = step;
    ++rewireCount;
    hebbian.reset(outputs(), inputs());
    denseGradValid = false;
    return true;
}

std::shared_ptr<const G2GConnectivity> G2GLayer::connectivity(std::uint64_t step) const {
    auto c = std::make_shared<G2GConnectivity>();
    c->rows = outputs();
    c->cols = inputs();
    c->ensembles = cfg.ensembles;
    c->rowEnsemble = ens.out;
    c->colEnsemble = ens.in;
    c->rowOrder = orderByEnsemble(ens.out);
    c->colOrder = orderByEnsemble(ens.in);
    c->liveRow = lin.s.slotRow;
    c->liveCol = lin.s.slotCol;
    c->liveWeight.assign(lin.w.data(), lin.w.data() + lin.w.size());
    c->pruned = lastEvent.pruned;
    c->grown = lastEvent.grown;
    c->rewireStep = lastEvent.step;
    c->rewireCount = rewireCount;
    c->step = step;
    return c;
}

}  // namespace ganglion::g2g
