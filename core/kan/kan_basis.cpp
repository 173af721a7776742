#include "core/kan/kan_basis.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace ganglion::kan {

namespace {
constexpr int kMaxOrder = 10;
}

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

// Batched B-splines: only the k+1 non-zero functions of each (input, sample) are computed,
// with precomputed reciprocal knot spans; same recursion and result as bspline() below.
void Basis::bsplineBatch(const Matrix& x, Matrix& B, Matrix* dB, Eigen::Index c0, Eigen::Index c1) const {
    const int m = int(knots_.cols()), k = k_, nb = nb_;
    const size_t stride = size_t(m) * size_t(k + 1);
    B.middleCols(c0, c1 - c0).setZero();
    if (dB) dB->middleCols(c0, c1 - c0).setZero();
    for (Eigen::Index b = c0; b < c1; ++b) {
        float* col = B.col(b).data();
        float* dcol = dB ? dB->col(b).data() : nullptr;
        for (int i = 0; i < in_; ++i) {
            const float xv = x(i, b);
            const float* t = table_.data() + stride * size_t(i);
            if (!(xv >= t[0] && xv < t[m - 1])) continue;
            int s;
            if (uniform_[size_t(i)]) {
                s = std::min(int((xv - t0_[size_t(i)]) * invH_[size_t(i)]), m - 2);
                if (xv < t[s]) --s;  // rounding at a knot
                else if (xv >= t[s + 1]) ++s;
            } else {
                s = int(std::upper_bound(t, t + m, xv) - t) - 1;
            }
            float* v = col + size_t(i) * nb;
            float* d = dcol ? dcol + size_t(i) * nb : nullptr;
            if (k == 3 && uniform_[size_t(i)]) {
                // Uniform cubic: the four non-zero B-splines are the cardinal pieces in u.
                const float u = (xv - t[s]) * invH_[size_t(i)], u2 = u * u, u3 = u2 * u, w = 1.f - u;
                const float val[4] = {w * w * w * (1.f / 6), (3 * u3 - 6 * u2 + 4) * (1.f / 6),
                                      (-3 * u3 + 3 * u2 + 3 * u + 1) * (1.f / 6), u3 * (1.f / 6)};
                const float ih = invH_[size_t(i)];
                const float der[4] = {-0.5f * w * w * ih, (1.5f * u2 - 2 * u) * ih, (-1.5f * u2 + u + 0.5f) * ih,
                                      0.5f * u2 * ih};
                for (int r = 0; r < 4; ++r) {
                    const int j = s - 3 + r;
                    if (j < 0 || j >= nb) continue;
                    v[j] = val[r];
                    if (d) d[j] = der[r];
                }
                continue;
            }
            std::array<float, kMaxOrder + 2> N{}, P{};
            N[size_t(k)] = 1.f;
            for (int p = 1; p <= k; ++p) {
                if (p == k) P = N;
                const float* inv = t + size_t(p) * m;
                for (int r = k - p; r <= k; ++r) {
                    const int j = s - k + r;
                    if (j < 0 || j > m - 2 - p) { N[size_t(r)] = 0.f; continue; }
                    const float left = N[size_t(r)], right = r < k ? N[size_t(r + 1)] : 0.f;
                    N[size_t(r)] = (xv - t[j]) * inv[j] * left + (t[j + p + 1] - xv) * inv[j + 1] * right;
                }
            }
            const float* inv = t + size_t(k) * m;
            for (int r = 0; r <= k; ++r) {
                const int j = s - k + r;
                if (j < 0 || j >= nb) continue;
                v[j] = N[size_t(r)];
                if (d && k > 0) d[j] = float(k) * (P[size_t(r)] * inv[j] - (r < k ? P[size_t(r + 1)] : 0.f) * inv[j + 1]);
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
