#include "views/kan_model_edits.h"

#include "core/engine/engine.h"
#include "core/kan/kan_discover_engine.h"
#include "core/kan/kan_node.h"
#include "document/graph_commands.h"
#include "document/model_commands.h"
#include "document/session.h"

#include <QCoreApplication>
#include <QPointer>
#include <QStringList>

namespace ganglion {

namespace {
std::vector<KanLayerKernel*> kernels(Engine& e, const std::vector<NodeId>& chain) {
    std::vector<KanLayerKernel*> ks;
    for (NodeId id : chain)
        if (auto* k = dynamic_cast<KanLayerKernel*>(e.kernel(id))) ks.push_back(k);
    if (ks.size() != chain.size()) ks.clear();  // engine not built (or rebuilt from another graph)
    return ks;
}

QString joinWidths(const std::vector<int>& w) {
    QStringList parts;
    for (int x : w) parts << QString::number(x);
    return parts.join(QStringLiteral("–"));
}

/// An edit made by the kernels' own operations: state before and after the change.
KanEdit inPlace(std::function<int(std::vector<KanLayerKernel*>&)> apply, std::function<QString(int)> message,
                std::function<QString(int)> undoText) {
    return [=](Engine& e, const std::vector<NodeId>& chain) {
        KanEditOutcome out;
        auto ks = kernels(e, chain);
        if (ks.empty()) return out;
        out.before = e.saveState();
        const int n = apply(ks);
        out.message = message(n);
        if (n > 0) {
            out.after = e.saveState();
            out.undoText = undoText(n);
        }
        return out;
    };
}

/// The chain's layers replaced by `net`'s (same count, possibly narrower hidden layers).
void reshapeTo(Engine& e, const std::vector<NodeId>& chain, const kan::Net& net, KanEditOutcome& out) {
    out.before = e.saveState();
    out.after = out.before;
    for (std::size_t l = 0; l < chain.size(); ++l) {
        const Node* node = e.graph().node(chain[l]);
        if (!node) return;
        out.after[node->name] = net.layers[l].saveState();
        if (node->params.getInt("width") != net.layers[l].out()) out.widths.emplace_back(chain[l], net.layers[l].out());
    }
}
}  // namespace

void postKanEdit(Session* session, std::vector<NodeId> chain, KanEdit edit, QObject* context,
                 std::function<void(const QString&)> report) {
    if (chain.empty()) return;
    QPointer<QObject> ctx(context);
    session->runner().post([session, chain, edit, ctx, report](Engine& e) {
        KanEditOutcome out = edit(e, chain);
        QMetaObject::invokeMethod(qApp, [session, ctx, report, out = std::move(out)]() mutable {
            if (!ctx) return;
            if (!out.undoText.isEmpty()) {
                auto* cmd = new ReshapeModelCommand(session, out.undoText, std::move(out.before), std::move(out.after));
                for (const auto& [id, w] : out.widths) {
                    const Node* n = session->graph().node(id);
                    if (!n) continue;
                    auto* c = new SetParamCommand(session->graph(), id, "width", n->params.get("width"), std::int64_t(w), cmd);
                    c->setMergeable(false);
                }
                session->undoStack()->push(cmd);
            }
            report(out.message);
        }, Qt::QueuedConnection);
    });
}

KanEdit pruneEdgesEdit(float threshold) {
    return inPlace(
        [threshold](std::vector<KanLayerKernel*>& ks) {
            int n = 0;
            for (auto* k : ks) n += k->prune(threshold);
            return n;
        },
        [threshold](int n) { return QObject::tr("Pruned %n edge(s) below %1. Undo restores them.", nullptr, n).arg(threshold); },
        [](int n) { return QObject::tr("Prune %n KAN edge(s)", nullptr, n); });
}

KanEdit autoSnapEdit(double r2) {
    return inPlace(
        [r2](std::vector<KanLayerKernel*>& ks) {
            int n = 0;
            for (auto* k : ks) n += k->autoSnap(r2);
            return n;
        },
        [r2](int n) { return QObject::tr("Snapped %n edge(s) at R² ≥ %1. Undo returns them to splines.", nullptr, n).arg(r2); },
        [](int n) { return QObject::tr("Snap %n KAN edge(s)", nullptr, n); });
}

KanEdit pruneNodesEdit(float threshold) {
    return [threshold](Engine& e, const std::vector<NodeId>& chain) {
        KanEditOutcome out;
        auto ks = kernels(e, chain);
        if (ks.empty()) return out;
        if (ks.size() < 2) {
            out.message = QObject::tr("Node pruning needs a chain of at least two KAN layers (it removes hidden nodes).");
            return out;
        }
        if (ks.front()->recentInputs().cols() < 2) {
            out.message = QObject::tr("Train first: node scores come from recent inputs.");
            return out;
        }
        kan::Net net;
        for (auto* k : ks) net.layers.push_back(k->layer());
        const std::vector<int> before = net.widths();
        const int removed = net.pruneNodes(ks.front()->recentInputs(), threshold);
        if (removed == 0) {
            out.message = QObject::tr("No hidden node scores below %1.").arg(threshold);
            return out;
        }
        reshapeTo(e, chain, net, out);
        out.undoText = QObject::tr("Prune %n KAN node(s)", nullptr, removed);
        out.message = QObject::tr("Pruned %n hidden node(s) below %1: widths %2 → %3. Undo restores them.", nullptr, removed)
                          .arg(threshold)
                          .arg(joinWidths(before), joinWidths(net.widths()));
        return out;
    };
}

KanEdit discoverEdit() {
    return [](Engine& e, const std::vector<NodeId>& chain) {
        KanEditOutcome out;
        if (kernels(e, chain).empty()) return out;
        KanChainFormula f;
        try {
            f = discoverChain(e, chain);
        } catch (const std::exception& ex) {
            out.message = QObject::tr("Cannot discover a formula: %1").arg(QString::fromStdString(ex.what()));
            return out;
        }
        reshapeTo(e, chain, f.net, out);
        const auto& r = f.result;
        QStringList lines;
        for (std::size_t o = 0; o < r.formulas.size(); ++o)
            lines << QObject::tr("y%1 = %2   (test R² %3)")
                         .arg(o + 1)
                         .arg(QString::fromStdString(r.formulas[o]))
                         .arg(o < r.r2.size() ? r.r2[o] : 0.0, 0, 'f', 6);
        out.undoText = QObject::tr("Discover KAN formula");
        out.message = QObject::tr("Pruned to %1, %n edge(s) snapped%2:\n", nullptr, r.edgesSnapped)
                          .arg(joinWidths(r.widths),
                               r.complete ? QString() : QObject::tr(" (some edges stay splines)")) +
                      lines.join('\n');
        return out;
    };
}

}  // namespace ganglion
