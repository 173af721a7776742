// The KAN bases with trainable tensors (see kan_basis.h): NeuRBF-style adaptive RBF (centres,
// log-widths, sinusoidal composition, k-means placement) and AF-KAN's attention-weighted
// activation bumps, with their exact derivatives in x and in the trainable tensors.
#include "core/kan/kan_basis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ganglion::kan {

namespace {
// Activation a ∈ {ReLU, SiLU, tanh, GELU} and its derivative at x.
inline float activation(int a, float x, float& df) {
    switch (a) {
    case 0: df = x > 0.f ? 1.f : 0.f; return std::max(x, 0.f);
    case 1: {
        const float s = 1.f / (1.f + std::exp(-x));
        df = s * (1.f + x * (1.f - s));
        return x * s;
    }
    case 2: {
        const float t = std::tanh(x);
        df = 1.f - t * t;
        return t;
    }
    default: {
        const float cdf = 0.5f * (1.f + std::erf(x * float(M_SQRT1_2)));
        df = cdf + x * float(0.5 * M_2_SQRTPI * M_SQRT1_2) * std::exp(-0.5f * x * x);
        return x * cdf;
    }
    }
}

// The four activations at z and at -z with their derivatives, sharing one expm1, one erfc and one
// exp: tanh and SiLU from e^(-2|z|), GELU from Φ(-|z|) (no cancellation on either side).
struct ActivationPair {
    float pos[kAfActivations], neg[kAfActivations], dpos[kAfActivations], dneg[kAfActivations];
};
inline void activationPair(float z, ActivationPair& r) {
    const float az = std::abs(z), sign = z >= 0.f ? 1.f : -1.f;
    r.pos[0] = std::max(z, 0.f);
    r.neg[0] = std::max(-z, 0.f);
    r.dpos[0] = z > 0.f ? 1.f : 0.f;
    r.dneg[0] = z < 0.f ? 1.f : 0.f;
    const float em = std::expm1(-2.f * az), e2 = 1.f + em, e = std::sqrt(e2);  // e = e^(-|z|)
    const float sHi = 1.f / (1.f + e), sLo = e * sHi;                           // σ(|z|), σ(-|z|)
    const float sp = z >= 0.f ? sHi : sLo, sn = z >= 0.f ? sLo : sHi;           // σ(z), σ(-z)
    r.pos[1] = z * sp;
    r.neg[1] = -z * sn;
    r.dpos[1] = sp * (1.f + z * sn);
    r.dneg[1] = sn * (1.f - z * sp);
    const float th = -em / (2.f + em) * sign, sech2 = 4.f * e2 / ((2.f + em) * (2.f + em));
    r.pos[2] = th;
    r.neg[2] = -th;
    r.dpos[2] = r.dneg[2] = sech2;
    const float c = 0.5f * std::erfc(az * float(M_SQRT1_2));  // Φ(-|z|)
    const float Pp = z >= 0.f ? 1.f - c : c, Pn = z >= 0.f ? c : 1.f - c;  // Φ(z), Φ(-z)
    const float phi = float(0.5 * M_2_SQRTPI * M_SQRT1_2) * std::exp(-0.5f * z * z);
    r.pos[3] = z * Pp;
    r.neg[3] = -z * Pn;
    r.dpos[3] = Pp + z * phi;
    r.dneg[3] = Pn - z * phi;
}

inline float sinFrequency(int m) { return std::ldexp(float(M_PI) / 2.f, m - 1); }  // ω_m, m ≥ 1

void softmax(const Matrix& logits, int i, float* p) {
    float mx = logits(i, 0);
    for (int a = 1; a < kAfActivations; ++a) mx = std::max(mx, logits(i, a));
    float s = 0.f;
    for (int a = 0; a < kAfActivations; ++a) s += p[a] = std::exp(logits(i, a) - mx);
    for (int a = 0; a < kAfActivations; ++a) p[a] /= s;
}
}  // namespace

void Basis::initParams() {
    np_ = 0;
    if (kind_ == BasisKind::RbfAdaptive) {
        np_ = 2;
        pname_ = {"rbf_centres", "rbf_log_widths"};
        pv_[0].resize(in_, G_ + 1);
        pv_[1].resize(in_, G_ + 1);
    } else if (kind_ == BasisKind::Af) {
        np_ = 1;
        pname_[0] = "af_attention";
        pv_[0].setZero(in_, kAfActivations);
        afNorm_.assign(size_t(in_) * size_t(nb_) * kAfActivations, 1.f);
    }
    for (int p = 0; p < np_; ++p) pg_[size_t(p)].setZero(pv_[size_t(p)].rows(), pv_[size_t(p)].cols());
}

void Basis::resetCentres(int i) {
    const float h = (pts_(i, G_) - pts_(i, 0)) / float(G_);
    pv_[0].row(i) = pts_.row(i);
    pv_[1].row(i).setConstant(std::log(h));
}

void Basis::rebuildAfNorms(int i) {
    float df;
    for (int j = 0; j < nb_; ++j) {
        const float half = 0.5f * (knots_(i, j + k_ + 1) - knots_(i, j));
        for (int a = 0; a < kAfActivations; ++a) {
            const float peak = activation(a, half, df);
            afNorm_[(size_t(i) * nb_ + size_t(j)) * kAfActivations + size_t(a)] = 1.f / (peak * peak * peak * peak);
        }
    }
}

void Basis::zeroParamGrads() {
    for (int p = 0; p < np_; ++p) pg_[size_t(p)].setZero();
}

void Basis::evalTrainable(int i, float x, float* v, float* d, float* fa) const {
    if (kind_ == BasisKind::RbfAdaptive) {
        for (int j = 0; j <= G_; ++j) {
            const float w = std::exp(pv_[1](i, j)), r = (x - pv_[0](i, j)) / w;
            const float g = std::exp(-r * r), dg = -2.f * r * g / w;
            const int base = j * (M_ + 1);
            if (fa) fa[j] = g;
            v[base] = g;
            if (d) d[base] = dg;
            for (int m = 1; m <= M_; ++m) {
                const float om = sinFrequency(m);
                v[base + m] = std::sin(om * g);
                if (d) d[base + m] = om * std::cos(om * g) * dg;
            }
        }
        return;
    }
    float pi[kAfActivations];
    softmax(pv_[0], i, pi);
    // Function j uses a(x - t_j) and a(t_{j+k+1} - x): the activations at ±(x - t) per knot t.
    const int m = nb_ + k_ + 1;
    ActivationPair local[64];
    std::vector<ActivationPair> heap(m > 64 ? size_t(m) : 0);
    ActivationPair* act = m > 64 ? heap.data() : local;
    for (int t = 0; t < m; ++t) activationPair(x - knots_(i, t), act[t]);
    for (int j = 0; j < nb_; ++j) {
        const ActivationPair &P = act[j], &Q = act[j + k_ + 1];
        const float* norm = afNorm_.data() + (size_t(i) * nb_ + size_t(j)) * kAfActivations;
        float val = 0.f, der = 0.f;
        for (int a = 0; a < kAfActivations; ++a) {
            const float ap = P.pos[a], dp = P.dpos[a], aq = Q.neg[a], dq = Q.dneg[a], prod = ap * aq;
            const float f = norm[a] * prod * prod;
            if (fa) fa[j * kAfActivations + a] = f;
            val += pi[a] * f;
            der += pi[a] * norm[a] * 2.f * prod * (dp * aq - ap * dq);
        }
        v[j] = val;
        if (d) d[j] = der;
    }
}

void Basis::accumulateParamGrads(const Matrix& x, const Matrix& gB, int i0, int i1, const Matrix* aux) {
    if (np_ == 0) return;
    const Eigen::Index n = x.cols();
    const bool cached = aux && aux->rows() == auxRows() && aux->cols() == n;  // values from the training forward
    if (kind_ == BasisKind::RbfAdaptive) {
        Matrix& gc = pg_[0];
        Matrix& gl = pg_[1];
        for (int i = i0; i < i1; ++i)
            for (int j = 0; j <= G_; ++j) {
                const float c = pv_[0](i, j), w = std::exp(pv_[1](i, j));
                const Eigen::Index row = Eigen::Index(i) * nb_ + Eigen::Index(j) * (M_ + 1);
                double sc = 0, sl = 0;
                for (Eigen::Index b = 0; b < n; ++b) {
                    const float r = (x(i, b) - c) / w;
                    const float g = cached ? (*aux)(Eigen::Index(i) * (G_ + 1) + j, b) : std::exp(-r * r);
                    float gs = gB(row, b);  // d loss / d g through g itself and its sinusoids
                    for (int m = 1; m <= M_; ++m) gs += gB(row + m, b) * sinFrequency(m) * std::cos(sinFrequency(m) * g);
                    sc += double(gs * 2.f * r * g / w);  // dg/dc = 2rg/w
                    sl += double(gs * 2.f * r * r * g);  // dg/dℓ = 2r²g (w = e^ℓ)
                }
                gc(i, j) += float(sc);
                gl(i, j) += float(sl);
            }
        return;
    }
    // Af: dB_j/dα_a = π_a (f_aj - B_j), from the f_aj the training forward stored when it did.
    Matrix& ga = pg_[0];
    for (int i = i0; i < i1; ++i) {
        float pi[kAfActivations];
        softmax(pv_[0], i, pi);
        double acc[kAfActivations] = {0, 0, 0, 0};
        for (Eigen::Index b = 0; b < n; ++b)
            for (int j = 0; j < nb_; ++j) {
                const float gb = gB(Eigen::Index(i) * nb_ + j, b);
                if (gb == 0.f) continue;
                float f[kAfActivations], Bv = 0.f, dp, dq;
                if (cached) {
                    const float* c = aux->col(b).data() + size_t(i) * size_t(auxStride()) + size_t(j) * kAfActivations;
                    for (int a = 0; a < kAfActivations; ++a) f[a] = c[a];
                } else {
                    const float p = x(i, b) - knots_(i, j), q = knots_(i, j + k_ + 1) - x(i, b);
                    const float* norm = afNorm_.data() + (size_t(i) * nb_ + size_t(j)) * kAfActivations;
                    for (int a = 0; a < kAfActivations; ++a) {
                        const float prod = activation(a, p, dp) * activation(a, q, dq);
                        f[a] = norm[a] * prod * prod;
                    }
                }
                for (int a = 0; a < kAfActivations; ++a) Bv += pi[a] * f[a];
                for (int a = 0; a < kAfActivations; ++a) acc[a] += double(gb * pi[a] * (f[a] - Bv));
            }
        for (int a = 0; a < kAfActivations; ++a) ga(i, a) += float(acc[a]);
    }
}

void Basis::copyInput(const Basis& src, int from, int to) {
    setPoints(to, src.points(from));
    for (int p = 0; p < np_; ++p) pv_[size_t(p)].row(to) = src.pv_[size_t(p)].row(from);
}

void Basis::fitCentres(const Matrix& x) {
    if (kind_ != BasisKind::RbfAdaptive)
        throw std::invalid_argument(std::string("k-means centres apply to the rbf_adaptive basis only (basis is '") +
                                    basisName(kind_) + "')");
    if (x.rows() != in_) throw std::invalid_argument("KAN k-means: wrong input feature count");
    const int K = G_ + 1;
    for (int i = 0; i < in_; ++i) {
        const float h = (pts_(i, G_) - pts_(i, 0)) / float(G_);
        std::vector<float> s(size_t(x.cols()));
        for (Eigen::Index b = 0; b < x.cols(); ++b) s[size_t(b)] = x(i, b);
        std::sort(s.begin(), s.end());
        std::vector<float> uniq = s;
        uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
        if (uniq.size() < 2) continue;  // a constant input keeps its grid kernels
        // Start: quantiles of the distinct values (the rest of the kernels stay on the grid when
        // there are fewer distinct values than kernels).
        std::vector<float> c;
        const int fromData = std::min<int>(K, int(uniq.size()));
        for (int k = 0; k < fromData; ++k) c.push_back(uniq[size_t((double(k) + 0.5) / fromData * double(uniq.size()))]);
        for (int it = 0; it < 30; ++it) {  // Lloyd on all values; c stays sorted in 1-D
            std::vector<double> sum(c.size(), 0.0);
            std::vector<int> cnt(c.size(), 0);
            size_t k = 0;
            for (float v : s) {
                while (k + 1 < c.size() && std::abs(c[k + 1] - v) < std::abs(c[k] - v)) ++k;
                sum[k] += v;
                ++cnt[k];
            }
            bool moved = false;
            for (size_t q = 0; q < c.size(); ++q)
                if (cnt[q] > 0) {
                    const float nc = float(sum[q] / cnt[q]);
                    moved = moved || nc != c[q];
                    c[q] = nc;
                }
            if (!moved) break;
        }
        for (int k = fromData; k < K; ++k) c.push_back(pts_(i, k));
        std::sort(c.begin(), c.end());
        const float floorW = 0.1f * std::abs(h);
        for (int k = 0; k < K; ++k) {
            float gap = std::numeric_limits<float>::max();
            if (k > 0) gap = std::min(gap, c[size_t(k)] - c[size_t(k - 1)]);
            if (k + 1 < K) gap = std::min(gap, c[size_t(k + 1)] - c[size_t(k)]);
            pv_[0](i, k) = c[size_t(k)];
            pv_[1](i, k) = std::log(std::max(gap, floorW));
        }
    }
}

}  // namespace ganglion::kan
