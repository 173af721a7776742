// The biologically motivated optimisers chosen on the Loss node (core/engine/bio_optimizers.h):
// exponentiated gradient keeps every weight's sign and descends a convex loss, its Langevin noise
// makes log|w| spread like a random walk; CLASSP's step sizes shrink with a weight's past updates
// and a weight below the gradient threshold does not move; both optimisers' state survives an
// engine save/load exactly; bad parameter values are refused, naming the parameter.
#include "core/engine/engine.h"
#include "core/engine/optimizer.h"
#include "core/graph/graph.h"
#include "core/graph/json_io.h"
#include "core/model/weight_stats.h"

#include <QtTest>

#include <cmath>
#include <numeric>
#include <random>

using namespace ganglion;

namespace {

constexpr int kDaleSteps = 600;          // steps of the example checked
constexpr double kDaleLossFall = 0.75;    // the EG loss after them, at most this share of the first
constexpr int kDaleTailSteps = 2000;      // steps after which EG's weights are heavier-tailed than Adam's
constexpr double kDaleKurtosisGap = 5.0;  // by at least this much excess kurtosis of w (measured 9, 13)

Matrix randomMatrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng, float scale) {
    std::normal_distribution<float> n(0.f, scale);
    Matrix m(rows, cols);
    for (Eigen::Index k = 0; k < m.size(); ++k) m(k) = n(rng);
    return m;
}

OptimizerConfig config(const std::string& kind, double lr) {
    OptimizerConfig c;
    c.kind = kind;
    c.learningRate = lr;
    return c;
}

/// Mean and standard deviation of log|w| over the non-zero entries.
std::pair<double, double> logMagnitudeStats(const Matrix& w) {
    double sum = 0, sq = 0;
    int n = 0;
    for (Eigen::Index k = 0; k < w.size(); ++k)
        if (w(k) != 0.f) {
            const double l = std::log(std::abs(double(w(k))));
            sum += l;
            sq += l * l;
            ++n;
        }
    const double mean = sum / n;
    return {mean, std::sqrt(std::max(0.0, sq / n - mean * mean))};
}

/// FormulaData (full batch, fixed order: every run sees the same batches) → Dense → tanh → Dense → MSE.
Graph regressionGraph(const std::string& optimizer) {
    Graph g;
    const NodeId data = g.addNode("FormulaData", 0, 0);
    const NodeId h = g.addNode("Dense", 200, 0);
    const NodeId act = g.addNode("Activation", 400, 0);
    const NodeId out = g.addNode("Dense", 600, 0);
    const NodeId loss = g.addNode("Loss", 800, 0);
    g.setParam(data, "train_samples", std::int64_t(64));
    g.setParam(data, "test_samples", std::int64_t(16));
    g.setParam(h, "units", std::int64_t(8));
    g.setParam(act, "function", std::string("tanh"));
    g.setParam(out, "units", std::int64_t(1));
    g.setParam(loss, "loss", std::string("mse"));
    g.setParam(loss, "optimizer", optimizer);
    g.connect({data, "x"}, {h, "in"});
    g.connect({h, "out"}, {act, "in"});
    g.connect({act, "out"}, {out, "in"});
    g.connect({out, "out"}, {loss, "pred"});
    g.connect({data, "y"}, {loss, "target"});
    return g;
}

/// Every kernel's learned state (the weights), without the optimiser's entries.
std::map<std::string, KernelState> weightsOf(const Engine& e) {
    auto all = e.saveState();
    for (auto& [node, st] : all) std::erase_if(st, [](const auto& kv) { return kv.first.starts_with("optimizer."); });
    std::erase_if(all, [](const auto& kv) { return kv.second.empty(); });
    return all;
}

}  // namespace

class TestOptimizersBio : public QObject {
    Q_OBJECT
private slots:
    void egNeverFlipsASign_data() {
        QTest::addColumn<double>("noise");
        QTest::addColumn<double>("lr");
        QTest::addColumn<double>("drift");
        QTest::newRow("plain") << 0.0 << 0.05 << 0.0;
        QTest::newRow("langevin") << 0.5 << 0.05 << 0.0;
        QTest::newRow("large steps") << 0.0 << 0.5 << 0.0;
        QTest::newRow("pushed to zero") << 0.0 << 1.0 << 3.0;  // log|w| falls by 3 per step: far below FLT_MIN
        QTest::newRow("pushed to zero, noisy") << 0.5 << 1.0 << 3.0;
    }

    void egNeverFlipsASign() {
        // 1,000 steps of random gradients (plus `drift`·sign(w), pushing every weight towards
        // zero): no weight crosses zero or underflows to it, and the entries that start at exactly
        // zero stay zero.
        QFETCH(double, noise);
        QFETCH(double, lr);
        QFETCH(double, drift);
        std::mt19937 rng(7);
        Matrix w = randomMatrix(16, 8, rng, 0.5f), g(16, 8);
        for (int k = 0; k < 8; ++k) w(k, k) = 0.f;
        const Matrix start = w;
        OptimizerConfig cfg = config("eg", lr);
        cfg.langevinNoise = noise;
        Optimizer opt({{"weight", &w, &g}}, cfg, 11);
        for (int s = 0; s < 1000; ++s) {
            opt.zeroGrad();
            g = randomMatrix(16, 8, rng, 1.f) + float(drift) * w.array().sign().matrix();
            opt.step();
            QVERIFY(w.allFinite());
        }
        QVERIFY((w.array().sign() == start.array().sign()).all());
        QVERIFY((w - start).cwiseAbs().maxCoeff() > 1e-3f);  // it did move
    }

    void egReducesAConvexLoss() {
        // L = ½‖w − t‖². Where t has w's sign EG converges to it; where t has the other sign the
        // weight shrinks towards 0 (the closest point that keeps its sign) without crossing.
        std::mt19937 rng(3);
        Matrix w = randomMatrix(10, 10, rng, 1.f), g(10, 10);
        Matrix t = 0.3f * w.array().sign().matrix();
        t.col(0) = -t.col(0);  // ten targets across zero
        const Matrix start = w;
        const auto loss = [&] { return 0.5 * double((w - t).squaredNorm()); };
        const double before = loss();
        Optimizer opt({{"weight", &w, &g}}, config("eg", 0.1), 1);
        for (int s = 0; s < 800; ++s) {
            opt.zeroGrad();
            g = w - t;
            opt.step();
        }
        QVERIFY((w.array().sign() == start.array().sign()).all());
        for (Eigen::Index k = 10; k < w.size(); ++k) QVERIFY2(std::abs(w(k) - t(k)) < 1e-3f, qPrintable(QString::number(k)));
        for (Eigen::Index k = 0; k < 10; ++k) QVERIFY(std::abs(w(k)) < 1e-2f);
        const double floor = 0.5 * double(t.col(0).squaredNorm());  // the crossing targets' residual
        QVERIFY2(loss() < floor + 1e-3 && loss() < 0.2 * before, qPrintable(QString("%1 → %2").arg(before).arg(loss())));
    }

    void egBiasesTakeSgdSteps() {
        // A bias (name ending in "bias") starts at 0 and must be able to move: plain SGD, sign free.
        Matrix w = Matrix::Constant(2, 1, 0.5f), gw(2, 1), b = Matrix::Zero(2, 1), gb(2, 1);
        Optimizer opt({{"Hidden.weight", &w, &gw}, {"Hidden.bias", &b, &gb}}, config("eg", 0.1), 1);
        opt.zeroGrad();
        gw << 1.f, -1.f;
        gb << 1.f, -1.f;
        opt.step();
        QCOMPARE(b(0), -0.1f);
        QCOMPARE(b(1), 0.1f);
        QCOMPARE(w(0), float(0.5 * std::exp(-0.1)));
        QCOMPARE(w(1), float(0.5 * std::exp(0.1)));
    }

    void egNoiseGivesLogNormalWeights() {
        // No gradient, multiplicative noise only: log|w| is a random walk with variance σ²·η per
        // step, so after n steps its spread is σ·√(η·n) around where it started, its distribution
        // symmetric (normal: |w| log-normal) while w itself is strongly skewed; signs are kept.
        const double sigma = 1.0, lr = 0.01;
        const int steps = 400;
        Matrix w(40, 50), g(40, 50);
        for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = k % 2 ? 0.1f : -0.1f;
        const Matrix start = w;
        OptimizerConfig cfg = config("eg", lr);
        cfg.langevinNoise = sigma;
        Optimizer opt({{"weight", &w, &g}}, cfg, 5);
        double spreadHalfway = 0;
        for (int s = 0; s < steps; ++s) {
            opt.zeroGrad();
            opt.step();
            if (s + 1 == steps / 2) spreadHalfway = logMagnitudeStats(w).second;
        }
        const auto [mean, spread] = logMagnitudeStats(w);
        const double expected = sigma * std::sqrt(lr * steps);  // 2
        QVERIFY2(std::abs(spread - expected) < 0.1 * expected, qPrintable(QString("spread %1, expected %2").arg(spread).arg(expected)));
        QVERIFY(spread > 1.3 * spreadHalfway);  // √2 ratio of a random walk
        QVERIFY2(std::abs(mean - std::log(0.1)) < 0.15, qPrintable(QString::number(mean)));
        double skewLog = 0, skewMag = 0;
        const Eigen::ArrayXf mags = w.cwiseAbs().reshaped().array();
        const double mMean = mags.mean(), mStd = std::sqrt((mags - float(mMean)).square().mean());
        for (Eigen::Index k = 0; k < w.size(); ++k) {
            skewLog += std::pow((std::log(mags(k)) - mean) / spread, 3);
            skewMag += std::pow((mags(k) - mMean) / mStd, 3);
        }
        skewLog /= double(w.size());
        skewMag /= double(w.size());
        QVERIFY2(std::abs(skewLog) < 0.25, qPrintable(QString::number(skewLog)));
        QVERIFY2(skewMag > 3.0, qPrintable(QString::number(skewMag)));
        QVERIFY((w.array().sign() == start.array().sign()).all());
    }

    void classpStepsShrinkWithPastUpdates_data() {
        QTest::addColumn<double>("power");
        QTest::newRow("p=2 (AdaGrad)") << 2.0;
        QTest::newRow("p=1") << 1.0;
        QTest::newRow("p=3") << 3.0;
    }

    void classpStepsShrinkWithPastUpdates() {
        // Weight 0 gets a unit gradient every step, weight 1 every tenth step. After k updates of
        // |g| = 1 the (k+1)-th step is η/(k+1)^(1/p): the frequent weight slows down, the rare one
        // keeps most of its step size.
        QFETCH(double, power);
        const float lr = 0.1f;
        Matrix w = Matrix::Zero(2, 1), g(2, 1);
        OptimizerConfig cfg = config("classp", lr);
        cfg.classpPower = power;
        Optimizer opt({{"weight", &w, &g}}, cfg);
        int updates[2] = {0, 0};
        float lastStep[2] = {0.f, 0.f};
        for (int s = 0; s < 100; ++s) {
            opt.zeroGrad();
            g(0) = -1.f;
            g(1) = s % 10 == 9 ? -1.f : 0.f;
            const Matrix before = w;
            opt.step();
            for (int i = 0; i < 2; ++i) {
                if (g(i) == 0.f) {
                    QCOMPARE(w(i), before(i));
                    continue;
                }
                const float step = w(i) - before(i);
                ++updates[i];
                const double expected = lr / std::pow(1e-8 + updates[i], 1.0 / power);
                QVERIFY2(std::abs(step - expected) < 1e-4 * expected,
                         qPrintable(QString("weight %1 update %2: %3 vs %4").arg(i).arg(updates[i]).arg(step).arg(expected)));
                if (updates[i] > 1) QVERIFY(step < lastStep[i]);
                lastStep[i] = step;
            }
        }
        QCOMPARE(updates[1], 10);
        QVERIFY(lastStep[0] < 0.7f * lastStep[1]);  // same gradient, the often-updated weight moves less
    }

    void classpThresholdHoldsSmallGradients() {
        // Gradients at or below the threshold move nothing and leave no trace: the first gradient
        // above it takes the full first step η·g/|g|.
        Matrix w = Matrix::Constant(3, 1, 0.5f), g(3, 1);
        OptimizerConfig cfg = config("classp", 0.1);
        cfg.classpThreshold = 0.2;
        Optimizer opt({{"weight", &w, &g}}, cfg);
        std::mt19937 rng(2);
        std::uniform_real_distribution<float> small(-0.2f, 0.2f);
        for (int s = 0; s < 200; ++s) {
            opt.zeroGrad();
            g << small(rng), small(rng), 0.2f;
            opt.step();
        }
        QVERIFY((w.array() == 0.5f).all());
        opt.zeroGrad();
        g << 0.5f, 0.f, -3.f;
        opt.step();
        QCOMPARE(w(0), 0.5f - 0.1f);
        QCOMPARE(w(1), 0.5f);
        QCOMPARE(w(2), 0.5f + 0.1f);
    }

    void stateRoundTrip_data() {
        QTest::addColumn<QString>("optimizer");
        QTest::addColumn<double>("noise");
        QTest::newRow("eg with noise") << "eg" << 0.3;
        QTest::newRow("classp") << "classp" << 0.0;
    }

    void stateRoundTrip() {
        // Train 30 steps, save, load into a fresh engine, train 30 more: the same weights as 60
        // uninterrupted steps. Without the optimiser's entries the continuation differs (the test
        // can tell), and a malformed noise generator entry is refused by name.
        QFETCH(QString, optimizer);
        QFETCH(double, noise);
        Graph g = regressionGraph(optimizer.toStdString());
        const NodeId loss = g.nodeByName("Loss")->id;
        QVERIFY(!g.setParam(loss, "langevin_noise", noise));
        QVERIFY(!g.setParam(loss, "classp_threshold", 1e-4));
        QVERIFY(!g.setParam(loss, "learning_rate", 0.02));
        Engine whole, first, resumed, forgetful;
        for (Engine* e : {&whole, &first, &resumed, &forgetful}) {
            const auto issues = e->build(g);
            QVERIFY2(e->ok(), formatIssues(issues).c_str());
        }
        for (int s = 0; s < 60; ++s) QVERIFY2(whole.step(), whole.error().c_str());
        for (int s = 0; s < 30; ++s) QVERIFY2(first.step(), first.error().c_str());
        const auto saved = first.saveState();
        QVERIFY(saved.count("Loss"));
        const KernelState& opt = saved.at("Loss");
        if (optimizer == "eg") QVERIFY(opt.count("optimizer.eg/noise_rng"));
        else QCOMPARE(int(opt.size()), 4);  // S of Dense.weight, Dense.bias, Dense 2.weight, Dense 2.bias
        resumed.loadState(saved);
        forgetful.loadState(weightsOf(first));
        for (int s = 0; s < 30; ++s) {
            QVERIFY2(resumed.step(), resumed.error().c_str());
            QVERIFY2(forgetful.step(), forgetful.error().c_str());
        }
        const auto expected = weightsOf(whole);
        QVERIFY(!expected.empty());
        bool forgot = false;
        for (const auto& [node, st] : expected)
            for (const auto& [key, m] : st) {
                QVERIFY2(weightsOf(resumed).at(node).at(key) == m, qPrintable(QString::fromStdString(node + "/" + key)));
                forgot = forgot || weightsOf(forgetful).at(node).at(key) != m;
            }
        QVERIFY(forgot);

        if (optimizer == "eg") {
            auto bad = saved;
            bad["Loss"]["optimizer.eg/noise_rng"] = Matrix::Constant(4, 1, 0.5f);
            try {
                resumed.loadState(bad);
                QFAIL("a malformed noise generator was loaded");
            } catch (const std::runtime_error& e) {
                QVERIFY2(QString(e.what()).contains("optimizer.eg/noise_rng"), e.what());
            }
        } else {
            // A resized layer's accumulated sums start afresh instead of failing the whole load.
            auto resized = saved;
            resized["Loss"].begin()->second = Matrix::Ones(3, 3);
            resumed.loadState(resized);
            QVERIFY(resumed.step());
        }
    }

    void badParametersAreRefusedByName_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("negative noise") << "langevin_noise" << QVariant(-0.1);
        QTest::newRow("huge noise") << "langevin_noise" << QVariant(100.0);
        QTest::newRow("negative threshold") << "classp_threshold" << QVariant(-1.0);
        QTest::newRow("power too small") << "classp_power" << QVariant(0.1);
        QTest::newRow("nan power") << "classp_power" << QVariant(std::nan(""));
        QTest::newRow("unknown optimiser") << "optimizer" << QVariant("egd");
    }

    void badParametersAreRefusedByName() {
        QFETCH(QString, param);
        QFETCH(QVariant, value);
        Graph g = regressionGraph("eg");
        const NodeId loss = g.nodeByName("Loss")->id;
        const ParamValue v = value.typeId() == QMetaType::QString ? ParamValue(value.toString().toStdString())
                                                                   : ParamValue(value.toDouble());
        const auto err = g.setParam(loss, param.toStdString(), v);
        QVERIFY(err);
        QVERIFY2(QString::fromStdString(*err).contains("'" + param + "'"), err->c_str());
        Engine e;
        e.build(regressionGraph("eg"));
        QVERIFY(e.ok());
        QVERIFY(!e.setParam(loss, param.toStdString(), v));  // the running engine refuses it too
        QVERIFY(e.step());
    }

    void weightHistogramCountsLikeAHand() {
        // 6 weights over [-1, 3] in 4 bins of width 1: [-1,0) holds -1 and -0.25, [0,1) holds 0, 0.5
        // and 0.75, [2,3] holds 3
        const float w[] = {-1.f, -0.25f, 0.f, 0.5f, 0.75f, 3.f};
        const WeightStats s = computeWeightStats(w, 6, nullptr, 4);
        QCOMPARE(s.counts, (std::vector<int>{2, 3, 0, 1}));
        QCOMPARE(s.lo, -1.0);
        QCOMPARE(s.hi, 3.0);
        QCOMPARE(s.total, 6LL);
        QCOMPARE(s.positive, 3LL);
        QCOMPARE(s.negative, 2LL);
        QCOMPARE(s.zero, 1LL);
        QCOMPARE(s.excitatoryFraction(), 0.5);
        QCOMPARE(s.flips, 0LL);  // no start signs given
        // excess kurtosis by hand: mean 0.5, deviations -1.5 -0.75 -0.5 0 0.25 2.5
        const double m2 = (2.25 + 0.5625 + 0.25 + 0 + 0.0625 + 6.25) / 6;
        const double m4 = (5.0625 + 0.31640625 + 0.0625 + 0 + 0.00390625 + 39.0625) / 6;
        QVERIFY(std::abs(s.kurtosis - (m4 / (m2 * m2) - 3)) < 1e-9);
        // all weights equal: one bin around them, nothing lost
        const float same[] = {0.5f, 0.5f, 0.5f};
        const WeightStats e = computeWeightStats(same, 3, nullptr, 5);
        QVERIFY(e.hi > e.lo);
        QCOMPARE(std::accumulate(e.counts.begin(), e.counts.end(), 0), 3);
        // a diverged weight (NaN, ±inf) is counted apart and binned nowhere
        const float bad[] = {std::nanf(""), INFINITY, 1.f, -1.f};
        const WeightStats d = computeWeightStats(bad, 4, nullptr, 2);
        QCOMPARE(d.nonFinite, 2LL);
        QCOMPARE(d.counts, (std::vector<int>{1, 1}));
        QCOMPARE(d.logPositive[0] + d.logPositive[1] + d.logNegative[0] + d.logNegative[1], 2);
        QVERIFY(std::isfinite(d.kurtosis) && std::isfinite(d.sdLog));
    }

    void weightHistogramBinsLogMagnitudesBySign() {
        // log10|w| = -2, -1.52, -0.52, 0.48, 1.48, 2 over [-2, 2] in 4 bins of one decade each
        const float w[] = {-0.01f, 0.03f, -0.3f, 3.f, 30.f, 100.f, 0.f};
        const WeightStats s = computeWeightStats(w, 7, nullptr, 4);
        QVERIFY(std::abs(s.logLo + 2) < 1e-6);
        QVERIFY(std::abs(s.logHi - 2) < 1e-6);
        QCOMPARE(s.logPositive, (std::vector<int>{1, 0, 1, 2}));  // 0.03 | – | 3 | 30, 100
        QCOMPARE(s.logNegative, (std::vector<int>{1, 1, 0, 0}));  // -0.01 | -0.3
        QCOMPARE(s.zero, 1LL);                                     // the zero has no logarithm
        const double logs[] = {-2, std::log10(0.03), std::log10(0.3), std::log10(3.), std::log10(30.), 2};
        double mean = 0;
        for (double l : logs) mean += l / 6;
        QVERIFY(std::abs(s.meanLog - mean) < 1e-6);
    }

    void signWatchCountsFlipsFromTheStart() {
        // flips: +1 → -1 and -0.5 → +0.5; a weight that reaches 0 or leaves 0 flips nothing
        const float start[] = {1.f, -1.f, 0.5f, -0.5f, 0.f};
        const float now[] = {-1.f, -1.f, 0.f, 0.5f, 2.f};
        WeightSignWatch watch;
        watch.start(start, 5);
        Observables obs;
        watch.publish(obs, now, 5);
        const auto s = obs.get<WeightStats>(kWeightStats);
        QVERIFY(s);
        QCOMPARE(s->flips, 2LL);
        QCOMPARE(obs.scalars.at("sign_flips"), 2.0);
        QCOMPARE(obs.scalars.at("excitatory_fraction"), 0.4);
        Observables same;
        watch.publish(same, start, 5);
        QCOMPARE(same.scalars.at("sign_flips"), 0.0);
    }

    void daleExampleKeepsSignsWhileLossFalls() {
        // The bundled example: every weight of the EG network keeps its sign at every one of the
        // first steps while its loss falls; the Adam network beside it flips signs freely.
        Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/dale_eg_vs_adam.json");
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        const auto signsOf = [&](const std::string& prefix) {
            std::map<std::string, Matrix> out;
            for (const auto& [node, st] : e.saveState())
                if (node.starts_with(prefix) && st.count("weight")) out[node] = st.at("weight").array().sign().matrix();
            return out;
        };
        const auto egSigns = signsOf("EG "), adamSigns = signsOf("Adam ");
        QCOMPARE(int(egSigns.size()), 3);
        QVERIFY(e.step());
        const double first = e.scalars().at("EG loss/loss");
        for (int s = 1; s < kDaleSteps; ++s) {
            QVERIFY2(e.step(), e.error().c_str());
            QVERIFY2(signsOf("EG ") == egSigns, qPrintable(QString("a sign flipped at step %1").arg(s + 1)));
        }
        const double last = e.scalars().at("EG loss/loss");
        QVERIFY2(last < kDaleLossFall * first, qPrintable(QString("EG loss %1 → %2").arg(first).arg(last)));
        QVERIFY(signsOf("Adam ") != adamSigns);
        // what the Weight distribution view draws, computed by the layers: no EG weight flipped, Adam's
        // did; EG's multiplicative steps spread log|w| into a long tail (heavy-tailed w), Adam's
        // additive ones keep w near its Gaussian start
        const SnapshotPtr snap = e.makeSnapshot();
        int layers = 0;
        for (const auto& n : snap->nodes) {
            const auto st = n.obs.get<WeightStats>(kWeightStats);
            if (!st) continue;
            ++layers;
            QCOMPARE(n.obs.scalars.at("sign_flips"), double(st->flips));
            if (n.name.starts_with("EG ")) QCOMPARE(st->flips, 0LL);
            else if (n.name != "Adam readout") QVERIFY2(st->flips > 0, n.name.c_str());
        }
        QCOMPARE(layers, 6);
        // by step 2,000 EG's few growing weights make w heavy-tailed (a long right tail of log|w|):
        // excess kurtosis about 9 and 22 in the hidden layers where Adam's are about 0 and 8
        for (int s = kDaleSteps; s < kDaleTailSteps; ++s) QVERIFY2(e.step(), e.error().c_str());
        const SnapshotPtr later = e.makeSnapshot();
        const auto statsOf = [&](const std::string& name) {
            for (const auto& n : later->nodes)
                if (n.name == name) return n.obs.get<WeightStats>(kWeightStats);
            return std::shared_ptr<const WeightStats>();
        };
        for (const char* layer : {"hidden 1", "hidden 2"}) {
            const auto eg = statsOf(std::string("EG ") + layer), adam = statsOf(std::string("Adam ") + layer);
            QVERIFY(eg && adam);
            QCOMPARE(eg->flips, 0LL);
            QVERIFY2(eg->kurtosis > adam->kurtosis + kDaleKurtosisGap,
                     qPrintable(QString("%1: excess kurtosis of w, EG %2, Adam %3").arg(layer).arg(eg->kurtosis).arg(adam->kurtosis)));
        }
    }
};

QTEST_GUILESS_MAIN(TestOptimizersBio)
#include "tst_optimizers_bio.moc"
