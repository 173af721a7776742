#include "core/g2g/rewiring.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ganglion::g2g {

PruneRule parsePruneRule(const std::string& s) {
    if (s == "magnitude") return PruneRule::Magnitude;
    if (s == "random") return PruneRule::Random;
    if (s == "hebbian") return PruneRule::Hebbian;
    throw std::invalid_argument("unknown prune rule '" + s + "' (choose magnitude, random or hebbian)");
}

GrowRule parseGrowRule(const std::string& s) {
    if (s == "hebbian") return GrowRule::Hebbian;
    if (s == "random") return GrowRule::Random;
    if (s == "gradient") return GrowRule::Gradient;
    throw std::invalid_argument("unknown regrow rule '" + s + "' (choose hebbian, random or gradient)");
}

double rewireFraction(const RewireConfig& c, std::uint64_t step) {
    if (c.every <= 0 || c.fraction <= 0.0) return 0.0;
    if (c.until <= 0) return c.fraction;
    if (step >= std::uint64_t(c.until)) return 0.0;
    return c.fraction * 0.5 * (1.0 + std::cos(M_PI * double(step) / double(c.until)));
}

bool rewireDue(const RewireConfig& c, std::uint64_t step) {
    return c.every > 0 && step > 0 && step % std::uint64_t(c.every) == 0 && rewireFraction(c, step) > 0.0;
}

void HebbianTrace::reset(int rows, int cols) {
    corr_ = Matrix::Zero(rows, cols);
    preSq_ = Vector::Zero(cols);
    postSq_ = Vector::Zero(rows);
    batches_ = 0;
}

void HebbianTrace::accumulate(const Matrix& pre, const Matrix& post) {
    if (corr_.rows() != post.rows() || corr_.cols() != pre.rows()) reset(int(post.rows()), int(pre.rows()));
    corr_.noalias() += post * pre.transpose();
    preSq_ += pre.rowwise().squaredNorm();
    postSq_ += post.rowwise().squaredNorm();
    ++batches_;
}

Matrix HebbianTrace::score() const {
    Matrix s(corr_.rows(), corr_.cols());
    const Vector pre = preSq_.cwiseSqrt(), post = postSq_.cwiseSqrt();
    for (Eigen::Index j = 0; j < s.cols(); ++j)
        for (Eigen::Index i = 0; i < s.rows(); ++i) {
            const float d = post(i) * pre(j);
            s(i, j) = d > 1e-12f ? std::abs(corr_(i, j)) / d : 0.f;
        }
    return s;
}

namespace {
// Indices of the `n` largest keys (ties broken by index order for determinism).
std::vector<int> topN(std::vector<std::pair<float, int>>& keyed, int n) {
    n = std::min<int>(n, int(keyed.size()));
    auto cmp = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
    std::partial_sort(keyed.begin(), keyed.begin() + n, keyed.end(), cmp);
    std::vector<int> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out[std::size_t(i)] = keyed[std::size_t(i)].second;
    return out;
}
}  // namespace

RewireEvent rewire(SparseLinear& layer, int count, PruneRule prune, GrowRule grow, const Matrix* hebbian,
                   const Matrix* gradient, Rng& rng) {
    auto& s = layer.s;
    const bool needHebb = prune == PruneRule::Hebbian || grow == GrowRule::Hebbian;
    if (needHebb && (!hebbian || hebbian->rows() != s.rows || hebbian->cols() != s.cols))
        throw std::invalid_argument("Hebbian rewiring needs a rows x cols Hebbian score matrix");
    if (grow == GrowRule::Gradient && (!gradient || gradient->rows() != s.rows || gradient->cols() != s.cols))
        throw std::invalid_argument("gradient regrowth needs the dense rows x cols weight gradient");
    RewireEvent ev;
    const int nnz = s.nnz();
    const std::size_t cells = std::size_t(s.rows) * std::size_t(s.cols);
    count = std::clamp(count, 0, nnz);
    // Regrowth candidates: every connection not live now (pruned ones are excluded below).
    std::vector<std::uint8_t> state(cells, 0);  // 0 free, 1 live, 2 pruned now
    for (int k = 0; k < nnz; ++k) state[std::size_t(s.slotRow[k]) * s.cols + std::size_t(s.slotCol[k])] = 1;
    const int freeCells = int(cells - std::size_t(nnz));
    count = std::min(count, freeCells);
    if (count == 0) return ev;

    // Prune: choose `count` slots.
    std::vector<std::pair<float, int>> keyed(static_cast<std::size_t>(nnz));
    for (int k = 0; k < nnz; ++k) {
        const int r = s.slotRow[k], c = s.slotCol[k];
        float key = 0.f;  // larger key = pruned first
        if (prune == PruneRule::Magnitude) key = -std::abs(layer.w(k));
        else if (prune == PruneRule::Hebbian) key = -(*hebbian)(r, c);
        keyed[std::size_t(k)] = {key, k};
    }
    if (prune == PruneRule::Random) std::shuffle(keyed.begin(), keyed.end(), rng);
    std::vector<int> pruned = prune == PruneRule::Random ? std::vector<int>() : topN(keyed, count);
    if (prune == PruneRule::Random)
        for (int i = 0; i < count; ++i) pruned.push_back(keyed[std::size_t(i)].second);
    std::sort(pruned.begin(), pruned.end());
    for (int k : pruned) state[std::size_t(s.slotRow[k]) * s.cols + std::size_t(s.slotCol[k])] = 2;

    // Regrow: choose `count` free cells.
    std::vector<std::pair<float, int>> cand;
    cand.reserve(std::size_t(freeCells));
    for (std::size_t cell = 0; cell < cells; ++cell) {
        if (state[cell] != 0) continue;
        const int r = int(cell / std::size_t(s.cols)), c = int(cell % std::size_t(s.cols));
        float key = 0.f;
        if (grow == GrowRule::Hebbian) key = (*hebbian)(r, c);
        else if (grow == GrowRule::Gradient) key = std::abs((*gradient)(r, c));
        cand.push_back({key, int(cell)});
    }
    std::vector<int> grown;
    if (grow == GrowRule::Random) {
        std::shuffle(cand.begin(), cand.end(), rng);
        for (int i = 0; i < std::min<int>(count, int(cand.size())); ++i) grown.push_back(cand[std::size_t(i)].second);
    } else {
        grown = topN(cand, count);
    }
    const int moved = int(grown.size());
    ev.pruned.reserve(std::size_t(moved));
    for (int i = 0; i < moved; ++i) {
        const int k = pruned[std::size_t(i)];
        ev.pruned.push_back({s.slotRow[k], s.slotCol[k]});
        const int cell = grown[std::size_t(i)];
        s.slotRow[k] = cell / s.cols;
        s.slotCol[k] = cell % s.cols;
        layer.w(k) = 0.f;
        ev.grown.push_back({s.slotRow[k], s.slotCol[k]});
        ev.movedSlots.push_back(k);
    }
    s.rebuild();
    layer.pack();
    return ev;
}

}  // namespace ganglion::g2g
