// GraphCanvas driven by real mouse/keyboard events (xvfb): build a graph by dropping and
// quick-adding nodes and dragging port to port, with the canvas requests wired to the undo
// commands exactly as the app does; refused connections; move/select/delete/copy/paste/
// duplicate and shortcuts; undo to empty and redo to the same JSON. (View behaviour: tst_canvas_view.)
#include "tst_canvas_rig.h"
#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/quick_add_popup.h"
#include "widgets/palette/node_palette.h"

#include <QAction>
#include <QClipboard>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QTimer>
#include <QTreeWidget>

class TestCanvas : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        for (const char* t : {"PlaygroundData", "Dense", "Activation", "Loss"})
            QVERIFY2(NodeRegistry::instance().find(t), qPrintable(QStringLiteral("node type %1 is not registered").arg(t)));
    }

    void buildThroughCanvasUndoRedo() {
        Rig r;
        const QString empty = json(r.graph);
        // 1. The palette's drag payload, dropped on the canvas.
        NodePalette palette;
        palette.resize(260, 600);
        palette.show();
        QVERIFY(QTest::qWaitForWindowExposed(&palette));
        saveShot(&palette, "palette.png");
        // The search field filters by title, type, category and help.
        QTest::keyClicks(palette.searchField(), "dense");
        QVERIFY(palette.visibleTypes().contains("Dense"));
        QVERIFY(!palette.visibleTypes().contains("PlaygroundData"));
        palette.searchField()->clear();
        QCOMPARE(palette.visibleTypes().size(), int(NodeRegistry::instance().all().size()));
        QTreeWidgetItem* entry = palette.itemForType("PlaygroundData");
        QVERIFY(entry);
        QSignalSpy activated(&palette, &NodePalette::nodeActivated);
        emit palette.tree()->itemActivated(entry, 0);  // double-click / Enter on an entry
        QCOMPARE(activated.value(0).value(0).toString(), QStringLiteral("PlaygroundData"));
        QVERIFY(!entry->toolTip(0).isEmpty());
        std::unique_ptr<QMimeData> mime(palette.tree()->model()->mimeData(
            {palette.tree()->indexFromItem(entry)}));
        QVERIFY(mime && mime->hasFormat(kNodeTypeMime));
        QCOMPARE(QString::fromUtf8(mime->data(kNodeTypeMime)), QStringLiteral("PlaygroundData"));
        r.dropType(QString::fromUtf8(mime->data(kNodeTypeMime)), r.view({100, 200}));
        QCOMPARE(r.graph.nodes().size(), size_t(1));
        const NodeId data = r.lastNode();
        QCOMPARE(r.canvas.selectedNodes(), QList<NodeId>{data});  // a new node is selected
        r.dropType("Dense", r.view({420, 200}));
        const NodeId dense = r.lastNode();

        // 2. Quick-add by double-click on empty canvas, searching for the type.
        r.mouse(QEvent::MouseButtonPress, r.view({740, 200}), Qt::LeftButton, Qt::LeftButton);
        r.mouse(QEvent::MouseButtonRelease, r.view({740, 200}), Qt::LeftButton, Qt::NoButton);
        r.mouse(QEvent::MouseButtonDblClick, r.view({740, 200}), Qt::LeftButton, Qt::LeftButton);
        QuickAddPopup* popup = r.canvas.quickAddPopup();
        QTRY_VERIFY(popup->isVisible());
        QTest::keyClicks(popup->searchField(), "activation");
        QCOMPARE(popup->visibleTypes().value(0), QStringLiteral("Activation"));
        saveShot(popup, "quick_add.png");
        QTest::keyClick(popup->searchField(), Qt::Key_Return);
        QVERIFY(!popup->isVisible());
        QCOMPARE(r.graph.nodes().size(), size_t(3));
        const NodeId act = r.lastNode();
        QCOMPARE(r.graph.node(act)->type, std::string("Activation"));
        // Placed where the user double-clicked (header centred on the click).
        QCOMPARE(QPointF(r.graph.node(act)->x, r.graph.node(act)->y), GraphCanvas::nodePlacement({740, 200}));

        // 3. Quick-add with Tab.
        r.canvas.setFocus();
        QTest::keyClick(&r.canvas, Qt::Key_Tab);
        QTRY_VERIFY(popup->isVisible());
        QTest::keyClicks(popup->searchField(), "loss");
        QTest::keyClick(popup->searchField(), Qt::Key_Return);
        const NodeId loss = r.lastNode();
        QCOMPARE(r.graph.node(loss)->type, std::string("Loss"));
        r.stack.push(new MoveNodesCommand(r.graph, {{loss, QPointF(r.graph.node(loss)->x, r.graph.node(loss)->y)}},
                                          {{loss, QPointF(1000, 300)}}));

        // 4. Connect by dragging port to port: output→input and input→output both work.
        r.drag(r.portView(data, true, 0), r.portView(dense, false, 0));
        QCOMPARE(r.graph.edges().size(), size_t(1));
        r.drag(r.portView(act, false, 0), r.portView(dense, true, 0));  // from the input end
        QCOMPARE(r.graph.edges().size(), size_t(2));
        QVERIFY(r.graph.edgeIntoPort({act, "in"}));
        QCOMPARE(r.graph.edgeIntoPort({act, "in"})->from.node, dense);
        r.drag(r.portView(act, true, 0), r.portView(loss, false, 0));
        r.drag(r.portView(data, true, 1), r.portView(loss, false, 1));
        QCOMPARE(r.graph.edges().size(), size_t(4));
        QVERIFY(r.canvas.graphScene()->edgeItem(r.graph.edges().back().id));

        saveShot(&r.canvas, "canvas_built.png");
        const QString built = json(r.graph);

        // 5. Undo everything (through the stack), back to empty; redo to the same graph.
        while (r.stack.canUndo()) r.stack.undo();
        QCOMPARE(json(r.graph), empty);
        QVERIFY(r.canvas.graphScene()->items().isEmpty());
        while (r.stack.canRedo()) r.stack.redo();
        QCOMPARE(json(r.graph), built);
        int topLevel = 0;  // nodes and edges (a node's thumbnail is its child)
        for (QGraphicsItem* it : r.canvas.graphScene()->items()) topLevel += it->parentItem() == nullptr;
        QCOMPARE(topLevel, 8);  // 4 nodes + 4 edges, re-created from the graph
    }

    void refusedConnectionsShowWhy() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 100}));
        const NodeId data = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 100}));
        const NodeId dense = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 350}));
        const NodeId dense2 = r.lastNode();
        r.drag(r.portView(data, true, 0), r.portView(dense, false, 0));
        QCOMPARE(r.graph.edges().size(), size_t(1));
        const QString before = json(r.graph);
        QSignalSpy status(&r.canvas, &GraphCanvas::statusMessage);
        QSignalSpy connects(&r.canvas, &GraphCanvas::requestConnect);

        // Output to output: refused, with the refusal visible while hovering.
        const QPoint a = r.portView(dense, true, 0), b = r.portView(dense2, true, 0);
        r.mouse(QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton);
        r.mouse(QEvent::MouseMove, (a + b) / 2, Qt::NoButton, Qt::LeftButton);
        // While dragging, a compatible port is marked and the refused ones are too.
        QCOMPARE(r.canvas.graphScene()->portMark({dense2, false, 0}), PortMark::Compatible);
        QCOMPARE(r.canvas.graphScene()->portMark({dense2, true, 0}), PortMark::Refused);
        r.mouse(QEvent::MouseMove, b, Qt::NoButton, Qt::LeftButton);
        QCOMPARE(r.canvas.graphScene()->dragTarget(), (PortRef{dense2, true, 0}));
        saveShot(&r.canvas, "canvas_refused.png");
        r.mouse(QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton);
        QVERIFY(!status.isEmpty());
        QVERIFY2(status.last().first().toString().contains("output"), qPrintable(status.last().first().toString()));
        QCOMPARE(r.canvas.graphScene()->portMark({dense2, true, 0}), PortMark::None);  // marks cleared

        // The very wire that exists already.
        r.drag(r.portView(data, true, 0), r.portView(dense, false, 0));
        QVERIFY2(status.last().first().toString().contains("already connected"),
                 qPrintable(status.last().first().toString()));

        // Type mismatch, when a non-tensor port type is registered.
        int outIndex = -1;
        const QString spikes = nonTensorSource(&outIndex);
        if (!spikes.isEmpty()) {
            r.stack.push(new AddNodeCommand(r.graph, spikes, {0, 400}));
            const NodeId src = r.lastNode();
            const QString withSource = json(r.graph);
            r.drag(r.portView(src, true, outIndex), r.portView(dense2, false, 0));
            QVERIFY2(status.last().first().toString().contains("type mismatch"),
                     qPrintable(status.last().first().toString()));
            QCOMPARE(json(r.graph), withSource);
            r.stack.undo();
        }
        QCOMPARE(connects.size(), 0);
        QCOMPARE(json(r.graph), before);
    }

    void pickUpEdgeToRerouteOrDisconnect() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 100}));
        const NodeId data = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 100}));
        const NodeId a = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 350}));
        const NodeId b = r.lastNode();
        r.drag(r.portView(data, true, 0), r.portView(a, false, 0));
        const EdgeId first = r.graph.edgeIntoPort({a, "in"})->id;
        const int base = r.stack.count();
        // Drag the connected input end of the edge to another input: one reconnect step.
        r.drag(r.portView(a, false, 0), r.portView(b, false, 0));
        QCOMPARE(r.stack.count(), base + 1);
        QVERIFY(!r.graph.edge(first));
        QVERIFY(!r.graph.edgeIntoPort({a, "in"}));
        QCOMPARE(r.graph.edgeIntoPort({b, "in"})->from, (Endpoint{data, "x"}));
        // Pull it off and let go on empty canvas: disconnected.
        r.drag(r.portView(b, false, 0), r.view({800, 600}));
        QVERIFY(r.graph.edges().empty());
        r.stack.undo();
        r.stack.undo();
        QVERIFY(r.graph.edge(first));
        QVERIFY(r.canvas.graphScene()->edgeItem(first)->isVisible());
        // Dropping it back where it was changes nothing.
        r.drag(r.portView(a, false, 0), r.portView(a, false, 0) + QPoint(0, 2));
        QCOMPARE(r.stack.index(), base);  // nothing new pushed (the two undone steps remain redoable)
        QCOMPARE(r.stack.count(), base + 2);
        QVERIFY(r.graph.edge(first));
        QVERIFY(r.canvas.graphScene()->edgeItem(first)->isVisible());
    }

    void wireDroppedOnTakenInputReplacesIt_data() {
        QTest::addColumn<bool>("moving");  // a new wire, or an existing one's input end moved
        QTest::newRow("new wire") << false;
        QTest::newRow("moved wire") << true;
    }
    void wireDroppedOnTakenInputReplacesIt() {
        // data → A.in and other → B.in; then A.out → B.in (new) or the wire into A moved onto
        // B.in: B's old wire goes, in one undo step that restores it exactly
        QFETCH(bool, moving);
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 100}));
        const NodeId data = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 450}));
        const NodeId other = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 100}));
        const NodeId a = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {700, 350}));
        const NodeId b = r.lastNode();
        r.stack.push(new ConnectCommand(r.graph, {data, "x"}, {a, "in"}));
        r.stack.push(new ConnectCommand(r.graph, {other, "x"}, {b, "in"}));
        const EdgeId old = r.graph.edgeIntoPort({b, "in"})->id;
        const QString before = json(r.graph);
        const int steps = r.stack.count();
        if (moving) r.drag(r.portView(a, false, 0), r.portView(b, false, 0));
        else r.drag(r.portView(a, true, 0), r.portView(b, false, 0));
        QCOMPARE(r.stack.count(), steps + 1);
        QVERIFY(!r.graph.edge(old));
        QCOMPARE(r.graph.edgeIntoPort({b, "in"})->from, moving ? (Endpoint{data, "x"}) : (Endpoint{a, "out"}));
        QCOMPARE(r.graph.edgeIntoPort({a, "in"}) == nullptr, moving);
        QVERIFY2(r.stack.undoText().endsWith(QString("(replaces %1)").arg(endpointLabel(r.graph, {other, "x"}))),
                 qPrintable(r.stack.undoText()));
        const QString after = json(r.graph);
        r.stack.undo();
        QCOMPARE(json(r.graph), before);
        QVERIFY(r.canvas.graphScene()->edgeItem(old));
        r.stack.redo();
        QCOMPARE(json(r.graph), after);
    }

    void disconnectFromTheContextMenu() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 100}));
        const NodeId data = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {350, 100}));
        const NodeId a = r.lastNode();
        r.stack.push(new ConnectCommand(r.graph, {data, "x"}, {a, "in"}));
        const EdgeId e = r.graph.edges().front().id;
        const QString before = json(r.graph);
        // right-click on the wire: the menu offers Disconnect
        const QPainterPath path = r.canvas.graphScene()->edgeItem(e)->path();
        const QPoint onWire = r.view(path.pointAtPercent(0.5));
        QMenu* menu = nullptr;
        QTimer::singleShot(100, [&] {
            menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            QAction* disconnect = nullptr;
            if (menu)
                for (QAction* act : menu->actions())
                    if (act->text() == "Disconnect") disconnect = act;
            if (disconnect) menu->setActiveAction(disconnect);
            if (menu) QTest::keyClick(menu, Qt::Key_Return);
        });
        QContextMenuEvent ctx(QContextMenuEvent::Mouse, onWire, r.vp()->mapToGlobal(onWire));
        QApplication::sendEvent(r.vp(), &ctx);
        QVERIFY(menu);
        QVERIFY(!r.graph.edge(e));
        QVERIFY(r.graph.node(a) && r.graph.node(data));  // only the wire went
        QCOMPARE(r.stack.undoText(),
                 QString("Disconnect %1 → %2").arg(endpointLabel(r.graph, {data, "x"}), endpointLabel(r.graph, {a, "in"})));
        r.stack.undo();
        QCOMPARE(json(r.graph), before);
        r.stack.redo();
        QVERIFY(!r.graph.edge(e));
    }

    void connectionDroppedOnEmptyCanvasQuickAdds() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "PlaygroundData", {0, 100}));
        const NodeId data = r.lastNode();
        r.drag(r.portView(data, true, 0), r.view({450, 160}));
        QuickAddPopup* popup = r.canvas.quickAddPopup();
        QTRY_VERIFY(popup->isVisible());
        // Only types that can take a tensor input are offered.
        QVERIFY(popup->visibleTypes().contains("Dense"));
        QVERIFY(!popup->visibleTypes().contains("PlaygroundData"));
        QTest::keyClicks(popup->searchField(), "dense");
        QTest::keyClick(popup->searchField(), Qt::Key_Return);
        const NodeId dense = r.lastNode();
        QCOMPARE(r.graph.node(dense)->type, std::string("Dense"));
        QVERIFY(r.graph.edgeIntoPort({dense, "in"}));
        QCOMPARE(r.graph.edgeIntoPort({dense, "in"})->from, (Endpoint{data, "x"}));
        // The new node's input sits where the connection was let go.
        const QPointF in = r.canvas.graphScene()->nodeItem(dense)->portScenePos(false, 0);
        QVERIFY((in - QPointF(450, 160)).manhattanLength() < 2);
        // A later plain quick-add does not connect anything.
        r.canvas.showQuickAdd({450, 500});
        QTest::keyClicks(popup->searchField(), "dense");
        QTest::keyClick(popup->searchField(), Qt::Key_Return);
        QCOMPARE(r.graph.edges().size(), size_t(1));
    }

    void expandCompositeNode() {
        Rig r;
        r.graph = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/worm_swimmer.json");
        r.canvas.setGraph(&r.graph);
        const QString before = json(r.graph);
        QSignalSpy status(&r.canvas, &GraphCanvas::statusMessage);
        // the body has no parts: refused with a message, nothing on the stack
        r.canvas.selectNode(r.graph.nodeByName("Swimmer")->id);
        r.canvas.expandSelection();
        QCOMPARE(r.stack.count(), 0);
        QVERIFY(!status.isEmpty() && status.last().at(0).toString().contains("no parts"));
        // parameters that prevent it (an ablated neuron the circuit does not have): refused
        const NodeId ncap = r.graph.nodeByName("NCAP circuit")->id;
        QVERIFY(!r.graph.setParam(ncap, "ablate", std::string("DB9")));
        r.canvas.selectNode(ncap);
        r.canvas.expandSelection();
        QCOMPARE(r.stack.count(), 0);
        QVERIFY(r.graph.node(ncap));
        QVERIFY(!r.graph.setParam(ncap, "ablate", std::string()));
        const QString clean = json(r.graph);
        QCOMPARE(clean, before);
        // the circuit becomes its 26 neuron-level nodes, selected and in view
        r.canvas.selectNode(r.graph.nodeByName("NCAP circuit")->id);
        r.canvas.expandSelection();
        QCOMPARE(r.stack.count(), 1);
        QVERIFY(!r.graph.nodeByName("NCAP circuit"));
        QCOMPARE(r.canvas.selectedNodes().size(), 26);
        for (NodeId id : r.canvas.selectedNodes()) QVERIFY(r.canvas.graphScene()->nodeItem(id));
        const QRectF visible = r.canvas.mapToScene(r.canvas.viewport()->rect()).boundingRect();
        QVERIFY(visible.contains(r.canvas.graphScene()->nodeItem(r.graph.nodeByName("VB5")->id)->sceneBoundingRect()));
        saveShot(&r.canvas, "canvas_expanded_ncap.png");
        r.stack.undo();
        QCOMPARE(json(r.graph), before);
        QVERIFY(r.canvas.graphScene()->nodeItem(r.graph.nodeByName("NCAP circuit")->id));
    }

    void moveSelectDeleteCopyPaste() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {100, 100}));
        const NodeId a = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Activation", {400, 100}));
        const NodeId b = r.lastNode();
        r.stack.push(new ConnectCommand(r.graph, {a, "out"}, {b, "in"}));
        const int base = r.stack.count();

        // Drag a node by its header: one move request for the whole drag.
        QSignalSpy moves(&r.canvas, &GraphCanvas::requestMove);
        r.drag(r.headerView(a), r.headerView(a) + QPoint(80, 120));
        QCOMPARE(moves.size(), 1);
        QCOMPARE(r.stack.count(), base + 1);
        QCOMPARE(QPointF(r.graph.node(a)->x, r.graph.node(a)->y), QPointF(180, 220));
        QCOMPARE(r.graph.node(b)->x, 400.0);  // the other node stayed
        r.stack.undo();
        QCOMPARE(QPointF(r.graph.node(a)->x, r.graph.node(a)->y), QPointF(100, 100));
        QCOMPARE(r.canvas.graphScene()->nodeItem(a)->pos(), QPointF(100, 100));  // item follows the graph

        // Rubber-band selection from empty space around both nodes.
        r.canvas.graphScene()->clearSelection();
        r.drag(r.view({60, 40}), r.view({700, 420}));
        QCOMPARE(r.canvas.selectedNodes(), (QList<NodeId>{a, b}));

        // Copy + paste: fresh ids, internal edge copied, pasted nodes selected.
        r.canvas.copySelection();
        QVERIFY(QApplication::clipboard()->mimeData()->hasFormat(kGraphMime));
        r.canvas.paste();
        QCOMPARE(r.graph.nodes().size(), size_t(4));
        QCOMPARE(r.graph.edges().size(), size_t(2));
        const QList<NodeId> pasted = r.canvas.selectedNodes();
        QCOMPARE(pasted.size(), 2);
        QVERIFY(!pasted.contains(a) && !pasted.contains(b));

        // A window action with the same shortcut does not steal the key from the focused canvas.
        {
            QAction stolen;
            stolen.setShortcut(QKeySequence::Delete);
            stolen.setShortcutContext(Qt::WindowShortcut);
            r.canvas.addAction(&stolen);
            QSignalSpy triggered(&stolen, &QAction::triggered);
            QApplication::setActiveWindow(&r.canvas);
            r.canvas.setFocus();
            QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(&r.canvas));
            r.canvas.selectNode(pasted.front());
            QTest::keyClick(r.canvas.windowHandle(), Qt::Key_Delete);  // through the shortcut map
            QCOMPARE(triggered.size(), 0);
            QVERIFY(!r.graph.node(pasted.front()));
            r.stack.undo();
            r.canvas.removeAction(&stolen);
        }

        // Duplicate (Ctrl+D) offsets the copy from the original.
        r.canvas.selectNode(a);
        r.canvas.setFocus();
        QTest::keyClick(&r.canvas, Qt::Key_D, Qt::ControlModifier);
        QCOMPARE(r.graph.nodes().size(), size_t(5));
        const NodeId dup = r.lastNode();
        QCOMPARE(r.canvas.selectedNodes(), QList<NodeId>{dup});
        QCOMPARE(QPointF(r.graph.node(dup)->x, r.graph.node(dup)->y), QPointF(132, 132));  // +32 from the original

        // Delete key removes the selection; edges touching it go too and come back on undo.
        r.canvas.selectNode(b);
        QTest::keyClick(&r.canvas, Qt::Key_Delete);
        QVERIFY(!r.graph.node(b));
        QVERIFY(r.graph.edgesFrom(a).empty());
        r.stack.undo();
        QVERIFY(r.graph.node(b));
        QCOMPARE(r.graph.edgesFrom(a).size(), size_t(1));

        // Selecting just an edge and pressing Delete disconnects it.
        const EdgeId e = r.graph.edgesFrom(a).front()->id;
        r.canvas.graphScene()->clearSelection();
        r.canvas.graphScene()->edgeItem(e)->setSelected(true);
        QTest::keyClick(&r.canvas, Qt::Key_Delete);
        QVERIFY(!r.graph.edge(e));
        r.stack.undo();
        QVERIFY(r.graph.edge(e));
    }

};

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
