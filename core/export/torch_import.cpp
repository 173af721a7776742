// Import of a PyTorch state dict of an exported model (core/export/torch_export.h).
#include "core/export/torch_export.h"
#include "core/export/torch_module.h"

#include <stdexcept>

namespace ganglion {

namespace {
std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}
}  // namespace

std::map<std::string, KernelState> stateFromTorch(const Engine& e, const std::map<std::string, io::NpyArray>& tensors) {
    if (!e.ok()) throw std::runtime_error("the graph is not built: " + e.error());
    const Graph& g = e.graph();
    std::vector<std::string> problems;
    std::map<std::string, bool> used;
    for (const auto& [key, a] : tensors) used[key] = false;
    std::map<std::string, KernelState> out;
    const auto current = e.saveState();
    for (const auto& [id, attr] : torchAttributes(g)) {
        const Node& n = *g.node(id);
        const auto* hook = dynamic_cast<const TorchExportable*>(e.kernel(id));
        if (!hook || !hook->hasTorchEquivalent()) {
            problems.push_back("node '" + n.name + "' (" + n.type + ") has no PyTorch equivalent");
            continue;
        }
        TorchModule m;
        try {
            m = hook->torchModule();
        } catch (const std::exception& ex) {
            problems.push_back("node '" + n.name + "' (" + n.type + "): " + ex.what());
            continue;
        }
        std::map<std::string, Matrix> mine;
        bool complete = true;
        for (const TorchTensor& t : m.tensors) {
            const std::string key = attr + "." + t.name;
            auto it = tensors.find(key);
            if (it == tensors.end()) {
                problems.push_back("missing tensor '" + key + "' (node '" + n.name + "', shape " + shapeText(t.shape) + ")");
                complete = false;
                continue;
            }
            used[key] = true;
            if (it->second.shape != t.shape) {
                problems.push_back("tensor '" + key + "' has shape " + shapeText(it->second.shape) + ", node '" + n.name + "' expects " +
                                   shapeText(t.shape));
                complete = false;
                continue;
            }
            mine[t.name] = io::matrixFromNpy(it->second);
        }
        if (!complete) continue;
        auto cur = current.find(n.name);
        try {
            out[n.name] = hook->stateFromTorch(cur == current.end() ? KernelState{} : cur->second, mine);
        } catch (const std::exception& ex) {
            problems.push_back("node '" + n.name + "': " + ex.what());
        }
    }
    for (const auto& [key, u] : used)
        if (!u) problems.push_back("extra tensor '" + key + "': no node of the graph has it");
    if (!problems.empty()) {
        std::string msg = "the weights do not match the graph (nothing was changed):";
        for (const std::string& p : problems) msg += "\n  " + p;
        throw std::runtime_error(msg);
    }
    return out;
}

std::vector<std::string> importTorchWeights(Engine& e, const std::string& npzPath) {
    const auto state = stateFromTorch(e, io::readNpz(npzPath));
    const auto before = e.saveState();
    try {
        e.loadState(state);
    } catch (const std::exception& ex) {
        e.loadState(before);  // back to where it was: all or nothing
        throw std::runtime_error(std::string("the weights do not fit the graph (nothing was changed): ") + ex.what());
    }
    e.restartOptimizers();
    std::vector<std::string> names;
    for (const auto& [name, st] : state) names.push_back(name);
    return names;
}

}  // namespace ganglion
