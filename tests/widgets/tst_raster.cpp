// Spike raster, rate and membrane-trace widgets: frame rate with 10,000 neurons at ~10 Hz,
// population colours, zoom, pause-and-scrub, click-to-pick, rate computation.
#include "widgets/raster/raster_widget.h"
#include "widgets/raster/trace_widget.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

#include <random>

using namespace ganglion;

namespace {

/// 10,000 neurons in two populations firing Poisson at `rate` Hz for `seconds` (dt 0.1 ms).
std::shared_ptr<const snn::SpikeRaster> poissonRaster(double rate, double seconds, std::uint64_t* spikes = nullptr) {
    snn::SpikeRecorder rec({"exc", "inh"}, {0, 8000, 10000}, 1e-4, std::uint64_t(seconds / 1e-4) + 1000);
    std::mt19937_64 rng(3);
    std::geometric_distribution<int> gap(rate * 1e-4);
    std::vector<std::int32_t> a, b;
    std::uint64_t total = 0;
    for (std::uint64_t s = 0; s < std::uint64_t(seconds / 1e-4); ++s) {
        a.clear();
        b.clear();
        for (long i = gap(rng); i < 10000; i += 1 + gap(rng)) (i < 8000 ? a : b).push_back(std::int32_t(i < 8000 ? i : i - 8000));
        rec.beginStep(s);
        rec.add(0, a);
        rec.add(1, b);
        rec.endStep();
        total += a.size() + b.size();
    }
    if (spikes) *spikes = total;
    return rec.raster();
}

}  // namespace

class TestRaster : public QObject {
    Q_OBJECT
private slots:
    void framesPerSecondWith10kNeurons() {
        RasterWidget w;
        w.resize(1400, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto r = poissonRaster(10.0, 2.0);
        w.setRaster(r);
        w.setWindow(1.0);
        QElapsedTimer t;
        t.start();
        const int frames = 60;
        for (int i = 0; i < frames; ++i) {
            w.setRaster(r);  // as the view does every poll
            w.repaint();
        }
        const double fps = frames / (t.nsecsElapsed() * 1e-9);
        qInfo("raster: %.0f frames/s, %zu spikes per frame", fps, w.lastDrawnSpikes());
        QVERIFY2(fps >= 30.0, qPrintable(QString("%1 fps").arg(fps)));
        QVERIFY(w.lastDrawnSpikes() > 80000 && w.lastDrawnSpikes() < 120000);
        w.grab().save(QDir::temp().filePath("ganglion_raster.png"));
    }

    void populationColoursDrawn() {
        snn::SpikeRecorder rec({"a", "b"}, {0, 10, 20}, 1e-3, 1000);
        for (std::uint64_t s = 0; s < 100; ++s) {
            rec.beginStep(s);
            if (s == 50) rec.add(1, {5});
            if (s == 20) rec.add(0, {3});
            rec.endStep();
        }
        RasterWidget w;
        w.resize(400, 300);
        w.setRaster(rec.raster());
        w.setWindow(0.1);
        const QImage img = w.grab().toImage();
        int red = 0, blue = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QColor c = img.pixelColor(x, y);
                red += c == RasterWidget::populationColor(1);
                blue += c == RasterWidget::populationColor(0);
            }
        QVERIFY2(red > 4 && blue > 4, qPrintable(QString("red %1 blue %2").arg(red).arg(blue)));
        QCOMPARE(w.lastDrawnSpikes(), std::size_t(2));
    }

    void zoomAndNeuronRange() {
        RasterWidget w;
        w.resize(800, 400);
        auto r = poissonRaster(10.0, 1.0);
        w.setRaster(r);
        w.setWindow(1.0);
        w.grab();
        const auto full = w.lastDrawnSpikes();
        w.setWindow(0.1);
        w.grab();
        QVERIFY(w.lastDrawnSpikes() < full / 5);
        w.setWindow(1.0);
        w.setNeuronRange(0, 1000);
        w.grab();
        QVERIFY(w.lastDrawnSpikes() < full / 5);
        QWheelEvent wheel(QPointF(200, 100), w.mapToGlobal(QPointF(200, 100)), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&w, &wheel);
        QVERIFY(w.window() < 1.0);
        w.resetView();
        QCOMPARE(w.lastNeuron(), 10000.0);
    }

    void pauseAndScrub() {
        RasterWidget w;
        w.resize(800, 400);
        QSignalSpy paused(&w, &RasterWidget::pausedChanged);
        auto r1 = poissonRaster(5.0, 1.0);
        w.setRaster(r1);
        QCOMPARE(w.viewEndStep(), r1->endStep);
        w.setPaused(true);
        QCOMPARE(paused.count(), 1);
        auto r2 = poissonRaster(5.0, 1.5);
        w.setRaster(r2);
        QCOMPARE(w.viewEndStep(), r1->endStep);  // frozen while paused
        w.scrubTo(5000);
        QCOMPARE(w.viewEndStep(), std::uint64_t(5000));
        w.scrubTo(99999999);
        QCOMPARE(w.viewEndStep(), r2->endStep);
        // Dragging the scrub bar moves the view.
        const QRect plot = w.plotRect();
        QTest::mousePress(&w, Qt::LeftButton, {}, QPoint(plot.left() + plot.width() / 2, w.height() - 7));
        QTest::mouseRelease(&w, Qt::LeftButton, {}, QPoint(plot.left() + plot.width() / 2, w.height() - 7));
        QVERIFY(std::abs(double(w.viewEndStep()) - double(r2->endStep) / 2) < double(r2->endStep) * 0.05);
        w.setPaused(false);
        QCOMPARE(w.viewEndStep(), r2->endStep);
    }

    void clickPicksNeuron() {
        RasterWidget w;
        w.resize(600, 400);
        w.setRaster(poissonRaster(5.0, 0.2));
        w.setNeuronRange(0, 100);
        QSignalSpy clicked(&w, &RasterWidget::neuronClicked);
        const QRect plot = w.plotRect();
        QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(plot.center().x(), plot.top() + plot.height() / 4));
        QCOMPARE(clicked.count(), 1);
        const int n = clicked.at(0).at(0).toInt();
        QVERIFY2(n >= 73 && n <= 77, qPrintable(QString::number(n)));
    }

    void ratesFromRaster() {
        snn::SpikeRecorder rec({"a", "b"}, {0, 10, 30}, 1e-3, 1000);
        for (std::uint64_t s = 0; s < 100; ++s) {
            rec.beginStep(s);
            rec.add(0, {0, 1});  // 2 of 10 neurons every ms → 200 Hz population rate
            if (s % 10 == 0) rec.add(1, {7});
            rec.endStep();
        }
        auto r = rec.raster();
        RateSeries s = computeRates(*r, 100, 0.1, 0.01);
        QCOMPARE(int(s.sparsity.size()), 10);
        for (double v : s.rate[0]) QVERIFY(std::abs(v - 200.0) < 1e-9);
        for (double v : s.rate[1]) QVERIFY(std::abs(v - 1.0 / 20 / 0.01) < 1e-9);
        for (double v : s.sparsity) QVERIFY(std::abs(v - 27.0 / 30.0) < 1e-12);
        RateWidget rw;
        rw.resize(400, 150);
        rw.setSeries(s, r->populations);
        QVERIFY(!rw.grab().isNull());
    }

    void thumbnailShowsRecentSpikes() {
        // neurons 0..9 (population a) fire in every step, 10..29 (b) never: the bottom third of
        // the thumbnail is lit across its width, the rest stays dark
        snn::SpikeRecorder rec({"a", "b"}, {0, 10, 30}, 1e-3, 1000);
        for (std::uint64_t s = 0; s < 400; ++s) {
            rec.beginStep(s);
            rec.add(0, {0, 3, 6, 9});
            rec.endStep();
        }
        const QImage img = rasterThumbnail(*rec.raster(), QSize(100, 30), 0.25);
        QCOMPARE(img.size(), QSize(100, 30));
        const QColor dark(0x1a, 0x1c, 0x22);
        int litBottom = 0, litTop = 0;
        for (int y = 0; y < 30; ++y)
            for (int x = 0; x < 100; ++x)
                (y >= 20 ? litBottom : litTop) += img.pixelColor(x, y) != dark;
        QVERIFY2(litBottom >= 90, qPrintable(QString::number(litBottom)));
        QCOMPARE(litTop, 0);
    }

    void ratesOfRasterWithoutPopulations() {
        // A raster whose producer names no populations (or has no time step yet) still gives
        // rates: one population, or none at all — never an exception.
        snn::SpikeRaster r;
        r.neurons = 4;
        r.dt = 1e-3;
        RateSeries s = computeRates(r, 50, 0.05, 0.01);
        QCOMPARE(int(s.rate.size()), 1);
        QCOMPARE(int(s.sparsity.size()), 5);
        r.dt = 0;
        s = computeRates(r, 50, 0.05, 0.01);
        QVERIFY(s.rate.empty() && s.sparsity.empty());
        RateWidget rw;
        rw.resize(300, 120);
        rw.setSeries(s, {});
        QVERIFY(!rw.grab().isNull());
    }

    void membraneTraces() {
        snn::TraceRecorder tr;
        tr.setProbes({3, 9}, 1000);
        for (std::uint64_t s = 0; s < 1500; ++s) tr.record(s, {float(std::sin(s * 0.01)), float(s % 200) / 200.f});
        MembraneTraceWidget w;
        w.resize(500, 200);
        w.setTraces(tr.traces(1e-3));
        const QImage img = w.grab().toImage();
        // pixels of the second trace's colour (antialiased 1 px lines: within a small distance)
        const QColor want = MembraneTraceWidget::traceColor(1);
        auto near = [&](QColor c) {
            return std::abs(c.red() - want.red()) + std::abs(c.green() - want.green()) + std::abs(c.blue() - want.blue()) < 60;
        };
        int ink = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 60; x < img.width() - 10; ++x) ink += near(img.pixelColor(x, y));
        QVERIFY2(ink > 200, qPrintable(QString::number(ink)));
        QCOMPARE(int(w.traces()->values.cols()), 1000);
        w.grab().save(QDir::temp().filePath("ganglion_traces.png"));
    }
};

QTEST_MAIN(TestRaster)
#include "tst_raster.moc"
