// The Hopfield / multitasking network (core/memory): stored patterns are fixed points below
// capacity, the energy never rises under asynchronous T = 0 updates, recall from a corrupted cue
// works below capacity and fails above it, diluted patterns are retrieved in parallel with the
// hierarchical amplitudes (1-d), d(1-d), d²(1-d) of the multitasking theory, the learned state
// round-trips and bad parameters are refused by name.
#include "core/graph/graph.h"
#include "core/memory/glyphs.h"
#include "core/memory/hopfield.h"
#include "core/memory/patterns.h"
#include "kernel_harness.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ganglion;
using namespace ganglion::memory;
using ganglion::testing::KernelRig;

namespace {

HopfieldNet randomNet(int n, int k, double d, std::uint64_t seed) {
    HopfieldNet net;
    net.store(randomBank(n, k, seed).diluted(d));
    return net;
}

/// Asynchronous T = 0 updates until a whole sweep flips nothing (or `maxSweeps`).
void relax(HopfieldNet& net, Rng& rng, int maxSweeps = 50) {
    for (int s = 0; s < maxSweeps && net.quietUpdates() < net.neurons(); ++s) net.updateAsync(net.neurons(), 0.0, rng);
}

/// Recall of pattern mu from a cue with `flip` of its entries negated; the final overlap with mu.
double recallOverlap(HopfieldNet& net, int mu, double flip, Rng& rng) {
    const Vector cue = corruptCue(net.stored().col(mu), flip, 0.0, 0, 0, rng);
    net.setState(cue, rng);
    relax(net, rng);
    return net.overlaps()(mu);
}

}  // namespace

class TstHopfield : public QObject {
    Q_OBJECT
private slots:
    void storedPatternsAreFixedPoints_data() {
        QTest::addColumn<QString>("set");
        QTest::addColumn<int>("neurons");
        QTest::addColumn<int>("patterns");
        QTest::newRow("random 400 x 5") << "random" << 400 << 5;
        QTest::newRow("random 2000 x 40") << "random" << 2000 << 40;  // 0.02 N
        QTest::newRow("letters x 4") << "letters" << 100 << 4;
        QTest::newRow("digits x 3") << "digits" << 100 << 3;
    }
    void storedPatternsAreFixedPoints() {
        QFETCH(QString, set);
        QFETCH(int, neurons);
        QFETCH(int, patterns);
        HopfieldNet net;
        net.store(set == "random" ? randomBank(neurons, patterns, 5).base : glyphBank(set.toStdString(), patterns, 5).base);
        Rng rng(3);
        for (int mu = 0; mu < patterns; ++mu) {
            net.setState(net.stored().col(mu), rng);
            QCOMPARE(net.updateAsync(neurons, 0.0, rng), 0L);
            QCOMPARE(net.updateSync(0.0, rng), 0L);
            QCOMPARE(double(net.overlaps()(mu)), 1.0);
        }
    }

    void energyMatchesCouplingsAndNeverRises_data() {
        QTest::addColumn<int>("patterns");
        QTest::addColumn<double>("dilution");
        QTest::newRow("below capacity") << 6 << 0.0;
        QTest::newRow("above capacity") << 60 << 0.0;
        QTest::newRow("diluted") << 6 << 0.4;
    }
    void energyMatchesCouplingsAndNeverRises() {
        QFETCH(int, patterns);
        QFETCH(double, dilution);
        const int n = 150;
        HopfieldNet net = randomNet(n, patterns, dilution, 11);
        Rng rng(4);
        net.setState(Vector::Zero(n), rng);  // a random start
        // the factored energy equals -1/2 Σ_{i≠j} J_ij s_i s_j from the couplings themselves
        double direct = 0;
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) direct += net.coupling(i, j) * net.state()(i) * net.state()(j);
        QVERIFY(std::abs(-0.5 * direct / n - net.energy()) < 1e-5);
        double e = net.energy();
        long flips = 0;
        for (int u = 0; u < 20 * n; ++u) {
            flips += net.updateAsync(1, 0.0, rng);
            const double now = net.energy();
            QVERIFY2(now <= e + 1e-9, qPrintable(QString("energy rose from %1 to %2 at update %3").arg(e).arg(now).arg(u)));
            e = now;
        }
        QVERIFY(flips > 0);  // it did relax from the random start
    }

    void recallBelowCapacity_data() {
        QTest::addColumn<double>("flip");
        QTest::newRow("20% flipped") << 0.2;
        QTest::newRow("30% flipped") << 0.3;
    }
    void recallBelowCapacity() {
        QFETCH(double, flip);
        HopfieldNet net = randomNet(1000, 30, 0.0, 21);  // K = 0.03 N
        Rng rng(8);
        for (int mu = 0; mu < 10; ++mu) {
            const double m = recallOverlap(net, mu, flip, rng);
            QVERIFY2(m > 0.95, qPrintable(QString("pattern %1 recalled with overlap %2").arg(mu).arg(m)));
        }
    }

    void synchronousRecallBelowCapacity() {
        // all neurons at once: from a 20% corrupted cue the pattern is reached as a fixed point too
        HopfieldNet net = randomNet(1000, 30, 0.0, 22);
        Rng rng(10);
        for (int mu = 0; mu < 5; ++mu) {
            net.setState(corruptCue(net.stored().col(mu), 0.2, 0.0, 0, 0, rng), rng);
            long flips = -1;
            for (int t = 0; t < 30 && flips != 0; ++t) flips = net.updateSync(0.0, rng);
            QCOMPARE(flips, 0L);
            QVERIFY2(net.overlaps()(mu) > 0.95, qPrintable(QString::number(net.overlaps()(mu))));
        }
    }

    void recallFailsAboveCapacity() {
        // K = 0.3 N is beyond the capacity 0.138 N: from the same 20% corrupted cues the network
        // drifts away from the pattern into a spin-glass state
        const int n = 1000;
        HopfieldNet below = randomNet(n, 30, 0.0, 31), above = randomNet(n, 300, 0.0, 31);
        Rng rng(9);
        double mBelow = 0, mAbove = 0;
        for (int mu = 0; mu < 10; ++mu) {
            mBelow += recallOverlap(below, mu, 0.2, rng) / 10;
            mAbove += recallOverlap(above, mu, 0.2, rng) / 10;
        }
        QVERIFY2(mBelow > 0.95, qPrintable(QString::number(mBelow)));
        QVERIFY2(mAbove < 0.8 && mAbove < mBelow - 0.2,
                 qPrintable(QString("mean overlap above capacity %1 (below %2)").arg(mAbove).arg(mBelow)));
    }

    void parallelRetrievalIsHierarchical_data() {
        QTest::addColumn<double>("dilution");
        QTest::newRow("d = 0 (serial)") << 0.0;
        QTest::newRow("d = 0.2") << 0.2;
        QTest::newRow("d = 0.3") << 0.3;
        QTest::newRow("d = 0.4") << 0.4;
    }
    void parallelRetrievalIsHierarchical() {
        QFETCH(double, dilution);
        const int n = 8000, k = 4, trials = 6;
        HopfieldNet net = randomNet(n, k, dilution, 41);
        Rng rng(12);
        Vector mean = Vector::Zero(k);  // sorted |m_μ|, averaged over cues
        for (int t = 0; t < trials; ++t) {
            net.setState(net.stored().col(0), rng);  // pattern 1, its blanks random
            relax(net, rng);
            Vector m = net.overlaps().cwiseAbs();
            QVERIFY2(m(0) == m.maxCoeff(), "the cued pattern leads");
            std::sort(m.data(), m.data() + k, std::greater<float>());
            mean += m / trials;
        }
        const Vector predicted = hierarchicalOverlaps(dilution, k);
        QString got;
        for (int i = 0; i < k; ++i) got += QString(" %1 (predicted %2)").arg(mean(i), 0, 'f', 3).arg(predicted(i), 0, 'f', 3);
        qInfo("d = %.1f, sorted overlaps:%s", dilution, qPrintable(got));
        QVERIFY2(std::abs(mean(0) - predicted(0)) < 0.02, qPrintable(got));
        if (dilution == 0.0) {
            QVERIFY2(mean(1) < 0.05, qPrintable("serial retrieval: one pattern only," + got));
            return;
        }
        // several patterns at once, in the predicted order and near the predicted amplitudes
        for (int i = 1; i < 3; ++i) {
            QVERIFY2(std::abs(mean(i) - predicted(i)) < 0.04, qPrintable(got));
            QVERIFY2(mean(i) > 0.03, qPrintable("not retrieved in parallel:" + got));
            QVERIFY2(mean(i - 1) > mean(i) + 0.02, qPrintable("not hierarchical:" + got));
        }
    }

    void glauberNoiseLowersTheOverlap() {
        // at T = 0.5 the retrieval state survives with fluctuations; at T = 1.5 (above T_c = 1) it melts
        HopfieldNet net = randomNet(2000, 5, 0.0, 51);
        Rng rng(13);
        auto settle = [&](double T) {
            net.setState(net.stored().col(0), rng);
            net.updateAsync(20L * 2000, T, rng);
            return double(net.overlaps()(0));
        };
        const double cold = settle(0.5), hot = settle(1.5);
        QVERIFY2(cold > 0.9 && cold < 1.0, qPrintable(QString::number(cold)));
        QVERIFY2(std::abs(hot) < 0.2, qPrintable(QString::number(hot)));
    }

    void cueCorruptionIsExact() {
        const PatternBank b = glyphBank("letters", 2, 1);
        Rng rng(2);
        const Vector p = b.base.col(0);
        const Vector erasedCue = corruptCue(p, 0.0, 0.25, b.width, b.height, rng);
        const long erased = long((erasedCue.array() == 0.f).count());
        QVERIFY2(erased >= 22 && erased <= 28, qPrintable(QString::number(erased)));  // about a 5 x 5 block
        QCOMPARE(long((erasedCue.array() == p.array()).count()), 100 - erased);        // the rest untouched
        const Vector flippedCue = corruptCue(p, 0.2, 0.0, b.width, b.height, rng);
        QCOMPARE(long((flippedCue.array() == -p.array()).count()), 20L);  // 20 of 100 negated, distinct
        // a fragment placed at the top-left corner and at the bottom-right one
        const Vector corner = corruptCue(p, 0.0, 0.16, b.width, b.height, rng, 0.0, 0.0);
        QVERIFY(corner(0) == 0.f && corner(3 * 10 + 3) == 0.f && corner(4 * 10 + 4) != 0.f);
        const Vector far = corruptCue(p, 0.0, 0.16, b.width, b.height, rng, 1.0, 1.0);
        QVERIFY(far(99) == 0.f && far(6 * 10 + 6) == 0.f && far(5 * 10 + 5) != 0.f);
        // dilution blanks entries, more of the same as d grows
        const PatternBank r = randomBank(1000, 3, 7);
        const Matrix d1 = r.diluted(0.2), d2 = r.diluted(0.5);
        QVERIFY(std::abs((d1.array() == 0.f).count() / 3000.0 - 0.2) < 0.03);
        QVERIFY(((d1.array() == 0.f) && (d2.array() != 0.f)).count() == 0);
    }

    void stateRoundTrips() {
        KernelRig a("HopfieldNetwork", {}, {Shape::tensor(100), Shape::tensor(100), Shape::tensor(1)});
        const PatternBank b = glyphBank("letters", 4, 3);
        a.inputs.resize(3);
        for (auto& v : a.inputs) v.type = PortType::Tensor;
        a.inputs[2].type = PortType::Scalar;
        a.inputs[0].tensor = b.base;
        Rng rng(5);
        a.inputs[1].tensor = corruptCue(b.base.col(2), 0.25, 0.0, 10, 10, rng);
        a.inputs[2].tensor = Matrix::Constant(1, 1, 3.f);
        for (int s = 0; s < 3; ++s) a.forward();
        const KernelState saved = a.kernel->saveState();
        KernelRig c("HopfieldNetwork", {}, {Shape::tensor(100), Shape::tensor(100), Shape::tensor(1)}, 99);
        c.kernel->loadState(saved);
        c.inputs = a.inputs;
        c.rng = a.rng;
        for (int s = 0; s < 40; ++s) {
            a.forward();
            c.forward();
            QVERIFY(a.outputs[0].tensor == c.outputs[0].tensor);
        }
        QCOMPARE(double(c.outputs[1].tensor(0)), 1.0);  // both recalled the 'Z' (pattern 3)
        // a malformed state is refused by entry and leaves the kernel as it was
        KernelState bad = saved;
        bad["patterns"](0, 0) = 0.5f;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, c.kernel->loadState(bad));
        bad = saved;
        bad["sweep"](1) = bad["sweep"](2);
        try {
            c.kernel->loadState(bad);
            QFAIL("a sweep order that is no permutation was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("'sweep'"));
        }
        const KernelState again = c.kernel->saveState();
        for (const auto& [name, m] : saved) QVERIFY2(again.at(name) == a.kernel->saveState().at(name), name.c_str());
    }

    void badParametersAreNamed_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("dilution 1") << "dilution" << QVariant(1.0);
        QTest::newRow("dilution -0.1") << "dilution" << QVariant(-0.1);
        QTest::newRow("flip 0.7") << "flip" << QVariant(0.7);
        QTest::newRow("patterns 0") << "patterns" << QVariant(0);
    }
    void badParametersAreNamed() {
        QFETCH(QString, param);
        QFETCH(QVariant, value);
        Graph g;
        const NodeId id = g.addNode("PatternSource");
        const ParamValue v = value.typeId() == QMetaType::Int ? ParamValue(std::int64_t(value.toInt())) : ParamValue(value.toDouble());
        auto err = g.setParam(id, param.toStdString(), v);
        QVERIFY(err.has_value());
        QVERIFY2(QString::fromStdString(*err).contains("'" + param + "'"), err->c_str());
    }

    void buildRefusesImpossibleSets_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("neurons");
        QTest::addColumn<int>("patterns");
        QTest::addColumn<int>("cue");
        QTest::addColumn<QString>("named");
        QTest::newRow("K > N") << "random" << 50 << 60 << 0 << "patterns:";
        QTest::newRow("more letters than drawn") << "letters" << 100 << 40 << 0 << "patterns:";
        QTest::newRow("cue of a missing pattern") << "random" << 100 << 4 << 5 << "cue_pattern:";
    }
    void buildRefusesImpossibleSets() {
        QFETCH(QString, kind);
        QFETCH(int, neurons);
        QFETCH(int, patterns);
        QFETCH(int, cue);
        QFETCH(QString, named);
        try {
            KernelRig rig("PatternSource",
                          {{"kind", kind.toStdString()}, {"neurons", std::int64_t(neurons)},
                           {"patterns", std::int64_t(patterns)}, {"cue_pattern", std::int64_t(cue)}},
                          {});
            QFAIL("built");
        } catch (const BuildError& e) {
            QVERIFY2(QString(e.what()).startsWith(named), e.what());
        }
        // and a Hopfield network refuses a cue that does not match its patterns
        try {
            KernelRig rig("HopfieldNetwork", {}, {Shape::tensor(100), Shape::tensor(64), Shape::tensor(1)});
            QFAIL("built");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("cue"));
        }
    }
};

QTEST_GUILESS_MAIN(TstHopfield)
#include "tst_hopfield.moc"
