// XYPlot: series are replaced by name and dropped when no longer published; what it draws
// depends on the data (points where they are, the balance diagonal, bars as tall as their value);
// histogramBins() counts values into a Histogram series.
#include "widgets/plots/xy_plot.h"

#include <QtTest>

using namespace ganglion;

namespace {
/// Pixels of roughly `c` in the image.
int countColour(const QImage& img, const QColor& c) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 40;
        }
    return n;
}
}  // namespace

class TestXYPlot : public QObject {
    Q_OBJECT
private slots:
    void histogramBinsCountEveryFiniteValue() {
        // four bins over [0, 1]: values outside fall in the end bins, NaN is left out
        const std::vector<float> v{0.1f, 0.2f, 0.3f, 0.6f, 0.99f, -5.f, 7.f, std::nanf("")};
        const std::vector<QPointF> bins = histogramBins(v, 0.0, 1.0, 4);
        QCOMPARE(bins.size(), std::size_t(4));
        const double centres[] = {0.125, 0.375, 0.625, 0.875}, counts[] = {3, 1, 1, 2};
        for (int b = 0; b < 4; ++b) {
            QCOMPARE(bins[std::size_t(b)].x(), centres[b]);
            QCOMPARE(bins[std::size_t(b)].y(), counts[b]);
        }
    }

    void seriesAreReplacedAndDropped() {
        XYPlot plot(XYPlot::Kind::Points, "E vs I", "E (a.u.)", "g·I (a.u.)");
        plot.setSeries("a", Qt::red, {{0, 1}, {1, 2}});
        plot.setSeries("b", Qt::blue, {{0, 0}});
        plot.setSeries("a", Qt::red, {{3, 3}});
        QCOMPARE(plot.seriesCount(), 2);
        QCOMPARE(plot.points("a")->size(), std::size_t(1));
        plot.removeSeriesNotIn({"b"});
        QCOMPARE(plot.seriesCount(), 1);
        QVERIFY(!plot.points("a"));
        plot.clear();
        QCOMPARE(plot.seriesCount(), 0);
    }

    void drawsItsData() {
        const QColor red(220, 30, 30), blue(30, 60, 220);
        XYPlot plot(XYPlot::Kind::Bars, "r² per delay", "delay k (steps)", "r²");
        plot.resize(400, 300);
        plot.setFixedYRange(0, 1);
        const QImage empty = plot.grab().toImage();
        QCOMPARE(countColour(empty, red), 0);
        plot.setSeries("low", red, {{1, 0.1}, {2, 0.1}});
        plot.setSeries("high", blue, {{1, 0.9}, {2, 0.9}});
        const QImage bars = plot.grab().toImage();
        const int r = countColour(bars, red), b = countColour(bars, blue);
        // bars of 0.9 cover several times the area of bars of 0.1 (the legend swatches are equal)
        QVERIFY2(r > 0 && b > 4 * r, qPrintable(QString("red %1 blue %2").arg(r).arg(b)));

        XYPlot scatter(XYPlot::Kind::Points, "balance", "E (a.u.)", "g·I (a.u.)");
        scatter.resize(400, 300);
        scatter.setSeries("n", red, {{0, 0}, {1, 1}});
        const QImage without = scatter.grab().toImage();
        scatter.setDiagonal("balance");
        const QImage with = scatter.grab().toImage();
        QVERIFY(without != with);  // the diagonal and its legend entry
    }
};

QTEST_MAIN(TestXYPlot)
#include "tst_xy_plot.moc"
