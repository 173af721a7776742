// Surrogate-gradient LIF layers: hand-computed forward, gradient check of BPTT (smooth forward),
// state round trip, bad shapes, a small spiking classifier that learns, and the spiking graph
// nodes driven through KernelRig.
#include "kernel_harness.h"

#include "core/snn/sg_layer.h"
#include "core/snn/snn_nodes.h"
#include "core/snn/spike_history.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::testing;

class TestSnnTraining : public QObject {
    Q_OBJECT
private slots:
    void lifLayerForwardByHand() {
        // 1 input, 1 unit, W = 0.6, b = 0, β = 0.5, θ = 1, input 1 at every step:
        // U1 = 0.6 → 0; U2 = 0.3+0.6 = 0.9 → 0; U3 = 0.45+0.6 = 1.05 → spike;
        // U4 = 0.525+0.6−1 = 0.125 → 0.
        KernelRig rig("LIFLayer", {{"units", 1}, {"steps", 4}, {"beta", 0.5}, {"bias", false}}, {Shape::tensor(4)});
        auto* k = static_cast<LifLayerKernel*>(rig.kernel.get());
        k->W(0, 0) = 0.6f;
        rig.inputs = {tensorValue(Matrix::Ones(4, 1))};
        rig.forward();
        Matrix expect(4, 1);
        expect << 0, 0, 1, 0;
        QCOMPARE(rig.outputs[0].tensor, expect);
        // the raster of recorded samples: this one's spike at its third step; a second training
        // forward appends its 4 steps after the first
        rig.forward();
        Observables obs;
        rig.kernel->observe(obs);
        auto raster = obs.get<snn::SpikeRaster>("spikes");
        QVERIFY(raster);
        QCOMPARE(raster->endStep, std::uint64_t(8));
        std::vector<std::uint64_t> at;
        raster->forEach(0, 8, [&](std::uint64_t st, int n) {
            QCOMPARE(n, 0);
            at.push_back(st);
        });
        QCOMPARE(at, (std::vector<std::uint64_t>{2, 6}));

        KernelRig ro("LIFLayer", {{"units", 1}, {"steps", 4}, {"beta", 0.5}, {"bias", false}, {"readout", true}},
                     {Shape::tensor(4)});
        static_cast<LifLayerKernel*>(ro.kernel.get())->W(0, 0) = 0.6f;
        ro.inputs = {tensorValue(Matrix::Ones(4, 1))};
        ro.forward();
        // LI: 0.6, 0.9, 1.05, 1.125 → mean 0.91875.
        QVERIFY(std::abs(ro.outputs[0].tensor(0, 0) - 0.91875f) < 1e-6f);
    }

    void recurrentForwardByHand() {
        // 2 units, input only into unit 0 (W = [1.2; 0]), β = 0.5, θ = 1, no bias, recurrent weight
        // 0 → 1 of 1.1 (spikes when U > θ, reset by subtraction):
        //   step 0: U0 = 1.2 → spike;                U1 = 0
        //   step 1: U0 = 0.6 + 1.2 − 1 = 0.8;        U1 = 0 + 1.1 (unit 0's spike) → spike
        //   step 2: U0 = 0.4 + 1.2 = 1.6 → spike;    U1 = 0.55 − 1 = −0.45
        //   step 3: U0 = 0.8 + 1.2 − 1 = 1.0 (= θ);  U1 = −0.225 + 1.1 = 0.875
        KernelRig rig("LIFLayer", {{"units", 2}, {"steps", 4}, {"beta", 0.5}, {"bias", false}, {"recurrent", true}},
                      {Shape::tensor(4)});
        auto* k = static_cast<LifLayerKernel*>(rig.kernel.get());
        k->W << 1.2f, 0.f;
        k->Wrec << 0.f, 0.f, 1.1f, 0.f;
        rig.inputs = {tensorValue(Matrix::Ones(4, 1))};
        rig.forward();
        Matrix expect(8, 1);  // time-major: (unit 0, unit 1) per step
        expect << 1, 0, 0, 1, 1, 0, 0, 0;
        QCOMPARE(rig.outputs[0].tensor, expect);
        // state round trip carries the recurrent weights; a readout cannot be recurrent
        KernelRig other("LIFLayer", {{"units", 2}, {"steps", 4}, {"beta", 0.5}, {"bias", false}, {"recurrent", true}},
                        {Shape::tensor(4)});
        other.kernel->loadState(rig.kernel->saveState());
        QCOMPARE(static_cast<LifLayerKernel*>(other.kernel.get())->Wrec, k->Wrec);
        QVERIFY_THROWS_EXCEPTION(BuildError, KernelRig("LIFLayer", {{"readout", true}, {"recurrent", true}}, {Shape::tensor(10)}));
    }

    void gradientCheck_data() {
        QTest::addColumn<bool>("readout");
        QTest::addColumn<bool>("recurrent");
        QTest::addColumn<bool>("learn");  // β and θ per neuron as parameters too
        QTest::newRow("spiking (smooth forward)") << false << false << false;
        QTest::newRow("recurrent spiking (smooth forward)") << false << true << false;
        QTest::newRow("LI readout") << true << false << false;
        QTest::newRow("spiking, learned beta and threshold") << false << false << true;
        QTest::newRow("recurrent spiking, learned beta and threshold") << false << true << true;
        QTest::newRow("LI readout, learned beta") << true << false << true;
    }
    void gradientCheck() {
        QFETCH(bool, readout);
        QFETCH(bool, recurrent);
        QFETCH(bool, learn);
        KernelRig rig("LIFLayer", {{"units", 3}, {"steps", 5}, {"beta", 0.8}, {"slope", 2.0},
                                   {"smooth_forward", true}, {"readout", readout}, {"recurrent", recurrent},
                                   {"init_scale", 2.0}, {"learn_beta", learn}, {"learn_threshold", learn && !readout}},
                      {Shape::tensor(5 * 2)});
        if (recurrent) QCOMPARE(int(rig.kernel->parameters().size()), learn ? 5 : 3);  // weight, bias, recurrent_weight (+ beta, threshold)
        if (learn) {  // distinct values per neuron, so a per-neuron gradient is really checked
            auto* k = static_cast<LifLayerKernel*>(rig.kernel.get());
            k->betas << 0.6f, 0.75f, 0.9f;
            k->thresholds << 0.7f, 1.0f, 1.3f;
        }
        rig.inputs = {tensorValue(randomMatrix(10, 4, 11, 1.5f))};
        testing::gradientCheck(rig, {0}, 1e-2, 3e-2);
    }

    void hardForwardUsesSameGradientPath() {
        // With the Heaviside forward the backward still yields finite, non-zero surrogate gradients.
        KernelRig rig("LIFLayer", {{"units", 4}, {"steps", 8}}, {Shape::tensor(8 * 3)});
        rig.inputs = {tensorValue(randomMatrix(24, 5, 3, 2.f))};
        rig.forward();
        for (auto& p : rig.kernel->parameters()) p.grad->setZero();
        auto g = rig.backward({Matrix::Ones(32, 5)});
        auto params = rig.kernel->parameters();
        QVERIFY(params[0].grad->allFinite());
        QVERIFY(params[0].grad->norm() > 0);
    }

    void stateRoundTripAndErrors() {
        KernelRig a("LIFLayer", {{"units", 3}, {"steps", 2}}, {Shape::tensor(4)}, 1234);
        KernelRig b("LIFLayer", {{"units", 3}, {"steps", 2}}, {Shape::tensor(4)}, 999);  // another seed
        auto* ka = static_cast<LifLayerKernel*>(a.kernel.get());
        auto* kb = static_cast<LifLayerKernel*>(b.kernel.get());
        QVERIFY(kb->W != ka->W);
        b.kernel->loadState(a.kernel->saveState());
        QCOMPARE(kb->W, ka->W);
        QCOMPARE(kb->b, ka->b);
        KernelRig c("LIFLayer", {{"units", 5}, {"steps", 2}}, {Shape::tensor(4)});
        try {
            c.kernel->loadState(a.kernel->saveState());
            QFAIL("wrong shape accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("'weight' has shape 3x2"), e.what());
        }
        try {
            KernelRig bad("LIFLayer", {{"steps", 3}}, {Shape::tensor(10)});
            QFAIL("10 rows accepted for 3 steps");
        } catch (const BuildError& e) {
            QVERIFY(QString(e.what()).contains("not a multiple of steps = 3"));
            QCOMPARE(QString::fromStdString(e.port), QString("in"));
        }
    }

    void spikingClassifierLearns() {
        // Two classes by the sign of x0 - x1; encoder → LIF(16) → LI(2), softmax CE, plain SGD.
        KernelRig enc("SpikeEncoder", {{"steps", 8}, {"mode", "direct"}}, {Shape::tensor(2)});
        KernelRig hid("LIFLayer", {{"units", 16}, {"steps", 8}, {"init_scale", 3.0}}, {Shape::tensor(16)});
        KernelRig out("LIFLayer", {{"units", 2}, {"steps", 8}, {"readout", true}}, {Shape::tensor(128)});
        Rng rng(5);
        std::uniform_real_distribution<float> u(-1.f, 1.f);
        auto batch = [&](Matrix& x, std::vector<int>& y) {
            x.resize(2, 64);
            y.resize(64);
            for (int c = 0; c < 64; ++c) {
                x(0, c) = u(rng);
                x(1, c) = u(rng);
                y[c] = x(0, c) > x(1, c);
            }
        };
        auto accuracy = [&](const Matrix& logits, const std::vector<int>& y) {
            int ok = 0;
            for (int c = 0; c < logits.cols(); ++c) ok += (logits(1, c) > logits(0, c)) == bool(y[c]);
            return double(ok) / double(logits.cols());
        };
        Matrix x;
        std::vector<int> y;
        double first = 0, last = 0;
        for (int it = 0; it < 300; ++it) {
            batch(x, y);
            enc.inputs = {tensorValue(x)};
            enc.forward();
            hid.inputs = {enc.outputs[0]};
            hid.forward();
            out.inputs = {hid.outputs[0]};
            out.forward();
            const Matrix& z = out.outputs[0].tensor;
            if (it == 0) first = accuracy(z, y);
            last = accuracy(z, y);
            Matrix g(2, 64);
            for (int c = 0; c < 64; ++c) {
                const float m = z.col(c).maxCoeff();
                const float e0 = std::exp(z(0, c) - m), e1 = std::exp(z(1, c) - m);
                g(0, c) = (e0 / (e0 + e1) - (y[c] == 0)) / 64.f;
                g(1, c) = (e1 / (e0 + e1) - (y[c] == 1)) / 64.f;
            }
            for (KernelRig* r : {&hid, &out})
                for (auto& p : r->kernel->parameters()) p.grad->setZero(p.value->rows(), p.value->cols());
            std::vector<Matrix> gh = {Matrix()};
            {
                StepContext ctx;
                std::vector<const Value*> inOut{&out.inputs[0]};
                std::vector<Matrix> gin{Matrix::Zero(128, 64)};
                out.kernel->backward(ctx, inOut, out.outputs, std::vector<Matrix>{g}, gin);
                std::vector<const Value*> inHid{&hid.inputs[0]};
                std::vector<Matrix> gin2{Matrix()};
                hid.kernel->backward(ctx, inHid, hid.outputs, gin, gin2);
            }
            for (KernelRig* r : {&hid, &out})
                for (auto& p : r->kernel->parameters()) *p.value -= 0.5f * *p.grad;
        }
        QVERIFY2(last > 0.85 && last > first, qPrintable(QString("accuracy %1 -> %2").arg(first).arg(last)));
    }

    void spikingNetworkNodeRunsCuba() {
        KernelRig rig("SpikingNetwork", {{"neurons", 1000}, {"probes", "0, 5"}}, {});
        QCOMPARE(rig.outShapes[0].features, 1000);
        Observables warm;
        rig.kernel->observe(warm);
        std::size_t fired = 0;
        for (int s = 0; s < 2000; ++s) {
            rig.forward();
            fired += rig.outputs[0].spikes.fired.size();
            QCOMPARE(rig.outputs[0].spikes.neurons, 1000);
        }
        Observables obs;
        rig.kernel->observe(obs);
        auto raster = obs.get<snn::SpikeRaster>("spikes");
        QVERIFY(raster);
        QCOMPARE(raster->spikeCount(), fired);
        QCOMPARE(int(raster->populations.size()), 2);
        QVERIFY(obs.scalars.at("rate") > 1.0 && obs.scalars.at("rate") < 30.0);
        QVERIFY(obs.scalars.at("sparsity") > 0.9);
        auto mem = obs.get<snn::MembraneTraces>("membrane");
        QVERIFY(mem);
        QCOMPARE(int(mem->values.rows()), 2);
        QCOMPARE(int(mem->values.cols()), 2000);
        // Test phase leaves the state alone.
        rig.forward(Phase::Test);
        Observables after;
        rig.kernel->observe(after);
        QCOMPARE(after.get<snn::SpikeRaster>("spikes")->endStep, raster->endStep);
        try {
            KernelRig bad("SpikingNetwork", {{"probes", "1, x"}}, {});
            QFAIL("bad probe list accepted");
        } catch (const BuildError& e) {
            QVERIFY(QString(e.what()).contains("'x'"));
        }
    }

    void poissonRateEncoder() {
        KernelRig rig("PoissonInput", {{"neurons", 3}, {"gain", 100.0}}, {Shape::tensor(3)});
        Matrix rates(3, 1);
        rates << 0.0, 2.0, 5.0;  // 0, 200, 500 Hz
        rig.inputs = {tensorValue(rates)};
        std::vector<int> count(3, 0);
        for (int s = 0; s < 10000; ++s) {
            rig.forward();
            for (auto i : rig.outputs[0].spikes.fired) ++count[i];
        }
        QCOMPARE(count[0], 0);
        QVERIFY2(std::abs(count[1] - 200) < 50 && std::abs(count[2] - 500) < 75,
                 qPrintable(QString("%1 %2").arg(count[1]).arg(count[2])));
        try {
            KernelRig bad("PoissonInput", {{"neurons", 3}}, {Shape::tensor(4)});
            QFAIL("width mismatch accepted");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("rates"));
        }
    }

    void populationDelayFollowsDt_data() {
        QTest::addColumn<double>("dt");
        QTest::addColumn<double>("delayMs");
        QTest::addColumn<int>("expectStep");
        QTest::newRow("dt 1 ms, no delay") << 1e-3 << 0.0 << 5;
        QTest::newRow("dt 1 ms, 3 ms") << 1e-3 << 3.0 << 8;
        QTest::newRow("dt 0.5 ms, 3 ms") << 5e-4 << 3.0 << 15;
    }
    void populationDelayFollowsDt() {
        QFETCH(double, dt);
        QFETCH(double, delayMs);
        QFETCH(int, expectStep);
        // Generator spike at 4.5 ms (step 4 at dt 1 ms, step 8 at 0.5 ms), one-to-one above threshold:
        // the population fires on the next step plus the delay in whole steps.
        KernelRig gen("SpikeGenerator", {{"neurons", 1}, {"spikes", "4.5:0"}}, {});
        KernelRig pop("LIFPopulation", {{"neurons", 1}, {"exc_rule", "one_to_one"}, {"exc_weight", 1.5},
                                         {"exc_delay", delayMs}},
                      {Shape::tensor(1), Shape{}, Shape{}, Shape{}});
        StepContext ctx;
        ctx.dt = dt;
        ctx.rng = &pop.rng;
        int first = -1;
        for (int s = 0; s < 40 && first < 0; ++s) {
            gen.kernel->forward(ctx, {}, gen.outputs);
            std::vector<const Value*> in{&gen.outputs[0], nullptr, nullptr, nullptr};
            pop.kernel->forward(ctx, in, pop.outputs);
            if (!pop.outputs[0].spikes.fired.empty()) first = s;
        }
        QCOMPARE(first, expectStep);
    }

    void populationNodesChain() {
        // Generator → LIFPopulation (one_to_one, weight above threshold): output one step later.
        KernelRig gen("SpikeGenerator", {{"neurons", 3}, {"spikes", "0.25:0, 0.55:2"}}, {});
        KernelRig pop("LIFPopulation", {{"neurons", 3}, {"exc_rule", "one_to_one"}, {"exc_weight", 1.5},
                                         {"refractory", 0.0}},
                      {Shape::tensor(3), Shape{}, Shape{}, Shape{}});
        pop.inputs.resize(4);
        pop.inputs[0].type = PortType::Spikes;
        std::vector<std::pair<int, int>> got;
        for (int s = 0; s < 10; ++s) {
            gen.forward();
            pop.inputs[0] = gen.outputs[0];
            StepContext ctx;
            ctx.rng = &pop.rng;
            std::vector<const Value*> in{&pop.inputs[0], nullptr, nullptr, nullptr};
            pop.kernel->forward(ctx, in, pop.outputs);
            for (auto i : pop.outputs[0].spikes.fired) got.push_back({s, i});
        }
        QCOMPARE(int(got.size()), 2);
        QCOMPARE(got[0], (std::pair<int, int>{3, 0}));
        QCOMPARE(got[1], (std::pair<int, int>{6, 2}));
        try {
            KernelRig bad("LIFPopulation", {{"neurons", 3}, {"exc_rule", "one_to_one"}},
                          {Shape::tensor(4), Shape{}, Shape{}, Shape{}});
            QFAIL("size mismatch accepted");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("exc"));
        }
        try {
            KernelRig bad("LIFPopulation", {{"rec_weight", -0.5}}, {Shape{}, Shape{}, Shape::tensor(100), Shape{}});
            QFAIL("Dale violation accepted");
        } catch (const BuildError& e) {
            QVERIFY(QString(e.what()).contains("Dale"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSnnTraining)
#include "tst_snn_training.moc"
