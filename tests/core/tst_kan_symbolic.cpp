// Symbolic fitting of KAN edges: recovers a, b, c, d of planted functions (up to the symmetries
// of each function), ranks the right function first, formats formulas.
#include "core/kan/kan_symbolic.h"

#include <QtTest>

#include <cmath>

using namespace ganglion::kan;

class TstKanSymbolic : public QObject {
    Q_OBJECT
private slots:
    void recoversSin();
    void recoversSquare();
    void recoversExp();
    void ranksPlantedFirst_data();
    void ranksPlantedFirst();
    void formatsFormula();
    void rejectsBadInput();
};

namespace {
void sample(float (*f)(float), std::vector<float>& x, std::vector<float>& y) {
    x.clear();
    y.clear();
    for (int k = 0; k < 201; ++k) {
        const float v = -1.f + 2.f * float(k) / 200.f;
        x.push_back(v);
        y.push_back(f(v));
    }
}
}  // namespace

void TstKanSymbolic::recoversSin() {
    std::vector<float> x, y;
    sample([](float v) { return 1.5f * std::sin(2.f * v + 0.5f) - 0.3f; }, x, y);
    SymbolicFit f = fitSymbolic(symbolicIndex("sin"), x, y);
    QVERIFY(f.r2 > 0.9999);
    // canonical form: a > 0, c > 0, b in (-π, π]
    float a = f.a, b = f.b, c = f.c;
    if (a < 0) { a = -a; b = -b; c = -c; }
    if (c < 0) { c = -c; b += float(M_PI); }
    b = std::remainder(b, 2.f * float(M_PI));
    QVERIFY2(std::abs(a - 2.f) < 1e-2f && std::abs(b - 0.5f) < 1e-2f && std::abs(c - 1.5f) < 1e-2f &&
                 std::abs(f.d + 0.3f) < 1e-2f,
             qPrintable(QString("a=%1 b=%2 c=%3 d=%4").arg(a).arg(b).arg(c).arg(f.d)));
}

void TstKanSymbolic::recoversSquare() {
    std::vector<float> x, y;
    sample([](float v) { return 0.5f * (2.f * v - 0.6f) * (2.f * v - 0.6f) + 1.f; }, x, y);
    SymbolicFit f = fitSymbolic(symbolicIndex("x^2"), x, y);
    QVERIFY(f.r2 > 0.9999);
    // c·(a x + b)² is invariant under (a, b, c) → (λa, λb, c/λ²): compare c·a², b/a and d.
    QVERIFY2(std::abs(f.c * f.a * f.a - 2.f) < 1e-2f, qPrintable(QString("c a^2 = %1").arg(f.c * f.a * f.a)));
    QVERIFY2(std::abs(f.b / f.a + 0.3f) < 1e-2f, qPrintable(QString("b/a = %1").arg(f.b / f.a)));
    QVERIFY2(std::abs(f.d - 1.f) < 1e-2f, qPrintable(QString("d = %1").arg(f.d)));
}

void TstKanSymbolic::recoversExp() {
    std::vector<float> x, y;
    sample([](float v) { return 0.8f * std::exp(1.5f * v - 0.2f) + 0.1f; }, x, y);
    SymbolicFit f = fitSymbolic(symbolicIndex("exp"), x, y);
    QVERIFY(f.r2 > 0.9999);
    // c·exp(a x + b): only a, c·e^b and d are identifiable.
    QVERIFY2(std::abs(f.a - 1.5f) < 1e-2f, qPrintable(QString("a = %1").arg(f.a)));
    QVERIFY2(std::abs(f.c * std::exp(f.b) - 0.8f * std::exp(-0.2f)) < 1e-2f, "c e^b");
    QVERIFY2(std::abs(f.d - 0.1f) < 1e-2f, qPrintable(QString("d = %1").arg(f.d)));
}

void TstKanSymbolic::ranksPlantedFirst_data() {
    QTest::addColumn<QString>("planted");
    QTest::newRow("sin") << "sin";
    QTest::newRow("x^2") << "x^2";
    QTest::newRow("exp") << "exp";
    QTest::newRow("x") << "x";
    QTest::newRow("tanh") << "tanh";
    QTest::newRow("gaussian") << "gaussian";
    QTest::newRow("lorentzian") << "1/(x^2+1)";
}

void TstKanSymbolic::ranksPlantedFirst() {
    QFETCH(QString, planted);
    const int fn = symbolicIndex(planted.toStdString());
    QVERIFY(fn >= 0);
    const auto& F = symbolicLibrary()[size_t(fn)];
    std::vector<float> x, y;
    for (int k = 0; k < 201; ++k) {
        const float v = -1.f + 2.f * float(k) / 200.f;
        x.push_back(v);
        y.push_back(0.7f * F.f(2.5f * v + 0.3f) - 0.2f);
    }
    const auto fits = suggestSymbolic(x, y);
    QCOMPARE(int(fits.size()), int(symbolicLibrary().size()));
    QVERIFY(fits.front().r2 > 0.999);
    // The planted function or an equally good simpler one (x^2 ≈ x^4 etc. never beat it on R²).
    QVERIFY2(symbolicLibrary()[size_t(fits.front().fn)].name == planted.toStdString(),
             qPrintable(QString("best was %1").arg(QString::fromStdString(symbolicLibrary()[size_t(fits.front().fn)].name))));
}

void TstKanSymbolic::formatsFormula() {
    SymbolicFit f;
    f.fn = symbolicIndex("sin");
    f.a = 3.14159f; f.b = 0.5f; f.c = 2.f; f.d = -1.f;
    QCOMPARE(QString::fromStdString(symbolicText(f, "x")), QString("2*sin(3.142*x+0.5)-1"));
    f.fn = symbolicIndex("x");
    f.a = 1; f.b = 0; f.c = -0.5f; f.d = 0;
    QCOMPARE(QString::fromStdString(symbolicText(f, "y")), QString("-0.5*y"));
    f.fn = symbolicIndex("x^2");
    f.a = 1; f.b = 0; f.c = 1; f.d = 0.25f;
    QCOMPARE(QString::fromStdString(symbolicText(f, "y")), QString("(y)^2+0.25"));
    QCOMPARE(QString::fromStdString(formatNumber(0.000123456)), QString("0.0001235"));
}

void TstKanSymbolic::rejectsBadInput() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitSymbolic(99, {0.f, 1.f}, {0.f, 1.f}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitSymbolic(0, {0.f}, {0.f, 1.f}));
}

QTEST_GUILESS_MAIN(TstKanSymbolic)
#include "tst_kan_symbolic.moc"
