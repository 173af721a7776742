#include "core/reservoir/ei_product.h"

#include <algorithm>
#include <atomic>
#include <thread>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace ganglion::reservoir {

namespace {

constexpr int kLanes = 16, kBlock = 32;
/// Below this many stored weights a step takes a few microseconds and a second thread does
/// not pay for waking it and waiting for it.
constexpr std::size_t kMinSplitWeights = 1 << 15;
/// Pauses a waiting thread spins before it sleeps (~70 µs on a 3.7 GHz Zen 4).
constexpr int kSpins = 4000;

void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
}

/// Waits until `a` differs from `old` (spinning first); returns the new value.
std::uint32_t awaitChange(const std::atomic<std::uint32_t>& a, std::uint32_t old) {
    std::uint32_t v;
    for (int spin = 0; (v = a.load(std::memory_order_acquire)) == old; ++spin) {
        if (spin < kSpins) pause();
        else a.wait(old, std::memory_order_acquire);
    }
    return v;
}

/// y = m·x for the rows [from, to) of a compressed row-major sparse matrix, without allocating;
/// 8 connections at a time with AVX2 gathers when the CPU has them.
void sparseTimes(const SparseMatrix& m, const float* x, float* y, Eigen::Index from, Eigen::Index to) {
    const int* outer = m.outerIndexPtr();
    const int* idx = m.innerIndexPtr();
    const float* v = m.valuePtr();
    for (Eigen::Index i = from; i < to; ++i) {
        int k = outer[i];
        const int end = outer[i + 1];
        float sum = 0.f;
#ifdef __AVX2__
        __m256 acc = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps();  // two chains in flight
        for (; k + 16 <= end; k += 16) {
            const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + k));
            const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + k + 8));
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(v + k), _mm256_i32gather_ps(x, i0, 4), acc);
            acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(v + k + 8), _mm256_i32gather_ps(x, i1, 4), acc2);
        }
        acc = _mm256_add_ps(acc, acc2);
        __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
        h = _mm_hadd_ps(h, h);
        h = _mm_hadd_ps(h, h);
        sum = _mm_cvtss_f32(h);
#endif
        for (; k < end; ++k) sum += v[k] * x[idx[k]];
        y[i] = sum;
    }
}

}  // namespace

/// One persistent helper thread running part 1 of a split job while the caller runs part 0.
class SplitHelper {
public:
    SplitHelper() : thread_([this] { loop(); }) {}
    ~SplitHelper() {
        stop_.store(true, std::memory_order_release);
        go_.fetch_add(1, std::memory_order_release);
        go_.notify_one();
        thread_.join();
    }
    SplitHelper(const SplitHelper&) = delete;
    SplitHelper& operator=(const SplitHelper&) = delete;

    /// Runs fn(ctx, 1) on the helper and fn(ctx, 0) here; returns when both are done.
    void run(void (*fn)(void*, int), void* ctx) {
        fn_ = fn;
        ctx_ = ctx;
        const std::uint32_t g = go_.fetch_add(1, std::memory_order_release) + 1;
        go_.notify_one();
        fn(ctx, 0);
        for (std::uint32_t d = done_.load(std::memory_order_acquire); d != g;) d = awaitChange(done_, d);
    }

private:
    void loop() {
        std::uint32_t seen = 0;
        for (;;) {
            seen = awaitChange(go_, seen);
            if (stop_.load(std::memory_order_acquire)) return;
            fn_(ctx_, 1);
            done_.store(seen, std::memory_order_release);
            done_.notify_one();
        }
    }

    std::atomic<std::uint32_t> go_{0}, done_{0};
    std::atomic<bool> stop_{false};
    void (*fn_)(void*, int) = nullptr;  // written before go_ is released, read after it is acquired
    void* ctx_ = nullptr;
    std::thread thread_;  // last: starts once the members above exist
};

EIProduct::EIProduct() = default;
EIProduct::~EIProduct() = default;

EIProduct::EIProduct(const EIProduct& o)
    : rows_(o.rows_), nE_(o.nE_), nI_(o.nI_), threads_(o.threads_), split_(o.split_), eBlocks_(o.eBlocks_),
      iBlocks_(o.iBlocks_), len_(o.len_), sliceSlot_(o.sliceSlot_), idx_(o.idx_), val_(o.val_), table_(o.table_),
      wE_(o.wE_), wI_(o.wI_) {}  // the copy starts its own helper when it needs one

EIProduct& EIProduct::operator=(const EIProduct& o) {
    if (this != &o) {
        EIProduct copy(o);
        std::swap(rows_, copy.rows_);
        std::swap(nE_, copy.nE_);
        std::swap(nI_, copy.nI_);
        std::swap(threads_, copy.threads_);
        std::swap(split_, copy.split_);
        std::swap(eBlocks_, copy.eBlocks_);
        std::swap(iBlocks_, copy.iBlocks_);
        len_.swap(copy.len_);
        sliceSlot_.swap(copy.sliceSlot_);
        idx_.swap(copy.idx_);
        val_.swap(copy.val_);
        table_.swap(copy.table_);
        wE_.swap(copy.wE_);
        wI_.swap(copy.wI_);
    }
    return *this;
}

bool EIProduct::tiled() {
#ifdef __AVX512F__
    return true;
#else
    return false;
#endif
}

void EIProduct::build(const SparseMatrix& wEIn, const SparseMatrix& wIIn) {
    if (!wEIn.isCompressed() || !wIIn.isCompressed()) {
        SparseMatrix e = wEIn, i = wIIn;
        e.makeCompressed();
        i.makeCompressed();
        build(e, i);
        return;
    }
    const SparseMatrix& wE = wEIn;
    const SparseMatrix& wI = wIIn;
    rows_ = int(wE.rows());
    nE_ = int(wE.cols());
    nI_ = int(wI.cols());
    if (!tiled()) {
        wE_ = wE;
        wI_ = wI;
        split_ = rows_ / 2;
        return;
    }
    eBlocks_ = (nE_ + kBlock - 1) / kBlock;
    iBlocks_ = (nI_ + kBlock - 1) / kBlock;
    const int slices = (rows_ + kLanes - 1) / kLanes;
    len_.clear();
    sliceSlot_.assign(1, 0);
    std::vector<std::uint8_t> idx;
    std::vector<float> val;
    for (int s = 0; s < slices; ++s) {
        for (int part = 0; part < 2; ++part) {
            const SparseMatrix& m = part ? wI : wE;
            const int blocks = part ? iBlocks_ : eBlocks_;
            int cursor[kLanes], end[kLanes];
            for (int l = 0; l < kLanes; ++l) {
                const int row = s * kLanes + l;
                cursor[l] = row < rows_ ? m.outerIndexPtr()[row] : 0;
                end[l] = row < rows_ ? m.outerIndexPtr()[row + 1] : 0;
            }
            for (int b = 0; b < blocks; ++b) {
                int count[kLanes], most = 0;
                for (int l = 0; l < kLanes; ++l) {
                    int k = cursor[l];
                    while (k < end[l] && m.innerIndexPtr()[k] < kBlock * (b + 1)) ++k;
                    count[l] = k - cursor[l];
                    most = std::max(most, count[l]);
                }
                const int slots = (most + 1) & ~1;  // even: the kernel takes two slots at a time
                len_.push_back(std::uint8_t(slots));
                for (int k = 0; k < slots; ++k)
                    for (int l = 0; l < kLanes; ++l) {
                        const bool live = k < count[l];
                        idx.push_back(live ? std::uint8_t(m.innerIndexPtr()[cursor[l] + k] - kBlock * b) : 0);
                        val.push_back(live ? m.valuePtr()[cursor[l] + k] : 0.f);
                    }
                for (int l = 0; l < kLanes; ++l) cursor[l] += count[l];
            }
        }
        sliceSlot_.push_back(std::int64_t(val.size() / kLanes));
    }
    idx_ = Eigen::Map<const Eigen::Matrix<std::uint8_t, Eigen::Dynamic, 1>>(idx.data(), Eigen::Index(idx.size()));
    val_ = Eigen::Map<const Eigen::VectorXf>(val.data(), Eigen::Index(val.size()));
    table_.setZero(kBlock * (eBlocks_ + iBlocks_));
    // the helper's slices: about half of the slots
    split_ = slices;
    for (int s = 0; s < slices; ++s)
        if (2 * sliceSlot_[std::size_t(s)] >= sliceSlot_.back()) {
            split_ = s;
            break;
        }
}

void EIProduct::setThreads(int threads) { threads_ = std::clamp(threads, 1, 2); }

int EIProduct::threads() const { return threads_ > 1 && storedWeights() >= kMinSplitWeights ? 2 : 1; }

std::size_t EIProduct::storedWeights() const {
    return tiled() ? std::size_t(val_.size()) : std::size_t(wE_.nonZeros() + wI_.nonZeros());
}

void EIProduct::multiply(const float* r, float* exc, float* inh) {
#ifdef __AVX512F__
    // the rates of each part, padded with zeros to whole 32-column blocks
    float* t = table_.data();
    std::copy(r, r + nE_, t);
    std::fill(t + nE_, t + kBlock * eBlocks_, 0.f);
    std::copy(r + nE_, r + nE_ + nI_, t + kBlock * eBlocks_);
    std::fill(t + kBlock * eBlocks_ + nI_, t + table_.size(), 0.f);
#endif
    if (threads() == 1) {
        multiplyRows(r, exc, inh, -1);
        return;
    }
    if (!helper_) helper_ = std::make_unique<SplitHelper>();
    struct Job {
        const EIProduct* self;
        const float* r;
        float *exc, *inh;
    } job{this, r, exc, inh};
    helper_->run([](void* c, int part) {
        const Job& j = *static_cast<const Job*>(c);
        j.self->multiplyRows(j.r, j.exc, j.inh, part);
    }, &job);
}

void EIProduct::multiplyRows(const float* r, float* exc, float* inh, int part) const {
#ifdef __AVX512F__
    (void)r;
    const int slices = int(sliceSlot_.size()) - 1;
    const int from = part == 1 ? split_ : 0, to = part == 0 ? split_ : slices;
    const std::size_t blocks = std::size_t(eBlocks_ + iBlocks_);
    const float* table = table_.data();
    const std::uint8_t* len = len_.data() + std::size_t(from) * blocks;
    const std::uint8_t* ix = idx_.data() + kLanes * sliceSlot_[std::size_t(from)];
    const float* v = val_.data() + kLanes * sliceSlot_[std::size_t(from)];
    // one part's blocks of a slice into two accumulators (consecutive slots do not wait for each
    // other's sums); the 32 rates of a block stay in two registers for all its slots
    auto accumulate = [&](const float* tab, int nBlocks, __m512& a0, __m512& a1) {
        for (int b = 0; b < nBlocks; ++b, tab += kBlock) {
            const __m512 t0 = _mm512_loadu_ps(tab), t1 = _mm512_loadu_ps(tab + 16);
            for (int k = *len++; k > 0; k -= 2, ix += 2 * kLanes, v += 2 * kLanes) {
                const __m512i c0 = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ix)));
                const __m512i c1 = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ix + kLanes)));
                a0 = _mm512_fmadd_ps(_mm512_loadu_ps(v), _mm512_permutex2var_ps(t0, c0, t1), a0);
                a1 = _mm512_fmadd_ps(_mm512_loadu_ps(v + kLanes), _mm512_permutex2var_ps(t0, c1, t1), a1);
            }
        }
    };
    for (int s = from; s < to; ++s) {
        __m512 e0 = _mm512_setzero_ps(), e1 = e0, i0 = e0, i1 = e0;
        accumulate(table, eBlocks_, e0, e1);
        accumulate(table + kBlock * eBlocks_, iBlocks_, i0, i1);
        const int left = rows_ - kLanes * s;
        const __mmask16 mask = left >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
        _mm512_mask_storeu_ps(exc + kLanes * s, mask, _mm512_add_ps(e0, e1));
        _mm512_mask_storeu_ps(inh + kLanes * s, mask, _mm512_add_ps(i0, i1));
    }
#else
    const Eigen::Index from = part == 1 ? split_ : 0, to = part == 0 ? split_ : rows_;
    sparseTimes(wE_, r, exc, from, to);
    sparseTimes(wI_, r + nE_, inh, from, to);
#endif
}

}  // namespace ganglion::reservoir
