#include "core/kan/kan_net.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::kan {

Net::Net(const std::vector<int>& widths, const LayerConfig& base, Rng& rng) {
    if (widths.size() < 2) throw std::invalid_argument("a KAN needs at least an input and an output width");
    for (size_t l = 0; l + 1 < widths.size(); ++l) {
        LayerConfig c = base;
        c.in = widths[l];
        c.out = widths[l + 1];
        layers.emplace_back(c, rng);
    }
}

std::vector<int> Net::widths() const {
    std::vector<int> w;
    if (layers.empty()) return w;
    w.push_back(layers.front().in());
    for (const auto& L : layers) w.push_back(L.out());
    return w;
}

const Matrix& Net::forward(const Matrix& x, bool train) {
    acts_.resize(layers.size() + 1);
    acts_[0] = x;
    for (size_t l = 0; l < layers.size(); ++l) layers[l].forward(acts_[l], acts_[l + 1], train);
    return acts_.back();
}

double Net::backward(const Matrix& gy, const RegConfig* reg) {
    grads_.resize(layers.size() + 1);
    grads_.back() = gy;
    double r = 0;
    for (size_t l = layers.size(); l-- > 0;) {
        layers[l].backward(grads_[l + 1], l > 0 ? &grads_[l] : nullptr, reg);
        r += layers[l].lastReg();
    }
    return r;
}

std::vector<Parameter> Net::parameters() {
    std::vector<Parameter> p;
    for (auto& L : layers)
        for (auto& q : L.parameters()) p.push_back(q);
    return p;
}

void Net::zeroGrad() {
    for (auto& L : layers) L.zeroGrad();
}

std::vector<Matrix> layerInputs(Net& net, const Matrix& x) {
    net.forward(x, false);
    return std::vector<Matrix>(net.acts().begin(), net.acts().end() - 1);
}

int Net::pruneEdges(const Matrix& x, float threshold) {
    auto ins = layerInputs(*this, x);
    int n = 0;
    for (size_t l = 0; l < layers.size(); ++l) n += layers[l].pruneEdges(ins[l], threshold);
    return n;
}

int Net::pruneNodes(const Matrix& x, float threshold) {
    auto ins = layerInputs(*this, x);
    int removed = 0;
    for (size_t l = 0; l + 1 < layers.size(); ++l) {
        const Matrix sIn = layers[l].edgeScores(ins[l]);        // out(h) x in
        const Matrix sOut = layers[l + 1].edgeScores(ins[l + 1]);  // out x in(h)
        std::vector<int> keep, all;
        int strongest = 0;
        float strongestScore = -1.f;
        for (int h = 0; h < layers[l].out(); ++h) {
            const float score = std::min(sIn.row(h).maxCoeff(), sOut.col(h).maxCoeff());
            if (score >= threshold) keep.push_back(h);
            if (score > strongestScore) {
                strongestScore = score;
                strongest = h;
            }
        }
        if (keep.empty()) keep.push_back(strongest);  // a layer cannot vanish; keep its strongest node
        if (int(keep.size()) == layers[l].out()) continue;
        removed += layers[l].out() - int(keep.size());
        std::vector<int> inAll(static_cast<size_t>(layers[l].in())), outAll(static_cast<size_t>(layers[l + 1].out()));
        for (int i = 0; i < layers[l].in(); ++i) inAll[size_t(i)] = i;
        for (int o = 0; o < layers[l + 1].out(); ++o) outAll[size_t(o)] = o;
        layers[l] = layers[l].subset(inAll, keep);
        layers[l + 1] = layers[l + 1].subset(keep, outAll);
        ins = layerInputs(*this, x);
    }
    return removed;
}

double Net::updateGrid(const Matrix& x, float gridEps) {
    double err = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        auto ins = layerInputs(*this, x);  // later layers see the refitted earlier ones
        err = std::max(err, layers[l].updateGrid(ins[l], gridEps));
    }
    return err;
}

double Net::extendGrid(int newGrid, const Matrix& x) {
    auto ins = layerInputs(*this, x);
    double err = 0;
    for (size_t l = 0; l < layers.size(); ++l) err = std::max(err, layers[l].extendGrid(newGrid, &ins[l]));
    return err;
}

namespace {
void edgeSamples(const Layer& L, const Matrix& xin, int i, int o, std::vector<float>& xs, std::vector<float>& ys) {
    const Eigen::Index n = xin.cols();
    const Eigen::Index stride = std::max<Eigen::Index>(1, n / 256);
    xs.clear();
    ys.clear();
    for (Eigen::Index b = 0; b < n; b += stride) {
        xs.push_back(xin(i, b));
        ys.push_back(L.edge(i, o, xin(i, b)));
    }
}
}  // namespace

std::vector<SymbolicFit> Net::suggest(const Matrix& x, int layer, int i, int o, const SymbolicOptions& opt) const {
    Net copy = *this;
    auto ins = layerInputs(copy, x);
    std::vector<float> xs, ys;
    edgeSamples(layers.at(size_t(layer)), ins[size_t(layer)], i, o, xs, ys);
    return suggestSymbolic(xs, ys, opt);
}

int Net::autoSymbolic(const Matrix& x, double r2Threshold, const SymbolicOptions& opt) {
    int snapped = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        auto ins = layerInputs(*this, x);
        Layer& L = layers[l];
        for (int i = 0; i < L.in(); ++i)
            for (int o = 0; o < L.out(); ++o) {
                if (L.mask(o, i) == 0.f) continue;  // pruned or already symbolic
                std::vector<float> xs, ys;
                edgeSamples(L, ins[l], i, o, xs, ys);
                const auto fits = suggestSymbolic(xs, ys, opt);
                for (const auto& f : fits)
                    if (f.r2 >= r2Threshold) {
                        L.setSymbolic(i, o, {f.fn, f.a, f.b, f.c, f.d, f.r2});
                        ++snapped;
                        break;
                    }
            }
    }
    return snapped;
}

std::vector<std::string> Net::formula(std::vector<std::string> names) const {
    if (layers.empty()) return {};
    for (int i = int(names.size()); i < layers.front().in(); ++i) names.push_back("x" + std::to_string(i + 1));
    std::vector<std::string> cur = names;
    for (size_t l = 0; l < layers.size(); ++l) {
        const Layer& L = layers[l];
        std::vector<std::string> next;
        for (int o = 0; o < L.out(); ++o) {
            std::string e;
            double constant = L.config().bias ? double(L.bias(o, 0)) : 0.0;
            for (int i = 0; i < L.in(); ++i) {
                const std::string& arg = cur[size_t(i)];
                const bool compound = arg.find_first_of("+-*/^") != std::string::npos;
                const std::string a = compound ? "(" + arg + ")" : arg;
                const SymbolicEdge& s = L.symbolic[size_t(i) * L.out() + o];
                std::string term;
                if (s.fn >= 0) {
                    constant += s.d;
                    if (symbolicLibrary()[size_t(s.fn)].name == "0" || std::abs(s.c) < 1e-12) continue;
                    SymbolicFit f{s.fn, s.a, s.b, s.c, 0.f, s.r2, 0};
                    term = symbolicText(f, a);
                }
                if (L.mask(o, i) != 0.f) {
                    const std::string t = "phi[" + std::to_string(l) + "," + std::to_string(i) + "," + std::to_string(o) + "](" + arg + ")";
                    term = term.empty() ? t : term + " + " + t;
                }
                if (term.empty()) continue;
                e += e.empty() ? term : (term[0] == '-' ? " - " + term.substr(1) : " + " + term);
            }
            if (std::abs(constant) > 1e-4 || e.empty())
                e += e.empty() ? formatNumber(constant) : (constant < 0 ? " - " : " + ") + formatNumber(std::abs(constant));
            next.push_back(e);
        }
        cur = std::move(next);
    }
    return cur;
}

double mseLoss(const Matrix& pred, const Matrix& target, Matrix* grad) {
    if (pred.rows() != target.rows() || pred.cols() != target.cols())
        throw std::invalid_argument("MSE: prediction and target shapes differ");
    const double n = double(pred.size());
    if (grad) *grad = (pred - target) * float(2.0 / n);
    return double((pred - target).squaredNorm()) / n;
}

double crossEntropyLoss(const Matrix& logits, const Matrix& labels, Matrix* grad, int* correct) {
    const Eigen::Index C = logits.rows(), n = logits.cols();
    if (labels.cols() != n) throw std::invalid_argument("cross entropy: label count differs from batch");
    if (grad) grad->resize(C, n);
    double loss = 0;
    int ok = 0;
    for (Eigen::Index b = 0; b < n; ++b) {
        const int y = int(labels(0, b));
        if (y < 0 || y >= C) throw std::invalid_argument("cross entropy: label out of range");
        Eigen::Index arg;
        const float mx = logits.col(b).maxCoeff(&arg);
        if (arg == y) ++ok;
        const Eigen::ArrayXf e = (logits.col(b).array() - mx).exp();
        const float z = e.sum();
        loss -= double(logits(y, b) - mx) - std::log(double(z));
        if (grad) {
            grad->col(b) = (e / (z * float(n))).matrix();
            (*grad)(y, b) -= 1.f / float(n);
        }
    }
    if (correct) *correct = ok;
    return loss / double(n);
}

}  // namespace ganglion::kan
