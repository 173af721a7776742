#include "core/kan/kan_basis.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace ganglion::kan {

BasisKind basisFromName(const std::string& name) {
    if (name == "bspline") return BasisKind::BSpline;
    if (name == "rbf") return BasisKind::Rbf;
    if (name == "chebyshev") return BasisKind::Chebyshev;
    if (name == "relu") return BasisKind::ReluKan;
    if (name == "rbf_adaptive") return BasisKind::RbfAdaptive;
    if (name == "af") return BasisKind::Af;
    if (name == "sine") return BasisKind::Sine;
    if (name == "poly") return BasisKind::Poly;
    throw std::invalid_argument("unknown KAN basis '" + name +
                                "' (bspline, rbf, chebyshev, relu, rbf_adaptive, af, sine, poly)");
}

const char* basisName(BasisKind k) {
    switch (k) {
    case BasisKind::BSpline: return "bspline";
    case BasisKind::Rbf: return "rbf";
    case BasisKind::Chebyshev: return "chebyshev";
    case BasisKind::ReluKan: return "relu";
    case BasisKind::RbfAdaptive: return "rbf_adaptive";
    case BasisKind::Af: return "af";
    case BasisKind::Sine: return "sine";
    case BasisKind::Poly: return "poly";
    }
    return "?";
}

std::vector<std::string> basisNames() {
    return {"bspline", "rbf", "chebyshev", "relu", "rbf_adaptive", "af", "sine", "poly"};
}

Basis::Basis(BasisKind kind, int inputs, int grid, int order, float lo, float hi, int sinFrequencies)
    : kind_(kind), in_(inputs), G_(grid), k_(order) {
    if (inputs < 1) throw std::invalid_argument("KAN basis needs at least one input");
    if (grid < 1) throw std::invalid_argument("KAN grid must have at least 1 interval");
    if (order < 0 || order > kMaxOrder)
        throw std::invalid_argument("KAN spline order must be in [0, " + std::to_string(kMaxOrder) + "]");
    if (!(hi > lo)) throw std::invalid_argument("KAN grid range must satisfy min < max");
    if (sinFrequencies < 0 || sinFrequencies > 8)
        throw std::invalid_argument("KAN sin_frequencies must be in [0, 8]");
    if (sinFrequencies > 0 && kind != BasisKind::RbfAdaptive)
        throw std::invalid_argument("KAN sin_frequencies applies to the rbf_adaptive basis only (basis is '" +
                                    std::string(basisName(kind)) + "')");
    M_ = sinFrequencies;
    switch (kind) {
    case BasisKind::BSpline:
    case BasisKind::ReluKan:
    case BasisKind::Af: nb_ = G_ + k_; break;
    case BasisKind::Rbf:
    case BasisKind::Chebyshev:
    case BasisKind::Poly: nb_ = G_ + 1; break;
    case BasisKind::RbfAdaptive: nb_ = (G_ + 1) * (M_ + 1); break;
    case BasisKind::Sine: nb_ = 2 * G_; break;
    }
    pts_.resize(in_, G_ + 1);
    for (int j = 0; j <= G_; ++j) pts_.col(j).setConstant(lo + (hi - lo) * float(j) / float(G_));
    const bool extended = kind == BasisKind::BSpline || kind == BasisKind::ReluKan || kind == BasisKind::Af;
    knots_.resize(in_, extended ? G_ + 2 * k_ + 1 : G_ + 1);
    initParams();
    for (int i = 0; i < in_; ++i) rebuildKnots(i);
}

void Basis::setPoints(int i, const Eigen::RowVectorXf& pts) {
    if (pts.size() != G_ + 1)
        throw std::invalid_argument("KAN grid of input " + std::to_string(i) + " needs " +
                                    std::to_string(G_ + 1) + " points");
    for (int j = 0; j < G_; ++j)
        if (!(pts(j + 1) > pts(j)) || !std::isfinite(pts(j)))
            throw std::invalid_argument("KAN grid of input " + std::to_string(i) +
                                        " is not strictly increasing at point " + std::to_string(j));
    pts_.row(i) = pts;
    rebuildKnots(i);
}

void Basis::rebuildKnots(int i) {
    if (kind_ == BasisKind::RbfAdaptive) resetCentres(i);
    if (knots_.cols() == G_ + 1) {
        knots_.row(i) = pts_.row(i);
        return;
    }
    struct Refresh {  // rebuild the batched-evaluation tables once the knots are final
        Basis* b; int i;
        ~Refresh() { b->rebuildTable(i); }
    } refresh{this, i};
    // pykan extend_grid: k extra knots each side with the spacing of the whole grid / G.
    const float h = (pts_(i, G_) - pts_(i, 0)) / float(G_);
    for (int j = 0; j < k_; ++j) {
        knots_(i, j) = pts_(i, 0) - float(k_ - j) * h;
        knots_(i, G_ + k_ + 1 + j) = pts_(i, G_) + float(j + 1) * h;
    }
    knots_.row(i).segment(k_, G_ + 1) = pts_.row(i);
}

void Basis::rebuildTable(int i) {
    const int m = int(knots_.cols());
    const size_t stride = size_t(m) * size_t(k_ + 1);
    if (table_.size() != stride * size_t(in_)) {
        table_.assign(stride * size_t(in_), 0.f);
        t0_.assign(size_t(in_), 0.f);
        invH_.assign(size_t(in_), 0.f);
        uniform_.assign(size_t(in_), 0);
    }
    float* T = table_.data() + stride * size_t(i);
    for (int j = 0; j < m; ++j) T[j] = knots_(i, j);
    for (int p = 1; p <= k_; ++p)
        for (int j = 0; j + p < m; ++j) T[size_t(p) * m + j] = 1.f / (T[j + p] - T[j]);
    const float h = (T[m - 1] - T[0]) / float(m - 1);
    bool uni = true;
    for (int j = 0; j < m; ++j) uni = uni && std::abs(T[j] - (T[0] + h * float(j))) <= 1e-5f * std::abs(h);
    uniform_[size_t(i)] = uni;
    t0_[size_t(i)] = T[0];
    invH_[size_t(i)] = 1.f / h;
    if (kind_ == BasisKind::Af) rebuildAfNorms(i);
}

namespace {
// The four cardinal cubic pieces of u in each sample's span on a uniform knot vector (t0 first
// knot, tEnd last, ih = 1/h); outside [t0, tEnd) span 0 and zeros. Restrict-qualified so the
// compiler vectorises the loop; lowest/highest receive the extreme spans.
template <bool Derivs>
void uniformCubicLoop(const float* __restrict xs, int n, int* __restrict start, float* __restrict v0,
                      float* __restrict v1, float* __restrict v2, float* __restrict v3, float* __restrict d0,
                      float* __restrict d1, float* __restrict d2, float* __restrict d3, float t0, float tEnd,
                      float ih, int top, int& lowest, int& highest) {
    int lo = top, hi = 0;
    for (int b = 0; b < n; ++b) {
        const float x = xs[b];
        const bool inside = x >= t0 && x < tEnd;
        const float q = inside ? (x - t0) * ih : 0.f;
        const int s0 = int(q), s = s0 < top ? s0 : top;
        const float d = q - float(s), u = d < 0.f ? 0.f : d > 1.f ? 1.f : d, u2 = u * u, u3 = u2 * u, w = 1.f - u;
        const float z = inside ? 1.f / 6 : 0.f;
        start[b] = s;
        v0[b] = z * (w * w * w);
        v1[b] = z * (3 * u3 - 6 * u2 + 4);
        v2[b] = z * (-3 * u3 + 3 * u2 + 3 * u + 1);
        v3[b] = z * u3;
        if constexpr (Derivs) {
            const float zd = inside ? ih : 0.f;
            d0[b] = zd * (-0.5f * w * w);
            d1[b] = zd * (1.5f * u2 - 2 * u);
            d2[b] = zd * (-1.5f * u2 + u + 0.5f);
            d3[b] = zd * (0.5f * u2);
        }
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
    }
    lowest = lo;
    highest = hi;
}

template <bool Derivs>
void uniformCubic(const float* xs, int n, int* start, float* const* v, float* const* d, float t0, float tEnd, float ih,
                  int top, int& lowest, int& highest) {
    uniformCubicLoop<Derivs>(xs, n, start, v[0], v[1], v[2], v[3], Derivs ? d[0] : nullptr, Derivs ? d[1] : nullptr,
                             Derivs ? d[2] : nullptr, Derivs ? d[3] : nullptr, t0, tEnd, ih, top, lowest, highest);
}
}  // namespace

// The k+1 B-splines that can be non-zero at x (input i): returns the knot span s (t_s <= x <
// t_s+1), N[r] = B_{s-k+r}(x) and, when dN is non-null, their derivatives; -1 outside the extended
// grid. Functions whose index falls outside [0, nb) come out 0 (pykan's truncated recursion).
// Same recursion and result as bspline() below, with precomputed reciprocal knot spans.
int Basis::bsplineSpan(int i, float xv, float* N, float* dN) const {
    const int m = int(knots_.cols()), k = k_;
    const float* t = table_.data() + size_t(m) * size_t(k + 1) * size_t(i);
    if (!(xv >= t[0] && xv < t[m - 1])) return -1;
    int s;
    if (uniform_[size_t(i)]) {
        s = std::min(int((xv - t0_[size_t(i)]) * invH_[size_t(i)]), m - 2);
        if (xv < t[s]) --s;  // rounding at a knot
        else if (xv >= t[s + 1]) ++s;
    } else {
        s = int(std::upper_bound(t, t + m, xv) - t) - 1;
    }
    std::array<float, kMaxOrder + 2> P{};
    for (int r = 0; r <= k; ++r) N[r] = 0.f;
    N[k] = 1.f;
    for (int p = 1; p <= k; ++p) {
        if (p == k)
            for (int r = 0; r <= k; ++r) P[size_t(r)] = N[r];
        const float* inv = t + size_t(p) * m;
        for (int r = k - p; r <= k; ++r) {
            const int j = s - k + r;
            if (j < 0 || j > m - 2 - p) { N[r] = 0.f; continue; }
            const float left = N[r], right = r < k ? N[r + 1] : 0.f;
            N[r] = (xv - t[j]) * inv[j] * left + (t[j + p + 1] - xv) * inv[j + 1] * right;
        }
    }
    if (dN) {
        const float* inv = t + size_t(k) * m;
        for (int r = 0; r <= k; ++r) {
            const int j = s - k + r;
            dN[r] = k > 0 && j >= 0 && j < nb_
                        ? float(k) * (P[size_t(r)] * inv[j] - (r < k ? P[size_t(r + 1)] * inv[j + 1] : 0.f))
                        : 0.f;
        }
    }
    return s;
}

void Basis::bsplineSupport(int i, const float* xs, int n, int* start, float* const* vals, float* const* dvals) const {
    const int m = int(knots_.cols()), k = k_;
    if (k == 3 && uniform_[size_t(i)]) {
        // Uniform cubic: the four non-zero B-splines are the cardinal pieces of u in the span, a
        // branch-free loop the compiler vectorises. s from (x - t_0)/h directly; at a knot that may
        // round to the span below with u = 1, where the cubic pieces (C² joins) agree to rounding.
        // Functions outside [0, nb) only occur in spans below k or above G+k-1 and are zeroed after.
        const float* t = table_.data() + size_t(m) * size_t(k + 1) * size_t(i);
        const float t0 = t[0], tEnd = t[m - 1], ih = invH_[size_t(i)];
        int lowest = m - 2, highest = 0;
        if (dvals)
            uniformCubic<true>(xs, n, start, vals, dvals, t0, tEnd, ih, m - 2, lowest, highest);
        else
            uniformCubic<false>(xs, n, start, vals, dvals, t0, tEnd, ih, m - 2, lowest, highest);
        const bool edge = lowest < k || highest > nb_ - 1;
        if (!edge) return;
        for (int b = 0; b < n; ++b)
            for (int r = 0; r <= k; ++r) {
                const int j = start[b] - k + r;
                if (j >= 0 && j < nb_) continue;
                vals[r][b] = 0.f;
                if (dvals) dvals[r][b] = 0.f;
            }
        return;
    }
    std::array<float, kMaxOrder + 1> N{}, dN{};
    for (int b = 0; b < n; ++b) {
        const int s = bsplineSpan(i, xs[b], N.data(), dvals ? dN.data() : nullptr);
        start[b] = std::max(s, 0);
        for (int r = 0; r <= k; ++r) {
            vals[r][b] = s < 0 ? 0.f : N[size_t(r)];
            if (dvals) dvals[r][b] = s < 0 ? 0.f : dN[size_t(r)];
        }
    }
}

// Batched dense B-splines: only the k+1 non-zero functions of each (input, sample) are computed.
void Basis::bsplineBatch(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1) const {
    const int k = k_, nb = nb_;
    B.middleCols(c0, c1 - c0).setZero();
    if (dB) dB->middleCols(c0, c1 - c0).setZero();
    std::array<float, kMaxOrder + 1> N{}, dN{};
    for (Eigen::Index b = c0; b < c1; ++b) {
        float* col = B.col(b).data();
        float* dcol = dB ? dB->col(b).data() : nullptr;
        for (int i = 0; i < in_; ++i) {
            const int s = bsplineSpan(i, x(i, b), N.data(), dcol ? dN.data() : nullptr);
            if (s < 0) continue;
            for (int r = 0; r <= k; ++r) {
                const int j = s - k + r;
                if (j < 0 || j >= nb) continue;
                col[size_t(i) * nb + j] = N[size_t(r)];
                if (dcol) dcol[size_t(i) * nb + j] = dN[size_t(r)];
            }
        }
    }
}

// Cox–de Boor on the window of the k+1 functions that can be non-zero at x, matching pykan's
// truncated recursion (functions whose support would leave the knot vector do not exist).
void Basis::bspline(const float* t, int m, float x, float* v, float* d) const {
    const int nb = nb_;
    for (int j = 0; j < nb; ++j) v[j] = 0.f;
    if (d)
        for (int j = 0; j < nb; ++j) d[j] = 0.f;
    if (!(x >= t[0] && x < t[m - 1])) return;
    const int s = int(std::upper_bound(t, t + m, x) - t) - 1;  // t[s] <= x < t[s+1]
    const int k = k_;
    std::array<float, kMaxOrder + 2> N{}, P{};
    N[k] = 1.f;  // N[r] = B_{s-k+r}^p
    for (int p = 1; p <= k; ++p) {
        if (p == k) P = N;
        for (int r = k - p; r <= k; ++r) {
            const int j = s - k + r;
            if (j < 0 || j > m - 2 - p) {
                N[r] = 0.f;
                continue;
            }
            const float left = N[r], right = r + 1 <= k ? N[r + 1] : 0.f;
            float val = 0.f;
            if (left != 0.f) val += (x - t[j]) / (t[j + p] - t[j]) * left;
            if (right != 0.f) val += (t[j + p + 1] - x) / (t[j + p + 1] - t[j + 1]) * right;
            N[r] = val;
        }
    }
    for (int r = 0; r <= k; ++r) {
        const int j = s - k + r;
        if (j < 0 || j >= nb) continue;
        v[j] = N[r];
        if (d && k > 0) {
            const float a = P[r], b = r + 1 <= k ? P[r + 1] : 0.f;
            float g = 0.f;
            if (a != 0.f) g += a / (t[j + k] - t[j]);
            if (b != 0.f) g -= b / (t[j + k + 1] - t[j + 1]);
            d[j] = float(k) * g;
        }
    }
}

void Basis::evaluateOne(int i, float x, float* v, float* d) const {
    if (np_ > 0) {
        evalTrainable(i, x, v, d);
        return;
    }
    const int m = int(knots_.cols());
    std::vector<float> tk(static_cast<size_t>(m));  // a row of a col-major matrix is strided: copy
    for (int j = 0; j < m; ++j) tk[size_t(j)] = knots_(i, j);
    evalAt(tk.data(), m, x, v, d);
}

void Basis::evalAt(const float* t, int m, float x, float* v, float* d) const {
    switch (kind_) {
    case BasisKind::BSpline: bspline(t, m, x, v, d); return;
    case BasisKind::Rbf: {
        const float h = (t[G_] - t[0]) / float(G_);
        const float inv = 1.f / (h * h);
        for (int j = 0; j < nb_; ++j) {
            const float u = x - t[j];
            v[j] = std::exp(-u * u * inv);
            if (d) d[j] = -2.f * u * inv * v[j];
        }
        return;
    }
    case BasisKind::Chebyshev: {
        const float sc = 2.f / (t[G_] - t[0]);
        const float u = std::tanh(sc * x - (t[G_] + t[0]) / (t[G_] - t[0]));
        const float du = (1.f - u * u) * sc;
        float T0 = 1.f, T1 = u, D0 = 0.f, D1 = 1.f;
        for (int j = 0; j < nb_; ++j) {
            float T, D;
            if (j == 0) { T = T0; D = D0; }
            else if (j == 1) { T = T1; D = D1; }
            else {
                T = 2.f * u * T1 - T0;
                D = 2.f * T1 + 2.f * u * D1 - D0;
                T0 = T1; T1 = T; D0 = D1; D1 = D;
            }
            v[j] = T;
            if (d) d[j] = D * du;
        }
        return;
    }
    case BasisKind::Sine: {
        const float sc = 2.f / (t[G_] - t[0]);
        const float u = sc * x - (t[G_] + t[0]) / (t[G_] - t[0]);
        for (int k = 1; k <= G_; ++k) {
            const float w = float(k) * float(M_PI), s = std::sin(w * u), c = std::cos(w * u);
            v[2 * (k - 1)] = s;
            v[2 * (k - 1) + 1] = c;
            if (d) {
                d[2 * (k - 1)] = w * c * sc;
                d[2 * (k - 1) + 1] = -w * s * sc;
            }
        }
        return;
    }
    case BasisKind::Poly: {
        // Legendre: (n+1)P_{n+1} = (2n+1)u P_n - n P_{n-1}; P'_{n+1} = P'_{n-1} + (2n+1) P_n.
        const float sc = 2.f / (t[G_] - t[0]);
        const float u = std::tanh(sc * x - (t[G_] + t[0]) / (t[G_] - t[0]));
        const float du = (1.f - u * u) * sc;
        float P0 = 1.f, P1 = u, D0 = 0.f, D1 = 1.f;
        for (int j = 0; j < nb_; ++j) {
            float P = j == 0 ? P0 : P1, D = j == 0 ? D0 : D1;
            if (j >= 2) {
                const float n = float(j - 1);
                P = ((2 * n + 1) * u * P1 - n * P0) / (n + 1);
                D = D0 + (2 * n + 1) * P1;
                P0 = P1; P1 = P; D0 = D1; D1 = D;
            }
            v[j] = P;
            if (d) d[j] = D * du;
        }
        return;
    }
    case BasisKind::RbfAdaptive:
    case BasisKind::Af: return;  // evalTrainable
    case BasisKind::ReluKan: {
        for (int j = 0; j < nb_; ++j) {
            const float s = t[j], e = t[j + k_ + 1];
            const float w = e - s, norm = 16.f / (w * w * w * w);
            const float r1 = std::max(e - x, 0.f), r2 = std::max(x - s, 0.f);
            const float q = r1 * r2;
            v[j] = norm * q * q;
            if (d) {
                const float dq = (x < e ? -r2 : 0.f) + (x > s ? r1 : 0.f);
                d[j] = 2.f * norm * q * dq;
            }
        }
        return;
    }
    }
}

void Basis::evaluate(const Matrix& x, Matrix& B, Matrix* dB) const {
    if (x.rows() != in_)
        throw std::invalid_argument("KAN basis expects " + std::to_string(in_) + " input rows, got " +
                                    std::to_string(x.rows()));
    B.resize(Eigen::Index(in_) * nb_, x.cols());
    if (dB) dB->resize(B.rows(), x.cols());
    evaluateCols(x, B, dB, 0, x.cols());
}

void Basis::evaluateCols(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1, Matrix* aux) const {
    if (kind_ == BasisKind::BSpline) {
        bsplineBatch(x, B, dB, c0, c1);
        return;
    }
    // Knots copied once into a row-major buffer so each input's knots are contiguous.
    const int m = int(knots_.cols());
    std::vector<float> tk(size_t(in_) * m);
    for (int i = 0; i < in_; ++i)
        for (int j = 0; j < m; ++j) tk[size_t(i) * m + j] = knots_(i, j);
    if (np_ > 0) {
        for (Eigen::Index b = c0; b < c1; ++b)
            for (int i = 0; i < in_; ++i)
                evalTrainable(i, x(i, b), B.col(b).data() + size_t(i) * nb_,
                              dB ? dB->col(b).data() + size_t(i) * nb_ : nullptr,
                              aux && aux->rows() > 0 ? aux->col(b).data() + size_t(i) * size_t(auxStride()) : nullptr);
        return;
    }
    for (Eigen::Index b = c0; b < c1; ++b) {
        float* col = B.col(b).data();
        float* dcol = dB ? dB->col(b).data() : nullptr;
        for (int i = 0; i < in_; ++i)
            evalAt(tk.data() + size_t(i) * m, m, x(i, b), col + size_t(i) * nb_, dcol ? dcol + size_t(i) * nb_ : nullptr);
    }
}

float Basis::anchor(int i, int j) const {
    switch (kind_) {
    case BasisKind::BSpline:
    case BasisKind::ReluKan:
    case BasisKind::Af: {
        if (k_ == 0) return 0.5f * (knots_(i, j) + knots_(i, j + 1));
        float s = 0.f;  // Greville abscissa
        for (int q = 1; q <= k_; ++q) s += knots_(i, j + q);
        return s / float(k_);
    }
    case BasisKind::Rbf: return pts_(i, j);
    case BasisKind::RbfAdaptive: return pv_[0](i, j / (M_ + 1));
    case BasisKind::Sine:  // global harmonics have no centre: spread evenly over the range
        return pts_(i, 0) + (pts_(i, G_) - pts_(i, 0)) * (float(j) + 0.5f) / float(nb_);
    case BasisKind::Poly:
    case BasisKind::Chebyshev: {
        // Chebyshev node of the mapped interval, inverted through the tanh warp.
        const float lo = pts_(i, 0), hi = pts_(i, G_);
        const float u = std::cos(float(M_PI) * (float(nb_ - 1 - j) + 0.5f) / float(nb_));
        return 0.5f * (lo + hi) + 0.5f * (hi - lo) * std::atanh(std::clamp(u, -0.999f, 0.999f));
    }
    }
    return 0.f;
}

}  // namespace ganglion::kan
