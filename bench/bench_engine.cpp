// Engine throughput on the bundled spiral example: training steps per second (batch 32, the
// example's 2-16-16-2 MLP) headless, single thread, plus the cost of one snapshot (with the
// decision-boundary grid pass) that the GUI polls.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <chrono>
#include <cstdio>

using namespace ganglion;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : GANGLION_SOURCE_DIR "/resources/examples/spiral_classifier.json";
    Graph g;
    try {
        g = loadGraphFile(path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_engine: %s\n", e.what());
        return 2;
    }
    Engine e;
    e.build(g);
    if (!e.ok()) {
        std::fprintf(stderr, "bench_engine: %s\n", e.error().c_str());
        return 2;
    }
    for (int i = 0; i < 500; ++i) e.step();  // warm-up
    const int steps = 50000;
    auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) e.step();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    e.evaluate();
    const auto m = e.scalars();
    MetricHistory h;
    const int snaps = 200;
    t0 = Clock::now();
    for (int i = 0; i < snaps; ++i) e.makeSnapshot(&h);
    const double snapMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / snaps;
    std::printf("graph: %s\n", path.c_str());
    std::printf("figure: engine_steps_per_s=%.0f steps/s (%d training steps in %.3f s, evalEvery=%d)\n", steps / s, steps, s,
                g.settings().evalEvery);
    std::printf("figure: snapshot_ms=%.3f ms (observables + %dx%d decision-boundary pass)\n", snapMs,
                g.settings().gridSize, g.settings().gridSize);
    for (const auto& [k, v] : m) std::printf("metric: %s=%.4f\n", k.c_str(), v);
    return 0;
}
