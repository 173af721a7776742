// Single-neuron analytic cases for the spiking simulator: time to first spike vs closed form,
// exact exponential integration, refractoriness, adaptation, Poisson and generator sources.
#include "core/snn/network.h"

#include <QtTest>

#include <cmath>

using namespace ganglion::snn;

namespace {

/// One neuron with constant bias; returns the step times (end of step, s) of its spikes.
std::vector<double> spikeTimes(NeuronParams p, double dt, double seconds) {
    Network net;
    net.addPopulation(Population("n", 1, p));
    net.prepare(dt, 1);
    std::vector<double> t;
    const auto steps = std::uint64_t(std::llround(seconds / dt));
    for (std::uint64_t s = 0; s < steps; ++s) {
        net.step();
        if (!net.fired(0).empty()) t.push_back(net.time());
    }
    return t;
}

}  // namespace

class TestSnnNeuron : public QObject {
    Q_OBJECT
private slots:
    void lifFirstSpike_data() {
        QTest::addColumn<double>("bias");
        QTest::addColumn<double>("tau");
        QTest::addColumn<double>("dt");
        QTest::newRow("I=1.5 tau=20ms") << 1.5 << 20e-3 << 1e-4;
        QTest::newRow("I=1.1 tau=10ms") << 1.1 << 10e-3 << 1e-4;
        QTest::newRow("I=3 tau=20ms coarse dt") << 3.0 << 20e-3 << 1e-3;
    }
    void lifFirstSpike() {
        QFETCH(double, bias);
        QFETCH(double, tau);
        QFETCH(double, dt);
        NeuronParams p;
        p.model = Model::LIF;
        p.tauMem = tau;
        p.bias = bias;
        p.vThreshold = 1.0;
        // v(t) = I(1 − e^{−t/τ}) crosses 1 at T = τ ln(I/(I−1)); detected at the end of that step.
        const double T = tau * std::log(bias / (bias - 1.0));
        auto t = spikeTimes(p, dt, 5 * T);
        QVERIFY(t.size() >= 2);
        QCOMPARE(t[0], std::ceil(T / dt - 1e-6) * dt);
        // No refractory period: every interval equals the first (reset to 0 = initial state).
        QVERIFY(std::abs((t[1] - t[0]) - t[0]) < 1e-9);
    }

    void refractoryLengthensInterval() {
        NeuronParams p;
        p.bias = 1.5;
        p.refractory = 5e-3;
        const double dt = 1e-4;
        auto t = spikeTimes(p, dt, 0.2);
        const double T = 20e-3 * std::log(3.0);
        QVERIFY(t.size() > 3);
        for (size_t k = 1; k < t.size(); ++k)
            QVERIFY2(std::abs((t[k] - t[k - 1]) - (std::ceil(T / dt - 1e-6) * dt + 5e-3)) < 1e-9,
                     qPrintable(QString("interval %1").arg(t[k] - t[k - 1])));
    }

    void ifIntegratesLinearly() {
        NeuronParams p;
        p.model = Model::IF;
        p.bias = 2.0;  // dv/dt = 2/s -> threshold 1 after 0.5 s
        p.vThreshold = 1.0;
        auto t = spikeTimes(p, 1e-3, 1.2);
        QCOMPARE(int(t.size()), 2);
        QVERIFY(std::abs(t[0] - 0.501) < 1e-9 || std::abs(t[0] - 0.5) < 1e-9);
    }

    void liNeverSpikes() {
        NeuronParams p;
        p.model = Model::LI;
        p.bias = 5.0;
        auto t = spikeTimes(p, 1e-4, 0.1);
        QVERIFY(t.empty());
    }

    void cubaExactIntegration() {
        // A single synaptic jump w at t=0: v(t) = w r τs/(τs−τm)(e^{−t/τs} − e^{−t/τm}).
        NeuronParams p;
        p.model = Model::CubaLIF;
        p.tauMem = 20e-3;
        p.tauExc = 5e-3;
        p.vThreshold = 100.0;
        p.r = 2.0;
        Network net;
        net.addPopulation(Population("n", 1, p));
        net.prepare(1e-4, 1);
        net.population(0).inExc()[0] = 3.0f;
        for (int s = 1; s <= 400; ++s) {
            net.step();
            const double t = s * 1e-4;
            const double expect = 3.0 * 2.0 * 5e-3 / (5e-3 - 20e-3) * (std::exp(-t / 5e-3) - std::exp(-t / 20e-3));
            QVERIFY2(std::abs(net.population(0).v()[0] - expect) < 1e-4,
                     qPrintable(QString("t=%1 v=%2 expected %3").arg(t).arg(net.population(0).v()[0]).arg(expect)));
        }
        // Same answer with a 10x larger step: the integration is exact, not Euler.
        Network coarse;
        coarse.addPopulation(Population("n", 1, p));
        coarse.prepare(1e-3, 1);
        coarse.population(0).inExc()[0] = 3.0f;
        for (int s = 0; s < 40; ++s) coarse.step();
        QVERIFY(std::abs(coarse.population(0).v()[0] - net.population(0).v()[0]) < 1e-4);
    }

    void adaptationSlowsFiring() {
        NeuronParams p;
        p.model = Model::AdaptiveLIF;
        p.bias = 2.0;
        p.adaptIncrement = 0.3;
        p.tauAdapt = 200e-3;
        auto t = spikeTimes(p, 1e-4, 0.5);
        QVERIFY(t.size() > 4);
        QVERIFY((t[3] - t[2]) > (t[1] - t[0]) * 1.2);
    }

    void heterogeneousThresholds() {
        NeuronParams p;
        p.bias = 1.5;
        Network net;
        net.addPopulation(Population("n", 2, p));
        Heterogeneity h;
        h.vThreshold = {1.0f, 1.2f};
        net.population(0).setHeterogeneity(h);
        net.prepare(1e-4, 1);
        net.run(0.05);
        // Threshold 1.2 is reached later: T = τ ln(1.5/0.3) = 32.2 ms vs 22.0 ms.
        QCOMPARE(int(net.spikeCount(0)), 3);
        bool bad = false;
        try {
            Heterogeneity wrong;
            wrong.vLeak = {0.f, 0.f, 0.f};
            net.population(0).setHeterogeneity(wrong);
        } catch (const std::invalid_argument& e) {
            bad = QString(e.what()).contains("3 values for 2 neurons");
        }
        QVERIFY(bad);
    }

    void poissonRate() {
        NeuronParams p;
        p.model = Model::Poisson;
        p.rate = 20.0;
        Network net;
        net.addPopulation(Population("in", 1000, p));
        net.prepare(1e-4, 7);
        net.run(1.0);
        const double rate = double(net.spikeCount(0)) / 1000.0;
        QVERIFY2(std::abs(rate - 20.0) < 1.0, qPrintable(QString("rate %1").arg(rate)));
    }

    void generatorReplaysExactly() {
        NeuronParams p;
        p.model = Model::Generator;
        Population g("g", 3, p);
        g.setGeneratorSpikes({{0.0025, 1}, {0.0005, 0}, {0.0025, 2}});
        Network net;
        net.addPopulation(std::move(g));
        net.prepare(1e-3, 1);
        std::vector<std::pair<std::uint64_t, int>> got;
        for (int s = 0; s < 5; ++s) {
            net.step();
            for (auto i : net.fired(0)) got.push_back({net.steps() - 1, i});
        }
        QCOMPARE(int(got.size()), 3);
        QCOMPARE(got[0], (std::pair<std::uint64_t, int>{0, 0}));
        QCOMPARE(got[1].first, std::uint64_t(2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Population("g", 2, p).setGeneratorSpikes({{0.1, 5}}));
    }

    void badParametersRejected() {
        NeuronParams p;
        p.tauMem = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Population("x", 3, p));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Population("x", 0, NeuronParams{}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, modelFromName("Hodgkin"));
    }
};

QTEST_GUILESS_MAIN(TestSnnNeuron)
#include "tst_snn_neuron.moc"
