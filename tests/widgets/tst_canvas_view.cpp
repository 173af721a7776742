// GraphCanvas view behaviour under xvfb: wheel zoom about the cursor, middle/Space+drag pan,
// fit-to-view that survives start-up resizes, port colours by type (pixels), live activation
// thumbnails and warning badges.
#include "core/graph/validate.h"
#include "tst_canvas_rig.h"
#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/edge_item.h"

#include <QAction>

class TestCanvasView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY2(NodeRegistry::instance().find("Dense"), "node type Dense is not registered");
    }

    void traceThumbnailDrawsTheSignal() {
        // a square wave between 0 and 1: the first half of the image lit near the top, the
        // second half near the bottom; an empty trace gives no image
        Matrix t(1, 20);
        for (int k = 0; k < 20; ++k) t(0, k) = k < 10 ? 1.f : 0.f;
        const QImage img = canvas::traceImage(t, QSize(100, 40));
        QCOMPARE(img.size(), QSize(100, 40));
        auto litRows = [&](int x0, int x1, int y0, int y1) {
            int n = 0;
            for (int x = x0; x < x1; ++x)
                for (int y = y0; y < y1; ++y) n += img.pixelColor(x, y).red() > 0xb0;  // the orange line
            return n;
        };
        QVERIFY(litRows(5, 40, 0, 6) > 30);
        QCOMPARE(litRows(5, 40, 10, 40), 0);
        QVERIFY(litRows(60, 95, 34, 40) > 30);
        QCOMPARE(litRows(60, 95, 0, 30), 0);
        QVERIFY(canvas::traceImage(Matrix(), QSize(100, 40)).isNull());
    }

    void imageStripShowsTheBatch() {
        // two 3x3 images: a bright centre, then a bright corner; a non-square pixel count is refused
        Matrix im = Matrix::Zero(9, 2);
        im(4, 0) = 1.f;
        im(0, 1) = 5.f;
        const QImage img = canvas::imageStrip(im, 4);
        QCOMPARE(img.size(), QSize(2 * 3 + 2, 3));
        QCOMPARE(qGray(img.pixel(1, 1)), 255);
        QCOMPARE(qGray(img.pixel(0, 0)), 0);
        QCOMPARE(qGray(img.pixel(5, 0)), 255);
        QCOMPARE(qGray(img.pixel(6, 1)), 0);
        QVERIFY(canvas::imageStrip(Matrix::Zero(10, 2)).isNull());
    }

    void zoomPanFit() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {-1200, -500}));
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {1500, 900}));
        const double z0 = r.canvas.zoom();
        QWheelEvent wheel(QPointF(300, 300), QPointF(r.vp()->mapToGlobal(QPoint(300, 300))), QPoint(), QPoint(0, 240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(r.vp(), &wheel);
        QVERIFY(r.canvas.zoom() > z0 * 1.2);
        // Zoom keeps the point under the cursor in place.
        const QPointF under = r.canvas.mapToScene(QPoint(300, 300));
        QWheelEvent back(QPointF(300, 300), QPointF(r.vp()->mapToGlobal(QPoint(300, 300))), QPoint(), QPoint(0, -120),
                         Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(r.vp(), &back);
        QVERIFY((r.canvas.mapToScene(QPoint(300, 300)) - under).manhattanLength() < 3);

        // Middle-drag pans: the scene point under the cursor moves with it.
        const QPointF s = r.canvas.mapToScene(QPoint(500, 400));
        r.drag(QPoint(500, 400), QPoint(600, 450), Qt::MiddleButton);
        QVERIFY((r.canvas.mapToScene(QPoint(600, 450)) - s).manhattanLength() < 3);
        QVERIFY(r.graph.node(r.lastNode())->x == 1500);  // panning moved no node

        // Space+drag pans too, and does not fire a Space action (Play) attached to the canvas;
        // a plain Space tap does.
        QAction play;
        play.setShortcut(QKeySequence(Qt::Key_Space));
        play.setShortcutContext(Qt::WidgetWithChildrenShortcut);
        r.canvas.addAction(&play);
        QSignalSpy played(&play, &QAction::triggered);
        QApplication::setActiveWindow(&r.canvas);
        r.canvas.setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(&r.canvas));
        const QPointF s2 = r.canvas.mapToScene(QPoint(400, 300));
        QTest::keyPress(r.canvas.windowHandle(), Qt::Key_Space);
        r.drag(QPoint(400, 300), QPoint(300, 250));
        QTest::keyRelease(r.canvas.windowHandle(), Qt::Key_Space);
        QVERIFY((r.canvas.mapToScene(QPoint(300, 250)) - s2).manhattanLength() < 3);
        QCOMPARE(played.size(), 0);
        QTest::keyClick(r.canvas.windowHandle(), Qt::Key_Space);
        QCOMPARE(played.size(), 1);
        r.canvas.removeAction(&play);

        // F fits both far-apart nodes in view.
        r.canvas.setFocus();
        QTest::keyClick(&r.canvas, Qt::Key_F);
        auto allVisible = [&r] {
            const QRect vis = r.vp()->rect();
            for (const Node& n : r.graph.nodes()) {
                const QRectF box = r.canvas.graphScene()->nodeItem(n.id)->sceneBoundingRect();
                if (!vis.contains(r.canvas.mapFromScene(box.topLeft())) ||
                    !vis.contains(r.canvas.mapFromScene(box.bottomRight())))
                    return false;
            }
            return true;
        };
        QVERIFY(allVisible());
        // A fitted graph stays fitted while the canvas is resized (docks settling at start-up)…
        r.canvas.resize(700, 450);
        QTRY_VERIFY(allVisible());
        // …until the user zooms.
        const double fitted = r.canvas.zoom();
        r.canvas.zoomIn();
        r.canvas.resize(1400, 800);
        QTRY_COMPARE(r.canvas.size(), QSize(1400, 800));
        QCOMPARE(r.canvas.zoom(), fitted * 1.25);
    }

    void portColoursAreDrawn() {
        // One node per registered port type (where one exists); each port's ring is drawn in
        // its type's colour, so type families read at a glance.
        Rig r;
        QList<std::pair<PortRef, PortType>> probes;
        QList<PortType> seen;
        double y = 0;
        for (const NodeSpec& s : NodeRegistry::instance().all()) {
            for (int i = 0; i < int(s.outputs.size()); ++i) {
                if (seen.contains(s.outputs[i].type)) continue;
                seen.push_back(s.outputs[i].type);
                r.stack.push(new AddNodeCommand(r.graph, QString::fromStdString(s.type), {100, y}));
                probes.push_back({PortRef{r.lastNode(), true, i}, s.outputs[i].type});
                y += 190;
                break;
            }
        }
        QVERIFY(seen.size() >= 2);
        r.canvas.fitToView();
        QTest::qWait(20);
        const QImage shot = r.canvas.viewport()->grab().toImage();
        saveShot(&r.canvas, "canvas_port_types.png");
        for (const auto& [port, type] : probes) {
            const QPointF c = r.canvas.graphScene()->nodeItem(port.node)->portScenePos(true, port.index);
            // Top of the ring (radius 5.5 scene units, 2 px pen).
            const QPoint at = r.canvas.mapFromScene(c - QPointF(0, canvas::Metrics::portRadius * 1.0));
            const QColor got = shot.pixelColor(at), want = canvas::portColor(type);
            const int diff = std::max({std::abs(got.red() - want.red()), std::abs(got.green() - want.green()),
                                       std::abs(got.blue() - want.blue())});
            QVERIFY2(diff < 70, qPrintable(QStringLiteral("%1 port drawn as %2, expected %3")
                                               .arg(portTypeName(type), got.name(), want.name())));
        }
    }

    void decorationsThumbnailsAndIssues() {
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {100, 100}));
        const NodeId d = r.lastNode();
        Matrix m(8, 32);
        for (int i = 0; i < m.rows(); ++i)
            for (int j = 0; j < m.cols(); ++j) m(i, j) = std::sin(0.3f * float(i * j)) * float(i - 4);
        r.canvas.setNodeActivations(d, m);
        const QImage img = r.canvas.graphScene()->thumbnail(d);
        QCOMPARE(img.size(), QSize(32, 8));
        QVERIFY(img.pixel(0, 0) != img.pixel(5, 7));  // not a flat colour
        r.canvas.setNodeIssue(d, "input 'in' is not connected");
        NodeItem* item = r.canvas.graphScene()->nodeItem(d);
        QVERIFY(!item->badgeRect().isEmpty());
        r.canvas.selectNode(d);
        saveShot(&r.canvas, "canvas_decorations.png");
        r.canvas.setNodeIssue(d, QString());
        QVERIFY(item->badgeRect().isEmpty());
        // Validation issues land on the node they name (a Dense with no input is one).
        const auto issues = validateStructure(r.graph);
        QVERIFY(!issues.empty());
        r.canvas.showIssues(issues);
        QVERIFY(!item->badgeRect().isEmpty());
        QVERIFY(r.canvas.graphScene()->issue(d).contains(QString::fromStdString(issues.front().message)));
        r.canvas.showIssues({});
        QVERIFY(item->badgeRect().isEmpty());
        // Items hold only ids: the graph changes, the item shows it.
        r.stack.push(new RenameCommand(r.graph, d, "a much longer node name here"));
        QVERIFY(item->boundingRect().width() > 200);
    }

    void feedbackWiresGoAroundTheNodes_data() {
        QTest::addColumn<QPointF>("source");   // node whose output feeds back
        QTest::addColumn<QPointF>("target");   // node left of it taking the feedback
        QTest::addColumn<QPointF>("between");  // a node standing in the way
        QTest::newRow("same row") << QPointF(700, 0) << QPointF(0, 0) << QPointF(350, 0);
        QTest::newRow("target above") << QPointF(700, 300) << QPointF(0, 0) << QPointF(350, 150);
        QTest::newRow("target below") << QPointF(700, 0) << QPointF(0, 400) << QPointF(350, 200);
        QTest::newRow("overlapping columns") << QPointF(200, 0) << QPointF(120, 160) << QPointF(300, 330);
    }
    void feedbackWiresGoAroundTheNodes() {
        // Swimmer.angles → NCAP.angles in the worm: a wire into a node left of its source is
        // routed around every node between its ends, below the forward wires, dashed, and can
        // be picked on its own
        QFETCH(QPointF, source);
        QFETCH(QPointF, target);
        QFETCH(QPointF, between);
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "Dense", source));
        const NodeId a = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", target));
        const NodeId b = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Dense", between));
        const NodeId c = r.lastNode();
        r.stack.push(new ConnectCommand(r.graph, {b, "out"}, {c, "in"}));  // a forward wire
        r.stack.push(new ConnectCommand(r.graph, {a, "out"}, {b, "in"}));  // the feedback
        GraphScene* scene = r.canvas.graphScene();
        EdgeItem* forward = scene->edgeItem(r.graph.edgeIntoPort({c, "in"})->id);
        EdgeItem* back = scene->edgeItem(r.graph.edgeIntoPort({b, "in"})->id);
        QVERIFY(!forward->isBackward());
        QVERIFY(back->isBackward());
        QVERIFY(back->zValue() < forward->zValue());
        auto staysOutside = [&] {
            const QPainterPath path = back->path();
            const QPointF from = scene->nodeItem(a)->portScenePos(true, 0), to = scene->nodeItem(b)->portScenePos(false, 0);
            QCOMPARE(path.pointAtPercent(0), from);
            QCOMPARE(path.pointAtPercent(1), to);
            for (int i = 0; i <= 400; ++i) {
                const QPointF p = path.pointAtPercent(i / 400.0);
                if (QLineF(p, from).length() < 14 || QLineF(p, to).length() < 14) continue;  // the port dots
                for (NodeId id : {a, b, c})
                    QVERIFY2(!scene->nodeItem(id)->sceneBoundingRect().contains(p),
                             qPrintable(QString("(%1, %2) is inside node %3").arg(p.x()).arg(p.y()).arg(id)));
            }
        };
        staysOutside();
        // selectable: the middle of its route picks the wire itself
        const QPointF mid = back->path().pointAtPercent(0.5);
        QCOMPARE(r.canvas.itemAt(r.view(mid)), static_cast<QGraphicsItem*>(back));
        // a node moved into its lane: the wire goes around it too
        const QPointF lane = back->path().pointAtPercent(0.5);
        r.stack.push(new MoveNodesCommand(r.graph, {{c, between}}, {{c, lane - QPointF(75, 30)}}));
        QVERIFY(!back->path().boundingRect().isEmpty());
        staysOutside();
        saveShot(&r.canvas, QString("feedback_%1.png").arg(QTest::currentDataTag()).replace(' ', '_'));
    }

    void parallelFeedbackWiresTakeTheirOwnLanes() {
        // two wires from one node back into two inputs of a node on its left: each has its own
        // lane, so both can be seen and picked
        Rig r;
        r.stack.push(new AddNodeCommand(r.graph, "Dense", QPointF(600, 0)));
        const NodeId a = r.lastNode();
        r.stack.push(new AddNodeCommand(r.graph, "Loss", QPointF(0, 0)));
        const NodeId b = r.lastNode();
        r.stack.push(new ConnectCommand(r.graph, {a, "out"}, {b, "pred"}));
        r.stack.push(new ConnectCommand(r.graph, {a, "out"}, {b, "target"}));
        GraphScene* scene = r.canvas.graphScene();
        EdgeItem* first = scene->edgeItem(r.graph.edgeIntoPort({b, "pred"})->id);
        EdgeItem* second = scene->edgeItem(r.graph.edgeIntoPort({b, "target"})->id);
        QVERIFY(first->isBackward() && second->isBackward());
        const QPointF m1 = first->path().pointAtPercent(0.5), m2 = second->path().pointAtPercent(0.5);
        QVERIFY2(std::abs(m1.y() - m2.y()) >= 8, qPrintable(QString("lanes at y %1 and %2").arg(m1.y()).arg(m2.y())));
        QCOMPARE(r.canvas.itemAt(r.view(m1)), static_cast<QGraphicsItem*>(first));
        QCOMPARE(r.canvas.itemAt(r.view(m2)), static_cast<QGraphicsItem*>(second));
    }

    void emptyCanvasSaysHowToStart() {
        Rig r;
        QVERIFY(r.canvas.emptyHint().contains("Tab"));
        QVERIFY(r.canvas.emptyHint().contains("palette"));
        const QImage empty = r.vp()->grab().toImage();
        int lit = 0;  // text pixels in the middle of the canvas (the grid is darker)
        for (int y = empty.height() / 3; y < empty.height() * 2 / 3; ++y)
            for (int x = 0; x < empty.width(); ++x) lit += qGray(empty.pixel(x, y)) > 110;
        QVERIFY2(lit > 200, qPrintable(QString("%1 text pixels").arg(lit)));
        saveShot(&r.canvas, "empty_canvas.png");
        r.stack.push(new AddNodeCommand(r.graph, "Dense", {0, 0}));
        QVERIFY(r.canvas.emptyHint().isEmpty());
        r.stack.undo();
        QVERIFY(!r.canvas.emptyHint().isEmpty());
    }
};

QTEST_MAIN(TestCanvasView)
#include "tst_canvas_view.moc"
