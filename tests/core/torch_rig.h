// Test helpers for the PyTorch export (core/export/torch_export.h): one Ganglion training step of
// a built engine's kernels on a given batch (the engine's own step draws its batch from the data
// source), and running Debian's python3 on an exported folder.
#pragma once

#include "core/engine/engine.h"
#include "core/engine/optimizer.h"
#include "core/graph/validate.h"
#include "core/model/node_spec.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ganglion::testing {

/// The engine's kernels driven by hand on the batch (x, y) in place of the data source's output,
/// exactly as Engine::step() drives them: forward in topological order, the losses' backward, the
/// gradients back in reverse order, then one step of each loss's optimiser over the parameters of
/// the differentiable nodes upstream of it.
class BatchStep {
public:
    BatchStep(Engine& e, const Matrix& x, const Matrix& y) : e_(e), g_(e.graph()), order_(topologicalOrder(g_)) {
        for (NodeId id : order_) {
            const NodeSpec* s = g_.spec(id);
            auto& v = out_[id];
            v.resize(s->outputs.size());
            for (std::size_t i = 0; i < v.size(); ++i) v[i].type = s->outputs[i].type;
            if (s->role == NodeRole::Source) {
                v[0].tensor = x;
                v[1].tensor = y;
            }
        }
    }

    void forward() {
        for (NodeId id : order_) {
            const NodeSpec* s = g_.spec(id);
            if (s->role == NodeRole::Source) continue;
            StepContext ctx;
            ctx.rng = &rng_;
            e_.kernel(id)->forward(ctx, inputs(id), out_[id]);
        }
    }

    /// Backward from every loss, then one optimiser step per loss (forward() first).
    void trainStep() {
        std::vector<std::unique_ptr<Optimizer>> opts;
        for (NodeId id : order_)
            if (g_.spec(id)->role == NodeRole::Loss) {
                std::vector<Parameter> params;
                std::set<NodeId> seen;
                std::function<void(NodeId)> walk = [&](NodeId n) {
                    if (!seen.insert(n).second) return;
                    Kernel* k = e_.kernel(n);
                    if (n != id && k->differentiable())
                        for (auto& p : k->parameters()) params.push_back(p);
                    for (const Edge* edge : g_.edgesInto(n)) walk(edge->from.node);
                };
                walk(id);
                opts.push_back(std::make_unique<Optimizer>(params, OptimizerConfig::fromParams(g_.node(id)->params)));
            }
        std::map<NodeId, std::vector<Matrix>> grads;
        for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
            const NodeId id = *it;
            const NodeSpec* s = g_.spec(id);
            Kernel* k = e_.kernel(id);
            if (s->role == NodeRole::Source || (s->role != NodeRole::Loss && !k->differentiable())) continue;
            auto in = inputs(id);
            std::vector<Matrix> gradIn(in.size());
            for (std::size_t i = 0; i < in.size(); ++i) {
                const Edge* edge = g_.edgeIntoPort({id, s->inputs[i].name});
                if (in[i] && edge && g_.spec(edge->from.node)->role != NodeRole::Source)
                    gradIn[i].setZero(in[i]->tensor.rows(), in[i]->tensor.cols());
            }
            auto& gout = grads[id];
            gout.resize(s->outputs.size());
            StepContext ctx;
            ctx.rng = &rng_;
            k->backward(ctx, in, out_[id], gout, gradIn);
            for (std::size_t i = 0; i < in.size(); ++i) {
                if (gradIn[i].size() == 0) continue;
                const Edge* edge = g_.edgeIntoPort({id, s->inputs[i].name});
                auto& target = grads[edge->from.node];
                target.resize(g_.spec(edge->from.node)->outputs.size());
                Matrix& t = target[std::size_t(g_.spec(edge->from.node)->outputIndex(edge->from.port))];
                if (t.size() == 0) t = gradIn[i];
                else t += gradIn[i];
            }
        }
        for (auto& o : opts) o->step();
    }

    /// Output `port` of node `id` (features x batch).
    const Matrix& output(NodeId id, int port = 0) { return out_[id][std::size_t(port)].tensor; }

private:
    std::vector<const Value*> inputs(NodeId id) {
        const NodeSpec* s = g_.spec(id);
        std::vector<const Value*> in(s->inputs.size(), nullptr);
        for (std::size_t i = 0; i < in.size(); ++i)
            if (const Edge* edge = g_.edgeIntoPort({id, s->inputs[i].name}))
                in[i] = &out_[edge->from.node][std::size_t(g_.spec(edge->from.node)->outputIndex(edge->from.port))];
        return in;
    }

    Engine& e_;
    const Graph& g_;
    std::vector<NodeId> order_;
    std::map<NodeId, std::vector<Value>> out_;
    Rng rng_{7};
};

/// Debian's interpreter (where python3-torch lives): $GANGLION_PYTHON, else /usr/bin/python3.
inline std::string pythonInterpreter() {
    if (const char* p = std::getenv("GANGLION_PYTHON"); p && *p) return p;
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/// Runs `command` with its output into `log`; returns the exit status (-1 when it did not run).
inline int runLogged(const std::string& command, const std::string& log) {
    const int rc = std::system((command + " > '" + log + "' 2>&1").c_str());
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The last `n` characters of a log (where a Python traceback ends with the error).
inline std::string tail(const std::string& text, std::size_t n = 1500) {
    return text.size() <= n ? text : "…" + text.substr(text.size() - n);
}

/// Exit status of the Python helpers when `import torch` fails.
constexpr int kNoTorch = 77;

}  // namespace ganglion::testing
