// Cost of the layer-local training rules: the time of one training epoch of the MLP of the
// bundled examples (resources/examples/ff_vs_backprop.json and ccl_vs_ff_vs_backprop.json,
// 784-128-128-10 ReLU on Fashion-MNIST, batches of 64) trained with rule = forward_forward and with
// rule = counter_current relative to the same MLP trained by backprop, in the same process. Each graph keeps one of the example's two networks; an epoch is the first
// 6,400 training images (100 steps, no test evaluation). Rounds alternate the two rules and the
// median round counts, so a busy machine slows them alike. Single thread.
// A forward-forward step runs the network on the positive and the negative batch (twice the
// columns) forward and back, and C = 10 label-embedded forward passes for the class scores that
// the loss and the accuracy report; backprop runs one forward and one backward pass. A
// counter-current step runs the engine's forward pass, the forward network again layer by layer
// with each layer's local backward, and the feedback network (10-128-128) forward and back.
//   figure: ff_epoch_over_backprop=R    time per epoch, forward-forward / backprop
//   figure: ccl_epoch_over_backprop=R   time per epoch, counter-current / backprop
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ganglion;
using Clock = std::chrono::steady_clock;

namespace {

/// The example with only the network whose node names start with `keep` (and the data).
Graph oneNetwork(const std::string& keep) {
    Graph g = loadGraphFile(keep == "CCL" ? GANGLION_SOURCE_DIR "/resources/examples/ccl_vs_ff_vs_backprop.json"
                                          : GANGLION_SOURCE_DIR "/resources/examples/ff_vs_backprop.json");
    std::vector<NodeId> drop;
    for (const auto& n : g.nodes())
        if (n.type != "FashionMNIST" && n.name.rfind(keep, 0) != 0) drop.push_back(n.id);
    for (NodeId id : drop) g.removeNode(id);
    for (const auto& n : g.nodes())
        if (n.type == "FashionMNIST") {
            g.setParam(n.id, "train_subset", std::int64_t(6400));
            g.setParam(n.id, "epochs", std::int64_t(0));
        }
    g.settings().evalEvery = 0;
    return g;
}

double epochSeconds(Engine& e) {
    const auto t0 = Clock::now();
    for (int s = 0; s < 100; ++s)
        if (!e.step()) {
            std::fprintf(stderr, "step failed: %s\n", e.error().c_str());
            std::exit(1);
        }
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    Engine ff, ccl, bp;
    ff.build(oneNetwork("FF"));
    ccl.build(oneNetwork("CCL"));
    bp.build(oneNetwork("Backprop"));
    if (!ff.ok() || !ccl.ok() || !bp.ok()) {
        std::fprintf(stderr, "build failed: %s%s%s\n", ff.error().c_str(), ccl.error().c_str(), bp.error().c_str());
        return 1;
    }
    std::vector<double> rff, rccl, tff, tccl, tbp;
    for (int r = 0; r < rounds; ++r) {
        tff.push_back(epochSeconds(ff));
        tbp.push_back(epochSeconds(bp));
        tccl.push_back(epochSeconds(ccl));
        rff.push_back(tff.back() / tbp.back());
        rccl.push_back(tccl.back() / tbp.back());
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("epoch of 100 steps x 64 images: forward-forward %.3f s, counter-current %.3f s, backprop %.3f s "
                "(medians of %d rounds)\n", median(tff), median(tccl), median(tbp), rounds);
    std::printf("figure: ff_epoch_over_backprop=%.2f\n", median(rff));
    std::printf("figure: ccl_epoch_over_backprop=%.2f\n", median(rccl));
    return 0;
}
