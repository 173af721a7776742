// MatrixHeatmap: each measured cell is filled with its value's colour (low dark, high bright),
// cells below the "missing" threshold stay unfilled, and the colour scale follows the range.
#include "widgets/plots/matrix_heatmap.h"

#include <QtTest>

using namespace ganglion;

namespace {
/// Pixels within a small distance of `c`.
int countColour(const QImage& img, const QColor& c) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 12;
        }
    return n;
}
}  // namespace

class TestMatrixHeatmap : public QObject {
    Q_OBJECT
private slots:
    void scaleRunsFromDarkToBright() {
        MatrixHeatmap map;
        map.setRange(0, 1);
        const auto lightness = [&](double v) { return map.colourOf(v).lightness(); };
        QVERIFY(lightness(0.0) < lightness(0.5));
        QVERIFY(lightness(0.5) < lightness(1.0));
        QCOMPARE(map.colourOf(-3.0), map.colourOf(0.0));  // clamped
        map.setRange(0, 100);
        QCOMPARE(map.colourOf(50.0), [] { MatrixHeatmap m; m.setRange(0, 1); return m.colourOf(0.5); }());
    }

    void measuredCellsAreFilledMissingOnesAreNot() {
        MatrixHeatmap map;
        map.resize(420, 360);
        map.setRange(0, 1);
        map.setMissingBelow(0);
        map.setTitle("acc");
        map.setAxisTitles("trained through task j", "tested on task i");
        Matrix m(2, 2);
        m << 0.9, -1, 0.2, -1;  // the second column is not measured yet
        map.setValues(m);
        const QImage img = map.grab().toImage();
        // a cell is a square of at least (360 − margins) / 2 pixels a side: most of it is its colour
        const int high = countColour(img, map.colourOf(0.9)), low = countColour(img, map.colourOf(0.2));
        QVERIFY2(high > 3000, qPrintable(QString::number(high)));
        QVERIFY2(low > 3000, qPrintable(QString::number(low)));
        // the colour bar holds each colour once, a thin strip: a filled cell has far more of it
        m(1, 1) = 0.9;
        map.setValues(m);
        const int high2 = countColour(map.grab().toImage(), map.colourOf(0.9));
        QVERIFY2(high2 > high + 3000, qPrintable(QString("%1 -> %2").arg(high).arg(high2)));
    }
};

QTEST_MAIN(TestMatrixHeatmap)
#include "tst_matrix_heatmap.moc"
