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

}  // namespace ganglion::nir::testing
