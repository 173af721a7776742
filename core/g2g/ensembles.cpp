#include "core/g2g/ensembles.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganglion::g2g {

const std::vector<std::string>& ensembleSchemeNames() {
    static const std::vector<std::string> names = {"contiguous", "random", "mixer", "interleaved"};
    return names;
}

EnsembleScheme parseEnsembleScheme(const std::string& name) {
    if (name == "contiguous") return EnsembleScheme::Contiguous;
    if (name == "random") return EnsembleScheme::Random;
    if (name == "mixer") return EnsembleScheme::Mixer;
    if (name == "interleaved") return EnsembleScheme::Interleaved;
    throw std::invalid_argument("unknown ensemble scheme '" + name +
                                "' (choose contiguous, random, mixer or interleaved)");
}

double expectedDensity(const G2GConfig& c) {
    const double g = std::max(1, c.ensembles);
    return c.pIn / g + c.pOut * (g - 1.0) / g;
}

double pOutForDensity(int ensembles, double pIn, double density) {
    const double g = std::max(1, ensembles);
    if (g <= 1.0) return 0.0;
    return std::clamp((density - pIn / g) / ((g - 1.0) / g), 0.0, 1.0);
}

namespace {
std::vector<int> contiguous(int n, int g) {
    std::vector<int> v(std::size_t(std::max(0, n)));
    for (int i = 0; i < n; ++i) v[std::size_t(i)] = int((long long)i * g / n);
    return v;
}
std::vector<int> interleaved(int n, int g) {
    std::vector<int> v(std::size_t(std::max(0, n)));
    for (int i = 0; i < n; ++i) v[std::size_t(i)] = i % g;
    return v;
}
}  // namespace

EnsembleAssignment assignEnsembles(int nIn, int nOut, const G2GConfig& c, Rng& rng) {
    const int g = std::max(1, c.ensembles);
    EnsembleAssignment a;
    switch (c.scheme) {
    case EnsembleScheme::Contiguous:
        a.in = contiguous(nIn, g);
        a.out = contiguous(nOut, g);
        break;
    case EnsembleScheme::Random:
        a.in = contiguous(nIn, g);
        a.out = contiguous(nOut, g);
        std::shuffle(a.in.begin(), a.in.end(), rng);
        std::shuffle(a.out.begin(), a.out.end(), rng);
        break;
    case EnsembleScheme::Mixer:
        a.in = contiguous(nIn, g);
        a.out = interleaved(nOut, g);
        break;
    case EnsembleScheme::Interleaved:
        a.in = interleaved(nIn, g);
        a.out = interleaved(nOut, g);
        break;
    }
    return a;
}

SparseStructure sampleStructure(const EnsembleAssignment& a, const G2GConfig& c, Rng& rng) {
    SparseStructure s;
    s.rows = int(a.out.size());
    s.cols = int(a.in.size());
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const std::size_t expect = std::size_t(expectedDensity(c) * s.rows * s.cols * 1.05) + 16;
    s.slotRow.reserve(expect);
    s.slotCol.reserve(expect);
    // Slots are created in the kernels' CSR order (column tile, row, column) so that the
    // weights need no gather and the gradients no scatter until the first rewiring.
    for (int j0 = 0; j0 < s.cols; j0 += SparseStructure::kTile)
        for (int i = 0; i < s.rows; ++i)
            for (int j = j0; j < std::min(s.cols, j0 + SparseStructure::kTile); ++j) {
                const double p = a.out[std::size_t(i)] == a.in[std::size_t(j)] ? c.pIn : c.pOut;
                if (p >= 1.0 || (p > 0.0 && u(rng) < p)) {
                    s.slotRow.push_back(i);
                    s.slotCol.push_back(j);
                }
            }
    s.rebuild();
    return s;
}

void initFanIn(SparseLinear& layer, Rng& rng) {
    const auto& s = layer.s;
    layer.w.resize(s.nnz(), 1);
    layer.b = Matrix::Zero(s.rows, 1);
    std::normal_distribution<float> n01(0.f, 1.f);
    std::vector<int> fanIn(std::size_t(s.rows), 0);
    for (int k = 0; k < s.nnz(); ++k) ++fanIn[std::size_t(s.slotRow[std::size_t(k)])];
    for (int k = 0; k < s.nnz(); ++k) {
        const int r = s.slotRow[std::size_t(k)];
        const int fan = std::max(1, fanIn[std::size_t(r)]);
        layer.w(k) = n01(rng) * std::sqrt(2.f / float(fan));
    }
    layer.pack();
}

std::vector<int> orderByEnsemble(const std::vector<int>& labels) {
    std::vector<int> order(labels.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int x, int y) { return labels[std::size_t(x)] < labels[std::size_t(y)]; });
    return order;
}

}  // namespace ganglion::g2g
