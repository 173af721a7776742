// Undo commands (document/graph_commands.h) on a bare Graph + QUndoStack: every command is
// exact in both directions, merges behave, rejected edits leave no step behind.
#include "document/graph_commands.h"
#include "core/graph/json_io.h"
#include "widgets/canvas/graph_clipboard.h"

#include <QUndoStack>
#include <QtTest>

using namespace ganglion;

Q_DECLARE_METATYPE(ganglion::ParamValue)

namespace {
/// A small classifier: data → dense → activation → dense → loss (+ labels into the loss).
struct Built {
    NodeId data = 0, dense1 = 0, act = 0, dense2 = 0, loss = 0;
};

NodeId pushAdd(QUndoStack& s, Graph& g, const char* type, QPointF pos) {
    auto* c = new AddNodeCommand(g, type, pos);
    s.push(c);
    return c->nodeId();
}

EdgeId pushConnect(QUndoStack& s, Graph& g, NodeId a, const char* out, NodeId b, const char* in) {
    auto* c = new ConnectCommand(g, {a, out}, {b, in});
    s.push(c);
    return c->edgeId();
}

Built buildClassifier(QUndoStack& s, Graph& g) {
    Built b;
    b.data = pushAdd(s, g, "PlaygroundData", {0, 0});
    b.dense1 = pushAdd(s, g, "Dense", {250, 0});
    b.act = pushAdd(s, g, "Activation", {500, 0});
    b.dense2 = pushAdd(s, g, "Dense", {750, 0});
    b.loss = pushAdd(s, g, "Loss", {1000, 60});
    pushConnect(s, g, b.data, "x", b.dense1, "in");
    pushConnect(s, g, b.dense1, "out", b.act, "in");
    pushConnect(s, g, b.act, "out", b.dense2, "in");
    pushConnect(s, g, b.dense2, "out", b.loss, "pred");
    pushConnect(s, g, b.data, "y", b.loss, "target");
    return b;
}

QString json(const Graph& g) { return QString::fromStdString(graphToJson(g)); }
}  // namespace

class TestUndo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        for (const char* t : {"PlaygroundData", "Dense", "Activation", "Loss"})
            QVERIFY2(NodeRegistry::instance().find(t), qPrintable(QStringLiteral("node type %1 is not registered").arg(t)));
    }

    void undoToEmptyAndRedoIsIdentical() {
        Graph g;
        QUndoStack stack;
        const QString empty = json(g);
        Built b = buildClassifier(stack, g);
        stack.push(new SetParamCommand(g, b.dense1, "units", std::int64_t(8), std::int64_t(16)));
        stack.push(new SetParamCommand(g, b.act, "function", std::string("tanh"), std::string("relu")));
        stack.push(new RenameCommand(g, b.dense1, "hidden"));
        stack.push(new MoveNodesCommand(g, {{b.loss, {1000, 60}}}, {{b.loss, {1010, 80}}}));
        stack.push(new RemoveItemsCommand(g, {b.act}, {}));
        const QString full = json(g);
        QCOMPARE(g.nodes().size(), size_t(4));
        QCOMPARE(g.node(b.dense1)->name, std::string("hidden"));
        QCOMPARE(g.node(b.dense1)->params.getInt("units"), std::int64_t(16));

        while (stack.canUndo()) stack.undo();
        QVERIFY(g.empty());
        QCOMPARE(json(g), empty);
        while (stack.canRedo()) stack.redo();
        QCOMPARE(json(g), full);
        // And once more: redo is repeatable, not just the first time.
        while (stack.canUndo()) stack.undo();
        while (stack.canRedo()) stack.redo();
        QCOMPARE(json(g), full);
    }

    void removeRestoresEdgesExactly() {
        Graph g;
        QUndoStack stack;
        Built b = buildClassifier(stack, g);
        const Graph before = g;
        const std::vector<Edge> edgesBefore = g.edges();
        // Remove the middle node plus an unrelated edge selected on its own.
        const EdgeId labels = g.edgeIntoPort({b.loss, "target"})->id;
        stack.push(new RemoveItemsCommand(g, {b.act}, {labels}));
        QVERIFY(!g.node(b.act));
        QCOMPARE(g.edges().size(), edgesBefore.size() - 3);
        stack.undo();
        QVERIFY(g.sameContent(before));
        for (const Edge& e : edgesBefore) QVERIFY2(g.edge(e.id) && *g.edge(e.id) == e, "edge restored with its id");
        stack.redo();
        QCOMPARE(g.edges().size(), edgesBefore.size() - 3);
    }

    void connectRefusedLeavesNoStep() {
        Graph g;
        QUndoStack stack;
        Built b = buildClassifier(stack, g);
        const int count = stack.count();
        const QString before = json(g);
        // Input already connected.
        auto* dup = new ConnectCommand(g, {b.data, "x"}, {b.act, "in"});
        stack.push(dup);
        QCOMPARE(stack.count(), count);
        // Output to output.
        stack.push(new ConnectCommand(g, {b.dense1, "out"}, {b.dense2, "out"}));
        QCOMPARE(stack.count(), count);
        QCOMPARE(json(g), before);
    }

    void disconnectUndo() {
        Graph g;
        QUndoStack stack;
        Built b = buildClassifier(stack, g);
        const Edge e = *g.edgeIntoPort({b.act, "in"});
        stack.push(new DisconnectCommand(g, e.id));
        QVERIFY(!g.edge(e.id));
        stack.undo();
        QVERIFY(g.edge(e.id));
        QVERIFY(*g.edge(e.id) == e);
    }

    void reconnectIsOneExactStep() {
        Graph g;
        QUndoStack stack;
        NodeId data = pushAdd(stack, g, "PlaygroundData", {0, 0});
        NodeId a = pushAdd(stack, g, "Dense", {300, 0});
        NodeId b = pushAdd(stack, g, "Dense", {300, 200});
        NodeId c = pushAdd(stack, g, "Dense", {600, 200});
        const EdgeId e = pushConnect(stack, g, data, "x", a, "in");
        pushConnect(stack, g, b, "out", c, "in");
        const Graph beforeGraph = g;
        const int base = stack.count();
        auto* cmd = new ReconnectCommand(g, e, {data, "x"}, {b, "in"});
        stack.push(cmd);
        QCOMPARE(stack.count(), base + 1);
        QVERIFY(!g.edge(e));
        QVERIFY(g.edgeIntoPort({b, "in"}));
        const QString after = json(g);
        stack.undo();
        // Same ids, nodes and edges; the restored edge is listed last (Graph appends).
        QVERIFY(g.sameContent(beforeGraph));
        QVERIFY(*g.edge(e) == *beforeGraph.edge(e));
        stack.redo();
        QCOMPARE(json(g), after);
        stack.undo();
        const QString undone = json(g);
        // Onto an input that is taken: refused, nothing changes, no step.
        stack.push(new ReconnectCommand(g, e, {data, "x"}, {c, "in"}));
        QCOMPARE(stack.index(), base);
        QCOMPARE(json(g), undone);
    }

    void moveMerges() {
        Graph g;
        QUndoStack stack;
        NodeId a = pushAdd(stack, g, "Dense", {0, 0});
        NodeId c = pushAdd(stack, g, "Dense", {100, 0});
        const int base = stack.count();
        using P = MoveNodesCommand::Positions;
        stack.push(new MoveNodesCommand(g, P{{a, {0, 0}}, {c, {100, 0}}}, P{{a, {4, 0}}, {c, {104, 0}}}));
        stack.push(new MoveNodesCommand(g, P{{a, {4, 0}}, {c, {104, 0}}}, P{{a, {8, 4}}, {c, {108, 4}}}));
        QCOMPARE(stack.count(), base + 1);  // contiguous moves of the same nodes: one step
        QCOMPARE(g.node(a)->x, 8.0);
        // A move of a different set does not merge.
        stack.push(new MoveNodesCommand(g, P{{a, {8, 4}}}, P{{a, {20, 20}}}));
        QCOMPARE(stack.count(), base + 2);
        stack.undo();
        stack.undo();
        QCOMPARE(g.node(a)->x, 0.0);
        QCOMPARE(g.node(c)->y, 0.0);
    }

    void setParamMergesAndDropsNoOps() {
        Graph g;
        QUndoStack stack;
        NodeId d = pushAdd(stack, g, "Dense", {0, 0});
        const int base = stack.count();
        stack.push(new SetParamCommand(g, d, "units", std::int64_t(8), std::int64_t(9)));
        stack.push(new SetParamCommand(g, d, "units", std::int64_t(9), std::int64_t(10)));
        QCOMPARE(stack.count(), base + 1);
        QCOMPARE(g.node(d)->params.getInt("units"), std::int64_t(10));
        stack.push(new SetParamCommand(g, d, "bias", true, false));
        QCOMPARE(stack.count(), base + 2);
        stack.undo();
        stack.undo();
        QCOMPARE(g.node(d)->params.getInt("units"), std::int64_t(8));
        QVERIFY(g.node(d)->params.getBool("bias"));
        // Editing back to the original value within the merge window leaves no step.
        stack.push(new SetParamCommand(g, d, "units", std::int64_t(8), std::int64_t(12)));
        stack.push(new SetParamCommand(g, d, "units", std::int64_t(12), std::int64_t(8)));
        QCOMPARE(stack.count(), base);
    }

    void setParamValidation_data() {
        QTest::addColumn<QString>("param");
        QTest::addColumn<ParamValue>("value");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("in range") << "units" << ParamValue(std::int64_t(32)) << true;
        QTest::newRow("below min") << "units" << ParamValue(std::int64_t(0)) << false;
        QTest::newRow("above max") << "units" << ParamValue(std::int64_t(1) << 40) << false;
        QTest::newRow("wrong type") << "bias" << ParamValue(std::string("yes")) << false;
        QTest::newRow("enum ok") << "init" << ParamValue(std::string("he")) << true;
        QTest::newRow("enum bad") << "init" << ParamValue(std::string("zeros")) << false;
        QTest::newRow("unknown param") << "nope" << ParamValue(1.0) << false;
    }
    void setParamValidation() {
        QFETCH(QString, param);
        QFETCH(ParamValue, value);
        QFETCH(bool, accepted);
        Graph g;
        QUndoStack stack;
        NodeId d = pushAdd(stack, g, "Dense", {0, 0});
        const QString before = json(g);
        const ParamValue old = g.node(d)->params.has(param.toStdString()) ? g.node(d)->params.get(param.toStdString())
                                                                          : ParamValue(0.0);
        auto* cmd = new SetParamCommand(g, d, param.toStdString(), old, value);
        cmd->redo();
        QCOMPARE(!cmd->isObsolete(), accepted);
        if (!accepted) {
            QVERIFY2(!cmd->error().isEmpty(), "a rejected edit says why");
            QCOMPARE(json(g), before);
        }
        delete cmd;
    }

    void renameRejectsDuplicates() {
        Graph g;
        QUndoStack stack;
        NodeId a = pushAdd(stack, g, "Dense", {0, 0});
        NodeId b = pushAdd(stack, g, "Dense", {100, 0});
        const int base = stack.count();
        stack.push(new RenameCommand(g, b, QString::fromStdString(g.node(a)->name)));
        QCOMPARE(stack.count(), base);
        stack.push(new RenameCommand(g, b, "readout"));
        QCOMPARE(g.node(b)->name, std::string("readout"));
        stack.undo();
        QCOMPARE(g.node(b)->name, std::string("Dense 2"));
    }

    void pasteFreshIdsAndOffset() {
        Graph g;
        QUndoStack stack;
        Built b = buildClassifier(stack, g);
        stack.push(new SetParamCommand(g, b.dense1, "units", std::int64_t(8), std::int64_t(5)));
        const QString before = json(g);
        // Copy dense1 + act (one internal edge; the edges from data and to dense2 stay behind).
        const QString clip = selectionToJson(g, {b.dense1, b.act});
        const NodeId firstFree = g.nextId();
        auto* paste = new PasteCommand(g, clip, QPointF(300, 400));
        stack.push(paste);
        const QList<NodeId> ids = paste->pastedNodes();
        QCOMPARE(ids.size(), 2);
        for (NodeId id : ids) QVERIFY(id >= firstFree);
        const Node* copy1 = g.node(ids[0]);
        const Node* copy2 = g.node(ids[1]);
        QCOMPARE(copy1->type, std::string("Dense"));
        QCOMPARE(copy1->params.getInt("units"), std::int64_t(5));
        QVERIFY(copy1->name != g.node(b.dense1)->name);
        QCOMPARE(QPointF(copy1->x, copy1->y), QPointF(300, 400));  // top-left of the group at the anchor
        QCOMPARE(QPointF(copy2->x, copy2->y), QPointF(550, 400));
        QCOMPARE(g.edgesInto(ids[1]).size(), size_t(1));
        QCOMPARE(g.edgesInto(ids[1]).front()->from.node, ids[0]);
        QVERIFY(g.edgesInto(ids[0]).empty());
        const QString after = json(g);
        stack.undo();
        QCOMPARE(json(g), before);
        stack.redo();
        QCOMPARE(json(g), after);
    }

    void copyingANodeListedTwiceCopiesItOnce() {
        Graph g;
        QUndoStack stack;
        Built b = buildClassifier(stack, g);
        const QString clip = selectionToJson(g, {b.dense1, b.act, b.dense1, b.act});
        QCOMPARE(clip, selectionToJson(g, {b.dense1, b.act}));
        auto* paste = new PasteCommand(g, clip, QPointF(0, 0));
        stack.push(paste);
        QVERIFY2(paste->error().isEmpty(), qPrintable(paste->error()));
        const QList<NodeId> ids = paste->pastedNodes();
        QCOMPARE(ids.size(), 2);
        QCOMPARE(g.edgesInto(ids[1]).size(), size_t(1));
        QCOMPARE(g.edgesInto(ids[1]).front()->from.node, ids[0]);
    }

    void expandIsOneExactStep() {
        Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/worm_swimmer.json");
        QUndoStack stack;
        const QString before = json(g);
        const NodeId ncap = g.nodeByName("NCAP circuit")->id;
        auto* cmd = new ExpandNodeCommand(g, ncap);
        QVERIFY(cmd->text().contains("Expand to neurons") && cmd->text().contains("NCAP circuit"));
        stack.push(cmd);
        QCOMPARE(stack.count(), 1);
        QCOMPARE(cmd->parts().size(), 26);
        QVERIFY(cmd->dropped().isEmpty());
        QVERIFY(!g.node(ncap));
        const QString after = json(g);
        for (int round = 0; round < 2; ++round) {
            stack.undo();
            QCOMPARE(json(g), before);
            stack.redo();
            QCOMPARE(json(g), after);
        }
        // a node with nothing to expand into leaves no step and says why
        auto* refused = new ExpandNodeCommand(g, g.nodeByName("Swimmer")->id);
        stack.push(refused);  // obsolete after its first redo: the stack drops it
        QCOMPARE(stack.count(), 1);
        QCOMPARE(json(g), after);
    }

    void pasteGarbageIsRejected() {
        Graph g;
        QUndoStack stack;
        auto* cmd = new PasteCommand(g, "{\"format\": \"something else\"", QPointF());
        cmd->redo();
        QVERIFY(cmd->isObsolete());
        QVERIFY(cmd->error().contains("clipboard"));
        QVERIFY(g.empty());
        delete cmd;
    }
};

QTEST_GUILESS_MAIN(TestUndo)
#include "tst_undo.moc"
