// Test rig of the layer-local training rules (tst_training): a chain of Dense + activation layers
// built from the registered kernels, with its forward-forward and counter-current rules, and
// Gaussian-cluster data.
#pragma once

#include "core/engine/counter_current.h"
#include "core/engine/forward_forward.h"
#include "core/model/node_spec.h"
#include "core/nodes/dense.h"

#include <QtTest>

#include <deque>
#include <memory>
#include <stdexcept>
#include <random>
#include <string>
#include <vector>

namespace ganglion {

/// Forward-forward layers (Dense + activation each) built from the registered kernels, on data
/// `x` (features x batch) with labels `y`.
struct FfNet {
    std::vector<std::unique_ptr<Kernel>> kernels;
    std::deque<ParamSet> params;  ///< a deque: kernels keep references to their parameters
    Value x, y;
    Rng rng{7};
    std::unique_ptr<ForwardForward> ff;
    std::vector<ForwardForward::Layer> layers;
    FfNet(int features, int classes, const std::vector<int>& widths, const std::string& act, double theta) {
        int in = features;
        for (int w : widths) {
            layers.push_back({{add("Dense", {{"units", std::int64_t(w)}}, in), add("Activation", {{"function", act}}, w)},
                              "L" + std::to_string(layers.size())});
            in = w;
        }
        // the chain is as asked: each Dense maps the previous width to its own
        for (std::size_t l = 0; l < widths.size(); ++l) {
            QCOMPARE(int(dense(int(l)).W.rows()), widths[l]);
            QCOMPARE(int(dense(int(l)).W.cols()), l == 0 ? features : widths[l - 1]);
        }
        ForwardForwardConfig cfg;
        cfg.on = true;
        cfg.threshold = theta;
        ff = std::make_unique<ForwardForward>(layers, &x, &y, classes, cfg, 11);
    }
    Kernel* add(const std::string& type, const std::map<std::string, ParamValue>& set, int in) {
        const NodeSpec* spec = NodeRegistry::instance().find(type);
        if (!spec) throw std::invalid_argument("local_rule_rig: no node type '" + type + "'");
        params.push_back(ParamSet::defaults(spec->params));
        for (const auto& [k, v] : set) params.back().set(k, v);
        kernels.push_back(spec->create());
        BuildContext ctx{params.back(), {Shape::tensor(in)}, rng, type};
        const std::vector<Shape> out = kernels.back()->build(ctx);
        if (out.empty() || out.front().features != (type == "Dense" ? int(params.back().getInt("units")) : in))
            throw std::logic_error("local_rule_rig: " + type + " built with an unexpected output shape");
        return kernels.back().get();
    }
    /// The counter-current rule over the same layers, its feedback activations `act` built here.
    std::unique_ptr<CounterCurrent> counterCurrent(const std::string& act) {
        std::vector<std::vector<std::unique_ptr<Kernel>>> acts(layers.size() - 1);
        for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
            add("Activation", {{"function", act}}, int(dense(int(l)).W.rows()));
            acts[l].push_back(std::move(kernels.back()));
            kernels.pop_back();
        }
        return std::make_unique<CounterCurrent>(layers, std::move(acts), &x, &y, 13);
    }
    DenseKernel& dense(int layer) { return *static_cast<DenseKernel*>(kernels[std::size_t(2 * layer)].get()); }
    void zeroGrad() {
        for (auto& k : kernels)
            for (auto& p : k->parameters()) p.grad->setZero();
    }
};

/// Gaussian clusters, one per class, in `features` dimensions (the first `classes` rows zero: the
/// label goes there).
inline void clusters(int classes, int features, int n, std::uint64_t seed, Matrix& x, Matrix& y, const Matrix& means) {
    std::mt19937 g{std::uint32_t(seed)};
    std::normal_distribution<float> noise(0.f, 1.f);
    x.setZero(features, n);
    y.resize(1, n);
    for (int j = 0; j < n; ++j) {
        const int c = int(g() % std::uint32_t(classes));
        y(0, j) = float(c);
        for (int i = classes; i < features; ++i) x(i, j) = means(i, c) + noise(g);
    }
}

}  // namespace ganglion
