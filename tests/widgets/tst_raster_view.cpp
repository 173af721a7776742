// End to end: the bundled CUBA example runs in a Session and the "Spikes" view shows its raster,
// rates and membrane traces; clicking the raster adds a membrane probe through the runner.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/raster/raster_widget.h"
#include "widgets/raster/trace_widget.h"

#include <QSignalSpy>
#include <QtTest>

using namespace ganglion;

class TestRasterView : public QObject {
    Q_OBJECT
private slots:
    void cubaLiveInSpikesView() {
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/snn_cuba.json", &err), qPrintable(err));
        const ViewInfo* info = nullptr;
        for (const auto& v : allViews())
            if (v.title == "Spikes") info = &v;
        QVERIFY(info);
        QWidget* view = info->create(&session, nullptr);
        view->resize(1000, 800);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view));
        auto* raster = view->findChild<RasterWidget*>();
        auto* traces = view->findChild<MembraneTraceWidget*>();
        QVERIFY(raster && traces);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(raster->raster() && raster->raster()->endStep > 2000, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(raster->lastDrawnSpikes() > 100, 5000);
        QCOMPARE(raster->raster()->neurons, 4000);
        QVERIFY(traces->traces() && traces->traces()->neurons.size() == 3);
        // Click a neuron: it becomes the first probe.
        raster->setPaused(true);
        raster->setNeuronRange(0, 40);
        const QRect plot = raster->plotRect();
        QTest::mouseClick(raster, Qt::LeftButton, {}, QPoint(plot.center().x(), plot.bottom() - plot.height() / 8));
        raster->setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(traces->traces() && !traces->traces()->neurons.empty() &&
                                     traces->traces()->neurons[0] >= 3 && traces->traces()->neurons[0] <= 6,
                                 10000);
        session.pause();
        view->grab().save(QDir::temp().filePath("ganglion_spikes_view.png"));
        delete view;
    }
};

QTEST_MAIN(TestRasterView)
#include "tst_raster_view.moc"
