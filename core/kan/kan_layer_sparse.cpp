// The B-spline layer's local-support path (see kan_layer.h). Per (input i, sample b) the forward
// keeps the knot span s and the k+1 values v_r = B_{s-k+r}(x_ib), plus silu(x_ib); the outputs
// are y_b = bias + Σ_i (Wb_i·silu + Σ_r v_r·W_i,s-k+r). Each input's weights are packed into a
// small block P_i (column 0: Wb_i = scale_base ⊙ mask, then the spline columns j = -k … nb+k-1,
// coef ⊙ scale_sp ⊙ mask where 0 <= j < nb and zero padding around them), so the k+1 columns of
// span s are columns 1+s … 1+s+k with no bounds checks. Backward accumulates the gradient of P_i
// over the samples the same way and maps it onto coef, scale_sp and scale_base; dL/dx needs the
// basis derivatives, recomputed there from the cached inputs (layers whose input gradient nobody
// asks for never compute them).
#include "core/kan/kan_layer.h"
#include "core/kan/kan_parallel.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

namespace ganglion::kan {

namespace {

// exp for the SiLU planes, written so the compiler vectorises it: 2^n·e^r with |r| <= ln2/2 and a
// degree-7 Taylor polynomial (relative error below 2e-7 over the clamped range).
inline float expVec(float x) {
    x = x < -87.f ? -87.f : x;  // selects (needs -fno-trapping-math, core/CMakeLists.txt)
    x = x > 88.f ? 88.f : x;
    const int ni = int(x * 1.44269504f + 128.5f) - 128;  // floor(x/ln 2 + ½): the argument is > 0
    const float n = float(ni);
    const float r = (x - n * 0.693145751953125f) - n * 1.4286068203094172e-06f;  // ln 2 split in two
    float p = 1.f / 5040;
    p = p * r + 1.f / 720;
    p = p * r + 1.f / 120;
    p = p * r + 1.f / 24;
    p = p * r + 1.f / 6;
    p = p * r + 0.5f;
    p = p * r + 1.f;
    p = p * r + 1.f;
    return p * std::bit_cast<float>((ni + 127) << 23);
}

[[gnu::noinline]] void siluRow(const float* __restrict x, float* __restrict y, int n) {
    for (int b = 0; b < n; ++b) y[b] = x[b] / (1.f + expVec(-x[b]));
}

[[gnu::noinline]] void siluGradRow(const float* __restrict x, float* __restrict y, int n) {
    for (int b = 0; b < n; ++b) {
        const float s = 1.f / (1.f + expVec(-x[b]));
        y[b] = s * (1.f + x[b] * (1.f - s));
    }
}

// The terms of one (input, sample): base value sv with its column pb, the K spline values v with
// their columns w, w + out, …; K > 0 is the count known at compile time, K = 0 reads it from kk.
template <int K>
inline void addTerms(int out, int kk, float* __restrict y, const float* __restrict pb, float sv,
                     const float* __restrict w, const float* v) {
    if constexpr (K > 0) {
        std::array<float, K> c;
        for (int r = 0; r < K; ++r) c[size_t(r)] = v[r];
        for (int o = 0; o < out; ++o) {
            float acc = y[o] + sv * pb[o];
            for (int r = 0; r < K; ++r) acc += c[size_t(r)] * w[r * out + o];
            y[o] = acc;
        }
    } else {
        for (int o = 0; o < out; ++o) y[o] += sv * pb[o];
        for (int r = 0; r < kk; ++r)
            for (int o = 0; o < out; ++o) y[o] += v[r] * w[r * out + o];
    }
}

// Gradient of one (input, sample) into the packed block: gpb += sv·g, gw_r += v_r·g.
template <int K>
inline void scatterTerms(int out, int kk, float* __restrict gpb, float sv, float* __restrict gw, const float* v,
                         const float* __restrict g) {
    const int n = K > 0 ? K : kk;
    for (int o = 0; o < out; ++o) gpb[o] += sv * g[o];
    for (int r = 0; r < n; ++r) {
        const float c = v[r];
        float* __restrict col = gw + r * out;
        for (int o = 0; o < out; ++o) col[o] += c * g[o];
    }
}

// dL/dx of one (input, sample): g·(dsv·pb + Σ_r dv_r·w_r).
template <int K>
inline float inputGrad(int out, int kk, const float* __restrict pb, float dsv, const float* __restrict w,
                       const float* dv, const float* __restrict g) {
    const int n = K > 0 ? K : kk;
    float acc = 0.f;
    for (int o = 0; o < out; ++o) {
        float d = dsv * pb[o];
        for (int r = 0; r < n; ++r) d += dv[r] * w[r * out + o];
        acc += g[o] * d;
    }
    return acc;
}

// Cubic splines, no input gradient, out a multiple of 16: the samples of one input grouped by
// knot span (counting sort), so each group's four column gradients and the base column's sum
// stay in vector registers over its samples and reach memory once per group.
using V16 = float __attribute__((vector_size(64)));
inline V16 load16(const float* p) {
    V16 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void addTo16(float* p, V16 v) {
    v += load16(p);
    std::memcpy(p, &v, sizeof v);
}

void cubicGradGrouped(int out, int n, int spans, const int* st, const float* sv, const float* const* vals,
                      const float* gy, float* gP, std::vector<int>& count, std::vector<int>& order) {
    count.assign(size_t(spans) + 1, 0);
    order.resize(size_t(n));
    for (int b = 0; b < n; ++b) ++count[size_t(st[b]) + 1];
    for (int s = 0; s < spans; ++s) count[size_t(s) + 1] += count[size_t(s)];
    {
        std::vector<int> fill(count.begin(), count.end() - 1);
        for (int b = 0; b < n; ++b) order[size_t(fill[size_t(st[b])]++)] = b;
    }
    const float *v0 = vals[0], *v1 = vals[1], *v2 = vals[2], *v3 = vals[3];
    float* gw = gP + out;
    for (int c = 0; c < out; c += 16) {
        V16 ab{};
        for (int s = 0; s < spans; ++s) {
            const int q0 = count[size_t(s)], q1 = count[size_t(s) + 1];
            if (q0 == q1) continue;
            V16 a0{}, a1{}, a2{}, a3{};
            for (int q = q0; q < q1; ++q) {
                const int b = order[size_t(q)];
                const V16 g = load16(gy + size_t(b) * out + c);
                ab += sv[b] * g;
                a0 += v0[b] * g;
                a1 += v1[b] * g;
                a2 += v2[b] * g;
                a3 += v3[b] * g;
            }
            addTo16(gw + size_t(s) * out + c, a0);
            addTo16(gw + size_t(s + 1) * out + c, a1);
            addTo16(gw + size_t(s + 2) * out + c, a2);
            addTo16(gw + size_t(s + 3) * out + c, a3);
        }
        addTo16(gP + c, ab);
    }
}

// Calls f(std::integral_constant K) with K = k+1 for the common cubic case, else K = 0 (runtime).
template <class F>
void withTerms(int k, F&& f) {
    if (k == 3) f(std::integral_constant<int, 4>{});
    else f(std::integral_constant<int, 0>{});
}

}  // namespace

void Layer::packEdges(int i, float* P) const {
    const int out = cfg_.out, nb = basis_.count(), k = basis_.order();
    const float *sb = scaleBase.col(i).data(), *ss = scaleSp.col(i).data(), *mk = mask.col(i).data();
    float* __restrict base = P;
    for (int o = 0; o < out; ++o) base[o] = sb[o] * mk[o];
    for (int j = 0; j < nb; ++j) {
        float* __restrict c = P + size_t(1 + k + j) * out;
        const float* cf = coef.col(Eigen::Index(i) * nb + j).data();
        for (int o = 0; o < out; ++o) c[o] = cf[o] * ss[o] * mk[o];
    }
}

void Layer::sparseForward(Matrix& y) {
    const int in = cfg_.in, out = cfg_.out, nb = basis_.count(), k = basis_.order();
    const Eigen::Index n = x_.cols();
    const size_t plane = size_t(in) * size_t(n), block = size_t(nb + 2 * k + 1) * size_t(out);
    xT_ = x_.transpose();
    spStart_.resize(plane);
    spVal_.resize(Eigen::Index(plane), k + 2);
    y.resize(out, n);
    detail::parallel(detail::bigWork(in, nb, out, n), [&](int part, int parts) {  // split by samples
        const Eigen::Index c0 = n * part / parts, c1 = n * (part + 1) / parts;
        const int nc = int(c1 - c0);
        if (nc == 0) return;
        if (cfg_.bias) y.middleCols(c0, nc).colwise() = bias.col(0);
        else y.middleCols(c0, nc).setZero();
        std::vector<float> P(block, 0.f);
        std::array<float*, kMaxOrder + 1> vals{};
        withTerms(k, [&](auto K) {
            for (int i = 0; i < in; ++i) {
                const size_t e0 = size_t(i) * size_t(n) + size_t(c0);
                const float* xs = xT_.data() + e0;
                const float* sv = spVal_.data() + e0;
                siluRow(xs, spVal_.data() + e0, nc);
                for (int r = 0; r <= k; ++r) vals[size_t(r)] = spVal_.data() + size_t(r + 1) * plane + e0;
                const int* st = spStart_.data() + e0;
                basis_.bsplineSupport(i, xs, nc, spStart_.data() + e0, vals.data(), nullptr);
                packEdges(i, P.data());
                const float* pb = P.data();
                std::array<float, kMaxOrder + 1> v{};
                for (int b = 0; b < nc; ++b) {
                    for (int r = 0; r <= k; ++r) v[size_t(r)] = vals[size_t(r)][b];
                    addTerms<decltype(K)::value>(out, k + 1, y.col(c0 + b).data(), pb, sv[b],
                                                 pb + size_t(1 + st[b]) * out, v.data());
                }
            }
        });
    });
}

void Layer::sparseBackward(const Matrix& gy, Matrix* gz) {
    const int in = cfg_.in, out = cfg_.out, nb = basis_.count(), k = basis_.order();
    const Eigen::Index n = x_.cols();
    const size_t block = size_t(nb + 2 * k + 1) * size_t(out);
    if (gz) gz->resize(in, n);
    detail::parallel(detail::bigWork(in, nb, out, n), [&](int part, int parts) {  // split by inputs
        const int i0 = in * part / parts, i1 = in * (part + 1) / parts;
        std::vector<float> P(gz ? block : 0, 0.f), gP(block);
        std::vector<float> dplanes(gz ? size_t(k + 2) * size_t(n) : 0);
        std::vector<int> dstart(gz ? size_t(n) : 0);
        std::vector<float> redo(gz ? size_t(k + 1) * size_t(n) : 0);  // the values again, unused
        std::array<float*, kMaxOrder + 1> dvals{}, rvals{};
        for (int r = 0; gz && r <= k; ++r) {
            dvals[size_t(r)] = dplanes.data() + size_t(r + 1) * size_t(n);
            rvals[size_t(r)] = redo.data() + size_t(r) * size_t(n);
        }
        withTerms(k, [&](auto K) {
            constexpr int Kc = decltype(K)::value;
            std::array<float, kMaxOrder + 1> v{}, dv{};
            std::vector<int> count, order;
            for (int i = i0; i < i1; ++i) {
                const size_t e0 = size_t(i) * size_t(n);
                const float* sv = spVal_.data() + e0;
                const int* st = spStart_.data() + e0;
                std::fill(gP.begin(), gP.end(), 0.f);
                Eigen::Index n0 = 0;
                if (gz) {
                    // the derivatives (same spans as the forward's; recomputed, not cached)
                    const float* xs = xT_.data() + e0;
                    basis_.bsplineSupport(i, xs, int(n), dstart.data(), rvals.data(), dvals.data());
                    siluGradRow(xs, dplanes.data(), int(n));
                    packEdges(i, P.data());
                }
                std::array<const float*, kMaxOrder + 1> vals{};
                for (int r = 0; r <= k; ++r) vals[size_t(r)] = spVal_.col(r + 1).data() + e0;
                if (Kc == 4 && !gz && out % 16 == 0) {
                    cubicGradGrouped(out, int(n), nb + k, st, sv, vals.data(), gy.data(),
                                     gP.data(), count, order);
                    n0 = n;  // all samples done
                }
                for (Eigen::Index b = n0; b < n; ++b) {
                    for (int r = 0; r <= k; ++r) v[size_t(r)] = vals[size_t(r)][b];
                    const float* g = gy.col(b).data();
                    scatterTerms<Kc>(out, k + 1, gP.data(), sv[b], gP.data() + size_t(1 + st[b]) * out, v.data(), g);
                    if (!gz) continue;
                    for (int r = 0; r <= k; ++r) dv[size_t(r)] = dvals[size_t(r)][b];
                    (*gz)(i, b) = inputGrad<Kc>(out, k + 1, P.data(), dplanes[size_t(b)],
                                                P.data() + size_t(1 + st[b]) * out, dv.data(), g);
                }
                // onto the parameters: P = [scale_base ⊙ mask | coef ⊙ scale_sp ⊙ mask]
                for (int o = 0; o < out; ++o) gScaleBase(o, i) += mask(o, i) * gP[size_t(o)];
                for (int j = 0; j < nb; ++j) {
                    const float* gc = gP.data() + size_t(1 + k + j) * out;
                    const Eigen::Index c = Eigen::Index(i) * nb + j;
                    for (int o = 0; o < out; ++o) {
                        gCoef(o, c) += gc[o] * scaleSp(o, i) * mask(o, i);
                        gScaleSp(o, i) += mask(o, i) * gc[o] * coef(o, c);
                    }
                }
            }
        });
    });
}

void Layer::denseCaches() {
    basis_.evaluate(x_, B_, &dB_);
    silu_ = x_.unaryExpr([](float v) { return silu(v); });
}

}  // namespace ganglion::kan
