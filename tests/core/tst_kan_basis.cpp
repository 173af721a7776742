// KAN bases: hand-computed B-spline values (pykan's parametrisation), partition of unity,
// derivatives against finite differences for every basis, hand values of RBF/Chebyshev/ReLU-KAN.
#include "core/kan/kan_basis.h"

#include <QtTest>

#include <cmath>
#include <vector>

using namespace ganglion;
using namespace ganglion::kan;

class TstKanBasis : public QObject {
    Q_OBJECT
private slots:
    void cubicHandValues_data();
    void cubicHandValues();
    void linearHandValues();
    void knotsExtendedLikePykan();
    void zeroOutsideExtendedGrid();
    void partitionOfUnity_data();
    void partitionOfUnity();
    void derivatives_data();
    void derivatives();
    void otherBasesHandValues();
    void batchMatchesPointwise();
    void rejectsBadGrid();
};

static std::vector<float> values(const Basis& b, float x) {
    std::vector<float> v(static_cast<size_t>(b.count()));
    b.evaluateOne(0, x, v.data(), nullptr);
    return v;
}

void TstKanBasis::cubicHandValues_data() {
    QTest::addColumn<float>("x");
    QTest::addColumn<QVector<float>>("expected");  // B_0 … B_7
    // G = 5 on [-1, 1], h = 0.4, knots t_j = -1 + (j-3)·0.4. Uniform cubic pieces at local u:
    // (1-u)³/6, (3u³-6u²+4)/6, (-3u³+3u²+3u+1)/6, u³/6 on B_{s-3..s}.
    QTest::newRow("x=0 (u=1/2 in span 5)") << 0.f << QVector<float>{0, 0, 1.f / 48, 23.f / 48, 23.f / 48, 1.f / 48, 0, 0};
    QTest::newRow("x=-0.2 (knot t5)") << -0.2f << QVector<float>{0, 0, 1.f / 6, 4.f / 6, 1.f / 6, 0, 0, 0};
    QTest::newRow("x=1 (knot t8, right end)") << 1.f << QVector<float>{0, 0, 0, 0, 0, 1.f / 6, 4.f / 6, 1.f / 6};
    QTest::newRow("x=-1.2 (extended region)") << -1.2f << QVector<float>{23.f / 48, 23.f / 48, 1.f / 48, 0, 0, 0, 0, 0};
}

void TstKanBasis::cubicHandValues() {
    QFETCH(float, x);
    QFETCH(QVector<float>, expected);
    Basis b(BasisKind::BSpline, 1, 5, 3, -1.f, 1.f);
    QCOMPARE(b.count(), 8);
    const auto v = values(b, x);
    for (int j = 0; j < 8; ++j)
        QVERIFY2(std::abs(v[size_t(j)] - expected[j]) < 1e-5f,
                 qPrintable(QString("B_%1(%2) = %3, expected %4").arg(j).arg(x).arg(v[size_t(j)]).arg(expected[j])));
}

void TstKanBasis::linearHandValues() {
    // k = 1, G = 2 on [0, 1]: knots -0.5, 0, 0.5, 1, 1.5 → hats peaking at 0, 0.5, 1.
    Basis b(BasisKind::BSpline, 1, 2, 1, 0.f, 1.f);
    QCOMPARE(b.count(), 3);
    auto v = values(b, 0.25f);
    QVERIFY(std::abs(v[0] - 0.5f) < 1e-6f && std::abs(v[1] - 0.5f) < 1e-6f && v[2] == 0.f);
    v = values(b, 0.9f);
    QVERIFY(v[0] == 0.f && std::abs(v[1] - 0.2f) < 1e-6f && std::abs(v[2] - 0.8f) < 1e-6f);
}

void TstKanBasis::knotsExtendedLikePykan() {
    Basis b(BasisKind::BSpline, 2, 5, 3, -1.f, 1.f);
    const auto k = b.knots(1);
    QCOMPARE(int(k.size()), 12);
    for (int j = 0; j < 12; ++j) QVERIFY(std::abs(k(j) - (-1.f + 0.4f * float(j - 3))) < 1e-6f);
}

void TstKanBasis::zeroOutsideExtendedGrid() {
    Basis b(BasisKind::BSpline, 1, 5, 3, -1.f, 1.f);
    for (float x : {-2.5f, -2.2f, 2.2f, 3.f}) {
        const auto v = values(b, x);
        for (float e : v) QCOMPARE(e, 0.f);
    }
}

void TstKanBasis::partitionOfUnity_data() {
    QTest::addColumn<int>("grid");
    QTest::addColumn<int>("order");
    QTest::addColumn<bool>("warped");
    QTest::newRow("G5 k3 uniform") << 5 << 3 << false;
    QTest::newRow("G5 k3 non-uniform") << 5 << 3 << true;
    QTest::newRow("G10 k2 non-uniform") << 10 << 2 << true;
    QTest::newRow("G3 k0") << 3 << 0 << false;
    QTest::newRow("G7 k5 non-uniform") << 7 << 5 << true;
}

void TstKanBasis::partitionOfUnity() {
    QFETCH(int, grid);
    QFETCH(int, order);
    QFETCH(bool, warped);
    Basis b(BasisKind::BSpline, 1, grid, order, -1.f, 1.f);
    if (warped) {
        Eigen::RowVectorXf p(grid + 1);
        for (int j = 0; j <= grid; ++j) {
            const float u = float(j) / float(grid);
            p(j) = -1.f + 2.f * u * u;  // clustered near -1
        }
        b.setPoints(0, p);
    }
    for (int s = 0; s < 400; ++s) {
        const float x = -1.f + 2.f * float(s) / 400.f;  // [t_k, t_{m-1-k}) = [-1, 1)
        const auto v = values(b, x);
        double sum = 0;
        for (float e : v) {
            QVERIFY(e >= -1e-6f);
            sum += e;
        }
        QVERIFY2(std::abs(sum - 1.0) < 1e-5, qPrintable(QString("sum at %1 = %2").arg(x).arg(sum)));
    }
}

void TstKanBasis::derivatives_data() {
    QTest::addColumn<QString>("basis");
    QTest::addColumn<int>("order");
    for (const auto& n : basisNames()) {
        QTest::newRow((n + " k3").c_str()) << QString::fromStdString(n) << 3;
        QTest::newRow((n + " k2").c_str()) << QString::fromStdString(n) << 2;
    }
}

void TstKanBasis::derivatives() {
    QFETCH(QString, basis);
    QFETCH(int, order);
    Basis b(basisFromName(basis.toStdString()), 1, 5, order, -1.f, 1.f);
    const int nb = b.count();
    std::vector<float> v(static_cast<size_t>(nb)), d(static_cast<size_t>(nb)), vp(static_cast<size_t>(nb)),
        vm(static_cast<size_t>(nb));
    const double eps = 1e-3;
    for (float x : {-1.53f, -0.91f, -0.33f, 0.07f, 0.51f, 0.93f, 1.37f}) {
        b.evaluateOne(0, x, v.data(), d.data());
        b.evaluateOne(0, float(x + eps), vp.data(), nullptr);
        b.evaluateOne(0, float(x - eps), vm.data(), nullptr);
        for (int j = 0; j < nb; ++j) {
            const double num = (double(vp[size_t(j)]) - vm[size_t(j)]) / (2 * eps);
            QVERIFY2(std::abs(num - d[size_t(j)]) < 2e-2 * std::max(1.0, std::abs(num)),
                     qPrintable(QString("d/dx B_%1(%2): analytic %3 numeric %4").arg(j).arg(x).arg(d[size_t(j)]).arg(num)));
        }
    }
}

void TstKanBasis::otherBasesHandValues() {
    // RBF centred on the grid points, h = 2/5.
    Basis r(BasisKind::Rbf, 1, 5, 3, -1.f, 1.f);
    QCOMPARE(r.count(), 6);
    auto v = values(r, 0.2f);
    QVERIFY(std::abs(v[3] - 1.f) < 1e-6f);                       // centre 0.2
    QVERIFY(std::abs(v[2] - std::exp(-1.f)) < 1e-6f);            // centre -0.2, one width away
    // Chebyshev of u = tanh(x) on [-1, 1]: T2 = 2u² - 1, T3 = 4u³ - 3u.
    Basis c(BasisKind::Chebyshev, 1, 4, 3, -1.f, 1.f);
    QCOMPARE(c.count(), 5);
    v = values(c, 0.3f);
    const float u = std::tanh(0.3f);
    QVERIFY(std::abs(v[0] - 1.f) < 1e-6f && std::abs(v[1] - u) < 1e-6f);
    QVERIFY(std::abs(v[2] - (2 * u * u - 1)) < 1e-6f && std::abs(v[3] - (4 * u * u * u - 3 * u)) < 1e-6f);
    // ReLU-KAN bump over [t_j, t_{j+k+1}] is 1 at its centre and 0 at its ends.
    Basis q(BasisKind::ReluKan, 1, 5, 3, -1.f, 1.f);
    QCOMPARE(q.count(), 8);
    QVERIFY(std::abs(values(q, -0.2f)[3] - 1.f) < 1e-5f);
    QVERIFY(std::abs(values(q, -1.f)[3]) < 1e-7f && std::abs(values(q, 0.6f)[3]) < 1e-6f);
}

void TstKanBasis::batchMatchesPointwise() {
    for (const auto& name : basisNames()) {
        Basis b(basisFromName(name), 3, 6, 3, -1.f, 1.f);
        Matrix x(3, 7);
        for (Eigen::Index k = 0; k < x.size(); ++k) x(k) = -1.4f + 0.13f * float(k);
        Matrix B, dB;
        b.evaluate(x, B, &dB);
        QCOMPARE(B.rows(), Eigen::Index(3 * b.count()));
        std::vector<float> v(static_cast<size_t>(b.count())), d(static_cast<size_t>(b.count()));
        for (int i = 0; i < 3; ++i)
            for (int s = 0; s < 7; ++s) {
                b.evaluateOne(i, x(i, s), v.data(), d.data());
                for (int j = 0; j < b.count(); ++j) {
                    QCOMPARE(B(i * b.count() + j, s), v[size_t(j)]);
                    QCOMPARE(dB(i * b.count() + j, s), d[size_t(j)]);
                }
            }
    }
}

void TstKanBasis::rejectsBadGrid() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Basis(BasisKind::BSpline, 1, 0, 3, -1.f, 1.f));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Basis(BasisKind::BSpline, 1, 5, 3, 1.f, -1.f));
    Basis b(BasisKind::BSpline, 1, 3, 3, -1.f, 1.f);
    Eigen::RowVectorXf p(4);
    p << 0.f, 0.5f, 0.5f, 1.f;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, b.setPoints(0, p));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, basisFromName("wavelet"));
}

QTEST_GUILESS_MAIN(TstKanBasis)
#include "tst_kan_basis.moc"
