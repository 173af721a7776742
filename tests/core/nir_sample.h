// A NIR graph using every supported node type, shared by the NIR test suites.
#pragma once

#include "core/snn/nir.h"

#include <random>

namespace ganglion::nir::testing {

inline Array randomMatrix(std::size_t r, std::size_t c, unsigned seed, double scale) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> u(-scale, scale);
    std::vector<double> d(r * c);
    for (auto& x : d) x = double(float(u(g)));  // float32-representable: exact round trip
    return Array::matrix(r, c, d);
}

/// Input(4) → Affine → CubaLIF(6) → Linear → LIF(5) → Scale → Threshold-free IF chain, plus
/// LI/I readouts, Flatten and Threshold branches.
inline Graph sampleGraph() {
    Graph g;
    g.nodes["in"] = {"Input", {{"shape", Array::ints({4})}}};
    g.nodes["flat"] = {"Flatten", {{"start_dim", Array::ints({0})}, {"end_dim", Array::ints({-1})},
                                   {"input_type", Array::ints({4})}}};
    g.nodes["fc1"] = {"Affine", {{"weight", randomMatrix(6, 4, 1, 2.0)}, {"bias", Array::filled(6, 0.25)}}};
    g.nodes["cuba"] = {"CubaLIF", {{"tau_syn", Array::filled(6, 5e-3)}, {"tau_mem", Array::filled(6, 20e-3)},
                                   {"r", Array::filled(6, 2.0)}, {"v_leak", Array::filled(6, 0.0)},
                                   {"v_threshold", Array::filled(6, 0.5)}, {"v_reset", Array::filled(6, 0.0)},
                                   {"w_in", Array::filled(6, 1.5)}}};
    g.nodes["fc2"] = {"Linear", {{"weight", randomMatrix(5, 6, 2, 3.0)}}};
    g.nodes["lif"] = {"LIF", {{"tau", Array::filled(5, 10e-3)}, {"r", Array::filled(5, 5.0)},
                              {"v_leak", Array::filled(5, 0.0)}, {"v_threshold", Array::filled(5, 0.3)}}};
    g.nodes["scale"] = {"Scale", {{"scale", Array::filled(5, 2.0)}}};
    g.nodes["if"] = {"IF", {{"r", Array::filled(5, 200.0)}, {"v_threshold", Array::filled(5, 0.1)}}};
    g.nodes["li"] = {"LI", {{"tau", Array::filled(5, 15e-3)}, {"r", Array::filled(5, 1.0)}, {"v_leak", Array::filled(5, 0.0)}}};
    g.nodes["int"] = {"I", {{"r", Array::filled(5, 1.0)}}};
    g.nodes["thr"] = {"Threshold", {{"threshold", Array::filled(5, 0.05)}}};
    g.nodes["out"] = {"Output", {{"shape", Array::ints({5})}}};
    g.nodes["out2"] = {"Output", {{"shape", Array::ints({5})}}};
    g.edges = {{"in", "flat"}, {"flat", "fc1"}, {"fc1", "cuba"}, {"cuba", "fc2"}, {"fc2", "lif"},
               {"lif", "scale"}, {"scale", "if"}, {"if", "out"}, {"lif", "li"}, {"li", "thr"},
               {"thr", "out2"}, {"lif", "int"}};
    return g;
}

/// Input(1x4x4) → Conv2d → IF → AvgPool2d → SumPool2d → Flatten(2x4) → Conv1d → Delay →
/// subgraph "sub" {input → CubaLI → Threshold → output} → Output(3x5): every tensor and structural
/// type (sampleGraph() has the other neurons).
inline Graph sampleTensorGraph() {
    Graph g;
    auto ints = [](std::vector<double> v) { return Array::ints(std::move(v)); };
    g.nodes["in"] = {"Input", {{"shape", ints({1, 4, 4})}}};
    Array w2 = randomMatrix(2, 4, 3, 1.0);
    w2.shape = {2, 1, 2, 2};
    g.nodes["c2"] = {"Conv2d", {{"weight", w2}, {"bias", Array::filled(2, 0.5)}, {"stride", ints({1, 1})}, {"padding", ints({0, 0})},
                                {"dilation", ints({1, 1})}, {"groups", ints({1})}, {"input_shape", ints({4, 4})}}};
    g.nodes["if"] = {"IF", {{"r", Array::filled(1, 500.0)}, {"v_threshold", Array::filled(1, 1.0)}}};
    g.nodes["avg"] = {"AvgPool2d", {{"kernel_size", ints({2, 2})}, {"stride", ints({1, 1})}, {"padding", ints({0, 0})}}};
    g.nodes["sum"] = {"SumPool2d", {{"kernel_size", ints({1, 1})}, {"stride", ints({1, 1})}, {"padding", ints({0, 0})}}};
    g.nodes["flat"] = {"Flatten", {{"start_dim", ints({1})}, {"end_dim", ints({-1})}, {"input_type", ints({2, 2, 2})}}};
    Array w1 = randomMatrix(3, 4, 4, 2.0);
    w1.shape = {3, 2, 2};
    g.nodes["c1"] = {"Conv1d", {{"weight", w1}, {"bias", Array::filled(3, 0.0)}, {"stride", ints({1})}, {"padding", ints({1})},
                                {"dilation", ints({1})}, {"groups", ints({1})}}};
    g.nodes["d"] = {"Delay", {{"delay", Array::filled(1, 2e-3)}}};
    Graph sub;
    sub.nodes["input"] = {"Input", {{"shape", ints({3, 5})}}};
    sub.nodes["li"] = {"CubaLI", {{"tau_syn", Array::filled(1, 2e-3)}, {"tau_mem", Array::filled(1, 5e-3)},
                                  {"r", Array::filled(1, 1.0)}, {"v_leak", Array::filled(1, 0.0)}}};
    sub.nodes["thr"] = {"Threshold", {{"threshold", Array::filled(1, 0.05)}}};
    sub.nodes["output"] = {"Output", {{"shape", ints({3, 5})}}};
    sub.edges = {{"input", "li"}, {"li", "thr"}, {"thr", "output"}};
    g.nodes["sub"] = {"NIRGraph", {}, {sub}};
    g.nodes["out"] = {"Output", {{"shape", ints({3, 5})}}};
    g.edges = {{"in", "c2"}, {"c2", "if"}, {"if", "avg"}, {"avg", "sum"}, {"sum", "flat"}, {"flat", "c1"},
               {"c1", "d"}, {"d", "sub.input"}, {"sub", "out"}};
    return g;
}

}  // namespace ganglion::nir::testing
