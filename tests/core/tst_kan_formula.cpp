// Formula data set node: muparser parsing, errors at the offending character, sampling,
// minibatches, test set, noise, and build errors.
#include "core/kan/formula_data.h"
#include "kernel_harness.h"

#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::testing;

class TstKanFormula : public QObject {
    Q_OBJECT
private slots:
    void parseErrors_data();
    void parseErrors();
    void evaluates_data();
    void evaluates();
    void nonFiniteNamesSample();
    void nodeSamplesFormula();
    void nodeMinibatchAndNoise();
    void nodeBuildErrorShowsCharacter();
};

void TstKanFormula::parseErrors_data() {
    QTest::addColumn<QString>("formula");
    QTest::addColumn<int>("variables");
    QTest::addColumn<int>("position");
    QTest::newRow("unknown variable") << "exp(sin(pi*x1)+x3^2)" << 2 << 15;
    QTest::newRow("double operator") << "x1 + * x2" << 2 << 5;
    QTest::newRow("unknown function") << "foo(x1)" << 1 << 0;
    QTest::newRow("alias beyond 3 variables") << "x+y" << 4 << 0;
}

void TstKanFormula::parseErrors() {
    QFETCH(QString, formula);
    QFETCH(int, variables);
    QFETCH(int, position);
    auto err = checkFormula(formula.toStdString(), variables);
    QVERIFY(err.has_value());
    QCOMPARE(err->position, position);
    QVERIFY2(QString::fromStdString(err->message).contains(QString("character %1").arg(position + 1)), err->message.c_str());
    // the caret line points at the character
    const QString caret = QString::fromStdString(err->caret).split('\n').last();
    QCOMPARE(caret.indexOf('^'), position);
}

void TstKanFormula::evaluates_data() {
    QTest::addColumn<QString>("formula");
    QTest::addColumn<double>("expected");  // at x1 = 0.5, x2 = -0.25
    QTest::newRow("pykan toy") << "exp(sin(pi*x1)+x2^2)" << std::exp(std::sin(M_PI * 0.5) + 0.0625);
    QTest::newRow("aliases") << "x*y + 1" << 0.875;
    QTest::newRow("functions") << "sqrt(abs(x2)) + tanh(x1) + log(e)" << 0.5 + std::tanh(0.5) + 1.0;
}

void TstKanFormula::evaluates() {
    QFETCH(QString, formula);
    QFETCH(double, expected);
    QVERIFY(!checkFormula(formula.toStdString(), 2));
    Matrix x(2, 1), y;
    x << 0.5f, -0.25f;
    evaluateFormula(formula.toStdString(), x, y);
    QVERIFY(std::abs(y(0, 0) - expected) < 1e-5);
}

void TstKanFormula::nonFiniteNamesSample() {
    Matrix x(1, 2), y;
    x << 1.f, -1.f;
    try {
        evaluateFormula("sqrt(x1)", x, y);
        QFAIL("nan accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("-1"), e.what());
    }
}

void TstKanFormula::nodeSamplesFormula() {
    KernelRig rig("FormulaData", {{"train_samples", std::int64_t(300)}, {"test_samples", std::int64_t(50)}}, {});
    QCOMPARE(rig.outShapes[0].features, 2);
    QCOMPARE(rig.outShapes[1].features, 1);
    rig.forward(Phase::Train);
    const Matrix& x = rig.outputs[0].tensor;
    const Matrix& y = rig.outputs[1].tensor;
    QCOMPARE(x.cols(), Eigen::Index(300));  // batch_size 0 = full batch
    QVERIFY(x.minCoeff() >= -1.f && x.maxCoeff() <= 1.f);
    for (Eigen::Index b = 0; b < x.cols(); ++b)
        QVERIFY(std::abs(y(0, b) - std::exp(std::sin(float(M_PI) * x(0, b)) + x(1, b) * x(1, b))) < 1e-4f);
    rig.forward(Phase::Test);
    QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(50));
    QVERIFY(rig.kernel->supportsGrid());
    rig.forward(Phase::Grid);
    QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(48 * 48));
}

void TstKanFormula::nodeMinibatchAndNoise() {
    KernelRig rig("FormulaData", {{"formula", std::string("x1")}, {"variables", std::int64_t(1)},
                                  {"batch_size", std::int64_t(16)}, {"noise", 0.1}, {"range_min", 2.0},
                                  {"range_max", 3.0}},
                  {});
    rig.forward(Phase::Train);
    const Matrix& x = rig.outputs[0].tensor;
    QCOMPARE(x.cols(), Eigen::Index(16));
    QVERIFY(x.minCoeff() >= 2.f && x.maxCoeff() <= 3.f);
    const double resid = (rig.outputs[1].tensor - x).cwiseAbs().maxCoeff();
    QVERIFY2(resid > 1e-3 && resid < 0.6, "noise missing or too large on training targets");
    rig.forward(Phase::Test);
    QVERIFY((rig.outputs[1].tensor - rig.outputs[0].tensor).cwiseAbs().maxCoeff() < 1e-6f);  // test is clean
    QVERIFY(!rig.kernel->supportsGrid());
}

void TstKanFormula::nodeBuildErrorShowsCharacter() {
    try {
        KernelRig rig("FormulaData", {{"formula", std::string("exp(sin(pi*x1)+x2^^2)")}}, {});
        QFAIL("bad formula accepted");
    } catch (const BuildError& e) {
        QVERIFY2(QString(e.what()).contains("character 19"), e.what());
    }
}

QTEST_GUILESS_MAIN(TstKanFormula)
#include "tst_kan_formula.moc"
