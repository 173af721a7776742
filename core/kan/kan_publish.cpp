#include "core/kan/kan_publish.h"
#include "core/io/extra_tables.h"

#include "core/kan/kan_symbolic.h"

#include <algorithm>
#include <cmath>

namespace ganglion::kan {

namespace {

// Export table: every sampled edge function, one row per sample (in, out, x, phi).
const bool kTableRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    auto s = std::any_cast<std::shared_ptr<const KanLayerSamples>>(&v);
    if (!s || !*s) return false;
    if (!out) return true;  // asked only whether it converts
    io::ExtraTable& t = *out;
    t.columns = {"in", "out", "x", "phi"};
    for (const auto& e : (*s)->edges)
        for (std::size_t k = 0; k < e.x.size() && k < e.y.size(); ++k) t.rows.push_back({double(e.in), double(e.out), e.x[k], e.y[k]});
    return true;
});

}  // namespace


namespace {
constexpr int kHistBins = 24;
}  // namespace

Matrix layerEdgeValues(const Layer& L, int i, const Eigen::RowVectorXf& xs) {
    const int out = L.out(), nb = L.nb();
    const Eigen::Index n = xs.size();
    Matrix B(nb, n);
    for (Eigen::Index b = 0; b < n; ++b) L.basis().evaluateOne(i, xs(b), B.col(b).data(), nullptr);
    Matrix v = L.coef.middleCols(Eigen::Index(i) * nb, nb) * B;  // spline parts, out x n
    const auto& lib = symbolicLibrary();
    for (int o = 0; o < out; ++o) {
        const float mk = L.mask(o, i), sb = L.scaleBase(o, i), ss = L.scaleSp(o, i);
        const SymbolicEdge& s = L.symbolic[size_t(i) * out + o];
        for (Eigen::Index b = 0; b < n; ++b) {
            float y = mk * (sb * silu(xs(b)) + ss * v(o, b));
            if (s.fn >= 0) y += s.c * lib[size_t(s.fn)].f(s.a * xs(b) + s.b) + s.d;
            v(o, b) = y;
        }
    }
    return v;
}

void scoreColumn(const Matrix& values, Matrix& scores, int i) {
    const Eigen::Index n = values.cols();
    for (Eigen::Index o = 0; o < values.rows(); ++o) {
        if (n < 2) {
            scores(o, i) = 0.f;
            continue;
        }
        const double mean = values.row(o).cast<double>().mean();
        scores(o, i) = float(std::sqrt((values.row(o).cast<double>().array() - mean).square().sum() / double(n)));
    }
}

void RecentInputs::reset(int in) {
    m_.resize(in, 0);
    cursor_ = 0;
}

void RecentInputs::add(const Matrix& x) {
    if (m_.cols() < kRecent) {
        const Eigen::Index take = std::min<Eigen::Index>(x.cols(), kRecent - m_.cols());
        m_.conservativeResize(x.rows(), m_.cols() + take);
        m_.rightCols(take) = x.leftCols(take);
        return;
    }
    for (Eigen::Index b = 0; b < std::min<Eigen::Index>(x.cols(), kRecent); ++b) {
        m_.col(cursor_) = x.col(b);
        cursor_ = (cursor_ + 1) % kRecent;
    }
}

const Matrix& ScoreCache::get(int in, int out, const Matrix& recent, std::uint64_t revision, std::uint64_t trainSteps,
                              const Scorer& score) const {
    if (recent.cols() < 2) {
        scores_.resize(0, 0);
        return scores_;
    }
    const bool wide = long(in) * out > kMaxScoreEdges;
    if (!wide) return scores_ = score(recent);
    const bool fresh = scores_.rows() == out && scores_.cols() == in && revision_ == revision && trainSteps < step_ + kScoreEvery;
    if (fresh) return scores_;
    // an evenly strided subsample of the recent inputs
    const Eigen::Index n = std::min<Eigen::Index>(recent.cols(), kWideScoreSamples);
    Matrix sub(in, n);
    for (Eigen::Index b = 0; b < n; ++b) sub.col(b) = recent.col(b * recent.cols() / n);
    scores_ = score(sub);
    revision_ = revision;
    step_ = trainSteps;
    return scores_;
}

namespace {
KanEdgeSamples sampleEdge(int i, int o, float lo, float hi, const EdgeSource& src) {
    KanEdgeSamples e;
    e.in = i;
    e.out = o;
    src.describe(i, o, e);
    Eigen::RowVectorXf xs(kCurvePoints);
    for (int p = 0; p < kCurvePoints; ++p) xs(p) = lo + (hi - lo) * float(p) / (kCurvePoints - 1);
    const Matrix v = src.values(i, xs);
    e.x.assign(xs.data(), xs.data() + kCurvePoints);
    e.y.resize(kCurvePoints);
    for (int p = 0; p < kCurvePoints; ++p) e.y[size_t(p)] = v(o, p);
    return e;
}
}  // namespace

void publishEdges(KanLayerSamples& s, const std::vector<float>& gridLo, const std::vector<float>& gridHi,
                  const Matrix& recent, const Matrix& scores, const EdgeSource& src, Observables& obs) {
    const int in = s.in, out = s.out;
    const long edges = long(in) * out;
    s.curves = edges <= kMaxCurveEdges;
    s.lo.resize(size_t(in));
    s.hi.resize(size_t(in));
    s.histogram.assign(size_t(in), std::vector<int>(kHistBins, 0));
    for (int i = 0; i < in; ++i) {
        float lo = gridLo[size_t(i)], hi = gridHi[size_t(i)];
        if (recent.cols() > 1) {
            lo = std::min(lo, recent.row(i).minCoeff());
            hi = std::max(hi, recent.row(i).maxCoeff());
        }
        s.lo[size_t(i)] = lo;
        s.hi[size_t(i)] = hi;
        for (Eigen::Index b = 0; b < recent.cols(); ++b) {
            const int bin = int((recent(i, b) - lo) / (hi - lo) * kHistBins);
            ++s.histogram[size_t(i)][size_t(std::clamp(bin, 0, kHistBins - 1))];
        }
    }
    s.maxScore = scores.size() ? scores.maxCoeff() : 0.f;
    if (scores.size() > 0) {
        s.scores.resize(size_t(edges));
        for (int i = 0; i < in; ++i)
            for (int o = 0; o < out; ++o) s.scores[size_t(i) * out + o] = scores(o, i);
        std::vector<int> idx(static_cast<size_t>(edges));
        for (size_t k = 0; k < idx.size(); ++k) idx[k] = int(k);
        const size_t keep = std::min(idx.size(), size_t(KanLayerSamples::kRankedEdges));
        std::partial_sort(idx.begin(), idx.begin() + std::ptrdiff_t(keep), idx.end(), [&](int a, int b) {
            return s.scores[size_t(a)] > s.scores[size_t(b)] || (s.scores[size_t(a)] == s.scores[size_t(b)] && a < b);
        });
        idx.resize(keep);
        s.ranked = std::move(idx);
        obs.arrays["edge_scores"] = scores;
        obs.arrays["input_importance"] = scores.colwise().sum().transpose();
    }
    if (!s.curves) {  // too wide to sample every edge: the most important ones only
        for (size_t r = 0; r < s.ranked.size() && r < size_t(KanLayerSamples::kTopEdges); ++r) {
            const int i = s.ranked[r] / out, o = s.ranked[r] % out;
            s.top.push_back(sampleEdge(i, o, s.lo[size_t(i)], s.hi[size_t(i)], src));
            s.top.back().score = scores(o, i);
        }
        return;
    }
    s.edges.resize(size_t(edges));
    Eigen::RowVectorXf xs(kCurvePoints);
    for (int i = 0; i < in; ++i) {
        for (int p = 0; p < kCurvePoints; ++p)
            xs(p) = s.lo[size_t(i)] + (s.hi[size_t(i)] - s.lo[size_t(i)]) * float(p) / (kCurvePoints - 1);
        const Matrix v = src.values(i, xs);
        for (int o = 0; o < out; ++o) {
            KanEdgeSamples& e = s.edges[size_t(i) * out + o];
            e.in = i;
            e.out = o;
            src.describe(i, o, e);
            e.score = scores.size() ? scores(o, i) : 0.f;
            e.x.assign(xs.data(), xs.data() + kCurvePoints);
            e.y.resize(kCurvePoints);
            for (int p = 0; p < kCurvePoints; ++p) e.y[size_t(p)] = v(o, p);
        }
    }
    for (size_t r = 0; r < s.ranked.size() && r < size_t(KanLayerSamples::kTopEdges); ++r)
        s.top.push_back(s.edges[size_t(s.ranked[r])]);
}

}  // namespace ganglion::kan
