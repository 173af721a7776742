#include "core/snn/nir_convert.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace ganglion::nir {

namespace {

const ganglion::Node* next(const ganglion::Graph& g, const ganglion::Node& n) {
    for (const auto* e : g.edgesFrom(n.id)) {
        const auto* t = g.node(e->to.node);
        if (t && t->type == "LIFLayer") return t;
    }
    return nullptr;
}

/// A weight matrix as a NIR array (row-major, out x in).
Array weightArray(const Matrix& W) {
    std::vector<double> w(std::size_t(W.size()));
    for (Eigen::Index r = 0; r < W.rows(); ++r)
        for (Eigen::Index c = 0; c < W.cols(); ++c) w[std::size_t(r * W.cols() + c)] = W(r, c);
    return Array::matrix(std::size_t(W.rows()), std::size_t(W.cols()), w);
}

const Matrix& take(const std::map<std::string, KernelState>& state, const std::string& node, const char* key) {
    auto it = state.find(node);
    if (it == state.end() || !it->second.count(key))
        throw NirError("NIR export: no learned '" + std::string(key) + "' for node '" + node + "'");
    return it->second.at(key);
}

}  // namespace

Graph exportGraph(const ganglion::Graph& g, const std::function<const Kernel*(NodeId)>& kernelOf,
                  const std::map<std::string, KernelState>& state, double dt) {
    const Graph* held = nullptr;
    std::string holder;
    for (const ganglion::Node& n : g.nodes()) {
        const auto* h = dynamic_cast<const GraphHolder*>(kernelOf(n.id));
        if (!h || !h->nirGraph()) continue;
        if (held)
            throw NirError("NIR export: nodes '" + holder + "' and '" + n.name +
                           "' both run a NIR graph; a file holds one (delete one of them to export the other)");
        held = h->nirGraph(), holder = n.name;
    }
    if (!held) return exportLifChain(g, state, dt);
    Graph out = *held;
    out.notes.clear();
    return out;
}

Graph exportLifChain(const ganglion::Graph& g, const std::map<std::string, KernelState>& state, double dt) {
    const ganglion::Node* enc = nullptr;
    for (const auto& n : g.nodes())
        if (n.type == "SpikeEncoder") {
            if (enc) throw NirError("NIR export: more than one SpikeEncoder ('" + enc->name + "', '" + n.name + "')");
            enc = &n;
        }
    if (!enc) throw NirError("NIR export: the graph has no SpikeEncoder → LIFLayer chain");
    Graph out;
    std::string prev = "input";
    const ganglion::Node* layer = next(g, *enc);
    if (!layer) throw NirError("NIR export: SpikeEncoder '" + enc->name + "' feeds no LIFLayer");
    std::set<NodeId> seen;
    while (layer) {
        if (!seen.insert(layer->id).second) throw NirError("NIR export: cycle at '" + layer->name + "'");
        const Matrix& W = take(state, layer->name, "weight");
        const Matrix& b = take(state, layer->name, "bias");
        if (out.nodes.empty()) out.nodes["input"] = {"Input", {{"shape", Array::ints({double(W.cols())})}}};
        const double beta = layer->params.getFloat("beta");
        if (!(beta > 0 && beta < 1))
            throw NirError("NIR export: layer '" + layer->name + "' has beta = " + std::to_string(beta) +
                           "; NIR needs 0 < beta < 1 (a finite time constant)");
        const auto n = std::size_t(W.rows());
        std::vector<double> bias(n);
        for (std::size_t i = 0; i < n; ++i) bias[i] = layer->params.getBool("bias") ? b(Eigen::Index(i), 0) : 0.0;
        const std::string fc = layer->name + ".affine";
        out.nodes[fc] = {"Affine", {{"weight", weightArray(W)}, {"bias", Array::vector(bias)}}};
        const double tau = -dt / std::log(beta), r = 1.0 / (1.0 - beta);
        Node neuron;
        if (layer->params.getBool("readout")) {
            neuron = {"LI", {{"tau", Array::filled(n, tau)}, {"r", Array::filled(n, r)}, {"v_leak", Array::filled(n, 0.0)}}};
        } else {
            neuron = {"LIF", {{"tau", Array::filled(n, tau)}, {"r", Array::filled(n, r)}, {"v_leak", Array::filled(n, 0.0)},
                              {"v_threshold", Array::filled(n, layer->params.getFloat("threshold"))},
                              {"v_reset", Array::filled(n, 0.0)}}};
        }
        out.nodes[layer->name] = neuron;
        out.edges.push_back({prev, fc});
        out.edges.push_back({fc, layer->name});
        if (layer->params.getBool("recurrent")) {  // spikes back into the same neurons: a Linear loop
            const std::string rec = layer->name + ".recurrent";
            out.nodes[rec] = {"Linear", {{"weight", weightArray(take(state, layer->name, "recurrent_weight"))}}};
            out.edges.push_back({layer->name, rec});
            out.edges.push_back({rec, layer->name});
        }
        prev = layer->name;
        const ganglion::Node* nx = next(g, *layer);
        if (layer->params.getBool("readout") && nx)
            throw NirError("NIR export: readout layer '" + layer->name + "' feeds another LIFLayer");
        layer = nx;
    }
    out.nodes["output"] = {"Output", {{"shape", Array::ints({double(outputSize(out, prev))})}}};
    out.edges.push_back({prev, "output"});
    validate(out);
    return out;
}

ImportedChain importLifChain(const Graph& g, double dt, int steps) {
    validate(g);
    std::map<std::string, std::vector<std::string>> succ;
    std::map<std::string, int> indeg;
    for (const auto& [a, b] : g.edges) {
        succ[a].push_back(b);
        ++indeg[b];
    }
    std::string input;
    for (const auto& [name, n] : g.nodes) {
        if (n.type != "Input" && n.type != "Output" && n.type != "Affine" && n.type != "Linear" && n.type != "LIF" &&
            n.type != "LI")
            throw NirError("NIR import: node '" + name + "' of type '" + n.type +
                           "' cannot be mapped onto LIF layers (supported here: Input, Affine, Linear, LIF, LI, Output)");
        if (n.type == "Input") {
            if (!input.empty()) throw NirError("NIR import: more than one Input ('" + input + "', '" + name + "')");
            input = name;
        }
    }
    if (input.empty()) throw NirError("NIR import: no Input node");
    // Recurrent loops LIF → Linear|Affine → the same LIF become a recurrent LIFLayer: take those
    // edges out of the chain walk and remember the loop's weights for that layer.
    std::map<std::string, std::string> recurrentOf;  // LIF node -> its loop's Linear/Affine
    for (const auto& [name, n] : g.nodes) {
        if (n.type != "Linear" && n.type != "Affine") continue;
        std::vector<std::string> pred;
        for (const auto& [a, b] : g.edges)
            if (b == name) pred.push_back(a);
        const auto& out = succ[name];
        if (pred.size() == 1 && out.size() == 1 && pred[0] == out[0] && g.nodes.at(pred[0]).type == "LIF") {
            if (recurrentOf.count(pred[0]))
                throw NirError("NIR import: '" + pred[0] + "' has more than one recurrent loop");
            recurrentOf[pred[0]] = name;
        }
    }
    for (const auto& [neuron, loop] : recurrentOf) {
        auto& s = succ[neuron];
        s.erase(std::remove(s.begin(), s.end(), loop), s.end());
        succ[loop].clear();
        --indeg[neuron];
        --indeg[loop];
    }
    auto only = [&](const std::string& n) -> std::string {
        auto it = succ.find(n);
        if (it == succ.end() || it->second.empty()) throw NirError("NIR import: '" + n + "' has no successor");
        if (it->second.size() > 1) throw NirError("NIR import: '" + n + "' branches; only chains are supported");
        if (indeg[it->second[0]] > 1) throw NirError("NIR import: '" + it->second[0] + "' has several inputs");
        return it->second[0];
    };
    ImportedChain res;
    auto& G = res.graph;
    const NodeId enc = G.addNode("SpikeEncoder", 0, 0);
    G.setParam(enc, "steps", std::int64_t(steps));
    G.setParam(enc, "mode", std::string("direct"));
    NodeId prevId = enc;
    std::string cur = only(input);
    double x = 200;
    while (g.nodes.at(cur).type != "Output") {
        const Node& lin = g.nodes.at(cur);
        if (lin.type != "Affine" && lin.type != "Linear")
            throw NirError("NIR import: expected Affine or Linear at '" + cur + "', found " + lin.type);
        const std::string neuronName = only(cur);
        const Node& nn = g.nodes.at(neuronName);
        if (nn.type != "LIF" && nn.type != "LI")
            throw NirError("NIR import: expected LIF or LI after '" + cur + "', found " + nn.type + " '" + neuronName + "'");
        const Array& Wa = lin.params.at("weight");
        const auto rows = Eigen::Index(Wa.shape[0]), cols = Eigen::Index(Wa.shape[1]);
        auto uniform = [&](const char* key) {
            const Array& a = nn.params.at(key);
            for (double v : a.data)
                if (v != a.data[0]) throw NirError("NIR import: '" + neuronName + "' has per-neuron " + key + " (LIFLayer shares it)");
            return a.data[0];
        };
        if (uniform("v_leak") != 0.0) throw NirError("NIR import: '" + neuronName + "' has v_leak != 0");
        const double beta = std::exp(-dt / uniform("tau"));
        const float gain = float(uniform("r") * (1.0 - beta));  // folds r into the weights
        Matrix W(rows, cols), b = Matrix::Zero(rows, 1);
        for (Eigen::Index r = 0; r < rows; ++r) {
            for (Eigen::Index c = 0; c < cols; ++c) W(r, c) = gain * float(Wa.data[std::size_t(r * cols + c)]);
            if (lin.type == "Affine") b(r, 0) = gain * float(lin.params.at("bias")[std::size_t(r)]);
        }
        Matrix Wrec;
        if (auto rec = recurrentOf.find(neuronName); rec != recurrentOf.end()) {
            const Node& loop = g.nodes.at(rec->second);
            const Array& Ra = loop.params.at("weight");
            if (Ra.shape[0] != std::size_t(rows) || Ra.shape[1] != std::size_t(rows))
                throw NirError("NIR import: recurrent '" + rec->second + "' must be " + std::to_string(rows) + "x" +
                               std::to_string(rows) + " for '" + neuronName + "'");
            Wrec.resize(rows, rows);
            for (Eigen::Index r = 0; r < rows; ++r) {
                for (Eigen::Index c = 0; c < rows; ++c) Wrec(r, c) = gain * float(Ra.data[std::size_t(r * rows + c)]);
                if (loop.type == "Affine") b(r, 0) += gain * float(loop.params.at("bias")[std::size_t(r)]);
            }
        }
        const NodeId id = G.addNode("LIFLayer", x, 0);
        x += 200;
        auto check = [&](std::optional<std::string> err) {
            if (err) throw NirError("NIR import: node '" + neuronName + "': " + *err);
        };
        check(G.rename(id, neuronName));
        check(G.setParam(id, "units", std::int64_t(rows)));
        check(G.setParam(id, "steps", std::int64_t(steps)));
        check(G.setParam(id, "beta", beta));
        check(G.setParam(id, "readout", nn.type == "LI"));
        if (nn.type == "LIF") check(G.setParam(id, "threshold", uniform("v_threshold")));
        if (Wrec.size()) check(G.setParam(id, "recurrent", true));
        G.connect({prevId, "out"}, {id, "in"});
        res.state[neuronName] = {{"weight", W}, {"bias", b}};
        if (Wrec.size()) res.state[neuronName]["recurrent_weight"] = Wrec;
        prevId = id;
        cur = only(neuronName);
    }
    return res;
}

}  // namespace ganglion::nir
