#include "app/torch_actions.h"

#include "core/export/brian2_export.h"
#include "core/export/torch_export.h"
#include "document/model_commands.h"
#include "document/session.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPointer>

namespace ganglion {

namespace {
/// Runs `work` on the engine thread; `done(error, message)` then runs on the GUI thread while `context` lives.
template <class Work, class Done>
void onEngine(Session* session, QObject* context, Work work, Done done) {
    QPointer<QObject> guard(context);
    session->runner().post([work, done, guard](Engine& e) mutable {
        QString error, message;
        try {
            message = work(e);
        } catch (const std::exception& ex) {
            error = QString::fromStdString(ex.what());
        }
        QMetaObject::invokeMethod(qApp, [guard, done, error, message]() mutable {
            if (guard) done(error, message);
        }, Qt::QueuedConnection);
    });
}

QString startFolder(Session* session) {
    const QString file = session->filePath().isEmpty() ? session->origin() : session->filePath();
    return file.isEmpty() || file.startsWith(":") ? QDir::homePath() : QFileInfo(file).absolutePath();
}
}  // namespace

void exportToTorch(QWidget* parent, Session* session) {
    const QString dir = QFileDialog::getExistingDirectory(parent, QObject::tr("Export to PyTorch: choose a folder"), startFolder(session));
    if (dir.isEmpty()) return;
    const std::string out = dir.toStdString();
    onEngine(session, parent,
             [out](Engine& e) {
                 const TorchExport x = exportTorch(e);
                 writeTorchExport(x, out);
                 QString m = QObject::tr("Wrote model.py, weights.npz (%1 tensors) and train.py to %2.")
                                 .arg(x.weights.size()).arg(QString::fromStdString(out));
                 if (!x.notes.empty()) m += QObject::tr("\n\nNot reproduced by training in PyTorch:");
                 for (const auto& n : x.notes) m += "\n• " + QString::fromStdString(n);
                 return m;
             },
             [parent](const QString& error, const QString& message) {
                 if (!error.isEmpty()) QMessageBox::warning(parent, QObject::tr("Export to PyTorch"), QObject::tr("Cannot export: %1").arg(error));
                 else QMessageBox::information(parent, QObject::tr("Export to PyTorch"), message);
             });
}

void exportToBrian2(QWidget* parent, Session* session) {
    const QString dir = QFileDialog::getExistingDirectory(parent, QObject::tr("Export to Brian2: choose a folder"), startFolder(session));
    if (dir.isEmpty()) return;
    const std::string out = dir.toStdString();
    onEngine(session, parent,
             [out](Engine& e) {
                 const Brian2Export x = exportBrian2(e, Brian2Options{});
                 writeBrian2Export(x, out);
                 return QObject::tr("Wrote network.py and synapses.npz to %1.\nRun it with: python3 network.py --duration 1 "
                                    "(--target cpp_standalone for Brian2's C++ back end).")
                     .arg(QString::fromStdString(out));
             },
             [parent](const QString& error, const QString& message) {
                 if (!error.isEmpty()) QMessageBox::warning(parent, QObject::tr("Export to Brian2"), QObject::tr("Cannot export: %1").arg(error));
                 else QMessageBox::information(parent, QObject::tr("Export to Brian2"), message);
             });
}

void importTrainedWeights(QWidget* parent, Session* session) {
    const QString file = QFileDialog::getOpenFileName(parent, QObject::tr("Import trained weights"), startFolder(session),
                                                      QObject::tr("PyTorch state dicts (*.npz)"));
    if (file.isEmpty()) return;
    importWeightsFile(session, file, parent, [parent, file](const QString& error) {
        if (!error.isEmpty())
            QMessageBox::warning(parent, QObject::tr("Import trained weights"),
                                 QObject::tr("Cannot import %1: %2").arg(QFileInfo(file).fileName(), error));
    });
}

void importWeightsFile(Session* session, const QString& file, QObject* context, std::function<void(const QString&)> done) {
    std::map<std::string, io::NpyArray> tensors;
    try {
        tensors = io::readNpz(file.toStdString());
    } catch (const std::exception& ex) {
        done(QString::fromStdString(ex.what()));
        return;
    }
    auto before = std::make_shared<ReshapeModelCommand::State>(), after = std::make_shared<ReshapeModelCommand::State>();
    const QString name = QFileInfo(file).fileName();
    onEngine(session, context,
             [tensors = std::move(tensors), before, after](Engine& e) {
                 const auto imported = stateFromTorch(e, tensors);  // throws naming every mismatch; nothing changes
                 *before = e.saveState();
                 *after = *before;
                 for (const auto& [node, st] : imported) (*after)[node] = st;
                 return QString::number(imported.size());
             },
             [session, before, after, name, done](const QString& error, const QString& count) {
                 if (error.isEmpty()) {
                     session->undoStack()->push(new ReshapeModelCommand(session, QObject::tr("Import trained weights (%1)").arg(name),
                                                                        std::move(*before), std::move(*after)));
                     emit session->engineMessage(QObject::tr("Imported the weights of %1 layers from %2").arg(count, name));
                 }
                 done(error);
             });
}

}  // namespace ganglion
