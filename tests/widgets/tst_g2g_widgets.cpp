// Connectivity heatmap (block structure, zoom to single synapses, prune/regrow flash),
// activation histogram and image-batch preview.
#include "core/g2g/g2g_layer.h"
#include "widgets/sparsity/activation_histogram.h"
#include "widgets/sparsity/connectivity_heatmap.h"
#include "widgets/sparsity/image_batch_preview.h"

#include <QDir>
#include <QtTest>

using namespace ganglion;
using namespace ganglion::g2g;

namespace {
int darkness(QRgb c) { return 765 - qRed(c) - qGreen(c) - qBlue(c); }

G2GLayer makeLayer(int in, int out, EnsembleScheme scheme) {
    G2GLayer l;
    Rng rng(3);
    G2GConfig c;
    c.scheme = scheme;
    l.build(in, out, c, rng);
    return l;
}

void saveShot(QWidget& w, const QString& name) {
    const QString dir = QString(GANGLION_BINARY_DIR) + "/test-shots";
    QDir().mkpath(dir);
    w.grab().save(dir + "/" + name + ".png");
}
}  // namespace

class TstG2GWidgets : public QObject {
    Q_OBJECT
private slots:
    void blockStructureVisible_data() {
        QTest::addColumn<int>("scheme");
        QTest::newRow("contiguous") << int(EnsembleScheme::Contiguous);
        QTest::newRow("random") << int(EnsembleScheme::Random);
        QTest::newRow("interleaved") << int(EnsembleScheme::Interleaved);
    }
    void blockStructureVisible() {
        QFETCH(int, scheme);
        G2GLayer l = makeLayer(784, 512, EnsembleScheme(scheme));
        ConnectivityHeatmap w;
        w.resize(800, 540);
        w.setConnectivity(l.connectivity(0));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage img = w.grab().toImage();
        saveShot(w, QString("g2g_heatmap_%1").arg(QTest::currentDataTag()));
        // Sample the centre of each diagonal block vs an off-diagonal block: in ensemble order
        // the diagonal (p_in = 1) must be much darker than off-diagonal (p_out = 0.15).
        const double fit = std::min((800 - 12) / 784.0, (540 - 12) / 512.0);
        int diag = 0, off = 0;
        for (int e = 0; e < 8; ++e) {
            const int x = 6 + int((e + 0.5) * 98 * fit), y = 6 + int((e + 0.5) * 64 * fit);
            const int xo = 6 + int((((e + 3) % 8) + 0.5) * 98 * fit);
            diag += darkness(img.pixel(x, y));
            off += darkness(img.pixel(xo, y));
        }
        QVERIFY2(diag > 2 * off, qPrintable(QString("diagonal %1 vs off-diagonal %2").arg(diag).arg(off)));
    }

    void zoomToSingleSynapses() {
        G2GLayer l = makeLayer(784, 512, EnsembleScheme::Contiguous);
        ConnectivityHeatmap w;
        w.resize(600 + ConnectivityHeatmap::kColourBarWidth, 400);  // a 588 x 388 plot centred on (300, 200)
        w.setConnectivity(l.connectivity(0));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.zoomTo(20, 100.5, 300.5);
        QCOMPARE(w.pixelsPerSynapse(), 20.0);
        // The centre pixel shows display cell (100, 300): out neuron 100, in neuron 300 (contiguous
        // order is the identity). The tooltip text names that synapse.
        const QString d = w.describeAt(QPoint(300, 200));
        QVERIFY2(d.startsWith("out 100 (ensemble 1) ← in 300 (ensemble 3)"), qPrintable(d));
        // Find a live synapse in view and check its pixel is coloured by weight (not background).
        const auto conn = l.connectivity(0);  // the layer hands out a new object: keep it alive
        const auto& c = *conn;
        bool checked = false;
        for (std::size_t k = 0; k < c.liveRow.size() && !checked; ++k)
            if (c.liveRow[k] == 100 && c.liveCol[k] >= 295 && c.liveCol[k] <= 305) {
                const int x = 300 + int((c.liveCol[k] + 0.5 - 300.5) * 20);
                const QImage img = w.grab().toImage();
                const QRgb px = img.pixel(x, 200);
                QVERIFY(darkness(px) > 30);
                QVERIFY(w.describeAt(QPoint(x, 200)).contains("w = "));
                checked = true;
            }
        QVERIFY(checked);
        saveShot(w, "g2g_heatmap_synapses");
        // Wheel zoom out returns towards the fit scale.
        QWheelEvent wheel(QPointF(300, 200), w.mapToGlobal(QPointF(300, 200)), QPoint(), QPoint(0, -1200), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&w, &wheel);
        QVERIFY(w.pixelsPerSynapse() < 20.0);
    }

    void pruneAndRegrowFlash() {
        G2GLayer l = makeLayer(64, 48, EnsembleScheme::Contiguous);
        l.rewiring.every = 1;
        l.rewiring.fraction = 0.2;
        l.rewiring.until = 0;
        l.rewiring.prune = PruneRule::Magnitude;
        l.rewiring.grow = GrowRule::Random;
        ConnectivityHeatmap w;
        w.resize(64 * 8 + 12 + ConnectivityHeatmap::kColourBarWidth, 48 * 8 + 12);  // 8 px per synapse at fit
        w.setConnectivity(l.connectivity(0));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.flashing());
        Rng rng(9);
        QVERIFY(l.maybeRewire(1, rng));
        w.setConnectivity(l.connectivity(1));
        QVERIFY(w.flashing());
        const QImage img = w.grab().toImage();
        saveShot(w, "g2g_heatmap_flash");
        auto centre = [&](std::pair<int, int> rc) { return QPoint(6 + rc.second * 8 + 4, 6 + rc.first * 8 + 4); };
        const QColor pr = ConnectivityHeatmap::prunedColor(), gr = ConnectivityHeatmap::grownColor();
        auto near = [](QRgb a, QColor b) {
            return std::abs(qRed(a) - b.red()) + std::abs(qGreen(a) - b.green()) + std::abs(qBlue(a) - b.blue()) < 90;
        };
        QVERIFY(near(img.pixel(centre(l.lastEvent.pruned.front())), pr));
        QVERIFY(near(img.pixel(centre(l.lastEvent.grown.front())), gr));
        QTRY_VERIFY_WITH_TIMEOUT(!w.flashing(), ConnectivityHeatmap::kFlashMs + 2000);
        const QImage after = w.grab().toImage();
        QVERIFY(!near(after.pixel(centre(l.lastEvent.pruned.front())), pr));
    }

    void histogramCounts() {
        ActivationHistogram h;
        std::vector<float> v = {0, 0, 0, 1, 2, 3, 4};
        h.setValues(v.data(), v.size(), 3);
        QCOMPARE(h.zeroCount(), 3);
        QCOMPARE(h.counts(), (std::vector<int>{1, 1, 2}));
        QCOMPARE(h.lo(), 1.0);
        QCOMPARE(h.hi(), 4.0);
        h.resize(300, 160);
        h.show();
        QVERIFY(QTest::qWaitForWindowExposed(&h));
        saveShot(h, "g2g_histogram");
    }

    void imagePreview() {
        ImageBatchPreview p;
        Matrix imgs(784, 3);
        for (int i = 0; i < 3; ++i)
            for (int k = 0; k < 784; ++k) imgs(k, i) = float((k % 28) * (i + 1));
        p.setBatch(imgs.data(), 3, 28, 28, {1, 2, 3}, {1, 0, 3}, {"a", "b", "c", "d"});
        QCOMPARE(p.imageCount(), 3);
        QCOMPARE(p.correctCount(), 2);
        p.resize(400, 200);
        p.show();
        QVERIFY(QTest::qWaitForWindowExposed(&p));
        saveShot(p, "g2g_preview");
    }
};

QTEST_MAIN(TstG2GWidgets)
#include "tst_g2g_widgets.moc"
