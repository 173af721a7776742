// The foundation node kernels: hand-computed forward values, numeric gradient checks, state
// round trips and the 2D data sets.
#include "core/nodes/activation.h"
#include "core/nodes/dense.h"
#include "core/nodes/loss.h"
#include "core/nodes/playground_data.h"
#include "kernel_harness.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::testing;

class TstNodes : public QObject {
    Q_OBJECT
private slots:
    void denseForwardByHand() {
        KernelRig rig("Dense", {{"units", std::int64_t(2)}}, {Shape::tensor(3)});
        auto* k = static_cast<DenseKernel*>(rig.kernel.get());
        k->W << 1, 2, 3, -1, 0, 0.5f;
        k->b << 0.5f, -1;
        Matrix x(3, 2);
        x << 1, 0, 2, 1, 3, -1;  // columns are samples (1,2,3) and (0,1,-1)
        rig.inputs = {tensorValue(x)};
        rig.forward();
        Matrix expected(2, 2);
        expected << 1 + 4 + 9 + 0.5f, 0 + 2 - 3 + 0.5f, -1 + 0 + 1.5f - 1, 0 + 0 - 0.5f - 1;
        QVERIFY(rig.outputs[0].tensor.isApprox(expected));
        // the canvas thumbnail: this training batch (no input plane was evaluated)
        Observables obs;
        rig.kernel->observe(obs);
        QVERIFY(obs.arrays.at("activations").isApprox(expected));
        // an input-plane (grid) pass takes precedence: neuron fields over the plane
        rig.inputs = {tensorValue(Matrix::Zero(3, 5))};
        rig.forward(Phase::Grid);
        Observables grid;
        rig.kernel->observe(grid);
        QCOMPARE(grid.arrays.at("activations").cols(), Eigen::Index(5));
    }

    void denseGradient() {
        KernelRig rig("Dense", {{"units", std::int64_t(4)}}, {Shape::tensor(3)});
        rig.inputs = {tensorValue(randomMatrix(3, 5))};
        gradientCheck(rig, {0});
    }

    void activationGradient_data() {
        QTest::addColumn<QString>("fn");
        for (const char* f : {"relu", "tanh", "sigmoid", "silu", "linear"}) QTest::newRow(f) << QString(f);
    }
    void activationGradient() {
        QFETCH(QString, fn);
        KernelRig rig("Activation", {{"function", fn.toStdString()}}, {Shape::tensor(4)});
        Matrix x = randomMatrix(4, 6, 3, 2.f);
        for (Eigen::Index i = 0; i < x.size(); ++i)  // keep ReLU away from its kink
            if (std::abs(x(i)) < 0.05f) x(i) = 0.3f;
        rig.inputs = {tensorValue(x)};
        gradientCheck(rig, {0});
    }

    void activationValuesAndSparsity() {
        KernelRig rig("Activation", {{"function", std::string("relu")}}, {Shape::tensor(2)});
        Matrix x(2, 2);
        x << -1, 2, 0.5f, -3;
        rig.inputs = {tensorValue(x)};
        rig.forward();
        Matrix y(2, 2);
        y << 0, 2, 0.5f, 0;
        QCOMPARE(rig.outputs[0].tensor, y);
        Observables o;
        rig.kernel->observe(o);
        QCOMPARE(o.scalars.at("activation_sparsity"), 0.5);
        Matrix s;
        applyActivation(ActivationFn::SiLU, Matrix::Constant(1, 1, 1.f), s);
        QVERIFY(std::abs(s(0, 0) - 1.f / (1.f + std::exp(-1.f))) < 1e-6f);
    }

    void crossEntropyByHand() {
        KernelRig rig("Loss", {}, {Shape::tensor(2), Shape::labels(2)});
        Matrix logits(2, 2);
        logits << 0, 2, 0, 0;  // sample 0: p = (0.5, 0.5); sample 1: p(class0) = e²/(e²+1)
        Matrix labels(1, 2);
        labels << 1, 0;
        rig.inputs = {tensorValue(logits), tensorValue(labels)};
        rig.forward();
        const double expected = (std::log(2.0) + std::log(1.0 + std::exp(-2.0))) / 2.0;
        QVERIFY(std::abs(rig.kernel->loss() - expected) < 1e-6);
    }

    void lossGradient_data() {
        QTest::addColumn<QString>("loss");
        QTest::newRow("cross_entropy") << "cross_entropy";
        QTest::newRow("mse") << "mse";
    }
    void lossGradient() {
        QFETCH(QString, loss);
        const bool ce = loss == "cross_entropy";
        KernelRig rig("Loss", {{"loss", loss.toStdString()}}, {Shape::tensor(3), ce ? Shape::labels(3) : Shape::tensor(3)});
        Matrix target = ce ? Matrix(1, 4) : randomMatrix(3, 4, 11);
        if (ce) target << 0, 2, 1, 2;
        rig.inputs = {tensorValue(randomMatrix(3, 4, 5, 2.f)), tensorValue(target)};
        gradientCheck(rig, {0});
    }

    void badLabelIsNaNNotCrash() {
        KernelRig rig("Loss", {}, {Shape::tensor(2), Shape::labels(2)});
        Matrix labels(1, 1);
        labels << 7;
        rig.inputs = {tensorValue(Matrix::Zero(2, 1)), tensorValue(labels)};
        rig.forward();
        QVERIFY(std::isnan(rig.kernel->loss()));
    }

    void denseStateRoundTrip() {
        // b is built from another seed: only a working save/load makes the outputs agree
        KernelRig a("Dense", {{"units", std::int64_t(3)}}, {Shape::tensor(2)}, 1234);
        KernelRig b("Dense", {{"units", std::int64_t(3)}}, {Shape::tensor(2)}, 999);
        Matrix x = randomMatrix(2, 4);
        a.inputs = b.inputs = {tensorValue(x)};
        a.forward();
        b.forward();
        QVERIFY(a.outputs[0].tensor != b.outputs[0].tensor);
        b.kernel->loadState(a.kernel->saveState());
        b.forward();
        QCOMPARE(a.outputs[0].tensor, b.outputs[0].tensor);
        KernelRig wrong("Dense", {{"units", std::int64_t(5)}}, {Shape::tensor(2)});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, wrong.kernel->loadState(a.kernel->saveState()));
    }

    void playgroundSets_data() {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"circle", "xor", "gauss", "spiral"}) QTest::newRow(k) << QString(k);
    }
    void playgroundSets() {
        QFETCH(QString, kind);
        Rng r1(5), r2(5);
        auto a = makePlaygroundSet(kind.toStdString(), 400, 0.1, r1);
        auto b = makePlaygroundSet(kind.toStdString(), 400, 0.1, r2);
        QCOMPARE(a.x, b.x);  // deterministic for a seed
        QVERIFY(a.x.cwiseAbs().maxCoeff() <= 1.f);
        const int ones = a.labels.sum();
        QVERIFY2(ones > 120 && ones < 280, qPrintable(QString("unbalanced: %1 of 400").arg(ones)));
    }

    void playgroundGeometry() {
        Rng r(1);
        auto circle = makePlaygroundSet("circle", 400, 0.0, r);
        for (int i = 0; i < 400; ++i) {  // class 1 inside radius 2.5/6, class 0 outside 3.5/6
            const float rad = circle.x.col(i).norm();
            if (circle.labels(i) == 1) QVERIFY(rad <= 2.5f / 6.f + 1e-5f);
            else QVERIFY(rad >= 3.5f / 6.f - 1e-5f);
        }
        auto xr = makePlaygroundSet("xor", 400, 0.0, r);
        for (int i = 0; i < 400; ++i) QCOMPARE(xr.labels(i), int(xr.x(0, i) * xr.x(1, i) >= 0));
    }

    void dataNodePhases() {
        KernelRig rig("PlaygroundData", {{"samples", std::int64_t(100)}, {"batch_size", std::int64_t(8)}}, {});
        rig.forward(Phase::Train);
        QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(8));
        QCOMPARE(rig.outputs[1].tensor.rows(), Eigen::Index(1));
        rig.forward(Phase::Test);
        QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(50));
        rig.forward(Phase::Grid);
        QCOMPARE(rig.outputs[0].tensor.cols(), Eigen::Index(48 * 48));
        KernelRig extra("PlaygroundData", {{"extra_features", true}}, {});
        QCOMPARE(extra.outShapes[0].features, 7);
    }
};

QTEST_GUILESS_MAIN(TstNodes)
#include "tst_nodes.moc"
