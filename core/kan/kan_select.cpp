#include "core/kan/kan_select.h"

#include "core/kan/kan_cost.h"
#include "core/kan/kan_publish.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::kan {

namespace {
std::string validList() {
    std::string v;
    for (const auto& n : basisNames()) v += (v.empty() ? "" : ", ") + n;
    return v;
}
}  // namespace

std::vector<std::string> splitCandidates(const std::string& list) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t comma = list.find(',', start);
        std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
        out.push_back(a == std::string::npos ? std::string() : item.substr(a, b - a + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (out.size() == 1 && out[0].empty()) out.clear();
    return out;
}

std::vector<BasisKind> parseCandidates(const std::vector<std::string>& names) {
    if (names.empty()) throw std::invalid_argument("no candidate bases given (valid: " + validList() + ")");
    std::vector<BasisKind> kinds;
    for (size_t k = 0; k < names.size(); ++k) {
        if (std::find(names.begin(), names.begin() + std::ptrdiff_t(k), names[k]) != names.begin() + std::ptrdiff_t(k))
            throw std::invalid_argument("candidate '" + names[k] + "' is listed twice");
        try {
            kinds.push_back(basisFromName(names[k]));
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument("unknown candidate basis '" + names[k] + "' (valid: " + validList() + ")");
        }
    }
    return kinds;
}

SelectLayer::SelectLayer(const SelectConfig& cfg, Rng& rng) : cfg_(cfg), kinds_(parseCandidates(cfg.candidates)) {
    if (!(cfg.t0 > 0) || !(cfg.tMin > 0)) throw std::invalid_argument("S-KAN temperatures must be positive");
    const int C = int(kinds_.size()), out = cfg.layer.out;
    for (int c = 0; c < C; ++c) layers_.emplace_back(candidateConfig(c, out), rng);
    logits = Matrix::Zero(out, C);
    gLogits = Matrix::Zero(out, C);
    frozen_.assign(size_t(out), -1);
    rows_ = rowsFor(frozen_);
    ys_.resize(size_t(C));
    T_ = temperature();
}

LayerConfig SelectLayer::candidateConfig(int c, int rows) const {
    LayerConfig lc = cfg_.layer;
    lc.basis = kinds_[size_t(c)];
    lc.out = rows;
    return lc;
}

std::vector<std::vector<int>> SelectLayer::rowsFor(const std::vector<int>& frozen) const {
    std::vector<std::vector<int>> rows(kinds_.size());
    for (size_t c = 0; c < kinds_.size(); ++c)
        for (int o = 0; o < int(frozen.size()); ++o)
            if (frozen[size_t(o)] < 0 || frozen[size_t(o)] == int(c)) rows[c].push_back(o);
    return rows;
}

void SelectLayer::compact() {
    std::vector<int> allInputs(static_cast<size_t>(in()));
    for (int i = 0; i < in(); ++i) allInputs[size_t(i)] = i;
    const auto rows = rowsFor(frozen_);
    for (int c = 0; c < count(); ++c) {
        if (rows[size_t(c)] == rows_[size_t(c)]) continue;
        std::vector<int> keep;  // positions in the current rows of the outputs still served
        for (int o : rows[size_t(c)])
            keep.push_back(int(std::find(rows_[size_t(c)].begin(), rows_[size_t(c)].end(), o) - rows_[size_t(c)].begin()));
        // move-assigned into the same object: the optimiser's pointers to its tensors stay valid
        // (and it restarts their moments, the shapes having changed)
        layers_[size_t(c)] = keep.empty() ? Layer() : layers_[size_t(c)].subset(allInputs, keep);
        if (!keep.empty()) layers_[size_t(c)].zeroGrad();
        ys_[size_t(c)].resize(0, 0);
    }
    rows_ = rows;
}

const Layer& SelectLayer::anyUsed() const {
    for (int c = 0; c < count(); ++c)
        if (used(c)) return layers_[size_t(c)];
    throw std::logic_error("S-KAN layer without a candidate in use");
}

std::vector<Parameter> SelectLayer::parameters() {
    std::vector<Parameter> ps = {{"logits", &logits, &gLogits}};
    for (int c = 0; c < count(); ++c)
        for (auto p : layers_[size_t(c)].parameters()) {
            p.name = name(c) + "." + p.name;
            ps.push_back(std::move(p));
        }
    return ps;
}

void SelectLayer::zeroGrad() {
    gLogits.setZero();
    for (auto& L : layers_) L.zeroGrad();
}

float SelectLayer::temperature() const {
    if (cfg_.annealSteps <= 0) return cfg_.tMin;
    const double f = std::min(1.0, double(steps_) / cfg_.annealSteps);
    return float(cfg_.t0 * std::pow(double(cfg_.tMin) / cfg_.t0, f));
}

int SelectLayer::advance() {
    ++steps_;
    T_ = temperature();
    return cfg_.freezeThreshold < 1.f ? freeze(cfg_.freezeThreshold) : 0;
}

Matrix SelectLayer::probabilities() const {
    const int out = this->out(), C = count();
    Matrix p(out, C);
    const float T = temperature();
    for (int o = 0; o < out; ++o) {
        if (frozen_[size_t(o)] >= 0) {
            p.row(o).setZero();
            p(o, frozen_[size_t(o)]) = 1.f;
            continue;
        }
        const float m = logits.row(o).maxCoeff();
        p.row(o) = ((logits.row(o).array() - m) / T).exp().matrix();
        p.row(o) /= p.row(o).sum();
    }
    return p;
}

std::vector<int> SelectLayer::choices() const {
    std::vector<int> c(static_cast<size_t>(out()));
    for (int o = 0; o < out(); ++o) {
        if (frozen_[size_t(o)] >= 0) {
            c[size_t(o)] = frozen_[size_t(o)];
            continue;
        }
        Eigen::Index k = 0;
        logits.row(o).maxCoeff(&k);
        c[size_t(o)] = int(k);
    }
    return c;
}

int SelectLayer::freeze(float threshold) {
    const Matrix p = probabilities();
    const auto ch = choices();
    int n = 0;
    for (int o = 0; o < out(); ++o)
        if (frozen_[size_t(o)] < 0 && p(o, ch[size_t(o)]) > threshold) {
            frozen_[size_t(o)] = ch[size_t(o)];
            ++n;
        }
    if (n) compact();
    return n;
}

void SelectLayer::forward(const Matrix& x, Matrix& y, bool train) {
    p_ = probabilities();
    T_ = temperature();
    y.setZero(out(), x.cols());
    for (int c = 0; c < count(); ++c) {
        Matrix& yc = ys_[size_t(c)];
        if (!used(c)) {
            yc.resize(0, 0);
            continue;
        }
        layers_[size_t(c)].forward(x, yc, train);
        const auto& rows = rows_[size_t(c)];
        for (size_t r = 0; r < rows.size(); ++r) y.row(rows[r]) += p_(rows[r], c) * yc.row(Eigen::Index(r));
    }
}

void SelectLayer::backward(const Matrix& gy, Matrix* gx) {
    const int out = this->out(), C = count();
    if (p_.rows() != out || gy.rows() != out) throw std::logic_error("S-KAN backward without a matching forward");
    if (gx) gx->setZero(in(), gy.cols());
    Matrix G = Matrix::Zero(out, C);  // dL/dp
    for (int c = 0; c < C; ++c) {
        const Matrix& yc = ys_[size_t(c)];
        if (yc.size() == 0) continue;
        if (yc.cols() != gy.cols()) throw std::logic_error("S-KAN backward: gradient shape does not match the last forward");
        const auto& rows = rows_[size_t(c)];
        gyc_.resize(yc.rows(), gy.cols());
        for (size_t r = 0; r < rows.size(); ++r) {
            const int o = rows[r];
            G(o, c) = gy.row(o).dot(yc.row(Eigen::Index(r)));
            gyc_.row(Eigen::Index(r)) = p_(o, c) * gy.row(o);
        }
        layers_[size_t(c)].backward(gyc_, gx ? &gxc_ : nullptr);
        if (gx) *gx += gxc_;
    }
    lastPenalty_ = 0;
    for (int o = 0; o < out; ++o) {
        if (frozen_[size_t(o)] >= 0) continue;
        // softmax(s/T): dL/ds_c = p_c (G_c - Σ p G) / T
        const float gbar = p_.row(o).dot(G.row(o));
        gLogits.row(o).array() += p_.row(o).array() * (G.row(o).array() - gbar) / T_;
        if (cfg_.entropy > 0) {
            // H = -Σ p log p, dH/ds_c = -p_c (log p_c + H) / T
            double H = 0;
            for (int c = 0; c < C; ++c)
                if (p_(o, c) > 0) H -= double(p_(o, c)) * std::log(double(p_(o, c)));
            lastPenalty_ += cfg_.entropy * H;
            for (int c = 0; c < C; ++c) {
                const double pc = p_(o, c);
                if (pc > 0) gLogits(o, c) += float(cfg_.entropy * -pc * (std::log(pc) + H) / T_);
            }
        }
    }
}

Matrix SelectLayer::edgeValues(int i, const Eigen::RowVectorXf& xs) const {
    const Matrix p = probabilities();
    Matrix v = Matrix::Zero(out(), xs.size());
    for (int c = 0; c < count(); ++c) {
        if (!used(c)) continue;
        const Matrix vc = layerEdgeValues(layers_[size_t(c)], i, xs);
        const auto& rows = rows_[size_t(c)];
        for (size_t r = 0; r < rows.size(); ++r) v.row(rows[r]) += p(rows[r], c) * vc.row(Eigen::Index(r));
    }
    return v;
}

Matrix SelectLayer::edgeScores(const Matrix& x) const {
    if (x.rows() != in()) throw std::invalid_argument("S-KAN edge scores: wrong input feature count");
    Matrix scores = Matrix::Zero(out(), in());
    for (int i = 0; i < in(); ++i) scoreColumn(edgeValues(i, x.row(i)), scores, i);
    return scores;
}

NodeCost SelectLayer::cost() const {
    NodeCost total;
    total.counted = true;
    double rows = 0;  // candidate rows evaluated: one mixing term each
    for (int c = 0; c < count(); ++c) {
        if (!used(c)) continue;
        rows += double(rows_[size_t(c)].size());
        total += layers_[size_t(c)].cost();
    }
    total.params += double(out()) * count();  // logits
    total.forwardMacs += rows;                 // Σ_c p_oc y_c,o
    total.trainMacs += rows + 3 * rows;        // forward mix, then gy·p, dL/dp and the logits per row
    total.cacheBytes += double(sizeof(float)) * rows;  // the candidates' outputs
    return total;
}

KernelState SelectLayer::saveState() const {
    KernelState s;
    s["logits"] = logits;
    Matrix sel(out() + 1, 1);
    sel(0) = float(steps_);
    for (int o = 0; o < out(); ++o) sel(o + 1) = float(frozen_[size_t(o)]);
    s["select"] = sel;
    for (int c = 0; c < count(); ++c)
        if (used(c))
            for (auto& [k, m] : layers_[size_t(c)].saveState()) s[name(c) + "/" + k] = m;
    return s;
}

void SelectLayer::loadState(const KernelState& s) {
    const std::string what = "S-KAN layer";
    const Matrix& lg = checkedEntry(s, what, "logits", out(), count());
    const Matrix& sel = checkedEntry(s, what, "select", out() + 1, 1);
    // The frozen choices say which rows each candidate holds; invalid ones are reported after
    // every entry's shape was checked (the wrong-shaped entry is what a message names first).
    std::vector<int> frozen(static_cast<size_t>(out()), -1);
    std::string valueError;
    if (!(sel(0) >= 0) || sel(0) != std::floor(sel(0))) valueError = "S-KAN layer state: 'select' has an invalid step count";
    for (int o = 0; o < out(); ++o) {
        const float f = sel(o + 1);
        if (f == std::floor(f) && f >= -1 && f < float(count())) frozen[size_t(o)] = int(f);
        else if (valueError.empty())
            valueError = "S-KAN layer state: 'select' names no candidate for output " + std::to_string(o);
    }
    const auto rows = rowsFor(frozen);
    // Each candidate loads into a copy first, so a bad entry leaves every candidate as it was.
    std::vector<Layer> layers(layers_.size());
    Rng unused(0);  // shapes only: loadState overwrites every value
    for (int c = 0; c < count(); ++c) {
        const int n = int(rows[size_t(c)].size());
        if (n == 0) continue;
        layers[size_t(c)] = used(c) && layers_[size_t(c)].out() == n ? layers_[size_t(c)] : Layer(candidateConfig(c, n), unused);
        KernelState sub;
        const std::string prefix = name(c) + "/";
        for (auto it = s.lower_bound(prefix); it != s.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
            sub[it->first.substr(prefix.size())] = it->second;
        try {
            layers[size_t(c)].loadState(sub);
        } catch (const std::runtime_error& e) {
            // name the entry as the S-KAN state holds it: 'coef' → 'rbf/coef'
            std::string msg = e.what();
            for (const auto& entry : layers[size_t(c)].saveState()) {
                const std::string inner = "'" + entry.first + "'", outer = "'" + prefix + entry.first + "'";
                for (size_t at = msg.find(inner); at != std::string::npos; at = msg.find(inner, at + outer.size()))
                    msg.replace(at, inner.size(), outer);
            }
            throw std::runtime_error("S-KAN layer state, candidate '" + name(c) + "': " + msg);
        }
    }
    if (!valueError.empty()) throw std::runtime_error(valueError);
    logits = lg;
    steps_ = long(sel(0));
    frozen_ = std::move(frozen);
    rows_ = rows;
    T_ = temperature();
    for (int c = 0; c < count(); ++c) {
        // move-assigned into the same objects: the optimiser holds pointers to their tensors
        layers_[size_t(c)] = std::move(layers[size_t(c)]);
        if (used(c)) layers_[size_t(c)].zeroGrad();
        ys_[size_t(c)].resize(0, 0);
    }
    gLogits.setZero(logits.rows(), logits.cols());
}

}  // namespace ganglion::kan
