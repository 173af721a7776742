#include "core/export/torch_export.h"

#include "core/export/torch_hooks.h"
#include "core/export/torch_python.h"
#include "core/graph/validate.h"
#include "core/model/node_spec.h"

#include <cctype>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ganglion {

namespace {

/// Python keywords, builtins the generated code uses and nn.Module members: never attribute names.
const std::set<std::string>& reserved() {
    static const std::set<std::string> r = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "training", "forward", "train", "eval",
        "parameters", "named_parameters", "buffers", "named_buffers", "children", "named_children", "modules",
        "named_modules", "state_dict", "load_state_dict", "to", "cpu", "cuda", "type", "float", "double", "half",
        "bfloat16", "apply", "zero_grad", "register_buffer", "register_parameter", "add_module", "register_module",
        "get_submodule", "get_parameter", "get_buffer", "requires_grad_", "share_memory", "extra_repr", "dump_patches",
        "call_super_init", "project", "ipu", "xpu"};
    return r;
}

std::string identifier(const std::string& name) {
    std::string id;
    for (char c : name) id += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0])) || id[0] == '_') id = "n" + id;
    if (reserved().count(id)) id += "_";
    return id;
}

std::string nodeLabel(const Node& n) { return "node '" + n.name + "' (" + n.type + ")"; }

NodeRole roleOf(const Graph& g, const Node& n) {
    const NodeSpec* s = g.spec(n.id);
    return s ? s->role : NodeRole::Plain;
}

std::string shapeTuple(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

struct Plan {
    const Node* source = nullptr;
    std::map<NodeId, std::string> attrs;
    std::map<NodeId, TorchModule> modules;
};

/// Every node checked and described; throws naming the first node that cannot be exported.
Plan plan(const Engine& e) {
    const Graph& g = e.graph();
    Plan p;
    p.attrs = torchAttributes(g);
    std::vector<const Node*> sources;
    for (const Node& n : g.nodes())
        if (roleOf(g, n) == NodeRole::Source) sources.push_back(&n);
    if (sources.size() != 1) {
        std::string names;
        for (const Node* s : sources) names += (names.empty() ? " (" : ", ") + s->name;
        throw std::runtime_error("PyTorch export needs exactly one data source; the graph has " + std::to_string(sources.size()) +
                                 (names.empty() ? "" : names + ")"));
    }
    p.source = sources[0];
    for (const Node& n : g.nodes()) {
        if (!p.attrs.count(n.id)) continue;
        const auto* hook = dynamic_cast<const TorchExportable*>(e.kernel(n.id));
        if (!hook || !hook->hasTorchEquivalent())
            throw std::runtime_error(nodeLabel(n) + " has no PyTorch equivalent; the export refuses the graph");
        try {
            p.modules[n.id] = hook->torchModule();
        } catch (const std::exception& ex) {
            throw std::runtime_error(nodeLabel(n) + ": " + ex.what());
        }
    }
    return p;
}

/// Python expression of what feeds input port `port` of node `n`: "x" (the data), h['attr'].
std::string inputExpr(const Graph& g, const Plan& p, const Node& n, const std::string& port, bool allowLabels = false) {
    const Edge* e = g.edgeIntoPort({n.id, port});
    if (!e) throw std::runtime_error(nodeLabel(n) + ": input '" + port + "' is not connected");
    const Node* from = g.node(e->from.node);
    const NodeSpec* fs = g.spec(e->from.node);
    if (from == p.source) {
        const int k = fs->outputIndex(e->from.port);
        if (k == 0) return "x";
        if (k == 1 && allowLabels) return "y";
        throw std::runtime_error(nodeLabel(n) + ": input '" + port + "' comes from output '" + e->from.port + "' of the data source; "
                                 "only its first output (the inputs) can feed a layer");
    }
    auto it = p.attrs.find(from->id);
    if (it == p.attrs.end()) throw std::runtime_error(nodeLabel(n) + ": input '" + port + "' comes from " + nodeLabel(*from) + ", which has no output in PyTorch");
    if (fs->outputIndex(e->from.port) != 0)
        throw std::runtime_error(nodeLabel(n) + ": input '" + port + "' comes from output '" + e->from.port + "' of " + nodeLabel(*from) +
                                 "; the export carries only first outputs");
    return "h['" + it->second + "']";
}

}  // namespace

std::map<NodeId, std::string> torchAttributes(const Graph& g) {
    std::map<NodeId, std::string> out;
    std::set<std::string> taken;
    for (const Node& n : g.nodes()) {
        const NodeRole r = roleOf(g, n);
        if (r == NodeRole::Source || r == NodeRole::Loss) continue;
        std::string id = identifier(n.name), base = id;
        for (int k = 2; taken.count(id); ++k) id = base + "_" + std::to_string(k);
        taken.insert(id);
        out[n.id] = id;
    }
    return out;
}

TorchExport exportTorch(const Engine& e) {
    if (!e.ok()) throw std::runtime_error("the graph is not built: " + e.error());
    const Graph& g = e.graph();
    Plan p = plan(e);
    TorchExport x;
    const auto* data = dynamic_cast<const TorchDataSource*>(e.kernel(p.source->id));
    if (!data) throw std::runtime_error(nodeLabel(*p.source) + ": this data source has no PyTorch export (train.py could not read its data)");
    TorchData d;
    try {
        d = data->torchData();
    } catch (const std::exception& ex) {
        throw std::runtime_error(nodeLabel(*p.source) + ": " + ex.what());
    }
    for (const auto& [name, m] : d.arrays) x.data.emplace_back(name, io::npyFromMatrix(m));

    std::ostringstream model, classes, init, fwd, losses;
    std::set<std::string> written;
    bool untrained = false;
    std::map<NodeId, std::string> trainedBy;  // module → the loss that trains it
    for (NodeId id : topologicalOrder(g)) {
        const Node& n = *g.node(id);
        if (!p.attrs.count(id)) continue;
        const TorchModule& m = p.modules.at(id);
        const std::string& a = p.attrs.at(id);
        if (written.insert(m.pyClass).second) classes << "\n\n" << m.pySource;
        init << "        self." << a << " = " << m.pyClass << "([";
        for (std::size_t i = 0; i < m.tensors.size(); ++i) {
            const TorchTensor& t = m.tensors[i];
            init << (i ? ", " : "") << "(" << torch::pyString(t.name) << ", " << shapeTuple(t.shape) << ", " << (t.trainable ? "True" : "False") << ")";
            x.weights.emplace_back(a + "." + t.name, io::npyFromMatrix(t.value, t.shape));
        }
        init << "]" << (m.pyArgs.empty() ? "" : ", " + m.pyArgs) << ")  # " << n.type << " '" << n.name << "'\n";
        const NodeSpec* spec = g.spec(id);
        fwd << "        h['" << a << "'] = self." << a << "(";
        for (int i = 0; i < m.inputs; ++i) {
            const std::string in = inputExpr(g, p, n, spec->inputs[std::size_t(i)].name);
            if (!spec->sequenceAware && in != "x") {
                const Node* from = g.node(g.edgeIntoPort({id, spec->inputs[std::size_t(i)].name})->from.node);
                if (p.modules.at(from->id).steps > 0)
                    throw std::runtime_error(nodeLabel(n) + " is applied to every step of the sequence " + nodeLabel(*from) +
                                             " produces; per-step layers have no PyTorch export yet");
            }
            fwd << (i ? ", " : "") << in;
        }
        fwd << ")\n";
        for (const std::string& note : m.notes) x.notes.push_back(n.name + ": " + note);
    }
    int lossCount = 0;
    for (const Node& n : g.nodes()) {
        if (roleOf(g, n) != NodeRole::Loss) continue;
        if (n.type != "Loss") throw std::runtime_error(nodeLabel(n) + " has no PyTorch equivalent; the export refuses the graph");
        const ParamSet& q = n.params;
        const std::string opt = q.getString("optimizer");
        if (opt != "adam" && opt != "sgd" && opt != "eg" && opt != "classp")
            throw std::runtime_error(nodeLabel(n) + ": optimizer '" + opt + "' has no PyTorch equivalent in the export (adam, sgd, eg and classp do)");
        if (opt == "eg" && q.getFloat("langevin_noise") > 0)
            throw std::runtime_error(nodeLabel(n) + ": exponentiated gradient with Langevin noise (langevin_noise " +
                                     torch::pyFloat(q.getFloat("langevin_noise")) + ") has no PyTorch export; set it to 0 to export");
        if (q.getString("rule") != "backprop")
            throw std::runtime_error(nodeLabel(n) + ": the training rule '" + q.getString("rule") +
                                     "' has no PyTorch export (train.py trains by backprop)");
        if (q.getString("continual") != "none")
            throw std::runtime_error(nodeLabel(n) + ": continual learning ('" + q.getString("continual") + "') has no PyTorch export");
        if (q.getString("homeostasis") != "none")
            throw std::runtime_error(nodeLabel(n) + ": the homeostatic learning rate ('" + q.getString("homeostasis") + "') has no PyTorch export");
        const std::string pred = inputExpr(g, p, n, "pred");
        if (pred == "x") throw std::runtime_error(nodeLabel(n) + ": the prediction comes straight from the data source; nothing to train");
        if (inputExpr(g, p, n, "target", true) != "y")
            throw std::runtime_error(nodeLabel(n) + ": the target must come from the data source's second output (labels / targets)");
        // The modules upstream of the prediction: what this loss's optimiser trains.
        std::vector<std::string> mods;
        std::set<NodeId> seen;
        std::function<void(NodeId)> walk = [&](NodeId id) {
            if (!p.attrs.count(id) || !seen.insert(id).second) return;
            const TorchModule& m = p.modules.at(id);
            bool trains = false;
            for (const auto& t : m.tensors) trains = trains || t.trainable;
            if (trains) {
                auto [it, fresh] = trainedBy.emplace(id, n.name);
                if (!fresh) throw std::runtime_error(nodeLabel(*g.node(id)) + " is trained by two losses ('" + it->second + "' and '" + n.name +
                                                     "'); the export needs each layer trained by one loss");
                mods.insert(mods.begin(), p.attrs.at(id));
            }
            const NodeSpec* s = g.spec(id);
            for (int i = 0; i < m.inputs; ++i)
                if (const Edge* e = g.edgeIntoPort({id, s->inputs[std::size_t(i)].name})) walk(e->from.node);
        };
        walk(g.edgeIntoPort({n.id, "pred"})->from.node);
        if (mods.empty()) throw std::runtime_error(nodeLabel(n) + ": no trainable layer upstream of the prediction");
        losses << "    dict(name=" << torch::pyString(n.name) << ", pred=" << torch::pyString(pred.substr(3, pred.size() - 5))
               << ", kind=" << torch::pyString(q.getString("loss")) << ", optimizer=" << torch::pyString(opt)
               << ", lr=" << torch::pyFloat(q.getFloat("learning_rate")) << ", momentum=" << torch::pyFloat(q.getFloat("momentum"))
               << ", weight_decay=" << torch::pyFloat(q.getFloat("weight_decay"))
               << ", classp_power=" << torch::pyFloat(q.getFloat("classp_power"))
               << ", classp_threshold=" << torch::pyFloat(q.getFloat("classp_threshold")) << ",\n         modules=[";
        for (std::size_t i = 0; i < mods.size(); ++i) losses << (i ? ", " : "") << torch::pyString(mods[i]);
        losses << "]),\n";
        ++lossCount;
    }
    if (lossCount == 0) throw std::runtime_error("the graph has no Loss node: nothing to train in PyTorch");
    for (const auto& [id, m] : p.modules)
        for (const auto& t : m.tensors) untrained = untrained || (t.trainable && !trainedBy.count(id));

    const std::string title = g.settings().title.empty() ? "untitled graph" : g.settings().title;
    model << "# Generated by Ganglion from the graph " << torch::pyString(title) << ".\n"
          << "# Model mirrors the graph: one attribute per node (named after it), forward(x) returns every node's\n"
          << "# output by attribute name; x is (batch, features). Weights: weights.npz (load_weights). Train: train.py.\n"
          << torch::modelPreamble() << classes.str() << "\n\nclass Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
          << init.str() << "\n    def forward(self, x):\n        h = {}\n" << fwd.str() << "        return h\n\n\n"
          << "# The graph's Loss nodes: objective, optimiser and the modules each one trains.\nLOSSES = [\n" << losses.str() << "]\n"
          << "BATCH_SIZE = " << d.batchSize << "  # the data source's batch size (0: the whole training set)\n"
          << "STEPS = " << (g.settings().stopAt > 0 ? g.settings().stopAt : 1000) << "\n"
          << "UNTRAINED_PARAMETERS = " << (untrained ? "True" : "False") << "\n"
          << "# Not reproduced by training in PyTorch:\nNOTES = [\n";
    for (const std::string& note : x.notes) model << "    " << torch::pyString(note) << ",\n";
    model << "]\n\n\n" << d.pyLoader << "\n" << torch::modelHelpers();
    x.modelPy = model.str();
    x.trainPy = torch::trainScript();
    return x;
}

void writeTorchExport(const TorchExport& x, const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
    const std::filesystem::path d(dir);
    io::writeFileAtomically((d / "model.py").string(), x.modelPy);
    io::writeFileAtomically((d / "train.py").string(), x.trainPy);
    io::writeNpz((d / "weights.npz").string(), x.weights);
    if (!x.data.empty()) io::writeNpz((d / "data.npz").string(), x.data);
}

}  // namespace ganglion
