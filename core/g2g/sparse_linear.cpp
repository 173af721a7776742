#include "core/g2g/sparse_linear.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define G2G_AVX2 1
#endif

namespace ganglion::g2g {

void SparseStructure::rebuild() {
    const int n = nnz();
    colTiles = (cols + kTile - 1) / kTile;
    rowTiles = (rows + kTile - 1) / kTile;
    // Counting sorts: CSR bucket = (column tile, row), CSC bucket = (row tile, column). Filling
    // CSC from slots sorted by row and CSR from slots sorted by column keeps the inner index
    // ascending within each bucket (better locality in the kernels).
    const std::size_t nr = std::size_t(colTiles) * rows, nc = std::size_t(rowTiles) * cols;
    rowPtr.assign(nr + 1, 0);
    colPtr.assign(nc + 1, 0);
    auto rkey = [&](int k) { return std::size_t(slotCol[k] / kTile) * rows + std::size_t(slotRow[k]); };
    auto ckey = [&](int k) { return std::size_t(slotRow[k] / kTile) * cols + std::size_t(slotCol[k]); };
    for (int k = 0; k < n; ++k) {
        ++rowPtr[rkey(k) + 1];
        ++colPtr[ckey(k) + 1];
    }
    for (std::size_t i = 0; i < nr; ++i) rowPtr[i + 1] += rowPtr[i];
    for (std::size_t j = 0; j < nc; ++j) colPtr[j + 1] += colPtr[j];
    csrCol.resize(std::size_t(n));
    csrSlot.resize(std::size_t(n));
    cscRow.resize(std::size_t(n));
    cscSlot.resize(std::size_t(n));
    // Slots sorted by column, then by row (counting sort on each key).
    const std::size_t un = static_cast<std::size_t>(n);
    std::vector<std::int32_t> byCol(un), byRow(un);
    {
        std::vector<std::int32_t> cnt(std::size_t(cols) + 1, 0);
        for (int k = 0; k < n; ++k) ++cnt[std::size_t(slotCol[k]) + 1];
        for (int j = 0; j < cols; ++j) cnt[std::size_t(j) + 1] += cnt[std::size_t(j)];
        for (int k = 0; k < n; ++k) byCol[std::size_t(cnt[std::size_t(slotCol[k])]++)] = k;
        std::vector<std::int32_t> rc(std::size_t(rows) + 1, 0);
        for (int k = 0; k < n; ++k) ++rc[std::size_t(slotRow[k]) + 1];
        for (int i = 0; i < rows; ++i) rc[std::size_t(i) + 1] += rc[std::size_t(i)];
        for (int k = 0; k < n; ++k) byRow[std::size_t(rc[std::size_t(slotRow[k])]++)] = k;
    }
    std::vector<std::int32_t> fill(rowPtr.begin(), rowPtr.end() - 1);
    for (int k : byCol) {
        const auto p = std::size_t(fill[rkey(k)]++);
        csrCol[p] = slotCol[k];
        csrSlot[p] = k;
    }
    std::vector<std::int32_t> cfill(colPtr.begin(), colPtr.end() - 1);
    for (int k : byRow) {
        const auto p = std::size_t(cfill[ckey(k)]++);
        cscRow[p] = slotRow[k];
        cscSlot[p] = k;
    }
    csrIdentity = true;
    for (int k = 0; k < n && csrIdentity; ++k) csrIdentity = csrSlot[std::size_t(k)] == k;
}

int SparseStructure::fanIn(int i) const {
    int f = 0;
    for (int t = 0; t < colTiles; ++t) {
        const std::size_t b = std::size_t(t) * rows + std::size_t(i);
        f += rowPtr[b + 1] - rowPtr[b];
    }
    return f;
}

Matrix SparseStructure::denseMask() const {
    Matrix m = Matrix::Zero(rows, cols);
    for (int k = 0; k < nnz(); ++k) m(slotRow[k], slotCol[k]) = 1.f;
    return m;
}

void SparseStructure::check() const {
    if (slotRow.size() != slotCol.size()) throw std::runtime_error("sparse structure: slot arrays differ in length");
    std::vector<std::uint8_t> seen(std::size_t(rows) * std::size_t(cols), 0);
    for (int k = 0; k < nnz(); ++k) {
        int r = slotRow[k], c = slotCol[k];
        if (r < 0 || r >= rows || c < 0 || c >= cols)
            throw std::runtime_error("sparse structure: slot " + std::to_string(k) + " (" + std::to_string(r) +
                                     ", " + std::to_string(c) + ") is outside " + std::to_string(rows) + "x" +
                                     std::to_string(cols));
        auto& s = seen[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        if (s) throw std::runtime_error("sparse structure: connection (" + std::to_string(r) + ", " +
                                        std::to_string(c) + ") appears twice");
        s = 1;
    }
}

namespace {

inline int padded(int b) { return (b + 7) & ~7; }

// dst (ldd-strided columns) top-left cols x rows block = src (rows x cols, lds-strided)^T, in
// cache-sized tiles (Eigen's plain transpose assignment walks one side with a large stride).
void transposeInto(float* dst, std::ptrdiff_t ldd, const float* src, std::ptrdiff_t lds, int rows, int cols) {
    constexpr int T = 16;
    for (int j0 = 0; j0 < cols; j0 += T)
        for (int i0 = 0; i0 < rows; i0 += T) {
            const int j1 = std::min(cols, j0 + T), i1 = std::min(rows, i0 + T);
            for (int j = j0; j < j1; ++j) {
                const float* s = src + std::ptrdiff_t(j) * lds;
                for (int i = i0; i < i1; ++i) dst[std::ptrdiff_t(i) * ldd + j] = s[i];
            }
        }
}

// dst[0..8NV) = sum_k val[k] * src[idx[k]*ld + 0..8NV)
// (first == false: dst += instead of =)
template <int NV>
void accum(float* dst, const float* src, std::ptrdiff_t ld, const std::int32_t* idx, const float* val, int n,
           bool first) {
#if defined(__AVX512F__)
    if constexpr (NV % 2 == 0) {
        constexpr int NZ = NV / 2;
        __m512 acc[NZ];
        for (int v = 0; v < NZ; ++v) acc[v] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(dst + 16 * v);
        for (int k = 0; k < n; ++k) {
            const float* p = src + std::ptrdiff_t(idx[k]) * ld;
            const __m512 wv = _mm512_set1_ps(val[k]);
            for (int v = 0; v < NZ; ++v) acc[v] = _mm512_fmadd_ps(wv, _mm512_loadu_ps(p + 16 * v), acc[v]);
        }
        for (int v = 0; v < NZ; ++v) _mm512_storeu_ps(dst + 16 * v, acc[v]);
        return;
    }
#endif
#ifdef G2G_AVX2
    __m256 acc[NV];
    for (int v = 0; v < NV; ++v) acc[v] = first ? _mm256_setzero_ps() : _mm256_loadu_ps(dst + 8 * v);
    for (int k = 0; k < n; ++k) {
        const float* p = src + std::ptrdiff_t(idx[k]) * ld;
        const __m256 wv = _mm256_broadcast_ss(val + k);
        for (int v = 0; v < NV; ++v) acc[v] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(p + 8 * v), acc[v]);
    }
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(dst + 8 * v, acc[v]);
#else
    float acc[8 * NV] = {};
    if (!first)
        for (int t = 0; t < 8 * NV; ++t) acc[t] = dst[t];
    for (int k = 0; k < n; ++k) {
        const float* p = src + std::ptrdiff_t(idx[k]) * ld;
        for (int t = 0; t < 8 * NV; ++t) acc[t] += val[k] * p[t];
    }
    for (int t = 0; t < 8 * NV; ++t) dst[t] = acc[t];
#endif
}

// out[k] += dot(g[0..8NV), src[idx[k]*ld + 0..8NV)) for k < n
template <int NV>
void dots(float* out, const float* g, const float* src, std::ptrdiff_t ld, const std::int32_t* idx, int n) {
#if defined(__AVX512F__)
    if constexpr (NV % 2 == 0) {
        constexpr int NZ = NV / 2;
        __m512 gz[NZ];
        for (int v = 0; v < NZ; ++v) gz[v] = _mm512_loadu_ps(g + 16 * v);
        auto half = [](__m512 a) {
            return _mm256_add_ps(_mm512_castps512_ps256(a), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
        };
        int k = 0;
        for (; k + 4 <= n; k += 4) {
            const float* p0 = src + std::ptrdiff_t(idx[k]) * ld;
            const float* p1 = src + std::ptrdiff_t(idx[k + 1]) * ld;
            const float* p2 = src + std::ptrdiff_t(idx[k + 2]) * ld;
            const float* p3 = src + std::ptrdiff_t(idx[k + 3]) * ld;
            __m512 a0 = _mm512_mul_ps(gz[0], _mm512_loadu_ps(p0));
            __m512 a1 = _mm512_mul_ps(gz[0], _mm512_loadu_ps(p1));
            __m512 a2 = _mm512_mul_ps(gz[0], _mm512_loadu_ps(p2));
            __m512 a3 = _mm512_mul_ps(gz[0], _mm512_loadu_ps(p3));
            for (int v = 1; v < NZ; ++v) {
                a0 = _mm512_fmadd_ps(gz[v], _mm512_loadu_ps(p0 + 16 * v), a0);
                a1 = _mm512_fmadd_ps(gz[v], _mm512_loadu_ps(p1 + 16 * v), a1);
                a2 = _mm512_fmadd_ps(gz[v], _mm512_loadu_ps(p2 + 16 * v), a2);
                a3 = _mm512_fmadd_ps(gz[v], _mm512_loadu_ps(p3 + 16 * v), a3);
            }
            __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(half(a0), half(a1)), _mm256_hadd_ps(half(a2), half(a3)));
            __m128 s = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
            _mm_storeu_ps(out + k, _mm_add_ps(_mm_loadu_ps(out + k), s));
        }
        for (; k < n; ++k) {
            const float* p = src + std::ptrdiff_t(idx[k]) * ld;
            __m512 a = _mm512_mul_ps(gz[0], _mm512_loadu_ps(p));
            for (int v = 1; v < NZ; ++v) a = _mm512_fmadd_ps(gz[v], _mm512_loadu_ps(p + 16 * v), a);
            out[k] += _mm512_reduce_add_ps(a);
        }
        return;
    }
#endif
#ifdef G2G_AVX2
    __m256 gv[NV];
    for (int v = 0; v < NV; ++v) gv[v] = _mm256_loadu_ps(g + 8 * v);
    int k = 0;
    for (; k + 4 <= n; k += 4) {
        const float* p0 = src + std::ptrdiff_t(idx[k]) * ld;
        const float* p1 = src + std::ptrdiff_t(idx[k + 1]) * ld;
        const float* p2 = src + std::ptrdiff_t(idx[k + 2]) * ld;
        const float* p3 = src + std::ptrdiff_t(idx[k + 3]) * ld;
        __m256 a0 = _mm256_mul_ps(gv[0], _mm256_loadu_ps(p0));
        __m256 a1 = _mm256_mul_ps(gv[0], _mm256_loadu_ps(p1));
        __m256 a2 = _mm256_mul_ps(gv[0], _mm256_loadu_ps(p2));
        __m256 a3 = _mm256_mul_ps(gv[0], _mm256_loadu_ps(p3));
        for (int v = 1; v < NV; ++v) {
            a0 = _mm256_fmadd_ps(gv[v], _mm256_loadu_ps(p0 + 8 * v), a0);
            a1 = _mm256_fmadd_ps(gv[v], _mm256_loadu_ps(p1 + 8 * v), a1);
            a2 = _mm256_fmadd_ps(gv[v], _mm256_loadu_ps(p2 + 8 * v), a2);
            a3 = _mm256_fmadd_ps(gv[v], _mm256_loadu_ps(p3 + 8 * v), a3);
        }
        __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
        _mm_storeu_ps(out + k, _mm_add_ps(_mm_loadu_ps(out + k), s));
    }
    for (; k < n; ++k) {
        const float* p = src + std::ptrdiff_t(idx[k]) * ld;
        __m256 a = _mm256_mul_ps(gv[0], _mm256_loadu_ps(p));
        for (int v = 1; v < NV; ++v) a = _mm256_fmadd_ps(gv[v], _mm256_loadu_ps(p + 8 * v), a);
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_hadd_ps(s, s);
        s = _mm_hadd_ps(s, s);
        out[k] += _mm_cvtss_f32(s);
    }
#else
    for (int k = 0; k < n; ++k) {
        const float* p = src + std::ptrdiff_t(idx[k]) * ld;
        float a = 0.f;
        for (int t = 0; t < 8 * NV; ++t) a += g[t] * p[t];
        out[k] += a;
    }
#endif
}

using AccumFn = void (*)(float*, const float*, std::ptrdiff_t, const std::int32_t*, const float*, int, bool);
using DotsFn = void (*)(float*, const float*, const float*, std::ptrdiff_t, const std::int32_t*, int);
constexpr AccumFn kAccum[9] = {nullptr, accum<1>, accum<2>, accum<3>, accum<4>,
                               accum<5>, accum<6>, accum<7>, accum<8>};
constexpr DotsFn kDots[9] = {nullptr, dots<1>, dots<2>, dots<3>, dots<4>, dots<5>, dots<6>, dots<7>, dots<8>};

// out.col(o) = sum over the tiled index lists of o: val * src.col(idx). Batch chunks of <= 64
// floats outermost, then source tiles, so the source columns of one tile stay in L1.
void spmmT(Matrix& out, const Matrix& src, int tiles, const std::vector<std::int32_t>& ptr,
           const std::vector<std::int32_t>& idx, const float* val) {
    const int bp = int(src.rows());
    const std::ptrdiff_t ld = bp;
    const std::size_t no = std::size_t(out.cols());
    for (int c = 0; c < bp; c += 64) {
        const int nv = std::min(8, (bp - c) / 8);
        const AccumFn fn = kAccum[nv];
        for (int t = 0; t < tiles; ++t)
            for (std::size_t o = 0; o < no; ++o) {
                const std::size_t q = std::size_t(t) * no + o;
                const int b = ptr[q], n = ptr[q + 1] - b;
                if (n == 0 && t > 0) continue;
                fn(out.col(Eigen::Index(o)).data() + c, src.data() + c, ld, idx.data() + b, val + b, n, t == 0);
            }
    }
}

}  // namespace

void SparseLinear::pack() {
    const int n = s.nnz();
    const float* wv = w.data();
    wCsc_.resize(std::size_t(n));
    for (int k = 0; k < n; ++k) wCsc_[std::size_t(k)] = wv[s.cscSlot[std::size_t(k)]];
    if (s.csrIdentity) {
        wCsr_.clear();
        wCsrPtr_ = wv;
        return;
    }
    wCsr_.resize(std::size_t(n));
    for (int k = 0; k < n; ++k) wCsr_[std::size_t(k)] = wv[s.csrSlot[std::size_t(k)]];
    wCsrPtr_ = wCsr_.data();
}

void SparseLinear::forward(const Matrix& X, Matrix& Y, SparseScratch& sc) const {
    if (X.rows() != s.cols)
        throw std::invalid_argument("sparse layer expects " + std::to_string(s.cols) + " input features, got " +
                                    std::to_string(X.rows()));
    const int B = int(X.cols()), bp = padded(B);
    sc.batch = B;
    if (sc.xT.rows() != bp || sc.xT.cols() != s.cols) sc.xT = Matrix::Zero(bp, s.cols);
    if (sc.yT.rows() != bp || sc.yT.cols() != s.rows) sc.yT.resize(bp, s.rows);
    transposeInto(sc.xT.data(), bp, X.data(), X.rows(), int(X.rows()), B);
    sc.xT.bottomRows(bp - B).setZero();
    spmmT(sc.yT, sc.xT, s.colTiles, s.rowPtr, s.csrCol, wCsrPtr_);
    if (Y.rows() != s.rows || Y.cols() != B) Y.resize(s.rows, B);
    transposeInto(Y.data(), Y.rows(), sc.yT.data(), bp, B, s.rows);
    Y.colwise() += b.col(0);
}

void SparseLinear::backward(const Matrix& dY, Matrix* dX, Matrix& gW, Matrix& gB, SparseScratch& sc) const {
    if (dY.rows() != s.rows || dY.cols() != sc.batch || gW.size() != s.nnz() || gB.rows() != s.rows)
        throw std::invalid_argument("sparse layer backward: gradient shapes do not match the layer / last forward");
    const int B = sc.batch, bp = padded(B);
    if (sc.gT.rows() != bp || sc.gT.cols() != s.rows) sc.gT = Matrix::Zero(bp, s.rows);
    transposeInto(sc.gT.data(), bp, dY.data(), dY.rows(), int(dY.rows()), B);
    sc.gT.bottomRows(bp - B).setZero();
    gB.col(0) += dY.rowwise().sum();
    // Weight gradient per live connection, in CSR order, then scattered to the slots.
    const int n = s.nnz();
    // In CSR order the gradient accumulates straight into gW; otherwise into a packed buffer
    // scattered to the slots afterwards.
    float* gOut = gW.data();
    if (!s.csrIdentity) {
        sc.gPacked.assign(std::size_t(n), 0.f);
        gOut = sc.gPacked.data();
    }
    for (int c = 0; c < bp; c += 64) {
        const int nv = std::min(8, (bp - c) / 8);
        for (int t = 0; t < s.colTiles; ++t)
            for (int i = 0; i < s.rows; ++i) {
                const std::size_t q = std::size_t(t) * std::size_t(s.rows) + std::size_t(i);
                const int b0 = s.rowPtr[q], len = s.rowPtr[q + 1] - b0;
                if (len == 0) continue;
                kDots[nv](gOut + b0, sc.gT.col(i).data() + c, sc.xT.data() + c, bp,
                          s.csrCol.data() + b0, len);
            }
    }
    if (!s.csrIdentity) {
        float* gw = gW.data();
        for (int k = 0; k < n; ++k) gw[s.csrSlot[std::size_t(k)]] += sc.gPacked[std::size_t(k)];
    }
    if (dX) {
        if (sc.dxT.rows() != bp || sc.dxT.cols() != s.cols) sc.dxT.resize(bp, s.cols);
        spmmT(sc.dxT, sc.gT, s.rowTiles, s.colPtr, s.cscRow, wCsc_.data());
        if (dX->rows() != s.cols || dX->cols() != B) dX->resize(s.cols, B);
        transposeInto(dX->data(), dX->rows(), sc.dxT.data(), bp, B, s.cols);
    }
}

void SparseLinear::denseGradient(const Matrix& dY, const SparseScratch& sc, Matrix& out) const {
    out.noalias() = dY * sc.xT.topRows(sc.batch);
}

Matrix SparseLinear::denseWeights() const {
    Matrix m = Matrix::Zero(s.rows, s.cols);
    for (int k = 0; k < s.nnz(); ++k) m(s.slotRow[std::size_t(k)], s.slotCol[std::size_t(k)]) = w(k);
    return m;
}

}  // namespace ganglion::g2g
