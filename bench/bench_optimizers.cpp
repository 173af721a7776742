// Update cost of each optimiser the Loss node offers, on the parameters of a 784-512-512-10 MLP
// (weights and biases, 669,706 numbers): the time of one Optimizer::step() (the update alone, no
// forward or backward pass) relative to Adam's in the same run. homeostatic_adam is Adam driven by
// the Loss node's homeostat (core/engine/homeostasis.h): its update plus the modulation m. Rounds interleave the optimisers
// (each round times every optimiser over the same number of updates) and the median round counts,
// so a busy machine slows all of them alike. Single thread.
//   figure: NAME_over_adam=R   time per update of NAME / time per update of Adam (lower is cheaper)
#include "core/engine/homeostasis.h"
#include "core/engine/optimizer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace ganglion;
using Clock = std::chrono::steady_clock;

namespace {

struct Variant {
    std::string name;  ///< figure name
    OptimizerConfig cfg;
};

struct Mlp {
    std::vector<Matrix> values, grads;
    std::vector<Parameter> params;
};

Mlp makeMlp(std::mt19937& rng) {
    const int widths[] = {784, 512, 512, 10};
    std::normal_distribution<float> n(0.f, 0.05f);
    Mlp m;
    for (int l = 0; l < 3; ++l)
        for (int cols : {widths[l], 1}) {
            Matrix v(widths[l + 1], cols);
            for (Eigen::Index k = 0; k < v.size(); ++k) v(k) = n(rng);
            m.values.push_back(v);
            m.grads.push_back(Matrix::Zero(v.rows(), v.cols()));
        }
    for (std::size_t i = 0; i < m.values.size(); ++i)
        m.params.push_back({"layer" + std::to_string(i / 2) + (i % 2 ? ".bias" : ".weight"), &m.values[i], &m.grads[i]});
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    const int updates = 20;  // per optimiser and round
    std::vector<Variant> variants;
    const auto add = [&](std::string name, std::string kind, auto tweak) {
        OptimizerConfig c;
        c.kind = std::move(kind);
        c.learningRate = 1e-3;
        tweak(c);
        variants.push_back({std::move(name), c});
    };
    add("adam", "adam", [](OptimizerConfig&) {});
    add("sgd", "sgd", [](OptimizerConfig&) {});
    add("eg", "eg", [](OptimizerConfig&) {});
    add("eg_langevin", "eg", [](OptimizerConfig& c) { c.langevinNoise = 0.1; });
    add("classp", "classp", [](OptimizerConfig& c) { c.classpThreshold = 1e-3; });
    add("classp_p3", "classp", [](OptimizerConfig& c) {
        c.classpThreshold = 1e-3;
        c.classpPower = 3.0;
    });
    add("homeostatic_adam", "adam", [](OptimizerConfig&) {});  // Adam at the homeostat's rate η·m

    std::mt19937 rng(1);
    std::vector<Mlp> nets;
    std::vector<Optimizer> opts;
    std::vector<std::unique_ptr<Homeostat>> homeostats;
    nets.reserve(variants.size());
    for (const auto& v : variants) {
        nets.push_back(makeMlp(rng));
        opts.emplace_back(nets.back().params, v.cfg, 7);
        homeostats.push_back(v.name.starts_with("homeostatic") ? std::make_unique<Homeostat>() : nullptr);
    }
    // One fixed gradient per parameter (half the entries below CLASSP's threshold), copied in
    // before every update as a backward pass would write it.
    Mlp gradSource = makeMlp(rng);
    for (auto& g : gradSource.values) g *= 0.04f;
    std::vector<std::vector<double>> msPerUpdate(variants.size());
    for (int r = 0; r < rounds + 1; ++r) {  // round 0 warms up
        for (std::size_t k = 0; k < variants.size(); ++k) {
            const auto t0 = Clock::now();
            for (int u = 0; u < updates; ++u) {
                opts[k].zeroGrad();
                for (std::size_t i = 0; i < gradSource.values.size(); ++i) nets[k].grads[i] = gradSource.values[i];
                if (homeostats[k]) {  // the Loss node's homeostasis: one batch's accuracy in, m out, once per update
                    homeostats[k]->update(u % 4 ? 0.8 : 0.6);
                    opts[k].step(homeostats[k]->modulation());
                } else {
                    opts[k].step();
                }
            }
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / updates;
            if (r > 0) msPerUpdate[k].push_back(ms);
        }
    }
    std::vector<double> median(variants.size());
    for (std::size_t k = 0; k < variants.size(); ++k) {
        auto v = msPerUpdate[k];
        std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
        median[k] = v[v.size() / 2];
    }
    std::size_t params = 0;
    for (const auto& v : nets[0].values) params += std::size_t(v.size());
    std::printf("model: 784-512-512-10 MLP, %zu parameters; %d rounds x %d updates per optimiser, median round\n", params,
                rounds, updates);
    for (std::size_t k = 0; k < variants.size(); ++k) {
        bool finite = true;
        for (const auto& v : nets[k].values) finite = finite && v.allFinite();
        std::printf("figure: %s_update_ms=%.3f ms%s\n", variants[k].name.c_str(), median[k], finite ? "" : " (weights not finite!)");
    }
    for (std::size_t k = 1; k < variants.size(); ++k)
        std::printf("figure: %s_over_adam=%.3f\n", variants[k].name.c_str(), median[k] / median[0]);
    return 0;
}
