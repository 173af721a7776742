// NIR graph model, shape inference and validation (HDF5 I/O in nir_hdf5.cpp, simulation in
// nir_sim.cpp, subgraphs in nir_subgraph.cpp, convolution and pooling in nir_tensor_ops.cpp).
#include "core/snn/nir.h"

#include "core/snn/nir_tensor_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <list>
#include <set>

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

using detail::count;
using detail::describe;

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
        {"Delay", {{"delay"}, {}}},
        {"LIF", {{"tau", "r", "v_leak", "v_threshold"}, {"v_reset"}}},
        {"CubaLIF", {{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}, {"v_reset", "w_in"}}},
        {"CubaLI", {{"tau_syn", "tau_mem", "r", "v_leak"}, {"w_in"}}},
        {"LI", {{"tau", "r", "v_leak"}, {}}},
        {"IF", {{"r", "v_threshold"}, {"v_reset"}}},
        {"I", {{"r"}, {}}},
        {"Conv1d", {{"weight", "bias", "stride", "padding", "dilation", "groups"}, {"input_shape"}}},
        {"Conv2d", {{"weight", "bias", "stride", "padding", "dilation", "groups"}, {"input_shape"}}},
        {"SumPool2d", {{"kernel_size", "stride", "padding"}, {}}},
        {"AvgPool2d", {{"kernel_size", "stride", "padding"}, {}}},
        {"NIRGraph", {{}, {}}},
    };
    return t;
}

/// Number of values a shape array describes; throws NirError for entries that are not whole
/// numbers in [0, kMaxValues] or a product above kMaxValues.
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

bool elementwise(const std::string& t) {
    return t == "LIF" || t == "CubaLIF" || t == "CubaLI" || t == "LI" || t == "IF" || t == "I" || t == "Scale" || t == "Threshold" || t == "Delay";
}

std::string where(const std::string& path, const Node& n) { return "NIR node '" + path + "' (" + n.type + ")"; }

/// The checks of one node that need no other node.
void checkNode(const std::string& path, const Node& n) {
    auto t = typeTable().find(n.type);
    if (t == typeTable().end()) throw NirError("NIR node '" + path + "': unsupported node type '" + n.type + "'");
    if ((n.type == "NIRGraph") != (n.subgraph.size() == 1))
        throw NirError(where(path, n) + (n.type == "NIRGraph" ? ": a subgraph node needs exactly one graph" : ": only a NIRGraph node holds a subgraph"));
    for (const auto& req : t->second.required)
        if (!n.params.count(req)) throw NirError(where(path, n) + ": missing parameter '" + req + "'");
    for (const auto& [pname, a] : n.params) {
        std::size_t expect = 1;
        for (auto s : a.shape) {
            if (s > kMaxValues || (expect *= s) > kMaxValues)
                throw NirError(where(path, n) + ": parameter '" + pname + "' has more than " + std::to_string(kMaxValues) + " values");
        }
        if (expect != a.data.size()) throw NirError(where(path, n) + ": parameter '" + pname + "' data does not match its shape");
        for (double d : a.data)
            if (!std::isfinite(d)) throw NirError(where(path, n) + ": parameter '" + pname + "' is not finite");
        if ((pname == "tau" || pname == "tau_mem" || pname == "tau_syn"))
            for (double d : a.data)
                if (!(d > 0)) throw NirError(where(path, n) + ": " + pname + " must be > 0");
        if (n.type == "Delay" && pname == "delay")
            for (double d : a.data)
                if (!(d >= 0)) throw NirError(where(path, n) + ": delay must be >= 0 seconds");
    }
    if (n.type == "Affine" || n.type == "Linear") {
        const Array& w = n.params.at("weight");
        if (w.shape.size() != 2) throw NirError(where(path, n) + ": weight must be 2-D (out x in)");
        if (n.type == "Affine" && n.params.at("bias").size() != w.shape[0])
            throw NirError(where(path, n) + ": bias has " + std::to_string(n.params.at("bias").size()) + " entries for " +
                           std::to_string(w.shape[0]) + " outputs");
    }
    if (n.type == "Input" || n.type == "Output" || n.type == "Flatten") {
        try {
            product(n.params.at(n.type == "Flatten" ? "input_type" : "shape"));
        } catch (const NirError& e) {
            throw NirError(where(path, n) + ": " + e.what());
        }
    }
}

struct Totals {
    std::size_t values = 0, operations = 0;
};

void validateLevel(const Graph& g, const std::string& prefix, int depth, Totals& tot) {
    if (depth > kMaxDepth)
        throw NirError("NIR subgraph '" + prefix.substr(0, prefix.size() - 1) + "': subgraphs nested more than " + std::to_string(kMaxDepth) + " deep");
    for (const auto& [name, n] : g.nodes) {
        checkNode(prefix + name, n);
        if (n.type == "NIRGraph") validateLevel(n.subgraph[0], prefix + name + ".", depth + 1, tot);
    }
    const detail::Shapes shapes = detail::inferShapes(g, prefix);
    for (const auto& [name, n] : g.nodes) {
        if (n.type == "NIRGraph") continue;  // its nodes were counted in its own level
        const std::size_t len = count(shapes.out.at(name));
        if ((tot.values += len) > kMaxValues)
            throw NirError("NIR: the graph's nodes produce more than " + std::to_string(kMaxValues) + " values together");
        if (detail::isConv(n.type) || detail::isPool(n.type)) {
            tot.operations += detail::window(n, &shapes.in.at(name)).operations();
        } else if (n.type == "Affine" || n.type == "Linear") {
            tot.operations += n.params.at("weight").size();
        } else if (elementwise(n.type)) {
            // Every parameter has one entry per element (or a single one for all).
            for (const auto& [pname, a] : n.params)
                if (a.size() != len && a.size() != 1)
                    throw NirError(where(prefix + name, n) + ": parameter '" + pname + "' has " + std::to_string(a.size()) +
                                   " entries, expected " + std::to_string(len));
        }
        if (tot.operations > kMaxOperations)
            throw NirError("NIR: one step of the graph needs more than " + std::to_string(kMaxOperations) +
                           " multiply-adds (at node '" + prefix + name + "')");
    }
    for (const auto& [a, b] : g.edges) {
        const std::string edge = "NIR edge " + a + " -> " + b + (prefix.empty() ? "" : " in subgraph '" + prefix.substr(0, prefix.size() - 1) + "'");
        detail::Endpoint from, to;
        try {
            from = detail::resolve(g, a, false);
            to = detail::resolve(g, b, true);
        } catch (const NirError& e) {
            throw NirError(edge + ": " + e.what());
        }
        if (g.nodes.at(to.node).type == "Input") throw NirError(edge + ": an Input cannot receive edges");
        if (g.nodes.at(from.node).type == "Output") throw NirError(edge + ": an Output has no outgoing edges");
        const std::size_t out = count(shapes.produced(g, from)), in = count(shapes.taken(g, to));
        if (out != in)
            throw NirError(edge + ": '" + prefix + a + "' produces " + std::to_string(out) + " values but '" + prefix + b + "' expects " +
                           std::to_string(in));
    }
}

}  // namespace

namespace detail {

Dims declared(const Array& a) {
    product(a);
    Dims d;
    for (double v : a.data) d.push_back(std::size_t(v));
    return d;
}

Dims Shapes::produced(const Graph& g, const Endpoint& e) const {
    if (e.port.empty()) return out.at(e.node);
    return declared(g.nodes.at(e.node).subgraph[0].nodes.at(e.port).params.at("shape"));
}

Dims Shapes::taken(const Graph& g, const Endpoint& e) const {
    if (e.port.empty()) return in.at(e.node);
    return declared(g.nodes.at(e.node).subgraph[0].nodes.at(e.port).params.at("shape"));
}

namespace {

/// Depth-first shape inference of one graph level. A node on the current path (a cycle) has the
/// previous pass's shape, so a second pass settles nodes inside loops; only the second pass
/// reports what cannot be derived.
class Inference {
public:
    Inference(const Graph& g, const std::string& prefix) : g_(g), prefix_(prefix) {
        for (const auto& [a, b] : g.edges) {
            auto it = g.nodes.find(b);
            if (it != g.nodes.end()) sources_[b].push_back(a);  // (edges into subgraphs need no shape)
        }
    }

    Shapes run() {
        for (pass_ = 0; pass_ < 2; ++pass_) {
            previous_ = std::move(shapes_.out);
            shapes_ = {};
            failed_.clear();
            for (const auto& [name, _] : g_.nodes) visit(name);
        }
        return shapes_;
    }

private:
    /// Shape delivered by the first source of known shape (nullptr: none).
    const Dims* source(const std::string& name) {
        auto it = sources_.find(name);
        if (it == sources_.end()) return nullptr;
        for (const auto& s : it->second) {
            Endpoint e;
            try {
                e = resolve(g_, s, false);
            } catch (const NirError&) {
                continue;  // reported with the edge
            }
            if (!e.port.empty()) {
                portShapes_.push_back(shapes_.produced(g_, e));
                return &portShapes_.back();
            }
            if (const Dims* d = visit(e.node)) return d;
        }
        return nullptr;
    }

    const Dims* visit(const std::string& name) {
        if (auto it = shapes_.out.find(name); it != shapes_.out.end()) return &it->second;
        if (failed_.count(name)) return nullptr;
        if (active_.count(name)) {
            auto p = previous_.find(name);
            return p == previous_.end() ? nullptr : &p->second;
        }
        active_.insert(name);
        const Node& n = g_.nodes.at(name);
        Dims out, in;
        try {
            if (n.type == "Input" || n.type == "Output") {
                out = in = declared(n.params.at("shape"));
            } else if (n.type == "Affine" || n.type == "Linear") {
                out = {n.params.at("weight").shape[0]};
                in = {n.params.at("weight").shape[1]};
            } else if (n.type == "Flatten") {
                in = declared(n.params.at("input_type"));
                out = flattenShape(n);
            } else if (isConv(n.type) || isPool(n.type)) {
                const Window w = window(n, source(name));
                in = w.inShape();
                out = w.outShape();
            } else if (n.type == "NIRGraph") {
                auto only = [&](const char* type) -> Dims {
                    const Node* found = nullptr;
                    int k = 0;
                    for (const auto& [_, m] : n.subgraph[0].nodes)
                        if (m.type == type) found = &m, ++k;
                    return k == 1 ? declared(found->params.at("shape")) : Dims{};
                };
                in = only("Input");
                out = only("Output");
            } else {
                // Element-wise: the shape of its largest parameter, or its source's for scalars.
                const Array* largest = nullptr;
                for (const auto& [_, a] : n.params)
                    if (!largest || a.size() > largest->size()) largest = &a;
                if (largest && largest->size() > 1) out = largest->shape;
                else if (const Dims* s = source(name)) out = *s;
                else out = {1};
                in = out;
            }
        } catch (const NirError& e) {
            active_.erase(name);
            if (pass_ == 0) {  // may depend on a loop settled in the second pass
                failed_.insert(name);
                return nullptr;
            }
            throw NirError(where(prefix_ + name, n) + ": " + e.what());
        }
        active_.erase(name);
        shapes_.in[name] = std::move(in);
        return &(shapes_.out[name] = std::move(out));
    }

    const Graph& g_;
    const std::string& prefix_;
    std::map<std::string, std::vector<std::string>> sources_;
    std::map<std::string, Dims> previous_;
    std::set<std::string> active_, failed_;
    std::list<Dims> portShapes_;
    Shapes shapes_;
    int pass_ = 0;
};

}  // namespace

Shapes inferShapes(const Graph& g, const std::string& prefix) { return Inference(g, prefix).run(); }

}  // namespace detail

const std::vector<std::string>& supportedTypes() {
    static const std::vector<std::string> v = [] {
        std::vector<std::string> r;
        for (auto& [k, _] : typeTable()) r.push_back(k);
        return r;
    }();
    return v;
}

std::map<std::string, Dims> outputShapes(const Graph& g) { return detail::inferShapes(g, "").out; }

std::size_t outputSize(const Graph& g, const std::string& name) {
    if (!g.nodes.count(name)) throw NirError("NIR: no node named '" + name + "'");
    const Dims d = outputShapes(g).at(name);
    if (d.empty()) throw NirError("NIR: subgraph '" + name + "' has no single Output, so its output size is not defined");
    return count(d);
}

namespace {

/// Names the nodes get once subgraphs are inlined (see flatten()) must stay unique.
void inlinedNames(const Graph& g, const std::string& prefix, std::set<std::string>& seen) {
    for (const auto& [name, n] : g.nodes) {
        if (n.type == "NIRGraph") inlinedNames(n.subgraph[0], prefix + name + ".", seen);
        else if (!seen.insert(prefix + name).second)
            throw NirError("NIR node '" + prefix + name + "': two nodes have this name once subgraphs are inlined");
    }
}

}  // namespace

void validate(const Graph& g) {
    if (g.version.empty()) throw NirError("NIR: missing version");
    Totals tot;
    validateLevel(g, "", 0, tot);
    std::set<std::string> seen;
    inlinedNames(g, "", seen);
}

}  // namespace ganglion::nir
