// Gathering what the Brian2 export writes: from a prepared Network, or from a graph's spiking
// kernels (SpikingExportable, core/snn/snn_nodes.h). The script itself: brian2_script.cpp.
#include "core/export/brian2_export.h"

#include "core/export/brian2_model.h"
#include "core/graph/validate.h"
#include "core/model/node_spec.h"
#include "core/snn/snn_nodes.h"

#include <filesystem>
#include <map>
#include <stdexcept>

namespace ganglion {

namespace {

std::string nodeLabel(const Node& n) { return "node '" + n.name + "' (" + n.type + ")"; }

/// Adds the populations and internal projections of `net` (labels prefixed by `prefix`); returns
/// the index of its first population in the model.
int addNetwork(brian2::Model& m, const snn::Network& net, const std::string& prefix, bool singleName) {
    const int first = int(m.pops.size());
    for (int i = 0; i < net.populationCount(); ++i) {
        brian2::Population p;
        p.label = singleName ? prefix : prefix.empty() ? net.population(i).name() : prefix + "/" + net.population(i).name();
        p.pop = &net.population(i);
        p.prepared = net.dt() > 0;
        for (const auto& c : net.stepCurrents())
            if (c.population == i) p.currents.push_back(c);
        m.pops.push_back(std::move(p));
    }
    for (int k = 0; k < net.projectionCount(); ++k) {
        const snn::Projection& pr = net.projection(k);
        brian2::Projection x;
        x.label = prefix.empty() ? pr.name() : prefix + "/" + pr.name();
        x.proj = &pr;
        x.pre = first + pr.prePop();
        x.post = first + pr.postPop();
        x.learning = net.learning();
        m.projs.push_back(std::move(x));
    }
    return first;
}

}  // namespace

Brian2Export exportBrian2(const snn::Network& net, const Brian2Options& options) {
    if (!(net.dt() > 0)) throw std::runtime_error("the network is not prepared (no dt yet); prepare it before exporting");
    brian2::Model m;
    m.dt = net.dt();
    addNetwork(m, net, "", false);
    return brian2::write(m, options);
}

Brian2Export exportBrian2(const Engine& e, Brian2Options options) {
    if (!e.ok()) throw std::runtime_error("the graph is not built: " + e.error());
    const Graph& g = e.graph();
    brian2::Model m;
    m.dt = g.settings().dt;
    options.seed = g.settings().seed;
    if (options.title.empty()) options.title = g.settings().title;
    struct Placed {
        int first = 0, count = 0;
        SpikingParts parts;
    };
    std::map<NodeId, Placed> placed;
    const std::vector<NodeId> order = topologicalOrder(g);
    for (NodeId id : order) {
        const Node& n = *g.node(id);
        const auto* x = dynamic_cast<const SpikingExportable*>(e.kernel(id));
        if (!x)
            throw std::runtime_error(nodeLabel(n) + " has no Brian2 equivalent (the export takes spiking populations, "
                                                    "spike sources and the projections between them); the export refuses the graph");
        Placed p;
        p.parts = x->spikingParts(m.dt);
        if (!p.parts.refusal.empty()) throw std::runtime_error(nodeLabel(n) + ": " + p.parts.refusal + " has no Brian2 export");
        if (!p.parts.network) throw std::runtime_error(nodeLabel(n) + " has not built its network");
        p.count = p.parts.network->populationCount();
        p.first = addNetwork(m, *p.parts.network, n.name, p.count == 1);
        if (p.parts.generatorSpikes || p.parts.generatorPeriod > 0) {
            m.pops[std::size_t(p.first)].generatorSpikes = p.parts.generatorSpikes;
            m.pops[std::size_t(p.first)].generatorPeriod = p.parts.generatorPeriod;
        }
        placed[id] = std::move(p);
    }
    // Projections fed by graph edges, once every population has its place (delayed ports may
    // listen to nodes later in the order).
    for (NodeId id : order) {
        const Node& n = *g.node(id);
        const NodeSpec* spec = g.spec(id);
        const Placed& p = placed.at(id);
        for (const SpikingParts::Input& in : p.parts.inputs) {
            const Edge* edge = g.edgeIntoPort({id, in.port});
            if (!edge) continue;
            const Placed& src = placed.at(edge->from.node);
            const Node& from = *g.node(edge->from.node);
            if (src.count != 1)
                throw std::runtime_error(nodeLabel(n) + ": input '" + in.port + "' comes from " + nodeLabel(from) + ", which holds " +
                                         std::to_string(src.count) + " populations; the export needs one population per source");
            brian2::Projection x;
            x.label = n.name + "/" + in.port;
            x.proj = in.projection;
            x.pre = src.first;
            x.post = p.first + in.post;
            x.delaySteps = in.delaySteps;
            const int port = spec->inputIndex(in.port);
            x.extraDelay = port >= 0 && spec->inputs[std::size_t(port)].delayed ? 1 : 0;
            x.learning = p.parts.network->learning();
            m.projs.push_back(std::move(x));
        }
    }
    if (m.pops.empty()) throw std::runtime_error("the graph has no spiking population to export");
    return brian2::write(m, options);
}

void writeBrian2Export(const Brian2Export& x, const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir + ": " + ec.message());
    const std::filesystem::path d(dir);
    io::writeFileAtomically((d / "network.py").string(), x.networkPy);
    io::writeNpz((d / "synapses.npz").string(), x.arrays);
}

}  // namespace ganglion
