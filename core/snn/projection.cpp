#include "core/snn/projection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

namespace ganglion::snn {

namespace connect {

Synapses allToAll(int nPre, int nPost, float weight, bool allowSelf) {
    Synapses s;
    const std::size_t n = std::size_t(nPre) * std::size_t(nPost);
    s.pre.reserve(n);
    s.post.reserve(n);
    for (int i = 0; i < nPre; ++i)
        for (int j = 0; j < nPost; ++j) {
            if (!allowSelf && i == j) continue;
            s.pre.push_back(i);
            s.post.push_back(j);
        }
    s.weight.assign(s.pre.size(), weight);
    return s;
}

Synapses oneToOne(int n, float weight) {
    Synapses s;
    s.pre.resize(n);
    std::iota(s.pre.begin(), s.pre.end(), 0);
    s.post = s.pre;
    s.weight.assign(n, weight);
    return s;
}

Synapses fixedProbability(int nPre, int nPost, double p, float weight, std::mt19937_64& rng,
                          bool allowSelf) {
    if (p < 0 || p > 1) throw std::invalid_argument("connection probability must be in [0, 1]");
    Synapses s;
    if (p <= 0) return s;
    const double expected = p * double(nPre) * double(nPost);
    s.pre.reserve(std::size_t(expected * 1.05 + 16));
    s.post.reserve(std::size_t(expected * 1.05 + 16));
    if (p >= 1) return allToAll(nPre, nPost, weight, allowSelf);
    std::geometric_distribution<long> gap(p);
    for (int i = 0; i < nPre; ++i)
        for (long j = gap(rng); j < nPost; j += 1 + gap(rng)) {
            if (!allowSelf && j == i) continue;
            s.pre.push_back(i);
            s.post.push_back(std::int32_t(j));
        }
    s.weight.assign(s.pre.size(), weight);
    return s;
}

Synapses fixedInDegree(int nPre, int nPost, int k, float weight, std::mt19937_64& rng,
                       bool allowSelf) {
    const int avail = allowSelf ? nPre : nPre - 1;
    if (k < 0 || k > avail)
        throw std::invalid_argument("in-degree " + std::to_string(k) + " exceeds the " +
                                    std::to_string(avail) + " available presynaptic neurons");
    Synapses s;
    s.pre.reserve(std::size_t(k) * nPost);
    s.post.reserve(std::size_t(k) * nPost);
    std::uniform_int_distribution<int> pick(0, nPre - 1);
    std::unordered_set<int> chosen;
    std::vector<int> perm;
    for (int j = 0; j < nPost; ++j) {
        if (2 * k > avail) {  // dense: partial Fisher-Yates
            perm.resize(nPre);
            std::iota(perm.begin(), perm.end(), 0);
            if (!allowSelf && j < nPre) std::swap(perm[j], perm.back()), perm.pop_back();
            for (int c = 0; c < k; ++c) {
                std::uniform_int_distribution<int> d(c, int(perm.size()) - 1);
                std::swap(perm[c], perm[d(rng)]);
                s.pre.push_back(perm[c]);
                s.post.push_back(j);
            }
        } else {  // sparse: rejection sampling
            chosen.clear();
            while (int(chosen.size()) < k) {
                const int i = pick(rng);
                if ((!allowSelf && i == j) || !chosen.insert(i).second) continue;
                s.pre.push_back(i);
                s.post.push_back(j);
            }
        }
    }
    s.weight.assign(s.pre.size(), weight);
    return s;
}

Synapses fromMatrix(const Eigen::MatrixXf& w) {
    Synapses s;
    for (int i = 0; i < w.cols(); ++i)
        for (int j = 0; j < w.rows(); ++j)
            if (w(j, i) != 0.f) {
                s.pre.push_back(i);
                s.post.push_back(j);
                s.weight.push_back(w(j, i));
            }
    return s;
}

}  // namespace connect

Projection::Projection(std::string name, int prePop, int postPop, const Population& pre,
                       const Population& post, Synapses syn, Channel channel)
    : name_(std::move(name)), prePop_(prePop), postPop_(postPop), nPre_(pre.size()),
      nPost_(post.size()), channel_(channel), dale_(pre.dale()) {
    const std::size_t n = syn.size();
    if (syn.post.size() != n || syn.weight.size() != n || (!syn.delay.empty() && syn.delay.size() != n))
        throw std::invalid_argument("projection '" + name_ + "': synapse lists differ in length");
    if (post.isSource())
        throw std::invalid_argument("projection '" + name_ + "': target population '" + post.name() +
                                    "' is an input source and cannot receive synapses");
    if (n > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw std::invalid_argument("projection '" + name_ + "': more than 2^31 synapses");
    bool byPre = true;
    for (std::size_t k = 0; k < n; ++k) {
        if (syn.pre[k] < 0 || syn.pre[k] >= nPre_ || syn.post[k] < 0 || syn.post[k] >= nPost_)
            throw std::invalid_argument("projection '" + name_ + "': synapse " + std::to_string(k) +
                                        " connects " + std::to_string(syn.pre[k]) + "->" +
                                        std::to_string(syn.post[k]) + " outside " +
                                        std::to_string(nPre_) + "x" + std::to_string(nPost_));
        const float w = syn.weight[k];
        if ((dale_ == Dale::Excitatory && w < 0) || (dale_ == Dale::Inhibitory && w > 0))
            throw std::invalid_argument("projection '" + name_ + "': weight " + std::to_string(w) +
                                        " violates Dale's law of " +
                                        (dale_ == Dale::Excitatory ? "excitatory" : "inhibitory") +
                                        " population '" + pre.name() + "'");
        if (k > 0 && syn.pre[k] < syn.pre[k - 1]) byPre = false;
    }
    rowStart_.assign(nPre_ + 1, 0);
    for (auto i : syn.pre) ++rowStart_[i + 1];
    for (int i = 0; i < nPre_; ++i) rowStart_[i + 1] += rowStart_[i];
    bool anyDelay = false;
    for (auto d : syn.delay) anyDelay |= d != 0;
    for (auto d : syn.delay) maxDelay_ = std::max<int>(maxDelay_, d);
    if (byPre) {  // already CSR order: take the lists over
        syn.pre = {};
        target_ = std::move(syn.post);
        weight_ = std::move(syn.weight);
        if (anyDelay) delay_ = std::move(syn.delay);
    } else {  // counting sort by presynaptic neuron (stable: keeps the given order within a row)
        std::vector<std::int32_t> pos(rowStart_.begin(), rowStart_.end() - 1);
        target_.resize(n);
        weight_.resize(n);
        if (anyDelay) delay_.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const auto at = pos[syn.pre[k]]++;
            target_[at] = syn.post[k];
            weight_[at] = syn.weight[k];
            if (anyDelay) delay_[at] = syn.delay[k];
        }
    }
    sortRows();
}

void Projection::sortRows() {
    std::vector<std::int32_t> idx, t;
    std::vector<float> w;
    std::vector<std::uint16_t> d;
    for (int i = 0; i < nPre_; ++i) {
        const auto b = target_.begin() + rowStart_[i], e = target_.begin() + rowStart_[i + 1];
        if (std::is_sorted(b, e)) continue;
        const int len = int(e - b), at = rowStart_[i];
        idx.resize(len);
        std::iota(idx.begin(), idx.end(), at);
        std::stable_sort(idx.begin(), idx.end(), [&](int x, int y) { return target_[x] < target_[y]; });
        t.resize(len);
        w.resize(len);
        d.resize(delay_.empty() ? 0 : len);
        for (int c = 0; c < len; ++c) {
            t[c] = target_[idx[c]];
            w[c] = weight_[idx[c]];
            if (!delay_.empty()) d[c] = delay_[idx[c]];
        }
        std::copy(t.begin(), t.end(), target_.begin() + at);
        std::copy(w.begin(), w.end(), weight_.begin() + at);
        if (!delay_.empty()) std::copy(d.begin(), d.end(), delay_.begin() + at);
    }
}

void Projection::setPartition(const std::vector<int>& postBounds) {
    if (postBounds.size() < 2 || postBounds.front() != 0 || postBounds.back() != nPost_)
        throw std::invalid_argument("projection '" + name_ + "': partition must cover 0.." +
                                    std::to_string(nPost_));
    if (postBounds == bounds_) return;
    bounds_ = postBounds;
    const int inner = parts() - 1;
    split_.assign(std::size_t(nPre_) * std::size_t(inner), 0);
    for (int i = 0; i < nPre_; ++i) {
        const auto b = target_.begin() + rowStart_[i], e = target_.begin() + rowStart_[i + 1];
        for (int p = 1; p <= inner; ++p)
            split_[std::size_t(i) * inner + p - 1] =
                std::int32_t(std::lower_bound(b, e, bounds_[p]) - target_.begin());
    }
}

void Projection::setStdp(const StdpParams& p) {
    if (p.enabled && (!(p.tauPlus > 0) || !(p.tauMinus > 0) || p.wMin > p.wMax))
        throw std::invalid_argument("projection '" + name_ + "': STDP needs tau > 0 and w_min <= w_max");
    stdp_ = p;
    if (dt_ > 0) prepare(dt_);
}

void Projection::setHomeostasis(const HomeostasisParams& p) {
    if (p.enabled && (!(p.tauRate > 0) || p.every < 1 || p.targetRate < 0))
        throw std::invalid_argument("projection '" + name_ + "': homeostasis needs tau_rate > 0, every >= 1");
    homeo_ = p;
    if (dt_ > 0) prepare(dt_);
}

void Projection::buildColumns() {
    colStart_.assign(nPost_ + 1, 0);
    for (auto j : target_) ++colStart_[j + 1];
    for (int j = 0; j < nPost_; ++j) colStart_[j + 1] += colStart_[j];
    std::vector<std::int32_t> pos(colStart_.begin(), colStart_.end() - 1);
    colSyn_.resize(target_.size());
    synPre_.resize(target_.size());
    for (int i = 0; i < nPre_; ++i)
        for (int k = rowStart_[i]; k < rowStart_[i + 1]; ++k) {
            colSyn_[pos[target_[k]]++] = k;
            synPre_[k] = i;
        }
}

void Projection::prepare(double dt) {
    dt_ = dt;
    decPlus_ = float(std::exp(-dt / stdp_.tauPlus));
    decMinus_ = float(std::exp(-dt / stdp_.tauMinus));
    decRate_ = float(std::exp(-dt / homeo_.tauRate));
    lo_ = float(stdp_.wMin);
    hi_ = float(stdp_.wMax);
    if (dale_ == Dale::Excitatory) lo_ = std::max(lo_, 0.f);
    if (dale_ == Dale::Inhibitory) hi_ = std::min(hi_, 0.f);
    if ((stdp_.enabled || homeo_.enabled) && colStart_.empty()) buildColumns();
    resetState();
}

void Projection::resetState() {
    ring_.assign(maxDelay_ > 0 ? std::size_t(maxDelay_ + 1) * nPost_ : 0, 0.f);
    xPre_.assign(stdp_.enabled ? nPre_ : 0, 0.f);
    yPost_.assign(stdp_.enabled ? nPost_ : 0, 0.f);
    rate_.assign(homeo_.enabled ? nPost_ : 0, float(homeo_.targetRate));
}

template <class Row>
void Projection::deliverRows(const std::vector<std::int32_t>& preFired, Population& post,
                             std::uint64_t step, Row row) {
    const std::int32_t* __restrict tg = target_.data();
    const float* __restrict w = weight_.data();
    if (maxDelay_ == 0) {
        float* __restrict in = channel_ == Channel::Exc ? post.inExc().data() : post.inInh().data();
        for (auto i : preFired) {
            const auto [b, e] = row(i);
            for (std::int32_t k = b; k < e; ++k) in[tg[k]] += w[k];
        }
        return;
    }
    const std::size_t slots = std::size_t(maxDelay_ + 1);
    float* __restrict ring = ring_.data();
    for (auto i : preFired) {
        const auto [b, e] = row(i);
        for (std::int32_t k = b; k < e; ++k)
            ring[((step + delay_[k]) % slots) * std::size_t(nPost_) + tg[k]] += w[k];
    }
}

void Projection::deliver(const std::vector<std::int32_t>& preFired, Population& post,
                         std::uint64_t step) {
    const std::int32_t* rs = rowStart_.data();
    deliverRows(preFired, post, step, [rs](std::int32_t i) { return std::pair(rs[i], rs[i + 1]); });
}

void Projection::flushDelayed(Population& post, std::uint64_t step) { flushRange(post, step, 0, nPost_); }

void Projection::deliverPart(std::span<const std::vector<std::int32_t>* const> preFired,
                             Population& post, std::uint64_t step, int part) {
    const int n = parts();
    if (n <= 1) {
        for (const auto* f : preFired) deliver(*f, post, step);
        flushDelayed(post, step);
        return;
    }
    const std::int32_t* rs = rowStart_.data();
    const std::int32_t* sp = split_.data();
    const std::size_t inner = std::size_t(n - 1);
    auto row = [=](std::int32_t i) {
        const std::int32_t b = part == 0 ? rs[i] : sp[std::size_t(i) * inner + std::size_t(part - 1)];
        const std::int32_t e = part == n - 1 ? rs[i + 1] : sp[std::size_t(i) * inner + std::size_t(part)];
        return std::pair(b, e);
    };
    for (const auto* f : preFired) deliverRows(*f, post, step, row);
    flushRange(post, step, bounds_[std::size_t(part)], bounds_[std::size_t(part) + 1]);
}

void Projection::flushRange(Population& post, std::uint64_t step, int lo, int hi) {
    if (maxDelay_ == 0) return;
    const std::size_t slot = step % std::size_t(maxDelay_ + 1);
    float* __restrict r = ring_.data() + slot * nPost_;
    float* __restrict in = channel_ == Channel::Exc ? post.inExc().data() : post.inInh().data();
    for (int j = lo; j < hi; ++j) {
        in[j] += r[j];
        r[j] = 0.f;
    }
}

void Projection::clip(float& w) const { w = std::clamp(w, lo_, hi_); }

void Projection::learn(const std::vector<std::int32_t>& preFired,
                       const std::vector<std::int32_t>& postFired, std::uint64_t step) {
    if (stdp_.enabled) {
        for (auto& x : xPre_) x *= decPlus_;
        for (auto& y : yPost_) y *= decMinus_;
        const float am = float(stdp_.aMinus), ap = float(stdp_.aPlus);
        // Pre spike: depression by the postsynaptic trace (post fired earlier), then trace += 1.
        for (auto i : preFired) {
            for (int k = rowStart_[i]; k < rowStart_[i + 1]; ++k) {
                weight_[k] -= am * yPost_[target_[k]];
                clip(weight_[k]);
            }
            xPre_[i] += 1.f;
        }
        // Post spike: potentiation by the presynaptic trace (pre fired earlier or now).
        for (auto j : postFired) {
            for (int c = colStart_[j]; c < colStart_[j + 1]; ++c) {
                const int k = colSyn_[c];
                weight_[k] += ap * xPre_[synPre_[k]];
                clip(weight_[k]);
            }
            yPost_[j] += 1.f;
        }
    }
    if (homeo_.enabled) {
        const float inc = float(1.0 / homeo_.tauRate);
        for (auto& r : rate_) r *= decRate_;
        for (auto j : postFired) rate_[j] += inc;
        if ((step + 1) % std::uint64_t(homeo_.every) == 0) {
            const double span = homeo_.every * dt_;
            for (int j = 0; j < nPost_; ++j) {
                const float scale = float(1.0 + homeo_.eta * (homeo_.targetRate - rate_[j]) * span);
                for (int c = colStart_[j]; c < colStart_[j + 1]; ++c) {
                    float& w = weight_[colSyn_[c]];
                    w *= std::max(scale, 0.f);
                    if (stdp_.enabled) clip(w);
                }
            }
        }
    }
}

int Projection::sourceOf(std::size_t k) const {
    auto it = std::upper_bound(rowStart_.begin(), rowStart_.end(), std::int32_t(k));
    return int(it - rowStart_.begin()) - 1;
}

Eigen::MatrixXf Projection::toDense() const {
    Eigen::MatrixXf m = Eigen::MatrixXf::Zero(nPost_, nPre_);
    for (int i = 0; i < nPre_; ++i)
        for (int k = rowStart_[i]; k < rowStart_[i + 1]; ++k) m(target_[k], i) += weight_[k];
    return m;
}

}  // namespace ganglion::snn
