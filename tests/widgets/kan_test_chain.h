// Shared by the KAN widget tests: a chain of KanLayer kernels on random inputs, trained-on and
// observed like the engine does.
#pragma once

#include "core/kan/kan_node.h"
#include "core/kan/kan_samples.h"
#include "core/model/node_spec.h"
#include "widgets/kan/kan_network_widget.h"

#include <QtTest>

#include <memory>
#include <vector>

namespace ganglion::test {

struct KanChain {
    std::vector<std::unique_ptr<Kernel>> kernels;
    std::vector<ParamSet> params;
    std::vector<Observables> obs;  ///< of every layer at the last step
    Rng rng{5};
    Matrix x;

    /// `input` declares the first layer's input shape (e.g. an image); its features are widths[0].
    explicit KanChain(const std::vector<int>& widths, Shape input = {}) {
        const NodeSpec* spec = NodeRegistry::instance().find("KanLayer");
        input.features = widths[0];
        for (size_t l = 0; l + 1 < widths.size(); ++l) {
            ParamSet p = ParamSet::defaults(spec->params);
            p.set("width", std::int64_t(widths[l + 1]));
            p.set("noise_scale", 3.0);
            params.push_back(p);
            auto k = spec->create();
            BuildContext bc{params.back(), {l == 0 ? input : Shape::tensor(widths[l])}, rng, "KAN"};
            const std::vector<Shape> built = k->build(bc);
            // a chain that is not what the test asked for fails the test here, not in a later check
            QTest::qVerify(built.size() == 1 && built[0].features == widths[l + 1],
                           "built[0].features == widths[l + 1]", "a KAN layer of the asked width", __FILE__, __LINE__);
            kernels.push_back(std::move(k));
        }
        x = Matrix::Random(widths[0], 128);
    }
    KanLayerKernel* layer(size_t l) { return dynamic_cast<KanLayerKernel*>(kernels[l].get()); }
    std::vector<KanNetworkWidget::LayerPtr> step() {
        std::vector<KanNetworkWidget::LayerPtr> out;
        Value in;
        in.tensor = x;
        StepContext ctx;
        obs.assign(kernels.size(), {});
        for (size_t l = 0; l < kernels.size(); ++l) {
            std::vector<Value> o(1);
            const Value* pin = &in;
            kernels[l]->forward(ctx, std::span<const Value* const>(&pin, 1), o);
            kernels[l]->observe(obs[l]);
            out.push_back(obs[l].get<KanLayerSamples>("kan"));
            QTest::qVerify(out.back() != nullptr, "obs[l].get<KanLayerSamples>(\"kan\")",
                           "every KAN layer publishes its samples", __FILE__, __LINE__);
            in = o[0];
        }
        return out;
    }
};

}  // namespace ganglion::test
