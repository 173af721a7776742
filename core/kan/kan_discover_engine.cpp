#include "core/kan/kan_discover_engine.h"

#include "core/engine/engine.h"
#include "core/kan/formula_data.h"
#include "core/kan/kan_node.h"

#include <stdexcept>

namespace ganglion {

namespace {
const Edge* inputEdge(const Graph& g, NodeId id) {
    for (const Edge& e : g.edges())
        if (e.to.node == id) return &e;
    return nullptr;
}

std::vector<NodeId> successors(const Graph& g, NodeId id) {
    std::vector<NodeId> out;
    for (const Edge& e : g.edges())
        if (e.from.node == id) out.push_back(e.to.node);
    return out;
}
}  // namespace

std::vector<std::vector<NodeId>> kanChains(const Engine& engine) {
    const Graph& g = engine.graph();
    auto isKan = [&](NodeId id) { return dynamic_cast<KanLayerKernel*>(engine.kernel(id)) != nullptr; };
    std::vector<std::vector<NodeId>> chains;
    for (const Node& n : g.nodes()) {
        if (!isKan(n.id)) continue;
        const Edge* in = inputEdge(g, n.id);
        if (in && isKan(in->from.node)) continue;  // not the head of a chain
        std::vector<NodeId> chain{n.id};
        for (;;) {
            const auto next = successors(g, chain.back());
            if (next.size() != 1 || !isKan(next.front())) break;
            chain.push_back(next.front());
        }
        chains.push_back(std::move(chain));
    }
    return chains;
}

KanChainFormula discoverChain(const Engine& engine, const std::vector<NodeId>& chain, const kan::DiscoverConfig& cfg) {
    if (chain.empty()) throw std::invalid_argument("symbolic recovery: no KAN layers");
    const Graph& g = engine.graph();
    KanChainFormula f;
    f.layers = chain;
    for (NodeId id : chain) {
        const auto* k = dynamic_cast<const KanLayerKernel*>(engine.kernel(id));
        if (!k) throw std::invalid_argument("symbolic recovery: the model is not built");
        f.net.layers.push_back(k->layer());
    }
    const Edge* in = inputEdge(g, chain.front());
    const auto* data = in ? dynamic_cast<const FormulaDataKernel*>(engine.kernel(in->from.node)) : nullptr;
    if (!data || data->trainX().cols() < 2)
        throw std::invalid_argument("symbolic recovery needs a KAN fed by a formula data set (FormulaData)");
    const auto next = successors(g, chain.back());
    const Node* named = g.node(next.size() == 1 ? next.front() : chain.back());
    f.name = named ? named->name : std::string();
    f.result = kan::discoverFormula(f.net, data->trainX(), data->trainY(), data->testX(), data->testY(), cfg);
    return f;
}

bool fedByFormula(const Engine& engine, const std::vector<NodeId>& chain) {
    const Edge* in = chain.empty() ? nullptr : inputEdge(engine.graph(), chain.front());
    return in && dynamic_cast<const FormulaDataKernel*>(engine.kernel(in->from.node)) != nullptr;
}

std::vector<KanChainFormula> discoverFormulas(const Engine& engine, const kan::DiscoverConfig& cfg) {
    std::vector<KanChainFormula> out;
    for (const auto& chain : kanChains(engine))
        if (fedByFormula(engine, chain)) out.push_back(discoverChain(engine, chain, cfg));
    return out;
}

}  // namespace ganglion
