#include "core/snn/population.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace ganglion::snn {

const char* modelName(Model m) {
    switch (m) {
    case Model::LIF: return "LIF";
    case Model::CubaLIF: return "CubaLIF";
    case Model::IF: return "IF";
    case Model::LI: return "LI";
    case Model::AdaptiveLIF: return "AdaptiveLIF";
    case Model::Poisson: return "Poisson";
    case Model::Generator: return "Generator";
    }
    return "?";
}

Model modelFromName(const std::string& name) {
    for (Model m : {Model::LIF, Model::CubaLIF, Model::IF, Model::LI, Model::AdaptiveLIF,
                    Model::Poisson, Model::Generator})
        if (name == modelName(m)) return m;
    throw std::invalid_argument("unknown neuron model '" + name + "'");
}

Population::Population(std::string name, int size, NeuronParams params, Dale dale)
    : name_(std::move(name)), size_(size), p_(params), dale_(dale) {
    if (size <= 0) throw std::invalid_argument("population '" + name_ + "': size must be positive");
    setParams(params);
    v_.assign(size, 0.f);
    iExc_.assign(size, 0.f);
    iInh_.assign(size, 0.f);
    adapt_.assign(size, 0.f);
    refr_.assign(size, 0.f);
    flag_.assign(size + 2, 0.f);
}

void Population::setParams(const NeuronParams& p) {
    auto positive = [&](double x, const char* what) {
        if (!(x > 0)) throw std::invalid_argument("population '" + name_ + "': " + what + " must be > 0");
    };
    positive(p.tauMem, "tau_mem");
    positive(p.tauExc, "tau_exc");
    positive(p.tauInh, "tau_inh");
    positive(p.tauAdapt, "tau_adapt");
    if (p.refractory < 0) throw std::invalid_argument("population '" + name_ + "': refractory must be >= 0");
    if (p.rate < 0) throw std::invalid_argument("population '" + name_ + "': rate must be >= 0");
    const bool modelChanged = p.model != p_.model;
    p_ = p;
    if (modelChanged) resetState();
    if (dt_ > 0) prepare(dt_);
}

void Population::setHeterogeneity(Heterogeneity h) {
    for (auto* vec : {&h.vThreshold, &h.vLeak, &h.vReset, &h.bias})
        if (!vec->empty() && int(vec->size()) != size_)
            throw std::invalid_argument("population '" + name_ + "': per-neuron parameter has " +
                                        std::to_string(vec->size()) + " values for " +
                                        std::to_string(size_) + " neurons");
    het_ = std::move(h);
}

void Population::setRates(std::vector<float> ratesHz) {
    if (!ratesHz.empty() && int(ratesHz.size()) != size_)
        throw std::invalid_argument("population '" + name_ + "': " + std::to_string(ratesHz.size()) +
                                    " rates for " + std::to_string(size_) + " neurons");
    rates_ = std::move(ratesHz);
}

void Population::setGeneratorSpikes(std::vector<GeneratorSpike> spikes) {
    for (const auto& s : spikes)
        if (s.neuron < 0 || s.neuron >= size_)
            throw std::invalid_argument("population '" + name_ + "': generator spike for neuron " +
                                        std::to_string(s.neuron) + " outside 0.." +
                                        std::to_string(size_ - 1));
    std::stable_sort(spikes.begin(), spikes.end(),
                     [](const GeneratorSpike& a, const GeneratorSpike& b) { return a.t < b.t; });
    gen_ = std::move(spikes);
    genPos_ = 0;
}

std::vector<float>& Population::extCurrent() {
    if (ext_.empty()) ext_.assign(size_, 0.f);
    hasExt_ = true;
    return ext_;
}

void Population::prepare(double dt) {
    if (!(dt > 0)) throw std::invalid_argument("population '" + name_ + "': dt must be > 0");
    dt_ = dt;
    pm_ = float(std::exp(-dt / p_.tauMem));
    pe_ = float(std::exp(-dt / p_.tauExc));
    pi_ = float(std::exp(-dt / p_.tauInh));
    pa_ = float(std::exp(-dt / p_.tauAdapt));
    // Response of v over one step to a synaptic current I(0)=1 decaying with τ_s:
    // r·τ_s/(τ_s−τ_m)·(e^{−dt/τ_s} − e^{−dt/τ_m}); limit τ_s→τ_m: r·dt/τ_m·e^{−dt/τ_m}.
    auto gain = [&](double ts) {
        const double tm = p_.tauMem;
        if (std::abs(ts - tm) < 1e-12 * tm) return p_.r * dt / tm * std::exp(-dt / tm);
        return p_.r * ts / (ts - tm) * (std::exp(-dt / ts) - std::exp(-dt / tm));
    };
    ke_ = float(gain(p_.tauExc));
    ki_ = float(gain(p_.tauInh));
    nRef_ = std::int32_t(std::lround(p_.refractory / dt));
    genPos_ = 0;
}

void Population::resetState() {
    std::fill(v_.begin(), v_.end(), float(p_.vReset));
    if (!het_.vReset.empty()) v_ = het_.vReset;
    std::fill(iExc_.begin(), iExc_.end(), 0.f);
    std::fill(iInh_.begin(), iInh_.end(), 0.f);
    std::fill(adapt_.begin(), adapt_.end(), 0.f);
    std::fill(refr_.begin(), refr_.end(), 0.f);
    genPos_ = 0;
}

void Population::collect(std::vector<std::int32_t>& fired, int from, int to) {
    // Scan the spike flags (1.0f or 0.0f) two at a time; almost all words are zero. `to` is even
    // or size_ (the flag array has two spare entries), so a pair never reaches another range.
    const float* f = flag_.data();
    for (int i = from; i < to; i += 2) {
        std::uint64_t w;
        std::memcpy(&w, f + i, 8);
        if (!w) continue;
        if (f[i] != 0.f) fired.push_back(i);
        if (i + 1 < to && f[i + 1] != 0.f) fired.push_back(i + 1);
    }
}

template <bool Hetero>
void Population::stepCuba(std::vector<std::int32_t>& fired, int lo, int hi) {
    const int n = hi;
    float* __restrict v = v_.data();
    float* __restrict ie = iExc_.data();
    float* __restrict ii = iInh_.data();
    float* __restrict rc = refr_.data();
    float* __restrict flag = flag_.data();
    const float pm = pm_, pe = pe_, pi = pi_, ke = ke_, ki = ki_, r = float(p_.r);
    const float vl0 = float(p_.vLeak), vt0 = float(p_.vThreshold), vr0 = float(p_.vReset);
    const float b0 = float(p_.bias);
    const float nref = float(nRef_);
    const float* hvt = het_.vThreshold.empty() ? nullptr : het_.vThreshold.data();
    const float* hvl = het_.vLeak.empty() ? nullptr : het_.vLeak.data();
    const float* hvr = het_.vReset.empty() ? nullptr : het_.vReset.data();
    const float* hb = het_.bias.empty() ? nullptr : het_.bias.data();
    const float* ext = hasExt_ ? ext_.data() : nullptr;
    int start = lo;
#ifdef __AVX512F__
    if constexpr (!Hetero) {
        // Hand-vectorised homogeneous path (the CUBA benchmark): update, threshold, reset and
        // spike collection fused, 16 neurons per iteration, no flag array.
        const __m512 vinf = _mm512_set1_ps(vl0 + r * b0), vpm = _mm512_set1_ps(pm),
                     vpe = _mm512_set1_ps(pe), vpi = _mm512_set1_ps(pi), vke = _mm512_set1_ps(ke),
                     vki = _mm512_set1_ps(ki), vvt = _mm512_set1_ps(vt0), vvr = _mm512_set1_ps(vr0),
                     half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.f),
                     zero = _mm512_setzero_ps(), vref = _mm512_set1_ps(nref);
        for (; start + 16 <= n; start += 16) {
            const int i = start;
            const __m512 vi = _mm512_loadu_ps(v + i), e = _mm512_loadu_ps(ie + i),
                         in = _mm512_loadu_ps(ii + i), rf = _mm512_loadu_ps(rc + i);
            __m512 vn = _mm512_fmadd_ps(_mm512_sub_ps(vi, vinf), vpm, vinf);
            vn = _mm512_fmadd_ps(e, vke, vn);
            vn = _mm512_fmadd_ps(in, vki, vn);
            const __mmask16 refr = _mm512_cmp_ps_mask(rf, half, _CMP_GT_OQ);
            vn = _mm512_mask_blend_ps(refr, vn, vi);
            _mm512_storeu_ps(ie + i, _mm512_mul_ps(e, vpe));
            _mm512_storeu_ps(ii + i, _mm512_mul_ps(in, vpi));
            __mmask16 sp = _mm512_mask_cmp_ps_mask(__mmask16(~refr), vn, vvt, _CMP_GT_OQ);
            _mm512_storeu_ps(v + i, _mm512_mask_blend_ps(sp, vn, vvr));
            const __m512 rfn = _mm512_max_ps(_mm512_sub_ps(rf, one), zero);
            _mm512_storeu_ps(rc + i, _mm512_mask_blend_ps(sp, rfn, vref));
            while (sp) {
                fired.push_back(i + __builtin_ctz(sp));
                sp &= sp - 1;
            }
        }
        if (start == n) return;
    }
#endif
    for (int i = start; i < n; ++i) flag[i] = 0.f;
    for (int i = start; i < n; ++i) {
        float vl = vl0, vt = vt0, vr = vr0, drive = b0;
        if constexpr (Hetero) {
            if (hvt) vt = hvt[i];
            if (hvl) vl = hvl[i];
            if (hvr) vr = hvr[i];
            if (hb) drive = hb[i];
            if (ext) drive += ext[i];
        }
        const float vinf = vl + r * drive;
        const float vi = v[i];
        const float e = ie[i], in = ii[i];
        float vn = vinf + (vi - vinf) * pm + e * ke + in * ki;
        const float rf = rc[i];
        vn = rf > 0.5f ? vi : vn;
        ie[i] = e * pe;
        ii[i] = in * pi;
        const float s = (vn > vt) ? (rf < 0.5f ? 1.f : 0.f) : 0.f;
        v[i] = s > 0.f ? vr : vn;
        rc[i] = s > 0.f ? nref : std::max(rf - 1.f, 0.f);
        flag[i] = s;
    }
    collect(fired, start, n);
}

template <bool Hetero>
void Population::stepLif(std::vector<std::int32_t>& fired, int lo, int hi) {
    const int n = hi;
    const Model m = p_.model;
    float* __restrict v = v_.data();
    float* __restrict ie = iExc_.data();
    float* __restrict ii = iInh_.data();
    float* __restrict ad = adapt_.data();
    float* __restrict rc = refr_.data();
    float* __restrict flag = flag_.data();
    const float pm = m == Model::IF ? 1.f : pm_, pa = pa_, r = float(p_.r);
    const float vl0 = float(p_.vLeak), vt0 = float(p_.vThreshold), vr0 = float(p_.vReset);
    const float b0 = float(p_.bias), inc = float(p_.adaptIncrement), dt = float(dt_);
    const bool threshold = m != Model::LI, adaptive = m == Model::AdaptiveLIF, integ = m == Model::IF;
    const float nref = float(nRef_);
    const float* hvt = het_.vThreshold.empty() ? nullptr : het_.vThreshold.data();
    const float* hvl = het_.vLeak.empty() ? nullptr : het_.vLeak.data();
    const float* hvr = het_.vReset.empty() ? nullptr : het_.vReset.data();
    const float* hb = het_.bias.empty() ? nullptr : het_.bias.data();
    const float* ext = hasExt_ ? ext_.data() : nullptr;
    for (int i = lo; i < n; ++i) {
        float vl = vl0, vt = vt0, vr = vr0, drive = b0;
        if constexpr (Hetero) {
            if (hvt) vt = hvt[i];
            if (hvl) vl = hvl[i];
            if (hvr) vr = hvr[i];
            if (hb) drive = hb[i];
            if (ext) drive += ext[i];
        }
        const float jump = r * (ie[i] + ii[i]);
        ie[i] = 0.f;
        ii[i] = 0.f;
        const float vi = v[i];
        float vn;
        if (integ) vn = vi + jump + r * drive * dt;
        else {
            const float vinf = vl + r * drive;
            vn = vinf + (vi + jump - vinf) * pm;
        }
        const float rf = rc[i];
        vn = rf > 0.5f ? vi : vn;
        const float a = ad[i] * pa;
        const float s = (threshold && vn > vt + a) ? (rf < 0.5f ? 1.f : 0.f) : 0.f;
        ad[i] = adaptive ? a + s * inc : 0.f;
        v[i] = s > 0.f ? vr : vn;
        rc[i] = s > 0.f ? nref : std::max(rf - 1.f, 0.f);
        flag[i] = s;
    }
    collect(fired, lo, n);
}

void Population::stepPoisson(std::mt19937_64& rng, std::vector<std::int32_t>& fired) {
    if (rates_.empty()) {
        const double p = std::min(1.0, p_.rate * dt_);
        if (p <= 0) return;
        if (p >= 1) {
            for (int i = 0; i < size_; ++i) fired.push_back(i);
            return;
        }
        // Geometric skipping: O(spikes) instead of one draw per neuron.
        std::geometric_distribution<int> gap(p);
        for (long i = gap(rng); i < size_; i += 1 + long(gap(rng))) fired.push_back(std::int32_t(i));
        return;
    }
    std::uniform_real_distribution<float> u(0.f, 1.f);
    const float dt = float(dt_);
    for (int i = 0; i < size_; ++i)
        if (u(rng) < rates_[i] * dt) fired.push_back(i);
}

void Population::stepGenerator(double t, std::vector<std::int32_t>& fired) {
    // A spike at time ts is emitted by the step whose interval (t−dt, t] contains it.
    const double eps = 1e-9 * dt_;
    while (genPos_ < gen_.size() && gen_[genPos_].t <= t + eps) {
        if (gen_[genPos_].t > t - dt_ + eps) fired.push_back(gen_[genPos_].neuron);
        ++genPos_;
    }
}

void Population::step(double t, std::mt19937_64& rng, std::vector<std::int32_t>& fired) {
    stepRange(t, rng, fired, 0, size_);
}

void Population::stepRange(double t, std::mt19937_64& rng, std::vector<std::int32_t>& fired, int lo,
                           int hi) {
    fired.clear();
    if (isSource() && (lo != 0 || hi != size_))
        throw std::logic_error("population '" + name_ + "': a source population steps whole");
    if (dt_ <= 0) throw std::logic_error("population '" + name_ + "': step() before prepare()");
    const bool hetero = hasExt_ || !het_.vThreshold.empty() || !het_.vLeak.empty() ||
                        !het_.vReset.empty() || !het_.bias.empty();
    switch (p_.model) {
    case Model::CubaLIF: hetero ? stepCuba<true>(fired, lo, hi) : stepCuba<false>(fired, lo, hi); break;
    case Model::LIF:
    case Model::IF:
    case Model::LI:
    case Model::AdaptiveLIF: hetero ? stepLif<true>(fired, lo, hi) : stepLif<false>(fired, lo, hi); break;
    case Model::Poisson: stepPoisson(rng, fired); break;
    case Model::Generator: stepGenerator(t, fired); break;
    }
}

}  // namespace ganglion::snn
