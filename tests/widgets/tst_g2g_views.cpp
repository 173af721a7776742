// End to end: the bundled "Rewiring" example runs in a Session; the G2G connectivity view shows
// the layer's mask and flashes after rewirings, the sparsity dashboard plots and histograms,
// and the image-batch view previews Fashion-MNIST images with labels and predictions.
#include "document/session.h"
#include "core/g2g/fashion_mnist.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/sparsity/activation_histogram.h"
#include "widgets/sparsity/connectivity_heatmap.h"
#include "widgets/sparsity/image_batch_preview.h"

#include <QDir>
#include <QtTest>

using namespace ganglion;

namespace {
QWidget* makeView(Session& s, const QString& title) {
    for (const auto& v : allViews())
        if (v.title == title) return v.create(&s, nullptr);
    return nullptr;
}
}  // namespace

class TstG2GViews : public QObject {
    Q_OBJECT
private slots:
    void rewiringExampleLive() {
        try {
            g2g::FashionMnist::load();
        } catch (const std::exception& e) {
            QFAIL(e.what());  // a project dependency (./ganglion.sh installs dataset-fashion-mnist)
        }
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/g2g_rewiring.json", &err), qPrintable(err));
        std::unique_ptr<QWidget> conn(makeView(session, "G2G connectivity"));
        std::unique_ptr<QWidget> dash(makeView(session, "Sparsity dashboard"));
        std::unique_ptr<QWidget> batch(makeView(session, "Image batch"));
        QVERIFY(conn && dash && batch);
        conn->resize(820, 640);
        dash->resize(900, 600);
        batch->resize(600, 400);
        conn->show();
        dash->show();
        batch->show();
        QVERIFY(QTest::qWaitForWindowExposed(conn.get()));
        auto* heat = conn->findChild<ConnectivityHeatmap*>();
        auto* hist = dash->findChild<ActivationHistogram*>();
        auto* preview = batch->findChild<ImageBatchPreview*>();
        QVERIFY(heat && hist && preview);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(heat->connectivity() && heat->connectivity()->rewireCount >= 1, 60000);
        session.pause();
        const auto* c = heat->connectivity();
        QCOMPARE(c->rows, 512);
        QCOMPARE(c->cols, 784);
        QVERIFY(std::abs(double(c->liveRow.size()) / (512.0 * 784.0) - 0.25) < 0.01);
        QCOMPARE(int(c->grown.size()), int(c->pruned.size()));
        QVERIFY(!c->grown.empty());
        QTRY_VERIFY_WITH_TIMEOUT(hist->total() > 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(preview->imageCount() == 16, 5000);
        int charts = 0;
        for (auto* ch : dash->findChildren<MetricChart*>()) charts += ch->seriesCount() > 0;
        QVERIFY2(charts >= 2, "weight / activation sparsity curves missing");
        const QString dir = QString(GANGLION_BINARY_DIR) + "/test-shots";
        QDir().mkpath(dir);
        conn->grab().save(dir + "/g2g_connectivity_view.png");
        dash->grab().save(dir + "/g2g_sparsity_view.png");
        batch->grab().save(dir + "/g2g_batch_view.png");
    }
};

QTEST_MAIN(TstG2GViews)
#include "tst_g2g_views.moc"
