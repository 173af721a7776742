// Shared by the reservoir tests: a reservoir node driven by a task stream, one step per forward.
#pragma once

#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/reservoir/tasks.h"
#include "kernel_harness.h"

#include <stdexcept>

namespace ganglion::testing {

inline void runStream(KernelRig& rig, reservoir::TaskStream& stream, int steps) {
    rig.inputs.resize(2);
    rig.inputs[0].tensor.resize(1, 1);
    rig.inputs[1].tensor.resize(stream.targets(), 1);
    for (int t = 0; t < steps; ++t) {
        stream.next(rig.inputs[0].tensor.data(), rig.inputs[1].tensor.data());
        rig.forward();
        ++rig.step;
    }
}

/// The scalars of a bundled example (resources/examples/<name>.json) run to its natural end.
inline std::map<std::string, double> runExampleToEnd(const std::string& name) {
    Engine e;
    const Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name + ".json");
    const auto issues = e.build(g);
    if (!e.ok()) throw std::runtime_error(name + ": " + formatIssues(issues) + e.error());
    const int steps = int(g.settings().stopAt);
    if (steps <= 0) throw std::runtime_error(name + " has no stopAt");
    for (int s = 0; s < steps; ++s)
        if (!e.step()) throw std::runtime_error(name + ": step " + std::to_string(s) + " failed: " + e.error());
    e.makeSnapshot();
    return e.scalars();
}

}  // namespace ganglion::testing
