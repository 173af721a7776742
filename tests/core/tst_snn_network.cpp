// Small deterministic networks: exact spike timing through projections and delays, Dale's law,
// connectivity rules, STDP against the pair rule's formula, homeostasis, the CUBA network's rate,
// and the spike recorder used by rasters.
#include "core/snn/presets.h"
#include "core/snn/spike_history.h"

#include <QtTest>

#include <cmath>

using namespace ganglion::snn;

namespace {

NeuronParams gen() {
    NeuronParams p;
    p.model = Model::Generator;
    return p;
}

NeuronParams lif() {
    NeuronParams p;
    p.model = Model::LIF;
    p.vThreshold = 1.0;
    return p;
}

/// Steps at which population `pop` fired over `steps` steps.
std::vector<std::pair<std::uint64_t, int>> record(Network& net, int pop, int steps) {
    std::vector<std::pair<std::uint64_t, int>> out;
    for (int s = 0; s < steps; ++s) {
        net.step();
        for (auto i : net.fired(pop)) out.push_back({net.steps() - 1, i});
    }
    return out;
}

}  // namespace

class TestSnnNetwork : public QObject {
    Q_OBJECT
private slots:
    void chainTimingWithDelays_data() {
        QTest::addColumn<int>("delay");
        QTest::newRow("no delay") << 0;
        QTest::newRow("delay 1") << 1;
        QTest::newRow("delay 7") << 7;
    }
    void chainTimingWithDelays() {
        QFETCH(int, delay);
        // Generator spikes at steps 2 and 10 → LIF (weight above threshold) → second LIF.
        Network net;
        Population g("g", 2, gen(), Dale::Excitatory);
        g.setGeneratorSpikes({{0.00025, 0}, {0.00105, 1}});
        const int a = net.addPopulation(std::move(g));
        const int b = net.addPopulation(Population("b", 2, lif(), Dale::Excitatory));
        const int c = net.addPopulation(Population("c", 2, lif()));
        Synapses s = connect::oneToOne(2, 1.5f);
        s.delay.assign(2, std::uint16_t(delay));
        net.addProjection("a->b", a, b, s);
        net.addProjection("b->c", b, c, connect::oneToOne(2, 1.5f));
        net.prepare(1e-4, 1);
        Network copy = net;
        auto fb = record(net, b, 40);
        // Input of step n acts on the update of step n+1+delay.
        QCOMPARE(int(fb.size()), 2);
        QCOMPARE(fb[0], (std::pair<std::uint64_t, int>{std::uint64_t(3 + delay), 0}));
        QCOMPARE(fb[1], (std::pair<std::uint64_t, int>{std::uint64_t(11 + delay), 1}));
        auto fc = record(copy, c, 40);
        QCOMPARE(int(fc.size()), 2);
        QCOMPARE(fc[0].first, std::uint64_t(4 + delay));
        QCOMPARE(int(net.synapticEvents()), 4);
    }

    void sumOfInputsDecides() {
        // Two inputs of 0.6 each reach threshold only together (exact counts).
        Network net;
        Population g("g", 2, gen());
        g.setGeneratorSpikes({{0.00005, 0}, {0.00105, 0}, {0.00105, 1}});
        const int a = net.addPopulation(std::move(g));
        NeuronParams p = lif();
        p.tauMem = 1e3;  // almost no leak
        const int b = net.addPopulation(Population("b", 1, p));
        net.addProjection("ab", a, b, connect::allToAll(2, 1, 0.6f));
        net.prepare(1e-4, 1);
        auto f = record(net, b, 30);
        QCOMPARE(int(f.size()), 1);
        QCOMPARE(f[0].first, std::uint64_t(11));
    }

    void stepCurrentOnlyInsideWindow() {
        NeuronParams p = lif();
        p.tauMem = 10e-3;
        Network net;
        const int a = net.addPopulation(Population("a", 1, p));
        net.addStepCurrent({a, 0.05, 0.15, 3.0});  // v_inf = 3 > threshold during [50, 150) ms
        net.prepare(1e-4, 1);
        auto f = record(net, a, 3000);
        QVERIFY(f.size() > 10);
        // First spike τ ln(3/2) = 4.05 ms after onset; none after the current ends.
        QCOMPARE(int(f.front().first), 500 + int(std::ceil(10e-3 * std::log(1.5) / 1e-4)) - 1);
        QVERIFY(f.back().first < 1500);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, net.addStepCurrent({5, 0, 1, 1}));
    }

    void daleLawEnforced() {
        Network net;
        const int e = net.addPopulation(Population("e", 3, lif(), Dale::Excitatory));
        const int i = net.addPopulation(Population("i", 3, lif(), Dale::Inhibitory));
        try {
            net.addProjection("e->i", e, i, connect::allToAll(3, 3, -0.1f));
            QFAIL("negative excitatory weight accepted");
        } catch (const std::invalid_argument& ex) {
            QVERIFY2(QString(ex.what()).contains("Dale"), ex.what());
            QVERIFY(QString(ex.what()).contains("'e'"));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, net.addProjection("i->e", i, e, connect::allToAll(3, 3, 0.1f)));
        const int k = net.addProjection("i->e ok", i, e, connect::allToAll(3, 3, -0.1f));
        QVERIFY(net.projection(k).channel() == Channel::Inh);
        Synapses bad = connect::oneToOne(3, 0.1f);
        bad.post[1] = 9;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, net.addProjection("bad", e, i, bad));
    }

    void connectivityRules() {
        std::mt19937_64 rng(3);
        auto fid = connect::fixedInDegree(500, 200, 25, 1.f, rng, false);
        std::vector<int> in(200, 0);
        for (size_t k = 0; k < fid.size(); ++k) {
            ++in[fid.post[k]];
            QVERIFY(fid.pre[k] != fid.post[k]);
        }
        for (int d : in) QCOMPARE(d, 25);
        auto dense = connect::fixedInDegree(10, 5, 9, 1.f, rng, false);
        QCOMPARE(int(dense.size()), 45);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, connect::fixedInDegree(10, 5, 10, 1.f, rng, false));

        auto fp = connect::fixedProbability(1000, 1000, 0.05, 1.f, rng);
        QVERIFY(std::abs(double(fp.size()) - 50000.0) < 5 * std::sqrt(50000.0));
        QCOMPARE(int(connect::allToAll(4, 3, 1.f).size()), 12);
        QCOMPARE(int(connect::allToAll(4, 4, 1.f, false).size()), 12);
        QCOMPARE(int(connect::oneToOne(7, 1.f).size()), 7);

        Eigen::MatrixXf w(3, 4);
        w << 0, 1, 0, 2, 3, 0, 0, 0, 0, 0, 4, 5;
        Network net;
        const int a = net.addPopulation(Population("a", 4, lif()));
        const int b = net.addPopulation(Population("b", 3, lif()));
        const int k = net.addProjection("m", a, b, connect::fromMatrix(w));
        QCOMPARE(int(net.projection(k).synapseCount()), 5);
        QVERIFY(net.projection(k).toDense().isApprox(w));
        QCOMPARE(net.projection(k).sourceOf(0), 0);
    }

    void stdpMatchesPairRule_data() {
        QTest::addColumn<int>("lag");  // post step − pre step
        for (int lag : {-150, -30, -5, 5, 30, 150}) QTest::newRow(qPrintable(QString("lag %1").arg(lag))) << lag;
    }
    void stdpMatchesPairRule() {
        QFETCH(int, lag);
        const double dt = 1e-4;
        const int preStep = 400, driverStep = 400 + lag - 1;  // post fires one step after its driver
        Network net;
        Population pre("pre", 1, gen());
        pre.setGeneratorSpikes({{(preStep + 0.5) * dt, 0}});
        Population drv("drv", 1, gen(), Dale::Excitatory);
        drv.setGeneratorSpikes({{(driverStep + 0.5) * dt, 0}});
        const int a = net.addPopulation(std::move(pre));
        const int d = net.addPopulation(std::move(drv));
        const int post = net.addPopulation(Population("post", 1, lif()));
        const int k = net.addProjection("plastic", a, post, connect::oneToOne(1, 0.0f));
        net.addProjection("drive", d, post, connect::oneToOne(1, 5.0f));
        StdpParams sp;
        sp.enabled = true;
        sp.aPlus = 0.01;
        sp.aMinus = 0.012;
        sp.tauPlus = 20e-3;
        sp.tauMinus = 30e-3;
        sp.wMin = -1;
        sp.wMax = 1;
        net.projection(k).setStdp(sp);
        net.prepare(dt, 1);
        auto f = record(net, post, 1000);
        QCOMPARE(int(f.size()), 1);
        QCOMPARE(int(f[0].first), preStep + lag);
        const double delta = lag * dt;
        const double expect = delta > 0 ? sp.aPlus * std::exp(-delta / sp.tauPlus)
                                        : -sp.aMinus * std::exp(delta / sp.tauMinus);
        QVERIFY2(std::abs(net.projection(k).weights()[0] - expect) < 1e-6,
                 qPrintable(QString("dw %1 expected %2").arg(net.projection(k).weights()[0]).arg(expect)));
        // Learning off: weight frozen.
        Network frozen = net;
        frozen.prepare(dt, 1);
        frozen.setLearning(false);
        frozen.run(0.1);
        QCOMPARE(frozen.projection(k).weights()[0], net.projection(k).weights()[0]);
    }

    void homeostasisPullsRateToTarget_data() {
        QTest::addColumn<double>("bias");
        QTest::addColumn<bool>("shouldGrow");
        QTest::newRow("too active") << 1.3 << false;
        QTest::newRow("silent") << 0.0 << true;
    }
    void homeostasisPullsRateToTarget() {
        QFETCH(double, bias);
        QFETCH(bool, shouldGrow);
        NeuronParams in;
        in.model = Model::Poisson;
        in.rate = 20;
        NeuronParams p = lif();
        p.bias = bias;
        Network net;
        const int a = net.addPopulation(Population("in", 50, in, Dale::Excitatory));
        const int b = net.addPopulation(Population("out", 5, p));
        const int k = net.addProjection("ab", a, b, connect::allToAll(50, 5, 0.01f));
        HomeostasisParams hp;
        hp.enabled = true;
        hp.targetRate = 5;
        hp.tauRate = 0.2;
        hp.eta = 0.02;
        net.projection(k).setHomeostasis(hp);
        net.prepare(1e-4, 2);
        net.run(1.0);
        const float w = net.projection(k).weights()[0];
        QVERIFY2(shouldGrow ? w > 0.01f : w < 0.01f, qPrintable(QString("w %1").arg(w)));
    }

    void cubaRateNearReference() {
        CubaConfig c;
        Network net = buildCuba(c, 1e-4, 1);
        QCOMPARE(net.populationCount(), 2);
        QCOMPARE(net.population(0).size(), 3200);
        QVERIFY(std::abs(double(net.synapseCount()) - 320000.0) < 5000.0);
        net.run(0.5);
        const double rate = double(net.totalSpikes()) / 4000 / 0.5;
        // Brian2's CUBA example settles near 5.7 Hz.
        QVERIFY2(rate > 3.5 && rate < 8.5, qPrintable(QString("rate %1 Hz").arg(rate)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, [] { CubaConfig bad; bad.excFraction = 1.5; buildCuba(bad, 1e-4, 1); }());
    }

    void threadsGiveIdenticalResults_data() {
        QTest::addColumn<bool>("plastic");
        QTest::newRow("CUBA") << false;
        QTest::newRow("delays+STDP+Poisson") << true;
    }
    void threadsGiveIdenticalResults() {
        // The same seed on 1 and 2 threads: every chunk's last spikes, the spike and event counts,
        // and the membrane potentials and (plastic) weights bit for bit. Chaotic dynamics turn any
        // difference in a single sum into different spike trains within a few steps.
        QFETCH(bool, plastic);
        auto build = [&](int threads, bool adaptive) {
            Network net;
            if (!plastic) {
                CubaConfig c;
                net = buildCuba(c, 1e-4, 7);
            } else {
                NeuronParams poisson;
                poisson.model = Model::Poisson;
                poisson.rate = 20.0;
                NeuronParams cuba;
                cuba.model = Model::CubaLIF;
                cuba.tauMem = 10e-3;
                cuba.refractory = 2e-3;
                const int in = net.addPopulation(Population("in", 500, poisson, Dale::Excitatory));
                const int out = net.addPopulation(Population("out", 2001, cuba, Dale::Excitatory));
                std::mt19937_64 rng(3);
                Synapses ff = connect::fixedProbability(500, 2001, 0.05, 0.3f, rng);
                Synapses rec = connect::fixedInDegree(2001, 2001, 20, 0.05f, rng, false);
                std::uniform_int_distribution<int> d(0, 6);
                for (Synapses* s : {&ff, &rec}) {
                    s->delay.resize(s->size());
                    for (auto& x : s->delay) x = std::uint16_t(d(rng));
                }
                std::uniform_real_distribution<float> u(0.02f, 0.08f);
                for (auto& w : rec.weight) w = u(rng);
                const int k = net.addProjection("ff", in, out, ff);
                net.addProjection("rec", out, out, rec);
                StdpParams sp;
                sp.enabled = true;
                sp.wMax = 0.6;
                net.projection(k).setStdp(sp);
                net.prepare(1e-4, 11);
            }
            // Unequal weights, so that the order of a target's sum matters.
            std::mt19937_64 jitter(5);
            std::uniform_real_distribution<float> f(0.9f, 1.1f);
            for (int k = 0; k < net.projectionCount(); ++k)
                for (auto& w : net.projection(k).weights()) w *= f(jitter);
            net.setThreads(threads, adaptive);
            return net;
        };
        // `mixed` switches between 1 and 2 threads by chunk, whichever is faster on this machine.
        Network one = build(1, false), two = build(2, false), mixed = build(2, true);
        mixed.runSteps(2400);
        for (int chunk = 0; chunk < 6; ++chunk) {
            one.runSteps(400);
            two.runSteps(400);
            QCOMPARE(two.threadsUsed(), 2);
            for (int p = 0; p < one.populationCount(); ++p) {
                QCOMPARE(two.fired(p), one.fired(p));
                QCOMPARE(two.spikeCount(p), one.spikeCount(p));
                QVERIFY(two.population(p).v() == one.population(p).v());
            }
            QCOMPARE(two.synapticEvents(), one.synapticEvents());
        }
        QCOMPARE(one.threadsUsed(), 1);
        QVERIFY(one.totalSpikes() > 1000);
        QCOMPARE(mixed.totalSpikes(), one.totalSpikes());
        QVERIFY(mixed.population(0).v() == one.population(0).v());
        for (int k = 0; k < one.projectionCount(); ++k)
            QVERIFY(two.projection(k).weights() == one.projection(k).weights());
        if (plastic) {  // STDP did change the weights
            const auto& w = one.projection(0).weights();
            QVERIFY(*std::min_element(w.begin(), w.end()) < *std::max_element(w.begin(), w.end()));
        }
    }

    void recorderKeepsHistoryAndIsImmutable() {
        SpikeRecorder rec({"a", "b"}, {0, 10, 15}, 1e-3, 50, 20);
        for (std::uint64_t s = 0; s < 130; ++s) {
            rec.beginStep(s);
            rec.add(0, {int(s % 10)});
            if (s % 2 == 0) rec.add(1, {2});
            rec.endStep();
        }
        auto r = rec.raster();
        QVERIFY(r->endStep == 130);
        QVERIFY(r->firstStep <= 80);
        QVERIFY(r->firstStep >= 60);
        int count = 0, bSpikes = 0;
        r->forEach(100, 110, [&](std::uint64_t s, int n) {
            ++count;
            if (n == 12) { ++bSpikes; QVERIFY(s % 2 == 0); }
            QCOMPARE(r->populationOf(n), n >= 10 ? 1 : 0);
        });
        QCOMPARE(count, 15);
        QCOMPARE(bSpikes, 5);
        // A published raster does not change when recording continues.
        const auto before = r->spikeCount();
        rec.beginStep(130);
        rec.add(0, {1, 2, 3});
        rec.endStep();
        QCOMPARE(r->spikeCount(), before);

        TraceRecorder tr;
        tr.setProbes({4, 7}, 5);
        for (std::uint64_t s = 0; s < 8; ++s) tr.record(s, {float(s), -float(s)});
        auto t = tr.traces(1e-3);
        QCOMPARE(int(t->values.cols()), 5);
        QCOMPARE(t->firstStep, std::uint64_t(3));
        QCOMPARE(t->values(0, 0), 3.f);
        QCOMPARE(t->values(1, 4), -7.f);
    }
};

QTEST_GUILESS_MAIN(TestSnnNetwork)
#include "tst_snn_network.moc"
