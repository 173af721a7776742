// Continual-learning graphs for the tests: a TaskStream of permuted Fashion-MNIST feeding an MLP
// (784 → hidden → ReLU → 10) trained by one Loss, scored by a TaskAccuracy.
#pragma once

#include "core/graph/graph.h"

#include <string>

namespace ganglion::testing {

struct ContinualSetup {
    std::string continual = "none";  ///< the Loss node's `continual`
    int tasks = 3;
    int stepsPerTask = 150;
    int hidden = 64;
    int perTask = 20;
    double hebbianRate = 0.3;
    std::string optimizer = "sgd";
    double learningRate = 0.05;
    double momentum = 0.9;
    int testPerTask = 300;
    int evalEvery = 50;
};

/// Nodes named "Tasks", "Hidden", "ReLU", "Readout", "Loss", "Scores".
inline Graph continualGraph(const ContinualSetup& c) {
    Graph g;
    const NodeId data = g.addNode("TaskStream", 0, 0);
    const NodeId hidden = g.addNode("Dense", 200, 0);
    const NodeId relu = g.addNode("Activation", 400, 0);
    const NodeId out = g.addNode("Dense", 600, 0);
    const NodeId loss = g.addNode("Loss", 800, 0);
    const NodeId score = g.addNode("TaskAccuracy", 800, 200);
    g.rename(data, "Tasks");
    g.rename(hidden, "Hidden");
    g.rename(relu, "ReLU");
    g.rename(out, "Readout");
    g.rename(loss, "Loss");
    g.rename(score, "Scores");
    g.setParam(data, "tasks", std::int64_t(c.tasks));
    g.setParam(data, "steps_per_task", std::int64_t(c.stepsPerTask));
    g.setParam(data, "test_per_task", std::int64_t(c.testPerTask));
    g.setParam(data, "batch_size", std::int64_t(32));
    g.setParam(hidden, "units", std::int64_t(c.hidden));
    g.setParam(hidden, "init", std::string("he"));
    g.setParam(relu, "function", std::string("relu"));
    g.setParam(out, "units", std::int64_t(10));
    g.setParam(loss, "optimizer", c.optimizer);
    g.setParam(loss, "learning_rate", c.learningRate);
    g.setParam(loss, "momentum", c.momentum);
    g.setParam(loss, "continual", c.continual);
    g.setParam(loss, "subspace_per_task", std::int64_t(c.perTask));
    g.setParam(loss, "hebbian_rate", c.hebbianRate);
    g.connect({data, "x"}, {hidden, "in"});
    g.connect({hidden, "out"}, {relu, "in"});
    g.connect({relu, "out"}, {out, "in"});
    g.connect({out, "out"}, {loss, "pred"});
    g.connect({data, "y"}, {loss, "target"});
    g.connect({out, "out"}, {score, "scores"});
    g.connect({data, "y"}, {score, "labels"});
    g.connect({data, "task"}, {score, "task"});
    g.settings().evalEvery = c.evalEvery;
    g.settings().seed = 3;
    return g;
}

}  // namespace ganglion::testing
