// NIR export/import from the Spikes view's glue: a trained surrogate-gradient classifier is
// exported from the running engine, re-imported as a new document, and gives the same outputs.
#include "document/session.h"
#include "core/engine/engine.h"
#include "core/snn/nir.h"
#include "core/snn/sg_layer.h"

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
        session.runner().stepOnce(50);
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
        QVERIFY(session.graph().nodeByName("Hidden LIF"));
        QCOMPARE(session.graph().nodeByName("Hidden LIF")->type, std::string("LIFLayer"));
        std::map<std::string, KernelState> imported;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            session.runner().post([&](Engine& e) { imported = e.saveState(); });
            session.runner().sync();
            return imported.count("Hidden LIF") &&
                   (imported["Hidden LIF"]["weight"] - trained["Hidden LIF"]["weight"]).cwiseAbs().maxCoeff() < 1e-5f;
        }()), 10000);
        QFile::remove(path);

        QVERIFY(!importNirFile(&session, QDir::temp().filePath("no_such_file.nir"), &err));
        QVERIFY2(err.contains("no_such_file.nir: file not found"), qPrintable(err));
    }
};

QTEST_MAIN(TestRasterNir)
#include "tst_raster_nir.moc"
