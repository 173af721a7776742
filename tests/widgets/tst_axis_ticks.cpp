// Axis ticks every plot uses: nice values covering the range, printed so that neighbours differ,
// compactly (k/M/G) and with SI prefixes for physical quantities.
#include "widgets/plots/axis_ticks.h"

#include <QtTest>

#include <QSet>

using namespace ganglion;

class TstAxisTicks : public QObject {
    Q_OBJECT
private slots:
    void ticksCoverTheRangeAtNiceValues_data() {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::addColumn<int>("most");
        QTest::newRow("unit") << 0.0 << 1.0 << 6;
        QTest::newRow("loss") << 0.0 << 4.17 << 5;
        QTest::newRow("connections") << 0.0 << 1384689.0 << 5;
        QTest::newRow("tiny loss") << 0.0 << 0.00031 << 4;
        QTest::newRow("negative") << -0.26 << 0.53 << 5;
        QTest::newRow("time window") << 34.527 << 35.527 << 6;
        QTest::newRow("constant") << 0.75 << 0.75 << 5;
    }
    void ticksCoverTheRangeAtNiceValues() {
        QFETCH(double, lo);
        QFETCH(double, hi);
        QFETCH(int, most);
        const AxisTicks t = niceTicks(lo, hi, most);
        QVERIFY(t.values.size() >= 2 && int(t.values.size()) <= most);
        QVERIFY(t.lo <= lo && t.hi >= hi);
        // the step is 1, 2, 2.5 or 5 times a power of ten
        const double mantissa = t.step / std::pow(10.0, std::floor(std::log10(t.step) + 1e-9));
        QVERIFY2(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 2.5) < 1e-6 ||
                     std::abs(mantissa - 5) < 1e-6,
                 qPrintable(QString::number(t.step)));
        QSet<QString> labels;
        for (double v : t.values) labels.insert(compactNumber(v, t.step));
        QCOMPARE(int(labels.size()), int(t.values.size()));  // no two ticks print alike
        for (const QString& l : labels) QVERIFY2(l.size() <= 6, qPrintable(l));  // short enough for any axis
    }

    void numbersArePrintedCompactly() {
        QCOMPARE(compactNumber(0, 0.25), QString("0"));
        QCOMPARE(compactNumber(0.75, 0.25), QString("0.75"));
        QCOMPARE(compactNumber(7.5, 2.5), QString("7.5"));
        QCOMPARE(compactNumber(40, 20), QString("40"));
        QCOMPARE(compactNumber(1500, 500), QString("1.5k"));
        QCOMPARE(compactNumber(1000000, 500000), QString("1.0M"));
        QCOMPARE(compactNumber(1400000, 200000), QString("1.4M"));
        QCOMPARE(compactNumber(-0.2, 0.1), QString("-0.2"));
        QCOMPARE(compactNumber(0.0002, 0.0001), QString("2e-04"));
    }

    void quantitiesCarrySiPrefixes() {
        QCOMPARE(siQuantity(0.00184, "m"), QString("1.84 mm"));
        QCOMPARE(siQuantity(7269.92, "m"), QString("7.27 km"));
        QCOMPARE(siQuantity(0.152, "m/s"), QString("152 mm/s"));
        QCOMPARE(siQuantity(1.0, "m"), QString("1.00 m"));
        QCOMPARE(siQuantity(0.0000015, "m"), QString("1.50 \u00b5m"));
    }
};

QTEST_MAIN(TstAxisTicks)
#include "tst_axis_ticks.moc"
