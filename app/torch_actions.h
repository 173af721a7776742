// File ▸ Export to PyTorch…, File ▸ Import trained weights… (core/export/torch_export.h) and
// File ▸ Export to Brian2… (core/export/brian2_export.h).
#pragma once

#include <functional>

class QObject;
class QString;
class QWidget;

namespace ganglion {

class Session;

/// Asks for a folder and writes the running graph's model.py, weights.npz and train.py there
/// (from the engine thread: the weights as trained so far). Errors name the node at fault.
void exportToTorch(QWidget* parent, Session* session);
/// Asks for a folder and writes the running graph's Brian2 script (network.py, synapses.npz) there,
/// from its state on the engine thread. Errors name the node, population or projection at fault.
void exportToBrian2(QWidget* parent, Session* session);
/// Asks for a state dict (.npz) and loads it with importWeightsFile(), reporting an error in a box.
void importTrainedWeights(QWidget* parent, Session* session);
/// Loads the state dict `file` into the session's graph as one undoable command ("Import trained
/// weights"), all or nothing: on any mismatch nothing changes and no command is pushed. `done`
/// runs on the GUI thread afterwards, while `context` lives, with "" or the error (naming every
/// missing, extra or mis-shaped tensor).
void importWeightsFile(Session* session, const QString& file, QObject* context, std::function<void(const QString&)> done);

}  // namespace ganglion
