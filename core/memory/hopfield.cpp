#include "core/memory/hopfield.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ganglion::memory {

void HopfieldNet::store(const Matrix& patterns) {
    if (patterns.rows() == 0 || patterns.cols() == 0) throw std::invalid_argument("no patterns to store");
    if (!patterns.allFinite()) throw std::invalid_argument("a pattern holds a non-finite entry");
    const Eigen::Index n = patterns.rows();
    xi_ = patterns.unaryExpr([](float v) { return v > 0.f ? 1.f : (v < 0.f ? -1.f : 0.f); });
    xiT_ = xi_.transpose();
    diag_ = xi_.rowwise().squaredNorm() / float(n);
    if (s_.size() != n) {
        s_ = Vector::Ones(n);
        order_.clear();
        pos_ = 0;
    }
    quiet_ = 0;
    recount();
}

double HopfieldNet::coupling(int i, int j) const {
    if (i == j) return 0.0;
    return double(xiT_.col(i).dot(xiT_.col(j))) / double(neurons());
}

void HopfieldNet::setState(const Vector& s, Rng& rng) {
    if (s.size() != s_.size())
        throw std::invalid_argument("state has " + std::to_string(s.size()) + " entries, the network " +
                                    std::to_string(s_.size()) + " neurons");
    for (Eigen::Index i = 0; i < s.size(); ++i)
        s_(i) = s(i) > 0.f ? 1.f : (s(i) < 0.f ? -1.f : ((rng() & 1u) ? 1.f : -1.f));
    quiet_ = 0;
    recount();
}

void HopfieldNet::recount() { M_ = xi_.transpose() * s_; }

double HopfieldNet::field(int i) const {
    return double(xiT_.col(i).dot(M_)) / double(neurons()) - double(diag_(i) * s_(i));
}

bool HopfieldNet::decide(double h, float current, double temperature, Rng& rng) const {
    if (temperature <= 0.0) return h > 0.0 || (h == 0.0 && current > 0.f);
    // Glauber: P(s = +1) = 1 / (1 + exp(−2h/T))
    const double p = 1.0 / (1.0 + std::exp(-2.0 * h / temperature));
    return double(rng() >> 11) * 0x1.0p-53 < p;
}

long HopfieldNet::updateAsync(long n, double temperature, Rng& rng) {
    const int N = neurons();
    if (N == 0) return 0;
    if (order_.size() != std::size_t(N)) {
        order_.resize(std::size_t(N));
        std::iota(order_.begin(), order_.end(), 0);
        pos_ = order_.size();
    }
    const float invN = 1.f / float(N);
    long flips = 0;
    for (long u = 0; u < n; ++u) {
        if (pos_ == order_.size()) {  // a new sweep: Fisher-Yates shuffle
            for (std::size_t k = order_.size() - 1; k > 0; --k) std::swap(order_[k], order_[rng() % (k + 1)]);
            pos_ = 0;
        }
        const int i = order_[pos_++];
        const auto xi = xiT_.col(i);
        const float si = s_(i);
        const double h = double(xi.dot(M_) * invN - diag_(i) * si);
        const float next = decide(h, si, temperature, rng) ? 1.f : -1.f;
        if (next != si) {
            s_(i) = next;
            M_.noalias() += (2.f * next) * xi;
            ++flips;
            quiet_ = 0;
        } else {
            ++quiet_;
        }
    }
    return flips;
}

long HopfieldNet::updateSync(double temperature, Rng& rng) {
    const int N = neurons();
    if (N == 0) return 0;
    const Vector h = (xi_ * M_) / float(N) - diag_.cwiseProduct(s_);
    long flips = 0;
    for (int i = 0; i < N; ++i) {
        const float next = decide(double(h(i)), s_(i), temperature, rng) ? 1.f : -1.f;
        flips += next != s_(i);
        s_(i) = next;
    }
    quiet_ = flips ? 0 : quiet_ + N;
    recount();
    return flips;
}

Vector HopfieldNet::overlaps() const {
    if (empty()) return {};
    return M_ / float(neurons());
}

double HopfieldNet::energy() const {
    if (empty()) return 0.0;
    const double n = neurons();
    // Σ_ij J_ij s_i s_j (diagonal included) = (1/N) Σ_μ M_μ²; the diagonal adds Σ_i J_ii.
    const double all = double(M_.cast<double>().squaredNorm()) / n;
    return -0.5 * (all - double(diag_.cast<double>().sum())) / n;
}

Matrix HopfieldNet::sweepState() const {
    Matrix m(Eigen::Index(order_.size()) + 1, 1);
    m(0) = float(pos_);
    for (std::size_t k = 0; k < order_.size(); ++k) m(Eigen::Index(k) + 1) = float(order_[k]);
    return m;
}

void HopfieldNet::setSweepState(const Matrix& m) {
    const int N = neurons();
    if (m.size() == 1 && m(0) == 0.f) {  // no sweep begun yet
        order_.clear();
        pos_ = 0;
        return;
    }
    if (m.size() != N + 1 || !(m(0) >= 0.f && m(0) <= float(N)))
        throw std::invalid_argument("sweep order does not fit " + std::to_string(N) + " neurons");
    std::vector<int> order(std::size_t(N), 0);
    std::vector<char> seen(std::size_t(N), 0);
    for (int k = 0; k < N; ++k) {
        const float v = m(k + 1);
        if (!(v >= 0.f && v < float(N)) || v != float(int(v)) || seen[std::size_t(v)]++)
            throw std::invalid_argument("sweep order is not a permutation of the neurons");
        order[std::size_t(k)] = int(v);
    }
    order_ = std::move(order);
    pos_ = std::size_t(m(0));
}

Vector hierarchicalOverlaps(double dilution, int k) {
    Vector m(std::max(0, k));
    double a = 1.0 - dilution;
    for (int i = 0; i < k; ++i, a *= dilution) m(i) = float(a);
    return m;
}

}  // namespace ganglion::memory
