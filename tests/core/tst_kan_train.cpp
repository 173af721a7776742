// KAN training: the "KAN discovers a formula" recipe reaches test RMSE < 1e-2 within a fixed
// L-BFGS budget; L-BFGS minimises a quadratic exactly; Adam decreases a KAN loss; node pruning
// removes exactly the dead hidden nodes; auto-snapping reads back a planted formula.
#include "core/kan/kan_net.h"
#include "core/kan/kan_optim.h"

#include <Eigen/Dense>
#include <QtTest>

#include <cmath>

using namespace ganglion;
using namespace ganglion::kan;

class TstKanTrain : public QObject {
    Q_OBJECT
private slots:
    void formulaReachesRmse();
    void lbfgsQuadratic();
    void lbfgsParametersResized();
    void adamDecreasesLoss();
    void regularisationSparsifies();
    void pruneNodesRemovesDeadHidden();
    void autoSymbolicReadsFormula();
    void crossEntropyGradient();
};

namespace {
void toyData(Rng& rng, int n, Matrix& X, Matrix& Y) {
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    X.resize(2, n);
    Y.resize(1, n);
    for (int b = 0; b < n; ++b) {
        X(0, b) = u(rng);
        X(1, b) = u(rng);
        Y(0, b) = std::exp(std::sin(float(M_PI) * X(0, b)) + X(1, b) * X(1, b));
    }
}
}  // namespace

void TstKanTrain::formulaReachesRmse() {
    // pykan's recipe: [2,5,1], G = 5, k = 3, L-BFGS with grid updates from the data early on.
    Rng rng(0);
    Matrix Xtr, Ytr, Xte, Yte, g;
    toyData(rng, 1000, Xtr, Ytr);
    toyData(rng, 1000, Xte, Yte);
    Net net({2, 5, 1}, LayerConfig{}, rng);
    Lbfgs opt(net.parameters());
    auto closure = [&] {
        net.zeroGrad();
        const double l = mseLoss(net.forward(Xtr), Ytr, &g);
        net.backward(g);
        return l;
    };
    const int budget = 20;  // L-BFGS steps of up to 20 iterations each
    for (int s = 0; s < budget; ++s) {
        if (s % 5 == 0 && s < 15) net.updateGrid(Xtr);
        opt.step(closure);
    }
    const double rmse = std::sqrt(mseLoss(net.forward(Xte, false), Yte, nullptr));
    QVERIFY2(rmse < 1e-2, qPrintable(QString("test RMSE %1 after %2 L-BFGS steps").arg(rmse).arg(budget)));
    // Grid extension keeps the fit and lets it improve further.
    const double before = rmse;
    net.extendGrid(10, Xtr);
    const double afterExt = std::sqrt(mseLoss(net.forward(Xte, false), Yte, nullptr));
    QVERIFY2(std::abs(afterExt - before) < 2e-3, qPrintable(QString("extension moved RMSE %1 -> %2").arg(before).arg(afterExt)));
}

void TstKanTrain::lbfgsQuadratic() {
    // f(w) = ½ wᵀ A w - bᵀ w with A SPD; the minimiser is A⁻¹ b.
    Matrix w = Matrix::Zero(4, 1), gw = Matrix::Zero(4, 1);
    Eigen::Matrix4f A;
    A << 4, 1, 0, 0, 1, 3, 0.5, 0, 0, 0.5, 2, 0.2, 0, 0, 0.2, 1;
    Eigen::Vector4f b(1, -2, 0.5, 3);
    Lbfgs opt({{"w", &w, &gw}}, LbfgsConfig{});
    auto closure = [&] {
        const Eigen::Vector4d v = w.col(0).cast<double>();
        const Eigen::Matrix4d Ad = A.cast<double>();
        gw.col(0) = (Ad * v - b.cast<double>()).cast<float>();
        return 0.5 * v.dot(Ad * v) - b.cast<double>().dot(v);
    };
    opt.step(closure);
    const Eigen::Vector4f expect = A.ldlt().solve(b);
    QVERIFY2((w.col(0) - expect).cwiseAbs().maxCoeff() < 1e-3f, "L-BFGS did not reach the minimiser");
    QVERIFY(opt.evaluations() < 40);
}

void TstKanTrain::lbfgsParametersResized() {
    // A kernel that resizes its tensors in a step's first evaluation (an S-KAN node frozen to one
    // basis): that step ends there, and the next one starts afresh on the new shapes.
    Matrix w = Matrix::Constant(4, 1, 1.f), gw = Matrix::Zero(4, 1);
    Lbfgs opt({{"w", &w, &gw}}, LbfgsConfig{});
    const Eigen::Vector2d target(0.5, -1.5);
    bool resize = false;
    auto closure = [&] {  // ½|w - t|², t = 0 for the 4-vector, `target` for the 2-vector
        if (resize) {
            w.resize(2, 1);
            w << 7.f, 8.f;
            gw.setZero(2, 1);
            resize = false;
        }
        double f = 0;
        for (Eigen::Index k = 0; k < w.size(); ++k) {
            const double d = w(k) - (w.size() == 2 ? target(k) : 0.0);
            gw(k) = float(d);
            f += 0.5 * d * d;
        }
        return f;
    };
    opt.step(closure);  // builds a curvature history on the 4-vector
    QVERIFY(w.cwiseAbs().maxCoeff() < 1e-3f);
    const auto before = opt.evaluations();
    resize = true;
    opt.step(closure);
    QCOMPARE(opt.evaluations(), before + 1);  // the step ended after the evaluation that resized
    QCOMPARE(w(0), 7.f);                      // and wrote nothing of the old shape back
    QCOMPARE(w(1), 8.f);
    opt.step(closure);  // a normal step on the new shape reaches the minimum
    QVERIFY2(std::abs(w(0) - 0.5f) < 1e-3f && std::abs(w(1) + 1.5f) < 1e-3f,
             qPrintable(QString("w = %1, %2").arg(w(0)).arg(w(1))));
}

void TstKanTrain::adamDecreasesLoss() {
    Rng rng(1);
    Matrix X, Y, g;
    toyData(rng, 256, X, Y);
    Net net({2, 3, 1}, LayerConfig{}, rng);
    Adam opt(net.parameters(), 1e-2);
    const double first = mseLoss(net.forward(X, false), Y, nullptr);
    for (int s = 0; s < 200; ++s) {
        opt.zeroGrad();
        mseLoss(net.forward(X), Y, &g);
        net.backward(g);
        opt.step();
    }
    const double last = mseLoss(net.forward(X, false), Y, nullptr);
    QVERIFY2(last < 0.1 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
}

void TstKanTrain::regularisationSparsifies() {
    // y depends on x1 only; with L1 + entropy the x2 edges shrink far more than without.
    auto train = [](double lambda) {
        Rng rng(4);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        Matrix X(2, 256), Y(1, 256), g;
        for (int b = 0; b < 256; ++b) {
            X(0, b) = u(rng);
            X(1, b) = u(rng);
            Y(0, b) = std::sin(2.f * X(0, b));
        }
        Net net({2, 1}, LayerConfig{}, rng);
        Adam opt(net.parameters(), 1e-2);
        RegConfig reg{lambda, 2 * lambda};
        for (int s = 0; s < 300; ++s) {
            opt.zeroGrad();
            mseLoss(net.forward(X), Y, &g);
            net.backward(g, &reg);
            opt.step();
        }
        const Matrix s = net.layers[0].edgeScores(X);
        return double(s(0, 1) / s(0, 0));
    };
    const double plain = train(0.0), regularised = train(0.01);
    QVERIFY2(regularised < 0.5 * plain, qPrintable(QString("x2/x1 edge ratio %1 vs %2").arg(regularised).arg(plain)));
}

void TstKanTrain::pruneNodesRemovesDeadHidden() {
    Rng rng(2);
    LayerConfig c;
    c.noiseScale = 2.f;
    Net net({2, 4, 1}, c, rng);
    // Hidden nodes 1 and 3: silence every incoming edge (they output a constant).
    for (int h : {1, 3}) {
        net.layers[0].scaleBase.row(h).setZero();
        net.layers[0].scaleSp.row(h).setZero();
    }
    Matrix X = Matrix::Random(2, 200);
    const Matrix before = net.forward(X, false);
    const int removed = net.pruneNodes(X, 1e-4f);
    QCOMPARE(removed, 2);
    QCOMPARE(net.widths(), (std::vector<int>{2, 2, 1}));
    // The removed nodes were constant: the output only shifts by their constant contribution.
    const Matrix after = net.forward(X, false);
    const Matrix diff = after - before;
    QVERIFY((diff.array() - diff(0, 0)).abs().maxCoeff() < 1e-5f);
}

void TstKanTrain::autoSymbolicReadsFormula() {
    // Fit f = sin(πx1) + x2² with [2,1]; snapping both edges recovers the formula.
    Rng rng(3);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    Matrix X(2, 500), Y(1, 500), g;
    for (int b = 0; b < 500; ++b) {
        X(0, b) = u(rng);
        X(1, b) = u(rng);
        Y(0, b) = std::sin(float(M_PI) * X(0, b)) + X(1, b) * X(1, b);
    }
    Net net({2, 1}, LayerConfig{}, rng);
    Lbfgs opt(net.parameters());
    auto closure = [&] {
        net.zeroGrad();
        const double l = mseLoss(net.forward(X), Y, &g);
        net.backward(g);
        return l;
    };
    for (int s = 0; s < 10; ++s) opt.step(closure);
    const int snapped = net.autoSymbolic(X, 0.999);
    QCOMPARE(snapped, 2);
    QCOMPARE(symbolicLibrary()[size_t(net.layers[0].symbolic[0].fn)].name, std::string("sin"));
    QCOMPARE(symbolicLibrary()[size_t(net.layers[0].symbolic[1].fn)].name, std::string("x^2"));
    const double rmse = std::sqrt(mseLoss(net.forward(X, false), Y, nullptr));
    QVERIFY2(rmse < 2e-2, qPrintable(QString("snapped RMSE %1").arg(rmse)));
    const auto f = net.formula({"x", "y"});
    QCOMPARE(int(f.size()), 1);
    QVERIFY2(QString::fromStdString(f[0]).contains("sin(") && QString::fromStdString(f[0]).contains("^2"), f[0].c_str());
    QVERIFY2(!QString::fromStdString(f[0]).contains("phi["), f[0].c_str());
}

void TstKanTrain::crossEntropyGradient() {
    Matrix logits = Matrix::Random(4, 3), labels(1, 3), g;
    labels << 0, 3, 1;
    crossEntropyLoss(logits, labels, &g, nullptr);
    for (Eigen::Index k = 0; k < logits.size(); ++k) {
        const float old = logits(k);
        logits(k) = old + 1e-3f;
        const double p = crossEntropyLoss(logits, labels, nullptr, nullptr);
        logits(k) = old - 1e-3f;
        const double m = crossEntropyLoss(logits, labels, nullptr, nullptr);
        logits(k) = old;
        QVERIFY(std::abs((p - m) / 2e-3 - g(k)) < 1e-3);
    }
}

QTEST_GUILESS_MAIN(TstKanTrain)
#include "tst_kan_train.moc"
