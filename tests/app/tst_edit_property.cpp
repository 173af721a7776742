// Property: any sequence of edits made through the real undo commands on a session's QUndoStack
// can be undone back to the exact starting graph JSON and redone to the exact final one, and
// every step in between is reproduced too. 1,000 random edits per seed (add, connect, disconnect,
// set parameter, expand a composite, paste, delete, rename, move); a failure names the seed and
// the step. GANGLION_PROPERTY_SEED=<n> replays one seed.
#include "document/graph_commands.h"
#include "document/session.h"
#include "core/graph/expand.h"
#include "core/graph/json_io.h"
#include "widgets/canvas/graph_clipboard.h"

#include <QUndoStack>
#include <QtTest>

#include <random>

using namespace ganglion;

namespace {

constexpr int kEdits = 1000;
constexpr size_t kMaxNodes = 60;  // beyond this the walk deletes more than it adds

class EditWalk {
public:
    EditWalk(Session& s, std::uint64_t seed) : s_(s), g_(s.graph()), rng_(seed) {}

    /// One random edit; returns what it tried (for failure messages).
    QString step() {
        const int what = pick(g_.nodes().size() > kMaxNodes ? 4 : 10);
        switch (g_.nodes().empty() ? 0 : what) {
        case 0: case 5: return add();
        case 1: case 6: return connect();
        case 2: return setParam();
        case 3: case 7: return (g_.nodes().size() > kMaxNodes || chance(0.5)) ? remove() : disconnect();
        case 8: return chance(0.5) ? paste() : expand();
        default: return chance(0.5) ? rename() : move();
        }
    }

private:
    int pick(int n) { return int(rng_() % std::uint64_t(n)); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    template <class T> const T& any(const std::vector<T>& v) { return v[size_t(pick(int(v.size())))]; }
    const Node& anyNode() { return any(g_.nodes()); }
    QPointF anyPos() { return {double(pick(2000)), double(pick(1200))}; }

    QString push(GraphCommand* c, const QString& what) {
        s_.undoStack()->push(c);  // an edit the graph refuses makes itself obsolete: no step
        return what;
    }

    QString add() {
        const auto& specs = NodeRegistry::instance().all();
        // composites are what expand works on: keep one around now and then
        const NodeSpec& spec = chance(0.1) ? *NodeRegistry::instance().find("NcapCircuit") : any(specs);
        return push(new AddNodeCommand(g_, QString::fromStdString(spec.type), anyPos()),
                    "add " + QString::fromStdString(spec.type));
    }

    QString connect() {
        const Node& a = anyNode();
        const Node& b = anyNode();
        const NodeSpec* sa = g_.spec(a.id);
        const NodeSpec* sb = g_.spec(b.id);
        if (sa->outputs.empty() || sb->inputs.empty()) return "connect (no ports)";
        Endpoint from{a.id, any(sa->outputs).name}, to{b.id, any(sb->inputs).name};
        // a legal connection mostly, an illegal one sometimes (it must leave no step)
        if (g_.canConnect(from, to) && chance(0.8)) return "connect (illegal, not tried)";
        return push(new ConnectCommand(g_, from, to), QString("connect %1.%2 -> %3.%4")
                        .arg(QString::fromStdString(a.name), QString::fromStdString(from.port),
                             QString::fromStdString(b.name), QString::fromStdString(to.port)));
    }

    QString disconnect() {
        if (g_.edges().empty()) return "disconnect (no edges)";
        return push(new DisconnectCommand(g_, any(g_.edges()).id), "disconnect");
    }

    QString setParam() {
        const Node& n = anyNode();
        const NodeSpec* spec = g_.spec(n.id);
        if (spec->params.empty()) return "set parameter (none)";
        const ParamSpec& p = any(spec->params);
        ParamValue v = p.def;
        auto inRange = [&](double lo, double hi) {
            lo = std::max(lo, std::isfinite(p.min) ? p.min : -1e3);
            hi = std::min(hi, std::isfinite(p.max) ? p.max : 1e3);
            return std::uniform_real_distribution<double>(lo, std::max(lo, hi))(rng_);
        };
        switch (p.type) {
        case ParamType::Bool: v = chance(0.5); break;
        case ParamType::Int: v = std::int64_t(std::llround(inRange(p.min, std::min(p.max, p.min + 50)))); break;
        case ParamType::Float: v = chance(0.1) ? p.max + 1.0 : inRange(p.min, p.max); break;  // sometimes out of range
        case ParamType::Enum: v = any(p.choices); break;
        case ParamType::String: v = "text " + std::to_string(pick(100)); break;
        }
        auto* c = new SetParamCommand(g_, n.id, p.name, n.params.get(p.name), v);
        c->setMergeable(chance(0.5));
        return push(c, QString("set %1.%2 = %3").arg(QString::fromStdString(n.name), QString::fromStdString(p.name),
                                                     QString::fromStdString(paramToString(v))));
    }

    QString remove() {
        QList<NodeId> nodes;
        QList<EdgeId> edges;
        for (int k = pick(3) + 1; k > 0; --k)  // a selection: each node once
            if (NodeId id = anyNode().id; !nodes.contains(id)) nodes << id;
        if (!g_.edges().empty() && chance(0.5)) edges << any(g_.edges()).id;
        return push(new RemoveItemsCommand(g_, nodes, edges), QString("delete %1 nodes").arg(nodes.size()));
    }

    QString expand() {
        std::vector<NodeId> composites;
        for (const auto& n : g_.nodes())
            if (canExpand(g_, n.id)) composites.push_back(n.id);
        if (composites.empty()) return "expand (no composite)";
        const NodeId id = any(composites);
        return push(new ExpandNodeCommand(g_, id), "expand " + QString::fromStdString(g_.node(id)->name));
    }

    QString paste() {
        QList<NodeId> nodes;
        for (int k = pick(4) + 1; k > 0; --k)  // a selection: each node once
            if (NodeId id = anyNode().id; !nodes.contains(id)) nodes << id;
        const QString json = chance(0.95) ? selectionToJson(g_, nodes) : QStringLiteral("{\"not\": \"a graph\"");
        return push(new PasteCommand(g_, json, anyPos()), QString("paste %1 nodes").arg(nodes.size()));
    }

    QString rename() {
        const Node& n = anyNode();
        // a fresh name, or one taken by another node (refused: no step)
        const QString name = chance(0.8) ? QString("renamed %1").arg(pick(1000000)) : QString::fromStdString(anyNode().name);
        return push(new RenameCommand(g_, n.id, name), "rename " + QString::fromStdString(n.name) + " to " + name);
    }

    QString move() {
        const Node& n = anyNode();
        const QPointF to = anyPos();
        return push(new MoveNodesCommand(g_, {{n.id, {n.x, n.y}}}, {{n.id, to}}), "move " + QString::fromStdString(n.name));
    }

    Session& s_;
    Graph& g_;
    std::mt19937_64 rng_;
};

QString json(const Graph& g) { return QString::fromStdString(graphToJson(g)); }

}  // namespace

class TstEditProperty : public QObject {
    Q_OBJECT
private slots:
    void undoAllRedoAll_data() {
        QTest::addColumn<quint64>("seed");
        const QByteArray env = qgetenv("GANGLION_PROPERTY_SEED");
        if (!env.isEmpty()) {
            QTest::newRow(env.constData()) << env.toULongLong();
            return;
        }
        for (quint64 seed : {20261206ULL, 7ULL}) QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }

    void undoAllRedoAll() {
        QFETCH(quint64, seed);
        Session session;
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/spiral_classifier.json", &err, true),
                 qPrintable(err));
        QUndoStack* stack = session.undoStack();
        QCOMPARE(stack->count(), 0);
        // what the graph looks like at each stack index, and which edit produced it
        std::vector<QString> at{json(session.graph())};
        std::vector<QString> how{"start"};
        EditWalk walk(session, seed);
        for (int step = 0; step < kEdits; ++step) {
            QString what;
            try {
                what = walk.step();
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("seed %1, edit %2: %3").arg(seed).arg(step).arg(e.what())));
            }
            const int index = stack->index();
            QVERIFY2(index <= int(at.size()), "the stack grew by more than one step for one edit");
            at.resize(size_t(index) + 1);  // a new step, a merge into the last one, or nothing
            how.resize(size_t(index) + 1);
            at[size_t(index)] = json(session.graph());
            how[size_t(index)] = QString("edit %1 (%2)").arg(step).arg(what);
        }
        QVERIFY2(stack->count() > kEdits / 3, qPrintable(QString("only %1 of %2 edits took effect").arg(stack->count()).arg(kEdits)));
        const QString fail = QString("seed %1: ").arg(seed);
        for (int i = stack->index(); i > 0; --i) {
            stack->undo();
            QVERIFY2(json(session.graph()) == at[size_t(i) - 1],
                     qPrintable(fail + "undoing " + how[size_t(i)] + " did not restore the graph before it"));
        }
        QCOMPARE(json(session.graph()), at.front());
        for (int i = 1; i <= stack->count(); ++i) {
            stack->redo();
            QVERIFY2(json(session.graph()) == at[size_t(i)], qPrintable(fail + "redoing " + how[size_t(i)] + " differs"));
        }
        QCOMPARE(json(session.graph()), at.back());
    }
};

QTEST_MAIN(TstEditProperty)
#include "tst_edit_property.moc"
