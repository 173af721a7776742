// NIR export/import from the Spikes view's glue: a trained surrogate-gradient classifier is
// exported from the running engine and re-imported as a new document. The imported chain cannot
// run until a data set feeds its encoder; the trained weights wait for that and are in the engine
// once the user connects one (they were lost before: the import loaded them into an engine that
// had failed to build, and the test passed only by reading the old document's engine in time).
#include "document/graph_commands.h"
#include "document/session.h"
#include "core/engine/engine.h"
#include "core/snn/nir.h"
#include "core/snn/sg_layer.h"
#include "tests/core/nir_sample.h"

#include <QtTest>

#include <functional>

namespace ganglion {
void exportNirFile(Session* session, const QString& path, std::function<void(QString, bool)> done);
bool importNirFile(Session* session, const QString& path, QString* error);
}  // namespace ganglion

using namespace ganglion;

class TestRasterNir : public QObject {
    Q_OBJECT
private slots:
    void exportThenImport() {
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/snn_classifier.json", &err), qPrintable(err));
        QCoreApplication::processEvents();  // the session rebuilds the engine from a queued call
        // stepOnce queues the steps; sync() only waits for the queue, so wait for the steps too
        // (exporting and reading the weights while training ran on compared two moments)
        session.runner().stepOnce(50);
        QTRY_COMPARE_WITH_TIMEOUT(session.runner().steps(), std::uint64_t(50), 30000);
        session.runner().sync();
        const QString path = QDir::temp().filePath(QString("ganglion_tst_raster_nir_%1.nir").arg(QCoreApplication::applicationPid()));
        QString msg;
        bool ok = false, called = false;
        exportNirFile(&session, path, [&](QString m, bool o) { msg = m, ok = o, called = true; });
        QTRY_VERIFY_WITH_TIMEOUT(called, 10000);
        QVERIFY2(ok, qPrintable(msg));
        const nir::Graph g = nir::read(path.toStdString());
        QCOMPARE(g.nodes.at("Hidden LIF").type, std::string("LIF"));
        QCOMPARE(g.nodes.at("Readout").type, std::string("LI"));
        // Trained weights of the running engine, for comparison after import.
        std::map<std::string, KernelState> trained;
        session.runner().post([&](Engine& e) { trained = e.saveState(); });
        session.runner().sync();

        QVERIFY2(importNirFile(&session, path, &err), qPrintable(err));
        const Node* encoder = session.graph().nodeByName("Spike encoder");
        QVERIFY(encoder);
        QVERIFY(session.graph().nodeByName("Hidden LIF"));
        QCOMPARE(session.graph().nodeByName("Hidden LIF")->type, std::string("LIFLayer"));
        QTRY_VERIFY_WITH_TIMEOUT(session.engineError().contains("not connected"), 10000);  // nothing feeds it yet
        // the user connects a data set, as the imported document's description says
        auto* add = new AddNodeCommand(session.graph(), "PlaygroundData", QPointF(-300, 0));
        session.undoStack()->push(add);
        session.undoStack()->push(new ConnectCommand(session.graph(), {add->nodeId(), "x"}, {encoder->id, "in"}));
        std::map<std::string, KernelState> imported;
        float diff = -1;
        QTRY_VERIFY2_WITH_TIMEOUT(([&] {
            session.runner().post([&](Engine& e) { imported = e.saveState(); });
            session.runner().sync();
            diff = session.engineError().isEmpty() && imported.count("Hidden LIF") && imported["Hidden LIF"].count("weight")
                       ? (imported["Hidden LIF"]["weight"] - trained["Hidden LIF"]["weight"]).cwiseAbs().maxCoeff()
                       : -1.f;
            return diff >= 0 && diff < 1e-5f;
        }()), qPrintable(QString("imported weights differ from the trained ones by %1 (-1: not built yet; engine: %2)")
                             .arg(diff).arg(session.engineError())), 10000);
        QFile::remove(path);

        QVERIFY(!importNirFile(&session, QDir::temp().filePath("no_such_file.nir"), &err));
        QVERIFY2(err.contains("no_such_file.nir: file not found"), qPrintable(err));
    }

    void nonChainOpensAsNirModelNode() {
        // Convolutions, pooling, a delay and a subgraph: no LIF chain, so the file runs in a
        // NIRModel node, and the engine builds and steps it.
        const QString path = QDir::temp().filePath(QString("ganglion_tst_raster_nir_tensor_%1.nir").arg(QCoreApplication::applicationPid()));
        nir::write(nir::testing::sampleTensorGraph(), path.toStdString());
        Session session;
        QString err;
        QVERIFY2(importNirFile(&session, path, &err), qPrintable(err));
        QCOMPARE(session.graph().nodes().size(), std::size_t(1));
        const Node& n = session.graph().nodes().front();
        QCOMPARE(n.type, std::string("NIRModel"));
        QCOMPARE(n.params.getString("file"), path.toStdString());
        QVERIFY(session.graph().settings().description.find("'avg' of type 'AvgPool2d'") != std::string::npos);  // why: no chain
        QCoreApplication::processEvents();
        session.runner().stepOnce(20);
        QTRY_COMPARE_WITH_TIMEOUT(session.runner().steps(), std::uint64_t(20), 30000);
        QVERIFY2(session.engineError().isEmpty(), qPrintable(session.engineError()));
        QFile::remove(path);
    }
};

QTEST_MAIN(TestRasterNir)
#include "tst_raster_nir.moc"
