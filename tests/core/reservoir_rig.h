// Shared by the reservoir tests: a reservoir node driven by a task stream, one step per forward.
#pragma once

#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/reservoir/tasks.h"
#include "kernel_harness.h"

#include <QtTest>

#include <map>
#include <string>

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

/// Runs a bundled example (resources/examples/<name>.json) to its natural end and fills `scalars`
/// with what it publishes; a build or step failure fails the calling test, naming the example.
inline void runExampleToEnd(const std::string& name, std::map<std::string, double>& scalars) {
    Engine e;
    const Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name + ".json");
    const auto issues = e.build(g);
    QVERIFY2(e.ok(), qPrintable(QString::fromStdString(name + ": " + formatIssues(issues) + e.error())));
    const int steps = int(g.settings().stopAt);
    QVERIFY2(steps > 0, qPrintable(QString::fromStdString(name + " has no stopAt")));
    for (int s = 0; s < steps; ++s)
        QVERIFY2(e.step(), qPrintable(QString::fromStdString(name + ": step " + std::to_string(s) + " failed: " + e.error())));
    e.makeSnapshot();
    scalars = e.scalars();
}

}  // namespace ganglion::testing
