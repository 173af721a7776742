// Training the swimmer: ES improves forward speed from a weak start, NCAP sign constraints hold
// after every generation, random search never loses its best, the MLP is trained by the same
// code with orders of magnitude more parameters, and runs are reproducible from the seed.
#include "core/worm/swim_trainer.h"
#include "core/worm/worm_observables.h"
#include "core/model/weight_stats.h"
#include "kernel_harness.h"

#include <QtTest>

using namespace ganglion;
using namespace ganglion::worm;

namespace {

std::unique_ptr<NcapController> weakNcap(bool sharing = true) {
    NcapConfig nc;
    nc.joints = 5;
    nc.weightSharing = sharing;
    auto c = std::make_unique<NcapController>(nc);
    c->setParameters(c->parameters() * 0.2f);  // too weak to bend the body much
    return c;
}

}  // namespace

class TstWormTrainer : public QObject {
    Q_OBJECT
private slots:
    void esImprovesSpeed();
    void signConstraintsHoldAfterEveryStep_data();
    void signConstraintsHoldAfterEveryStep();
    void randomSearchKeepsBest();
    void mlpTrainsWithSameCode();
    void reproducibleFromSeed();
    void rejectsBadSettings();
    void trainerNodeReportsAndRoundTrips();
    void unconstrainedAblationFlipsSigns_data();
    void unconstrainedAblationFlipsSigns();
};

void TstWormTrainer::esImprovesSpeed() {
    TrainerConfig tc;
    tc.episodeSeconds = 4.0;
    SwimTrainer t(weakNcap(), BodyConfig{}, tc);
    const double start = t.initialFitness();
    for (int g = 0; g < 25; ++g) t.generation();
    QVERIFY2(t.currentFitness() > start + 0.05,
             qPrintable(QString("start %1, after 25 generations %2").arg(start).arg(t.currentFitness())));
    QVERIFY(t.bestFitness() >= t.currentFitness());
    QCOMPARE(int(t.history().size()), 25);
    QCOMPARE(t.history().back().episodes, 1 + 25 * (tc.population + 1));
}

void TstWormTrainer::signConstraintsHoldAfterEveryStep_data() {
    QTest::addColumn<bool>("es");
    QTest::addColumn<bool>("sharing");
    QTest::newRow("ES, shared") << true << true;
    QTest::newRow("ES, per joint") << true << false;
    QTest::newRow("random search, per joint") << false << false;
}

void TstWormTrainer::signConstraintsHoldAfterEveryStep() {
    QFETCH(bool, es);
    QFETCH(bool, sharing);
    TrainerConfig tc;
    tc.method = es ? TrainMethod::EvolutionStrategy : TrainMethod::RandomSearch;
    tc.sigma = 1.0;  // large steps push weights across zero often
    tc.learningRate = 0.5;
    tc.episodeSeconds = 1.0;
    tc.population = 8;
    auto ctl = weakNcap(sharing);
    const Eigen::VectorXf signs = ctl->circuit().parameterSigns();
    SwimTrainer t(std::move(ctl), BodyConfig{}, tc);
    int zeroed = 0;
    for (int g = 0; g < 12; ++g) {
        t.generation();
        const Eigen::VectorXf& w = t.current();
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            QVERIFY2(w(i) * signs(i) >= 0.f, qPrintable(QString("generation %1 weight %2 = %3").arg(g).arg(i).arg(w(i))));
            zeroed += w(i) == 0.f;
        }
        QVERIFY(t.controller().feasible(t.best()));
        auto* ncap = dynamic_cast<NcapController*>(&t.controller());
        QVERIFY(ncap && ncap->circuit().weightsRespectSigns());
    }
    if (es) QVERIFY2(zeroed > 0, "projection never had to act: the test did not exercise it");
}

void TstWormTrainer::randomSearchKeepsBest() {
    TrainerConfig tc;
    tc.method = TrainMethod::RandomSearch;
    tc.episodeSeconds = 3.0;
    SwimTrainer t(weakNcap(), BodyConfig{}, tc);
    double prev = t.initialFitness();
    for (int g = 0; g < 10; ++g) {
        const auto st = t.generation();
        QVERIFY(st.bestFitness >= prev);
        prev = st.bestFitness;
    }
    QVERIFY(prev > t.initialFitness());
}

void TstWormTrainer::mlpTrainsWithSameCode() {
    auto mlp = std::make_unique<MlpController>(5, std::vector<int>{32, 32}, 1.8, 0.03, 5);
    QCOMPARE(mlp->inputCount(), 12);
    QCOMPARE(mlp->parameterCount(), (12 * 32 + 32) + (32 * 32 + 32) + (32 * 5 + 5));
    QVERIFY(mlp->parameterCount() > 100 * weakNcap()->parameterCount());
    // parameter vector round trip
    Eigen::VectorXf p = mlp->parameters();
    p(7) = 0.123f;
    mlp->setParameters(p);
    QCOMPARE(mlp->parameters(), p);
    TrainerConfig tc;
    tc.sigma = 0.05;
    tc.learningRate = 0.02;
    tc.episodeSeconds = 3.0;
    SwimTrainer t(std::move(mlp), BodyConfig{}, tc);
    for (int g = 0; g < 15; ++g) t.generation();
    QVERIFY2(t.bestFitness() > t.initialFitness(),
             qPrintable(QString("%1 -> %2").arg(t.initialFitness()).arg(t.bestFitness())));
}

void TstWormTrainer::reproducibleFromSeed() {
    TrainerConfig tc;
    tc.episodeSeconds = 1.5;
    tc.seed = 42;
    SwimTrainer a(weakNcap(), BodyConfig{}, tc), b(weakNcap(), BodyConfig{}, tc);
    for (int g = 0; g < 4; ++g) {
        a.generation();
        b.generation();
    }
    QCOMPARE(a.current(), b.current());
    tc.seed = 43;
    SwimTrainer c(weakNcap(), BodyConfig{}, tc);
    for (int g = 0; g < 4; ++g) c.generation();
    QVERIFY(c.current() != a.current());
}

void TstWormTrainer::rejectsBadSettings() {
    TrainerConfig tc;
    tc.population = 7;
    try {
        SwimTrainer t(weakNcap(), BodyConfig{}, tc);
        QFAIL("odd ES population accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY(QString(e.what()).contains("even"));
    }
    tc = TrainerConfig{};
    tc.sigma = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SwimTrainer(weakNcap(), BodyConfig{}, tc));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             MlpController(5, std::vector<int>{0}, 1.8, 0.03, 1));
}

void TstWormTrainer::trainerNodeReportsAndRoundTrips() {
    testing::KernelRig rig("WormTrainer", {{"episode_seconds", 2.0}, {"population", std::int64_t(6)}}, {});
    for (int g = 0; g < 3; ++g) rig.forward();
    Observables obs;
    rig.kernel->observe(obs);
    QCOMPARE(obs.scalars.at("generation"), 3.0);
    QCOMPARE(obs.scalars.at("parameters"), 4.0);
    QVERIFY(obs.get<SwimmerFrame>("swimmer"));
    QCOMPARE(int(obs.arrays.at("weights").size()), 4);
    QCOMPARE(rig.outputs[0].tensor(0, 0), float(obs.scalars.at("speed")));
    // a live edit to an odd ES population is refused without disturbing the run
    ParamSet live = rig.params;
    live.set("population", std::int64_t(7));
    rig.kernel->setParams(live);
    rig.forward();
    Observables obs2;
    rig.kernel->observe(obs2);
    QCOMPARE(obs2.scalars.at("generation"), 4.0);
    QCOMPARE(obs2.scalars.at("episodes") - obs.scalars.at("episodes"), 7.0);  // still 6 + 1 per generation
    KernelState s = rig.kernel->saveState();
    s["current"] = Matrix(4, 1);
    s["current"] << 1.f, 1.f, 1.f, 0.5f;  // contra must be <= 0: projected on load
    rig.kernel->loadState(s);
    const Matrix back = rig.kernel->saveState().at("current");
    QCOMPARE(back(3), 0.f);
    QCOMPARE(back(0), 1.f);
    try {
        testing::KernelRig mlp("WormTrainer", {{"controller", std::string("mlp")}, {"hidden", std::string("16, abc")}}, {});
        QFAIL("bad hidden sizes accepted");
    } catch (const BuildError& e) {
        QVERIFY(QString(e.what()).contains("hidden"));
    }
}

void TstWormTrainer::unconstrainedAblationFlipsSigns_data() {
    QTest::addColumn<bool>("constrained");
    QTest::newRow("sign-constrained") << true;
    QTest::newRow("unconstrained (ablation)") << false;
}

// The NCAP paper's ablation, as the trainer node's parameter: with sign_constrained on, no weight
// of the circuit ever leaves its sign (the published flip count stays 0 and a quarter of the
// weights, the contralateral ones, stay inhibitory); off, large ES steps from small weights flip some.
void TstWormTrainer::unconstrainedAblationFlipsSigns() {
    QFETCH(bool, constrained);
    testing::KernelRig rig("WormTrainer", {{"sign_constrained", constrained}, {"weight_sharing", false},
                                           {"init", std::string("small")}, {"sigma", 1.0}, {"learning_rate", 0.5},
                                           {"episode_seconds", 1.0}, {"population", std::int64_t(8)}}, {});
    const Matrix start = rig.kernel->saveState().at("current");
    QCOMPARE(int(start.size()), 20);  // 4 weights for each of 5 joints
    double maxFlips = 0;
    for (int g = 0; g < 10; ++g) {
        rig.forward();
        Observables obs;
        rig.kernel->observe(obs);
        const auto stats = obs.get<WeightStats>(kWeightStats);
        QVERIFY(stats);
        QCOMPARE(stats->total, 20LL);
        const Matrix now = rig.kernel->saveState().at("current");
        long long flipped = 0;  // counted by hand against the start
        for (Eigen::Index i = 0; i < now.size(); ++i) flipped += now(i) * start(i) < 0.f;
        QCOMPARE(stats->flips, flipped);
        QCOMPARE(obs.scalars.at("sign_flips"), double(flipped));
        maxFlips = std::max(maxFlips, double(flipped));
        if (constrained) {
            QCOMPARE(flipped, 0LL);
            QVERIFY(stats->negative <= 5 && stats->positive <= 15);
        }
    }
    if (!constrained) QVERIFY2(maxFlips > 0, "no weight changed sign without the constraint");
}

QTEST_GUILESS_MAIN(TstWormTrainer)
#include "tst_worm_trainer.moc"
