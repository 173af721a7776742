// File ▸ Import trained weights… (app/torch_actions.h): a state dict trained in PyTorch loads into
// the open document as one undoable command — the views then show the imported weights, Undo
// brings back the previous ones — and a state dict that does not match is refused with the tensor
// named, pushing nothing.
#include "app/torch_actions.h"
#include "core/export/torch_export.h"
#include "core/graph/json_io.h"
#include "document/session.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ganglion;

namespace {
const QString kSpiral = GANGLION_SOURCE_DIR "/resources/examples/spiral_classifier.json";

/// The weights of "Hidden 1" as the views see them (the snapshot's published array).
Matrix shownWeights(Session& s) {
    const SnapshotPtr snap = s.snapshot();
    const Node* n = s.graph().nodeByName("Hidden 1");
    if (!snap || !n) return {};
    const NodeSnapshot* ns = snap->find(n->id);
    if (!ns) return {};
    auto it = ns->obs.arrays.find("weights");
    return it == ns->obs.arrays.end() ? Matrix() : it->second;
}
}  // namespace

class TestTorchImport : public QObject {
    Q_OBJECT
private slots:
    void importIsOneUndoableCommand() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        Session session;
        QString error;
        QVERIFY2(session.open(kSpiral, &error, true), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(shownWeights(session).size() > 0, 20000);
        const Matrix original = shownWeights(session);

        // "Trained elsewhere": the exported state dict with every tensor halved.
        Engine e;
        e.build(loadGraphFile(kSpiral.toStdString()));
        QVERIFY(e.ok());
        const TorchExport x = exportTorch(e);
        io::NpzArrays trained = x.weights;
        for (auto& [k, a] : trained)
            for (double& v : a.data) v *= 0.5;
        const QString good = tmp.filePath("trained.npz"), bad = tmp.filePath("bad.npz");
        io::writeNpz(good.toStdString(), trained);
        trained.erase(trained.begin());  // Hidden_1.weight
        io::writeNpz(bad.toStdString(), trained);

        QString result = "pending";
        importWeightsFile(&session, bad, this, [&](const QString& err) { result = err; });
        QTRY_VERIFY(result != "pending");
        QVERIFY2(result.contains("missing tensor 'Hidden_1.weight'"), qPrintable(result));
        QCOMPARE(session.undoStack()->count(), 0);

        result = "pending";
        importWeightsFile(&session, good, this, [&](const QString& err) { result = err; });
        QTRY_VERIFY(result != "pending");
        QVERIFY2(result.isEmpty(), qPrintable(result));
        QCOMPARE(session.undoStack()->count(), 1);
        QVERIFY(session.undoStack()->undoText().contains("Import trained weights"));
        const Matrix half = original * 0.5f;
        QTRY_VERIFY_WITH_TIMEOUT(shownWeights(session) == half, 20000);
        session.undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(shownWeights(session) == original, 20000);
        session.undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(shownWeights(session) == half, 20000);
    }
};

QTEST_MAIN(TestTorchImport)
#include "tst_torch_import.moc"
