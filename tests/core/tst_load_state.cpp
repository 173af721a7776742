// Kernel::loadState's strong exception guarantee (core/model/kernel.h, contract item 6), for every
// registered node type that has learned state: a state with one entry of the wrong shape is
// rejected with a message naming the entry, and the kernel is left exactly as it was: the same
// state, and the same outputs and observables in the engine's next snapshot.
#include "core/engine/engine.h"
#include "node_graphs.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ganglion;

namespace {

bool sameState(const KernelState& a, const KernelState& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, m] : a) {
        auto it = b.find(key);
        if (it == b.end() || it->second.rows() != m.rows() || it->second.cols() != m.cols() || it->second != m)
            return false;
    }
    return true;
}

/// "" when both snapshots publish the same numbers for every node, else the first difference.
std::string snapshotDifference(const Snapshot& a, const Snapshot& b) {
    if (a.nodes.size() != b.nodes.size()) return "node count";
    for (std::size_t i = 0; i < a.nodes.size(); ++i) {
        const auto& x = a.nodes[i].obs;
        const auto& y = b.nodes[i].obs;
        const std::string where = a.nodes[i].name + "/";
        if (x.scalars.size() != y.scalars.size() || x.arrays.size() != y.arrays.size()) return where + " keys";
        for (const auto& [k, v] : x.scalars) {
            auto it = y.scalars.find(k);
            if (it == y.scalars.end() || !(it->second == v || (std::isnan(v) && std::isnan(it->second))))
                return where + k;
        }
        for (const auto& [k, m] : x.arrays) {
            auto it = y.arrays.find(k);
            if (it == y.arrays.end() || it->second.rows() != m.rows() || it->second.cols() != m.cols() ||
                !(it->second.array() == m.array() || (it->second.array().isNaN() && m.array().isNaN())).all())
                return where + k;
        }
    }
    return {};
}

}  // namespace

class TestLoadState : public QObject {
    Q_OBJECT
private slots:
    void wrongShapedEntryLeavesKernelUnchanged_data() {
        QTest::addColumn<QString>("type");
        for (const NodeSpec& s : NodeRegistry::instance().all()) QTest::newRow(s.type.c_str()) << QString::fromStdString(s.type);
    }

    void wrongShapedEntryLeavesKernelUnchanged() {
        QFETCH(QString, type);
        const std::string t = type.toStdString();
        for (const auto& [where, graph] : testing::graphsFor(t)) {
            Engine a;
            a.build(graph);
            if (!a.ok()) continue;  // e.g. an example whose recordings are not installed
            const auto& nodes = graph.nodes();
            const Node& n = *std::find_if(nodes.begin(), nodes.end(), [&](const Node& x) { return x.type == t; });
            for (int s = 0; s < 3; ++s) QVERIFY2(a.step(), a.error().c_str());
            Kernel* k = a.kernel(n.id);
            QVERIFY(k);
            const KernelState good = k->saveState();
            if (good.empty()) return;  // no learned state: nothing to load
            const SnapshotPtr before = a.makeSnapshot();
            const QString at = QString::fromStdString(where);
            for (const auto& [key, m] : good) {
                const QString entry = QString::fromStdString(key);
                for (auto [rows, cols] : {std::pair{m.rows() + 1, m.cols()}, std::pair{m.rows(), m.cols() + 1}}) {
                    // Every other entry well-shaped but different, so assigning any of them shows.
                    KernelState bad = good;
                    for (auto& [other, v] : bad) v.array() += 0.125f;
                    bad[key] = Matrix::Constant(rows, cols, 0.25f);
                    bool threw = false;
                    try {
                        k->loadState(bad);
                    } catch (const std::runtime_error& e) {
                        threw = true;
                        QVERIFY2(std::string(e.what()).find(key) != std::string::npos,
                                 qPrintable(QString("%1: message does not name '%2': %3").arg(type, entry, e.what())));
                    }
                    QVERIFY2(threw, qPrintable(QString("%1 (%2) accepted '%3' of shape %4x%5")
                                                   .arg(type, at, entry).arg(rows).arg(cols)));
                    QVERIFY2(sameState(k->saveState(), good),
                             qPrintable(QString("%1: the rejected '%2' changed the state").arg(type, entry)));
                }
            }
            // What every node publishes (outputs, activity, what views draw) is as before.
            const std::string diff = snapshotDifference(*before, *a.makeSnapshot());
            QVERIFY2(diff.empty(), qPrintable(QString("%1 (%2): %3 changed after rejected states")
                                                  .arg(type, at, QString::fromStdString(diff))));
            return;
        }
        qInfo("%s: neither a bundled example nor a stand-alone graph builds here; not exercised", qPrintable(type));
    }
};

QTEST_GUILESS_MAIN(TestLoadState)
#include "tst_load_state.moc"
