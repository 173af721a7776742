// Turns the canvas's edit requests into undo commands on a document's graph — the one place
// where the main window (and the canvas tests) wire GraphCanvas to the QUndoStack.
#pragma once

#include <functional>

class QObject;
class QString;
class QUndoStack;

namespace ganglion {

class Graph;
class GraphCanvas;

/// `status` receives one-line refusals (e.g. why a connection is not allowed); may be empty.
void bindCanvasToUndoStack(GraphCanvas* canvas, Graph& graph, QUndoStack* stack,
                           std::function<void(const QString&)> status = {});

}  // namespace ganglion
