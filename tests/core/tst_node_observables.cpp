// NodeSpec::observables is what views and the canvas go by (which views a document brings up,
// what a node draws), so it must be true: every array and extra a kernel publishes is listed by
// its type, and so is every scalar that some type lists for the views (e.g. "loss"). Data-driven
// over the registry: each type runs in the first bundled example holding it and on its own.
#include "core/engine/engine.h"
#include "node_graphs.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace ganglion;

namespace {

bool lists(const NodeSpec& spec, const std::string& name) {
    for (const auto& o : spec.observables) {
        if (o == name) return true;
        if (!o.empty() && o.back() == '*' && name.compare(0, o.size() - 1, o, 0, o.size() - 1) == 0) return true;
    }
    return false;
}

}  // namespace

class TestNodeObservables : public QObject {
    Q_OBJECT
private slots:
    void declarationsAreWellFormed() {
        for (const NodeSpec& s : NodeRegistry::instance().all()) {
            std::set<std::string> seen;
            for (const auto& o : s.observables) {
                QVERIFY2(!o.empty() && o != "*", s.type.c_str());
                QVERIFY2(seen.insert(o).second, qPrintable(QString::fromStdString(s.type + " lists '" + o + "' twice")));
            }
            // a conditional observable is one the type lists, its condition a boolean parameter
            for (const auto& entry : s.observableWhen) {
                const std::string& o = entry.first;
                const std::string& param = entry.second;  // a plain name: lambdas may not capture bindings (C++20, clang 14)
                QVERIFY2(seen.count(o), qPrintable(QString::fromStdString(s.type + ": '" + o + "' has a condition but is not listed")));
                const auto p = std::find_if(s.params.begin(), s.params.end(), [&](const ParamSpec& ps) { return ps.name == param; });
                QVERIFY2(p != s.params.end() && p->type == ParamType::Bool,
                         qPrintable(QString::fromStdString(s.type + ": '" + o + "' depends on '" + param + "', not a boolean parameter")));
            }
        }
    }

    void thumbnailDataIsListed() {
        // The canvas draws a declared thumbnail from one observable: the type must publish it.
        for (const NodeSpec& s : NodeRegistry::instance().all()) {
            const char* needs = s.thumbnail == Thumbnail::Points        ? "train_points"
                                : s.thumbnail == Thumbnail::Images      ? "images"
                                : s.thumbnail == Thumbnail::Trace       ? "trace"
                                : s.thumbnail == Thumbnail::SpikeRaster ? "spikes"
                                                                        : "activations";
            if (s.thumbnail == Thumbnail::Activations && !lists(s, needs)) continue;  // the default: may draw nothing
            QVERIFY2(lists(s, needs), qPrintable(QString::fromStdString(s.type + " draws its thumbnail from '" + needs +
                                                                        "' but does not list it")));
        }
    }

    void publishedObservablesAreListed_data() {
        QTest::addColumn<QString>("type");
        for (const NodeSpec& s : NodeRegistry::instance().all()) QTest::newRow(s.type.c_str()) << QString::fromStdString(s.type);
    }

    void publishedObservablesAreListed() {
        QFETCH(QString, type);
        const std::string t = type.toStdString();
        std::set<std::string> viewScalars;  // scalars some type lists: views look for them
        for (const NodeSpec& s : NodeRegistry::instance().all())
            viewScalars.insert(s.observables.begin(), s.observables.end());
        int runs = 0;
        for (const auto& [where, graph] : testing::graphsFor(t)) {
            Engine e;
            e.build(graph);
            if (!e.ok()) continue;  // e.g. an example whose recordings are not installed
            ++runs;
            for (int s = 0; s < 4; ++s) {
                if (!e.step()) break;
                const SnapshotPtr snap = e.makeSnapshot();
                for (const NodeSnapshot& n : snap->nodes) {
                    if (n.type != t) continue;
                    const NodeSpec& spec = *NodeRegistry::instance().find(t);
                    const QString in = QString::fromStdString(where);  // clang 14 cannot capture a structured binding
                    auto check = [&](const std::string& name, const char* what) {
                        QVERIFY2(lists(spec, name), qPrintable(QString("%1 (in %2) publishes the %3 '%4', which its "
                                                                       "NodeSpec::observables does not list")
                                                                   .arg(type, in, what,
                                                                        QString::fromStdString(name))));
                    };
                    for (const auto& [k, v] : n.obs.arrays) {
                        if (!isThroughTime(k)) {
                            check(k, "array");
                            continue;
                        }
                        // the engine publishes every sequence-valued output port ("through_time:<port>")
                        // for any type; arrays of its own a kernel publishes that way are listed as
                        // the observable "through_time"
                        const std::string what = k.substr(std::string(kThroughTime).size());
                        const bool port = std::any_of(spec.outputs.begin(), spec.outputs.end(),
                                                      [&](const PortSpec& p) { return p.name == what; });
                        if (!port) check("through_time", "through-time array");
                    }
                    for (const auto& [k, v] : n.obs.extra) check(k, "extra");
                    for (const auto& [k, v] : n.obs.scalars)
                        if (viewScalars.count(k)) check(k, "scalar");
                }
            }
        }
        if (!runs) qInfo("%s: neither a bundled example nor a stand-alone graph builds here; not exercised", qPrintable(type));
    }
};

QTEST_GUILESS_MAIN(TestNodeObservables)
#include "tst_node_observables.moc"
