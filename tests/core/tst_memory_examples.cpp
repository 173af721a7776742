// The bundled memory examples do what their descriptions say: "Hopfield recall" cleans every
// corrupted letter up into the stored one and ends after its cues; "Multitasking: parallel
// retrieval" retrieves several patterns at once with hierarchical overlaps at d = 0.3, a single
// one when the dilution is moved to 0 while it runs, and more alike amplitudes at d = 0.6.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/memory/hopfield.h"

#include <QtTest>

#include <algorithm>

using namespace ganglion;

namespace {

Graph load(const char* name) { return loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/" + name); }

NodeId nodeOfType(const Graph& g, const std::string& type) {
    for (const auto& n : g.nodes())
        if (n.type == type) return n.id;
    return 0;
}

/// The network's overlaps, largest magnitude first.
Vector sortedOverlaps(Engine& e) {
    const SnapshotPtr snap = e.makeSnapshot();
    const NodeSnapshot* n = snap->firstOfType("HopfieldNetwork");
    if (!n || !n->obs.arrays.count("overlaps")) throw std::runtime_error("no overlaps published");
    Vector m = n->obs.arrays.at("overlaps").col(0).cwiseAbs();
    std::sort(m.data(), m.data() + m.size(), std::greater<float>());
    return m;
}

QString text(const Vector& v) {
    QString s;
    for (Eigen::Index i = 0; i < v.size(); ++i) s += QString(" %1").arg(v(i), 0, 'f', 3);
    return s;
}

}  // namespace

class TstMemoryExamples : public QObject {
    Q_OBJECT
private slots:
    void hopfieldRecallCleansEveryLetter() {
        const Graph g = load("memory_hopfield_recall.json");
        Engine e;
        auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        const std::int64_t presentFor = g.node(nodeOfType(g, "PatternSource"))->params.getInt("present_for");
        const std::int64_t trials = g.node(nodeOfType(g, "PatternSource"))->params.getInt("trials");
        QVERIFY(trials >= 4);
        for (std::int64_t t = 0; t < trials; ++t) {
            QVERIFY(e.step());  // the cue arrives
            const auto start = e.scalars();
            QVERIFY2(start.at("Hopfield/retrieval_accuracy") < 0.9, "the cue is corrupted");
            for (std::int64_t s = 1; s < presentFor; ++s) QVERIFY2(e.step(), e.error().c_str());
            const auto end = e.scalars();
            const int target = int(end.at("Letters/cue_target"));
            QVERIFY2(end.at("Hopfield/retrieval_accuracy") == 1.0,
                     qPrintable(QString("cue %1 (letter %2): accuracy %3").arg(t).arg(target).arg(end.at("Hopfield/retrieval_accuracy"))));
            QCOMPARE(end.at("Hopfield/overlap_" + std::to_string(target)), 1.0);
            QCOMPARE(end.at("Hopfield/converged"), 1.0);
            QVERIFY(end.at("Hopfield/energy") < start.at("Hopfield/energy"));
        }
        QVERIFY2(e.finished(), "the run ends after its cues");
        // an evaluation pass (the CLI runs one at the end) neither starts a new cue nor moves the state
        const auto before = e.scalars();
        e.evaluate();
        QVERIFY(e.error().empty());
        QVERIFY(e.scalars() == before);
    }

    void multitaskingFollowsTheDilution() {
        const Graph g = load("memory_multitasking.json");
        Engine e;
        auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        const NodeId source = nodeOfType(g, "PatternSource");
        const double d = g.node(source)->params.getFloat("dilution");
        QVERIFY(d >= 0.2 && d <= 0.4);
        const std::int64_t presentFor = g.node(source)->params.getInt("present_for");
        for (std::int64_t s = 0; s < presentFor; ++s) QVERIFY2(e.step(), e.error().c_str());
        const Vector m = sortedOverlaps(e);
        const Vector predicted = memory::hierarchicalOverlaps(d, int(m.size()));
        qInfo("d = %.2f: sorted overlaps%s, predicted%s", d, qPrintable(text(m)), qPrintable(text(predicted)));
        QVERIFY2(std::abs(m(0) - predicted(0)) < 0.03, qPrintable(text(m)));
        QVERIFY2(std::abs(m(1) - predicted(1)) < 0.06 && m(1) > 0.12, qPrintable("second pattern:" + text(m)));
        QVERIFY2(m(2) > 0.03 && m(2) < m(1) - 0.05, qPrintable("third pattern:" + text(m)));
        QCOMPARE(e.scalars().at("Multitasking network/second_overlap"), double(m(1)));  // the curve it watches
        // the dilution moved to 0 while running: one pattern, retrieved whole
        QVERIFY(e.setParam(source, "dilution", 0.0));
        for (std::int64_t s = 0; s < presentFor; ++s) QVERIFY2(e.step(), e.error().c_str());
        const Vector serial = sortedOverlaps(e);
        qInfo("d = 0: sorted overlaps%s", qPrintable(text(serial)));
        QVERIFY2(serial(0) > 0.99 && serial(1) < 0.08, qPrintable(text(serial)));
        QVERIFY(e.scalars().at("Multitasking network/second_overlap") < 0.08);
        // and to strong dilution: the amplitudes draw together (towards the parallel regime)
        QVERIFY(e.setParam(source, "dilution", 0.6));
        for (std::int64_t s = 0; s < presentFor; ++s) QVERIFY2(e.step(), e.error().c_str());
        const Vector strong = sortedOverlaps(e);
        qInfo("d = 0.6: sorted overlaps%s", qPrintable(text(strong)));
        QVERIFY2(strong(1) / strong(0) > 1.5 * m(1) / m(0) && strong(3) > 0.05, qPrintable(text(strong)));
    }
};

QTEST_GUILESS_MAIN(TstMemoryExamples)
#include "tst_memory_examples.moc"
