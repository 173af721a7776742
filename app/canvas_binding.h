// Turns the canvas's edit requests into undo commands on a document's graph — the one place
// where the main window (and the canvas tests) wire GraphCanvas to the QUndoStack.
#pragma once

#include <cstdint>
#include <functional>

class QObject;
class QString;
class QUndoCommand;
class QUndoStack;

namespace ganglion {

class Graph;
class GraphCanvas;
struct Endpoint;
using EdgeId = std::uint64_t;

/// The one undo step that wires from→to. A wire already into `to` is replaced in the same step;
/// `moving` is an existing edge being re-routed (0 for a new wire). Returns nullptr, with the
/// reason in *why, when the connection is not allowed or already exists.
QUndoCommand* makeConnectCommand(Graph& g, const Endpoint& from, const Endpoint& to, EdgeId moving, QString* why);

/// `status` receives one-line refusals (e.g. why a connection is not allowed); may be empty.
void bindCanvasToUndoStack(GraphCanvas* canvas, Graph& graph, QUndoStack* stack,
                           std::function<void(const QString&)> status = {});

}  // namespace ganglion
