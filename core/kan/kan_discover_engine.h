// Symbolic recovery on a running engine: every chain of KanLayer nodes fed by a FormulaData
// node goes through the workflow of kan_discover.h on a copy of its layers (the engine's model
// is not changed). Used by the headless report and the KAN view.
#pragma once

#include "core/kan/kan_discover.h"

#include <string>
#include <vector>

namespace ganglion {

class Engine;
using NodeId = std::uint64_t;

struct KanChainFormula {
    std::string name;              ///< the node the chain feeds (e.g. the loss "MSE"), else its last layer
    std::vector<NodeId> layers;    ///< KanLayer node ids in feed order
    kan::Net net;                  ///< the pruned, snapped copy
    kan::DiscoverResult result;
};

/// KanLayer node ids of every chain in feed order (a chain starts at a KanLayer whose input is
/// not a KanLayer and follows single KanLayer successors).
std::vector<std::vector<NodeId>> kanChains(const Engine& engine);

/// True when a FormulaData node feeds the chain's first layer (the workflow has data to fit).
bool fedByFormula(const Engine& engine, const std::vector<NodeId>& chain);

/// Runs the workflow on one chain. Throws std::invalid_argument naming what is missing (the chain
/// is not fed by a FormulaData node, the engine is not built).
KanChainFormula discoverChain(const Engine& engine, const std::vector<NodeId>& chain,
                              const kan::DiscoverConfig& cfg = {});

/// discoverChain for every chain that a FormulaData node feeds.
std::vector<KanChainFormula> discoverFormulas(const Engine& engine, const kan::DiscoverConfig& cfg = {});

}  // namespace ganglion
