#include "core/worm/connectome_network.h"

#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ganglion::worm {

static void checkConfig(const NetworkConfig& c) {
    auto positive = [](double v, const char* what) {
        if (!(v > 0) || !std::isfinite(v))
            throw std::invalid_argument(std::string("connectome network: ") + what + " must be positive");
    };
    positive(c.dt, "dt");
    positive(c.tau, "membrane time constant");
    positive(c.slope, "sigmoid slope");
    positive(c.tauSyn, "synaptic time constant");
    positive(c.tauAdapt, "adaptation time constant");
    if (c.adaptation < 0) throw std::invalid_argument("connectome network: adaptation must be >= 0");
    if (c.chemWeight < 0 || c.gapWeight < 0 || c.refractory < 0 || c.noise < 0)
        throw std::invalid_argument("connectome network: weights, refractory period and noise must be >= 0");
}

ConnectomeNetwork::ConnectomeNetwork(const ConnectomeTable& table, const NetworkConfig& cfg) : cfg_(cfg) {
    checkConfig(cfg);
    if (table.cells.empty() || table.rows.empty())
        throw std::invalid_argument("connectome table has no synapses");
    n_ = int(table.cells.size());
    names_ = table.cells;
    for (const auto& name : names_) stems_.push_back(cellStem(name));
    std::vector<Eigen::Triplet<float>> exc, inh;
    std::map<std::pair<int, int>, int> gapDir;
    for (const auto& r : table.rows) {
        if (r.type == SynapseType::Chemical) {
            (isInhibitoryNeuron(names_[r.pre]) ? inh : exc).emplace_back(r.post, r.pre, float(r.count));
        } else if (r.pre != r.post) {
            gapDir[{r.pre, r.post}] += r.count;
        }
    }
    std::vector<Eigen::Triplet<float>> gap;
    for (const auto& [key, count] : gapDir) {
        const auto [a, b] = key;
        auto rev = gapDir.find({b, a});
        if (rev != gapDir.end() && (b < a)) continue;  // pair handled from the other direction
        const int c = rev == gapDir.end() ? count : std::max(count, rev->second);
        gap.emplace_back(a, b, float(c));
        gap.emplace_back(b, a, float(c));
    }
    wExc_.resize(n_, n_);
    wInh_.resize(n_, n_);
    wGap_.resize(n_, n_);
    if (cfg.normalize) {
        std::vector<float> fanIn(n_, 0.f);
        for (const auto& t : exc) fanIn[t.row()] += t.value();
        for (const auto& t : inh) fanIn[t.row()] += t.value();
        for (auto* list : {&exc, &inh})
            for (auto& t : *list) t = Eigen::Triplet<float>(t.row(), t.col(), t.value() / fanIn[t.row()]);
    }
    wExc_.setFromTriplets(exc.begin(), exc.end());
    wInh_.setFromTriplets(inh.begin(), inh.end());
    wGap_.setFromTriplets(gap.begin(), gap.end());
    gapDegree_ = Eigen::VectorXf::Zero(n_);
    for (int i = 0; i < n_; ++i)
        for (Eigen::SparseMatrix<float, Eigen::RowMajor>::InnerIterator it(wGap_, i); it; ++it)
            gapDegree_(i) += it.value();
    exc_ = inh_ = gapIn_ = noise_ = stim_ = a_ = b_ = Eigen::VectorXf::Zero(n_);
    reset();
}

void ConnectomeNetwork::setConfig(const NetworkConfig& cfg) {
    checkConfig(cfg);
    const bool modelChanged = cfg.model != cfg_.model;
    cfg_ = cfg;
    if (modelChanged) reset();
}

void ConnectomeNetwork::reset() {
    v_ = Eigen::VectorXf::Zero(n_);
    refr_ = Eigen::VectorXf::Zero(n_);
    adapt_ = Eigen::VectorXf::Zero(n_);
    s_ = Eigen::VectorXf::Zero(n_);
    if (cfg_.model == NeuronModel::Graded)
        s_.setConstant(float(1.0 / (1.0 + std::exp(cfg_.threshold / cfg_.slope))));
    fired_.clear();
    time_ = 0;
}

std::vector<int> ConnectomeNetwork::resolve(const std::string& names) const {
    std::string text = names;
    for (char& c : text)
        if (c == ',' || c == ';') c = ' ';
    std::istringstream in(text);
    std::string name;
    std::vector<int> out;
    while (in >> name) {
        bool found = false;
        for (int i = 0; i < n_; ++i)
            if (names_[i] == name) {
                out.push_back(i);
                found = true;
            }
        if (!found)
            for (int i = 0; i < n_; ++i)
                if (stems_[i] == name) {
                    out.push_back(i);
                    found = true;
                }
        if (!found) throw std::invalid_argument("no cell named '" + name + "' in the connectome");
    }
    return out;
}

void ConnectomeNetwork::setStimulus(std::vector<int> cells, double current) {
    for (int c : cells)
        if (c < 0 || c >= n_) throw std::invalid_argument("stimulated cell index out of range");
    stimCells_ = std::move(cells);
    stimCurrent_ = current;
    stim_.setZero(n_);
    for (int c : stimCells_) stim_(c) = float(current);
}

void ConnectomeNetwork::stepImpl(bool withNoise) {
    const float dt = float(cfg_.dt);
    exc_.noalias() = wExc_ * s_;
    inh_.noalias() = wInh_ * s_;
    gapIn_.noalias() = wGap_ * v_;
    const float gc = float(cfg_.chemWeight), gg = float(cfg_.gapWeight);
    const bool lif = cfg_.model == NeuronModel::Lif;
    const float eExc = lif ? 2.f : float(cfg_.eExc), eInh = float(cfg_.eInh);
    const float k = dt / float(cfg_.tau);
    const float noiseScale = withNoise ? float(cfg_.noise * std::sqrt(cfg_.tau / cfg_.dt)) : 0.f;
    const float ga = float(cfg_.adaptation);
    // tau dv/dt = a - b v, solved exactly over the step for frozen a, b (vectorised)
    auto a = a_.array();
    auto b = b_.array();
    a = gc * (eExc * exc_.array() + eInh * inh_.array()) + gg * gapIn_.array();
    b = 1.f + gc * (exc_.array() + inh_.array()) + gg * gapDegree_.array();
    if (withNoise) a += noiseScale * noise_.array();
    if (stimOn_) a += stim_.array();
    if (!lif) {
        a += (ga * eInh) * adapt_.array();
        b += ga * adapt_.array();
    }
    a /= b;  // a now holds v_inf
    v_.array() = a + (v_.array() - a) * (-k * b).exp();
    if (!lif) {
        const float th = float(cfg_.threshold), sl = float(cfg_.slope);
        s_ = (1.f / (1.f + (-(v_.array() - th) / sl).exp())).matrix();
        const float ka = 1.f - std::exp(-dt / float(cfg_.tauAdapt));
        adapt_ += ka * (s_ - adapt_);
    } else {
        fired_.clear();
        const float decay = std::exp(-dt / float(cfg_.tauSyn));
        s_ *= decay;
        for (int i = 0; i < n_; ++i) {
            if (refr_(i) > 0) {
                refr_(i) -= dt;
                v_(i) = 0.f;
                continue;
            }
            if (v_(i) >= 1.f) {
                fired_.push_back(i);
                v_(i) = 0.f;
                refr_(i) = float(cfg_.refractory);
                s_(i) += 1.f;
            }
        }
    }
    time_ += cfg_.dt;
}

}  // namespace ganglion::worm
