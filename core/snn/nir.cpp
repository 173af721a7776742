// NIR graph model and validation (HDF5 I/O in nir_hdf5.cpp, simulation in nir_sim.cpp).
#include "core/snn/nir.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace ganglion::nir {

Array Array::vector(std::vector<double> v) {
    Array a;
    a.shape = {v.size()};
    a.data = std::move(v);
    return a;
}

Array Array::matrix(std::size_t rows, std::size_t cols, std::vector<double> rowMajor) {
    if (rowMajor.size() != rows * cols) throw NirError("matrix data does not match its shape");
    Array a;
    a.shape = {rows, cols};
    a.data = std::move(rowMajor);
    return a;
}

Array Array::ints(std::vector<double> v) {
    Array a = vector(std::move(v));
    a.integer = true;
    return a;
}

Array Array::filled(std::size_t n, double value) { return vector(std::vector<double>(n, value)); }

namespace {

struct TypeInfo {
    std::vector<std::string> required, optional;
};

const std::map<std::string, TypeInfo>& typeTable() {
    static const std::map<std::string, TypeInfo> t = {
        {"Input", {{"shape"}, {}}},
        {"Output", {{"shape"}, {}}},
        {"Affine", {{"weight", "bias"}, {}}},
        {"Linear", {{"weight"}, {}}},
        {"Scale", {{"scale"}, {}}},
        {"Threshold", {{"threshold"}, {}}},
        {"Flatten", {{"start_dim", "end_dim", "input_type"}, {}}},
        {"LIF", {{"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}}},
        {"CubaLIF", {{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"}}},
        {"LI", {{"tau", "r", "v_leak"}, {}}},
        {"IF", {{"r", "v_threshold"}, {"v_reset"}}},
        {"I", {{"r"}, {}}},
    };
    return t;
}

/// Number of values a shape array (Input/Output "shape", Flatten "input_type") describes; throws
/// NirError for entries that are not whole numbers in [0, kMaxValues] or a product above kMaxValues.
std::size_t product(const Array& a) {
    std::size_t p = 1;
    for (double d : a.data) {
        if (!(d >= 0 && d <= double(kMaxValues) && d == std::floor(d))) {
            char v[32];
            std::snprintf(v, sizeof v, "%g", d);
            throw NirError(std::string("shape entry ") + v + " is not a whole number in [0, " + std::to_string(kMaxValues) + "]");
        }
        p *= std::size_t(d);
        if (p > kMaxValues) throw NirError("shape describes more than " + std::to_string(kMaxValues) + " values");
    }
    return p;
}

std::string where(const std::string& name, const Node& n) { return "NIR node '" + name + "' (" + n.type + ")"; }

/// Element count a node expects on its input.
std::size_t inputSize(const Graph& g, const std::string& name) {
    const Node& n = g.nodes.at(name);
    if (n.type == "Affine" || n.type == "Linear") return n.params.at("weight").shape[1];
    if (n.type == "Output" || n.type == "Input") return product(n.params.at("shape"));
    if (n.type == "Flatten") return product(n.params.at("input_type"));
    return outputSize(g, name);
}

}  // namespace

const std::vector<std::string>& supportedTypes() {
    static const std::vector<std::string> v = [] {
        std::vector<std::string> r;
        for (auto& [k, _] : typeTable()) r.push_back(k);
        return r;
    }();
    return v;
}

std::size_t outputSize(const Graph& g, const std::string& name) {
    auto it = g.nodes.find(name);
    if (it == g.nodes.end()) throw NirError("NIR: no node named '" + name + "'");
    const Node& n = it->second;
    if (n.type == "Input" || n.type == "Output") return product(n.params.at("shape"));
    if (n.type == "Affine" || n.type == "Linear") return n.params.at("weight").shape[0];
    if (n.type == "Flatten") return product(n.params.at("input_type"));
    std::size_t sz = 1;
    for (auto& [_, a] : n.params) sz = std::max(sz, a.size());
    return sz;
}

void validate(const Graph& g) {
    if (g.version.empty()) throw NirError("NIR: missing version");
    for (const auto& [name, n] : g.nodes) {
        auto t = typeTable().find(n.type);
        if (t == typeTable().end())
            throw NirError("NIR node '" + name + "': unsupported node type '" + n.type + "'");
        for (const auto& req : t->second.required)
            if (!n.params.count(req)) throw NirError(where(name, n) + ": missing parameter '" + req + "'");
        for (const auto& [pname, a] : n.params) {
            std::size_t expect = 1;
            for (auto s : a.shape) {
                if (s > kMaxValues || (expect *= s) > kMaxValues)
                    throw NirError(where(name, n) + ": parameter '" + pname + "' has more than " + std::to_string(kMaxValues) + " values");
            }
            if (expect != a.data.size())
                throw NirError(where(name, n) + ": parameter '" + pname + "' data does not match its shape");
            for (double d : a.data)
                if (!std::isfinite(d)) throw NirError(where(name, n) + ": parameter '" + pname + "' is not finite");
        }
        if (n.type == "Affine" || n.type == "Linear") {
            const Array& w = n.params.at("weight");
            if (w.shape.size() != 2) throw NirError(where(name, n) + ": weight must be 2-D (out x in)");
            if (n.type == "Affine" && n.params.at("bias").size() != w.shape[0])
                throw NirError(where(name, n) + ": bias has " + std::to_string(n.params.at("bias").size()) +
                               " entries for " + std::to_string(w.shape[0]) + " outputs");
            continue;
        }
        if (n.type == "Input" || n.type == "Output" || n.type == "Flatten") {
            try {
                product(n.params.at(n.type == "Flatten" ? "input_type" : "shape"));
            } catch (const NirError& e) {
                throw NirError(where(name, n) + ": " + e.what());
            }
            continue;
        }
        // Neuron-like and element-wise nodes: every vector parameter has the same length (or 1).
        std::size_t len = outputSize(g, name);
        for (const auto& [pname, a] : n.params) {
            if (a.size() != len && a.size() != 1)
                throw NirError(where(name, n) + ": parameter '" + pname + "' has " + std::to_string(a.size()) +
                               " entries, expected " + std::to_string(len));
            if ((pname == "tau" || pname == "tau_mem" || pname == "tau_syn"))
                for (double d : a.data)
                    if (!(d > 0)) throw NirError(where(name, n) + ": " + pname + " must be > 0");
        }
    }
    std::size_t total = 0;
    for (const auto& [name, n] : g.nodes)
        if ((total += outputSize(g, name)) > kMaxValues)
            throw NirError("NIR: the graph's nodes produce more than " + std::to_string(kMaxValues) + " values together");
    for (const auto& [a, b] : g.edges) {
        if (!g.nodes.count(a)) throw NirError("NIR edge " + a + " -> " + b + ": unknown source node '" + a + "'");
        if (!g.nodes.count(b)) throw NirError("NIR edge " + a + " -> " + b + ": unknown target node '" + b + "'");
        if (g.nodes.at(b).type == "Input") throw NirError("NIR edge " + a + " -> " + b + ": an Input cannot receive edges");
        if (g.nodes.at(a).type == "Output") throw NirError("NIR edge " + a + " -> " + b + ": an Output has no outgoing edges");
        const std::size_t out = outputSize(g, a), in = inputSize(g, b);
        if (out != in)
            throw NirError("NIR edge " + a + " -> " + b + ": '" + a + "' produces " + std::to_string(out) +
                           " values but '" + b + "' expects " + std::to_string(in));
    }
}

// ------------------------------------------------------------------ Simulator

Simulator::Simulator(const Graph& g, double dt) : g_(g), dt_(dt) {
    validate(g);
    if (!(dt > 0)) throw NirError("NIR simulation: dt must be > 0");
    for (const auto& [a, b] : g.edges) sources_[b].push_back(a);
    // Depth-first topological order; an edge back to a node on the stack closes a cycle and
    // simply delivers the previous step's value.
    std::map<std::string, int> mark;
    std::function<void(const std::string&)> visit = [&](const std::string& n) {
        if (mark[n]) return;
        mark[n] = 1;
        for (const auto& s : sources_[n]) visit(s);
        mark[n] = 2;
        order_.push_back(n);
    };
    for (const auto& [name, _] : g.nodes) visit(name);
    reset();
}

void Simulator::reset() {
    out_.clear();
    v_.clear();
    isyn_.clear();
    for (const auto& [name, n] : g_.nodes) {
        const std::size_t sz = outputSize(g_, name);
        out_[name].assign(sz, 0.0);
        v_[name].assign(sz, 0.0);
        isyn_[name].assign(sz, 0.0);
        if (n.params.count("v_reset"))
            for (std::size_t i = 0; i < sz; ++i) {
                const Array& r = n.params.at("v_reset");
                v_[name][i] = r[r.size() == 1 ? 0 : i];
            }
    }
}

std::vector<std::string> Simulator::spikingNodes() const {
    std::vector<std::string> r;
    for (const auto& [name, n] : g_.nodes)
        if (n.type == "LIF" || n.type == "CubaLIF" || n.type == "IF" || n.type == "Threshold") r.push_back(name);
    return r;
}

const std::vector<double>& Simulator::output(const std::string& node) const {
    auto it = out_.find(node);
    if (it == out_.end()) throw NirError("NIR simulation: no node named '" + node + "'");
    return it->second;
}

}  // namespace ganglion::nir
