#include "widgets/canvas/graph_clipboard.h"

#include "core/graph/json_io.h"

namespace ganglion {

QString selectionToJson(const Graph& g, const QList<NodeId>& nodes) {
    Graph sub;
    for (NodeId id : nodes)
        if (const Node* n = g.node(id); n && !sub.node(id)) sub.insertNode(*n);  // a repeated id is copied once
    for (const Edge& e : g.edges())
        if (sub.node(e.from.node) && sub.node(e.to.node)) sub.insertEdge(e);
    return QString::fromStdString(graphToJson(sub));
}

}  // namespace ganglion
