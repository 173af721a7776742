// Homeostatic learning rate (core/engine/homeostasis.h, the Loss node's "homeostasis") and the
// concept-shift task (the ConceptShift node, core/nodes/concept_shift.h), after Man, Damasio & Neven
// 2022: the modulation follows its formula by hand; the optimiser's step really is scaled by it;
// labels are permuted exactly from the shift step on; the homeostat's state survives save/load; bad
// parameters are refused by name; and the bundled example's claim holds headless — after the labels
// are permuted, the homeostatic learner recovers faster than the same learner at a fixed rate.
#include "core/engine/engine.h"
#include "core/engine/homeostasis.h"
#include "core/engine/optimizer.h"
#include "core/graph/graph.h"
#include "core/graph/json_io.h"
#include "core/nodes/concept_shift.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ganglion;

namespace {

constexpr char kExample[] = GANGLION_SOURCE_DIR "/resources/examples/homeostatic_concept_shift.json";
constexpr int kRecoverySteps = 300;    // batches after the shift that the example check follows
constexpr int kEarly = 60;             // accuracy compared this many batches after the shift:
constexpr double kEarlyMargin = 0.10;  // homeostatic above plain by at least this
constexpr double kRecoveryRatio = 0.7; // batches until back at 90%: homeostatic below this share of plain's

/// PlaygroundData (gauss, 2 classes) → [ConceptShift] → Dense(2) → cross-entropy Loss with plain SGD.
struct SmallGraph {
    Graph g;
    NodeId data = 0, shift = 0, dense = 0, loss = 0;
};

SmallGraph smallGraph(bool homeostasis, bool withShift = false) {
    SmallGraph s;
    Graph& g = s.g;
    s.data = g.addNode("PlaygroundData", 0, 0);
    s.dense = g.addNode("Dense", 200, 0);
    s.loss = g.addNode("Loss", 400, 0);
    g.setParam(s.data, "dataset", std::string("gauss"));
    g.setParam(s.data, "noise", 0.3);
    g.setParam(s.dense, "units", std::int64_t(2));
    g.setParam(s.loss, "optimizer", std::string("sgd"));
    g.setParam(s.loss, "momentum", 0.0);
    g.setParam(s.loss, "learning_rate", 0.05);
    if (homeostasis) {
        g.setParam(s.loss, "homeostasis", std::string("accuracy"));
        g.setParam(s.loss, "homeostatic_max", 50.0);
    }
    g.connect({s.data, "x"}, {s.dense, "in"});
    g.connect({s.dense, "out"}, {s.loss, "pred"});
    Endpoint labels{s.data, "y"};
    if (withShift) {
        s.shift = g.addNode("ConceptShift", 200, 200);
        g.setParam(s.shift, "shift_step", std::int64_t(5));
        g.setParam(s.shift, "shift_every", std::int64_t(3));
        g.connect({s.data, "y"}, {s.shift, "labels"});
        labels = {s.shift, "labels"};
    }
    g.connect(labels, {s.loss, "target"});
    return s;
}

Matrix weightOf(const Engine& e, const Graph& g, NodeId dense) { return e.saveState().at(g.node(dense)->name).at("weight"); }

}  // namespace

class TestHomeostasis : public QObject {
    Q_OBJECT

private slots:
    void modulationFollowsTheFormula() {
        // W = 2, M = 4, G = 10: a and ā start at the first c; then a += (c − a)/2, ā += (c − ā)/4,
        // m = min(1 + 10·max(0, ā − a), m_max), computed here by hand.
        Homeostat h;
        h.configure({2.0, 4.0, 10.0, 5.0});
        QCOMPARE(h.update(1.0), 1.0);  // a = ā = 1
        QCOMPARE(h.update(1.0), 1.0);
        QCOMPARE(h.update(0.0), 3.5);  // a = 0.5, ā = 0.75: m = 1 + 10·0.25
        QCOMPARE(h.running(), 0.5);
        QCOMPARE(h.expected(), 0.75);
        QCOMPARE(h.update(0.0), 4.125);    // a = 0.25, ā = 0.5625
        QCOMPARE(h.update(0.0), 3.96875);  // a = 0.125, ā = 0.421875
        QCOMPARE(h.update(1.0), 1.0390625);  // a = 0.5625, ā = 0.56640625: relaxing
        QCOMPARE(h.update(1.0), 1.0);        // a = 0.78125 > ā = 0.6748046875: relaxed
        h.configure({2.0, 4.0, 100.0, 5.0});
        QCOMPARE(h.update(0.0), 5.0);  // capped at m_max
    }

    void optimiserStepIsScaled_data() {
        QTest::addColumn<QString>("kind");
        for (const char* k : {"sgd", "adam", "eg", "classp"}) QTest::newRow(k) << k;
    }

    void optimiserStepIsScaled() {
        // The same gradient, one step at rate scale 1 and one at scale 3: SGD, Adam (first step) and
        // CLASSP move the weights 3 times as far, EG's multiplicative step has a 3 times larger exponent.
        QFETCH(QString, kind);
        const Matrix w0 = (Matrix(2, 2) << 0.5f, -0.3f, 0.2f, -0.8f).finished();
        const Matrix g = (Matrix(2, 2) << 0.1f, 0.2f, -0.3f, 0.05f).finished();
        Matrix moved[2];
        const double scales[2] = {1.0, 3.0};
        for (int k = 0; k < 2; ++k) {
            Matrix w = w0, grad;
            OptimizerConfig c;
            c.kind = kind.toStdString();
            c.learningRate = 0.01;
            c.momentum = kind == "sgd" ? 0.0 : 0.9;
            Optimizer o({{"weight", &w, &grad}}, c);
            grad = g;
            o.step(scales[k]);
            moved[k] = kind == "eg" ? Matrix((w.array() / w0.array()).log().matrix()) : Matrix(w - w0);
        }
        QVERIFY(moved[0].cwiseAbs().minCoeff() > 1e-5f);
        QVERIFY2((moved[1] - 3.f * moved[0]).cwiseAbs().maxCoeff() < 1e-4f * moved[1].cwiseAbs().maxCoeff(),
                 qPrintable(kind));
    }

    void engineScalesTheStepByM() {
        // Two engines from one seed, one with homeostasis whose state says its accuracy just fell
        // (a = 0.2, ā = 0.9): its first SGD step moves the weights m times as far as the plain one's,
        // m being the rate_modulation the loss publishes.
        SmallGraph plainG = smallGraph(false), homeoG = smallGraph(true);
        Engine plain, homeo;
        plain.build(plainG.g);
        homeo.build(homeoG.g);
        QVERIFY(plain.ok() && homeo.ok());
        const std::string lossName = homeoG.g.node(homeoG.loss)->name;
        homeo.loadState({{lossName, {{"homeostasis/state", (Matrix(4, 1) << 1.f, 0.2f, 0.9f, 1.f).finished()}}}});
        const Matrix w0 = weightOf(plain, plainG.g, plainG.dense);
        QCOMPARE(weightOf(homeo, homeoG.g, homeoG.dense), w0);
        QVERIFY(plain.step() && homeo.step());
        const double m = homeo.scalars().at(lossName + "/rate_modulation");
        const double a = homeo.scalars().at(lossName + "/running_accuracy");
        const double abar = homeo.scalars().at(lossName + "/expected_accuracy");
        QCOMPARE(float(m), float(1.0 + 10.0 * (abar - a)));
        QVERIFY2(m > 5.0, qPrintable(QString::number(m)));
        const Matrix dPlain = weightOf(plain, plainG.g, plainG.dense) - w0;
        const Matrix dHomeo = weightOf(homeo, homeoG.g, homeoG.dense) - w0;
        QVERIFY(dPlain.cwiseAbs().maxCoeff() > 1e-4f);
        QVERIFY2((dHomeo - float(m) * dPlain).cwiseAbs().maxCoeff() < 1e-3f * dHomeo.cwiseAbs().maxCoeff(),
                 qPrintable(QString("m %1").arg(m)));
    }

    void labelsArePermutedFromTheShiftStep() {
        // shift_step 5, shift_every 3: batches 0–4 pass the labels through, 5–7 carry the first
        // permutation, 8–10 the second (with 2 classes every shift swaps them).
        SmallGraph s = smallGraph(false, true);
        Engine e;
        const auto issues = e.build(s.g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        for (int b = 0; b < 11; ++b) {
            QVERIFY(e.step());
            const Matrix& y = e.output(s.data, 1)->tensor;
            const Matrix& shifted = e.output(s.shift, 0)->tensor;
            const int shifts = b < 5 ? 0 : 1 + (b - 5) / 3;
            const Matrix expected = shifts % 2 ? Matrix((1.f - y.array()).matrix()) : y;
            QVERIFY2(shifted == expected, qPrintable(QString("batch %1").arg(b)));
            QCOMPARE(e.scalars().at(s.g.node(s.shift)->name + "/shifts"), double(shifts));
        }
        // Ten classes: a shift moving every class leaves none in place; one moving two swaps exactly
        // two; the maps are fixed by the seed, and a second shift composes another permutation.
        const auto all = conceptShiftMap(10, 0, 7, 1);
        for (int c = 0; c < 10; ++c) QVERIFY(all[std::size_t(c)] != c);
        QCOMPARE(conceptShiftMap(10, 0, 7, 1), all);
        QVERIFY(conceptShiftMap(10, 0, 8, 1) != all);
        QVERIFY(conceptShiftMap(10, 0, 7, 2) != all);
        const auto two = conceptShiftMap(10, 2, 7, 1);
        int movedClasses = 0;
        for (int c = 0; c < 10; ++c) movedClasses += two[std::size_t(c)] != c;
        QCOMPARE(movedClasses, 2);
        std::vector<int> sorted = conceptShiftMap(10, 3, 7, 4);
        std::sort(sorted.begin(), sorted.end());
        for (int c = 0; c < 10; ++c) QCOMPARE(sorted[std::size_t(c)], c);  // still a permutation
    }

    void stateRoundTrip() {
        // The homeostat's state (a, ā, m) and the shift's batch count survive save/load: a fresh
        // engine loaded from a run holds the same modulation and continues the shift schedule.
        SmallGraph s = smallGraph(true, true);
        Engine a;
        a.build(s.g);
        QVERIFY(a.ok());
        for (int k = 0; k < 12; ++k) QVERIFY(a.step());
        const std::string lossName = s.g.node(s.loss)->name;
        const auto saved = a.saveState();
        QVERIFY(saved.at(lossName).count("homeostasis/state"));
        Engine b;
        b.build(s.g);
        b.loadState(saved);
        for (const char* key : {"/rate_modulation", "/running_accuracy", "/expected_accuracy"})
            QCOMPARE(b.scalars().at(lossName + key), a.scalars().at(lossName + key));
        QCOMPARE(weightOf(b, s.g, s.dense), weightOf(a, s.g, s.dense));
        // The shift schedule continues where the run was.
        const std::string shiftName = s.g.node(s.shift)->name;
        for (int k = 0; k < 2; ++k) {
            QVERIFY(a.step() && b.step());
            QCOMPARE(b.scalars().at(shiftName + "/shifts"), a.scalars().at(shiftName + "/shifts"));
            QCOMPARE(b.output(s.shift, 0)->tensor.size(), a.output(s.shift, 0)->tensor.size());
        }
        QCOMPARE(b.scalars().at(shiftName + "/shifts"), 3.0);  // batch 13: shifts at 5, 8 and 11
        // A malformed entry is refused by name and changes nothing.
        auto bad = saved;
        bad[lossName]["homeostasis/state"] = Matrix::Ones(3, 1);
        const double before = b.scalars().at(lossName + "/rate_modulation");
        try {
            b.loadState(bad);
            QFAIL("a 3 x 1 homeostasis state was accepted");
        } catch (const std::runtime_error& err) {
            QVERIFY2(QString(err.what()).contains("homeostasis/state"), err.what());
        }
        QCOMPARE(b.scalars().at(lossName + "/rate_modulation"), before);
    }

    void badParametersAreNamed_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("mse") << "loss" << QVariant("mse") << "needs cross-entropy";
        QTest::newRow("lbfgs") << "optimizer" << QVariant("lbfgs") << "lbfgs has none";
        QTest::newRow("memory") << "homeostatic_memory" << QVariant(5.0) << "homeostatic_memory";
        QTest::newRow("moved 1") << "classes_moved" << QVariant(1) << "classes_moved = 1";
        QTest::newRow("moved 3") << "classes_moved" << QVariant(3) << "only 2 classes";
    }

    void badParametersAreNamed() {
        QFETCH(QString, param);
        QFETCH(QVariant, value);
        QFETCH(QString, message);
        SmallGraph s = smallGraph(true, true);
        const NodeId node = param == "classes_moved" ? s.shift : s.loss;
        const ParamValue v = value.typeId() == QMetaType::QString ? ParamValue(value.toString().toStdString())
                             : value.typeId() == QMetaType::Int   ? ParamValue(std::int64_t(value.toInt()))
                                                                  : ParamValue(value.toDouble());
        QVERIFY(!s.g.setParam(node, param.toStdString(), v));
        if (param == "loss") s.g.setParam(s.dense, "units", std::int64_t(1));  // MSE: a 1-wide prediction
        Engine e;
        const auto issues = e.build(s.g);
        QVERIFY(!e.ok());
        QVERIFY2(QString::fromStdString(formatIssues(issues)).contains(message), formatIssues(issues).c_str());
        // Out-of-range values are refused by the parameter's own check, naming it.
        SmallGraph ok = smallGraph(true);
        const auto err = ok.g.setParam(ok.loss, "homeostatic_gain", -1.0);
        QVERIFY(err && QString::fromStdString(*err).contains("'homeostatic_gain'"));
    }

    void exampleRecoversFasterAfterTheShift() {
        Graph g = loadGraphFile(kExample);
        const NodeId shiftNode = g.nodeByName("Concept shift")->id;
        const auto shiftStep = std::get<std::int64_t>(g.node(shiftNode)->params.get("shift_step"));
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        // Training accuracy (the Classifier's running mean) of each learner at every batch after the shift.
        std::vector<double> acc[2];
        double before[2] = {0, 0}, peakM = 1;
        const char* names[2] = {"Homeostatic accuracy/accuracy", "Plain accuracy/accuracy"};
        for (std::int64_t s = 0; s < shiftStep + kRecoverySteps; ++s) {
            QVERIFY2(e.step(), e.error().c_str());
            const auto sc = e.scalars();
            peakM = std::max(peakM, sc.at("Homeostatic loss/rate_modulation"));
            for (int k = 0; k < 2; ++k) {
                if (s == shiftStep - 1) before[k] = sc.at(names[k]);
                if (s >= shiftStep) acc[k].push_back(sc.at(names[k]));
            }
        }
        // Recovery: batches after the shift until the running accuracy, past its lowest point, is back at
        // 90% of its value before the shift.
        int recovery[2] = {kRecoverySteps, kRecoverySteps};
        for (int k = 0; k < 2; ++k)
            for (auto s = int(std::min_element(acc[k].begin(), acc[k].end()) - acc[k].begin()); s < kRecoverySteps; ++s)
                if (acc[k][std::size_t(s)] >= 0.9 * before[k]) {
                    recovery[k] = s + 1;
                    break;
                }
        const auto at = [&](int k, int s) { return acc[k][std::size_t(s - 1)]; };
        const double mNow = e.scalars().at("Homeostatic loss/rate_modulation");
        qInfo("before the shift: homeostatic %.3f, plain %.3f; after %d / %d / %d batches: homeostatic %.3f / %.3f / "
              "%.3f, plain %.3f / %.3f / %.3f; back at 90%% after %d vs %d batches; peak m %.2f, m at the end %.2f",
              before[0], before[1], kEarly, kRecoverySteps / 2, kRecoverySteps, at(0, kEarly), at(0, kRecoverySteps / 2),
              at(0, kRecoverySteps), at(1, kEarly), at(1, kRecoverySteps / 2), at(1, kRecoverySteps), recovery[0],
              recovery[1], peakM, mNow);
        QVERIFY2(std::abs(before[0] - before[1]) < 0.05, "the learners differ before the shift");
        QVERIFY2(peakM > 2.0, "the modulation did not rise after the shift");
        QVERIFY2(mNow < 1.5, "the modulation did not relax once the learner recovered");
        QVERIFY2(at(0, kEarly) > at(1, kEarly) + kEarlyMargin, "the homeostatic learner did not recover faster");
        QVERIFY2(recovery[0] < kRecoveryRatio * recovery[1], "the homeostatic learner took as long to recover");
    }
};

QTEST_GUILESS_MAIN(TestHomeostasis)
#include "tst_homeostasis.moc"
