// Engine's per-node record (private to core/engine/engine*.cpp).
#pragma once

#include "core/engine/engine.h"
#include "core/engine/sequence_steps.h"

namespace ganglion {

struct Engine::Slot {
    NodeId id = 0;
    std::string name;
    const NodeSpec* spec = nullptr;
    ParamSet params;
    std::unique_ptr<Kernel> kernel;
    Rng rng;
    struct Source {
        int slot = -1;  ///< index into slots_, -1 = unconnected
        int port = 0;
        bool delayed = false;
    };
    std::vector<Source> inputs;
    std::vector<Value> outputs;
    std::vector<Value> previous;  ///< outputs of the previous step (sources of delayed edges)
    bool feedsDelayed = false;
    int ffScores = -1;            ///< a forward-forward rule (its optimiser index) writes its class scores here
    bool reachesLoss = false;     ///< some loss is downstream: backward must run here
    std::vector<bool> wantsGradIn;
    std::vector<Matrix> gradOut;
    std::vector<Matrix> gradIn;
    std::vector<const Value*> inPtrs;
    std::vector<Value*> sources;  ///< what each input reads (nullptr: unconnected)
    StepAdapter perStep;          ///< applies a kernel that is not sequence-aware to every step
    std::vector<Shape> outShapes;
    NodeCost cost;
};

}  // namespace ganglion
