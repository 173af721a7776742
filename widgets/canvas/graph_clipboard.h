// Clipboard and drag-and-drop formats of the node canvas.
#pragma once

#include "core/graph/graph.h"

#include <QList>
#include <QString>

namespace ganglion {

/// Drag payload of a palette entry: the NodeSpec::type as UTF-8.
inline constexpr const char* kNodeTypeMime = "application/x-ganglion-node-type";
/// Clipboard payload of copied nodes: graph JSON (core/graph/json_io.h format).
inline constexpr const char* kGraphMime = "application/x-ganglion-graph";

/// The given nodes plus the edges running between them, as graph JSON. Ids and names are kept
/// (paste assigns fresh ones); nodes not in the graph are skipped, a node listed twice is copied once.
QString selectionToJson(const Graph& g, const QList<NodeId>& nodes);

}  // namespace ganglion
