// Edits of a running KAN chain that the KAN view offers (edge pruning, auto-snap, accepting or
// reverting a candidate, node pruning, formula discovery), each computed on the engine thread
// and recorded as one undo step: the learned state before and after (and any width change of
// the layers) go into a ReshapeModelCommand, so Undo brings back the model as it was.
#pragma once

#include "core/graph/graph.h"
#include "core/model/kernel.h"

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ganglion {

class Engine;
class Session;

struct KanEditOutcome {
    QString message;       ///< shown by the view (what happened, the formula…)
    QString undoText;      ///< the undo step's name; empty = nothing changed, no undo step
    std::vector<std::pair<NodeId, int>> widths;  ///< new "width" of layers that were narrowed
    std::map<std::string, KernelState> before, after;
};

/// Runs on the engine thread with the chain's node ids; may change the kernels in place (the
/// outcome's `after` must then be the engine's state after the change).
using KanEdit = std::function<KanEditOutcome(Engine&, const std::vector<NodeId>& chain)>;

/// Posts `edit`; on the GUI thread pushes its undo step (when it changed something) and passes
/// the message to `report`. Nothing happens when the engine is not built.
void postKanEdit(Session* session, std::vector<NodeId> chain, KanEdit edit, QObject* context,
                 std::function<void(const QString&)> report);

/// The edits themselves.
KanEdit pruneEdgesEdit(float threshold);
KanEdit autoSnapEdit(double r2);
KanEdit pruneNodesEdit(float threshold);
KanEdit discoverEdit();

}  // namespace ganglion
