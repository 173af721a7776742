// The live pictures inside canvas nodes, drawn from an engine snapshot as each node type declares
// (NodeSpec::thumbnail): a data set's points, an image batch, an activity trace, a spike raster,
// or — the default and the fallback when the declared data is absent — the node's activations
// (each neuron's field over a 2D data set's plane, else a heat map of the batch).
#pragma once

#include "core/engine/snapshot.h"
#include "core/model/node_spec.h"

#include <QImage>

namespace ganglion {
class GraphCanvas;
}

namespace ganglion::canvas {

/// Small scatter plot of 2D labelled points (3 x n: x, y in [-1, 1], label > 0.5 = class 1).
QImage pointsImage(const Matrix& pts);

/// The thumbnail `kind` of a node with observables `obs`; `grid` is the side of a 2D data set's
/// plane in the same snapshot (0 when none). Null when there is nothing to draw (yet).
QImage nodeThumbnail(Thumbnail kind, const Observables& obs, int grid);

/// Sets the thumbnail of every node in `snap` on `canvas`. `newBuild`: the first snapshot of an
/// engine build — static pictures (a data set's points) are drawn only then.
void showThumbnails(GraphCanvas& canvas, const Snapshot& snap, bool newBuild);
/// The cost badge of a node: "12.5k params · 25k MACs" (per sample, forward); params only when
/// the kernel does not count its MACs; "" when nothing is known or there is nothing to count.
QString costBadge(const NodeCost& c);
/// Every node's cost badge from a snapshot, while the canvas shows costs.
void showCosts(GraphCanvas& canvas, const Snapshot& snap);

}  // namespace ganglion::canvas
