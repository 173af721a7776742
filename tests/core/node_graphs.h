// Graphs that exercise a node type with typical inputs, for tests that are data-driven over the
// registry: the smallest bundled example holding the type, and a small graph feeding each required
// input from the first registered type that produces that port type on its own.
#pragma once

#include "core/graph/graph.h"
#include "core/graph/json_io.h"
#include "core/model/node_spec.h"

#include <QDir>
#include <QString>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ganglion::testing {

/// Every bundled example (file name, graph), in file-name order.
inline const std::vector<std::pair<std::string, Graph>>& exampleGraphs() {
    static const std::vector<std::pair<std::string, Graph>> all = [] {
        std::vector<std::pair<std::string, Graph>> out;
        const QDir dir(QStringLiteral(GANGLION_SOURCE_DIR "/resources/examples"));
        for (const QString& f : dir.entryList({"*.json"}, QDir::Files, QDir::Name))
            out.emplace_back(f.toStdString(), loadGraphFile(dir.filePath(f).toStdString()));
        return out;
    }();
    return all;
}

/// True when `spec` needs nothing connected.
inline bool standsAlone(const NodeSpec& spec) {
    for (const auto& in : spec.inputs)
        if (!in.optional) return false;
    return true;
}

/// A graph with one node of `type` whose required inputs are fed by the first registered types
/// that produce the port's type with nothing connected; nullopt when some input finds no feeder.
inline std::optional<Graph> standaloneGraph(const std::string& type) {
    const auto& reg = NodeRegistry::instance();
    const NodeSpec* spec = reg.find(type);
    if (!spec) return std::nullopt;
    Graph g;
    const NodeId id = g.addNode(type, 300, 0);
    double y = 0;
    for (const auto& in : spec->inputs) {
        if (in.optional) continue;
        bool fed = false;
        for (const NodeSpec& src : reg.all()) {
            if (src.type == type || !standsAlone(src)) continue;
            for (const auto& out : src.outputs) {
                if (out.type != in.type) continue;
                const NodeId s = g.addNode(src.type, 0, y += 100);
                fed = !g.canConnect({s, out.name}, {id, in.name});
                if (fed) g.connect({s, out.name}, {id, in.name});
                else g.removeNode(s);
                break;
            }
            if (fed) break;
        }
        if (!fed) return std::nullopt;
    }
    return g;
}

/// Graphs exercising `type`: the smallest bundled example holding it, then the standalone graph.
inline std::vector<std::pair<std::string, Graph>> graphsFor(const std::string& type) {
    std::vector<std::pair<std::string, Graph>> out;
    const std::pair<std::string, Graph>* smallest = nullptr;  // the quickest to build and run
    for (const auto& example : exampleGraphs()) {
        const auto& ns = example.second.nodes();
        if (std::any_of(ns.begin(), ns.end(), [&](const Node& n) { return n.type == type; }) &&
            (!smallest || ns.size() < smallest->second.nodes().size()))
            smallest = &example;
    }
    if (smallest) out.push_back(*smallest);
    if (auto g = standaloneGraph(type)) out.emplace_back("a lone " + type, std::move(*g));
    return out;
}

}  // namespace ganglion::testing
