// KAN spline widgets and view under a real X server: edges are drawn where they should be,
// symbolic edges in their colour, pruned edges fade out, clicks select edges, live updates of a
// [4,8,4,1] network keep well above 20 frames per second, and the KAN view renders a running
// example.
// ctest-cost: 40 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "document/session.h"
#include "core/kan/kan_node.h"
#include "core/kan/kan_samples.h"
#include "widgets/kan/kan_edge_plot.h"
#include "widgets/kan/kan_network_widget.h"
#include "widgets/kan_test_chain.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using namespace ganglion;

namespace ganglion {
QWidget* makeKanView(Session* session, QWidget* parent);
}

namespace {
using Chain = ganglion::test::KanChain;

int darkPixels(const QImage& img, QRectF r, bool reddish = false) {
    int n = 0;
    const QRect ri = r.toAlignedRect().intersected(img.rect());
    for (int y = ri.top(); y <= ri.bottom(); ++y)
        for (int x = ri.left(); x <= ri.right(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (reddish ? (c.red() > 150 && c.green() < 120 && c.blue() < 120) : (c.lightness() < 160)) ++n;
        }
    return n;
}
}  // namespace

/// The KAN formula example in a session with the KAN view shown, trained for `steps` steps and
/// paused again.
void runFormulaExample(Session& s, std::unique_ptr<QWidget>& view, std::uint64_t steps) {
    QString err;
    QVERIFY2(s.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/kan_formula.json", &err), qPrintable(err));
    view.reset(makeKanView(&s, nullptr));
    view->resize(800, 640);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    s.play();
    QTRY_VERIFY_WITH_TIMEOUT(s.snapshot() && s.snapshot()->step > steps, 120000);
    s.pause();
    s.runner().sync();  // the pause has published the final snapshot
    QVERIFY(!s.isRunning());
}

namespace {
/// The first KanLayer node of the document (the formula example's hidden layer).
NodeId firstKanLayer(const Session& s) {
    for (const auto& n : s.graph().nodes())
        if (n.type == "KanLayer") return n.id;
    return 0;
}

/// The view's push button labelled `text`, or null.
QPushButton* button(QWidget* view, const QString& text) {
    for (auto* b : view->findChildren<QPushButton*>())
        if (b->text() == text) return b;
    return nullptr;
}
}  // namespace

class TstKanWidget : public QObject {
    Q_OBJECT
private slots:
    void drawsEveryEdge();
    void symbolicEdgesColoured();
    void prunedEdgesFadeOut();
    void clickSelectsEdge();
    void liveFrameRate_data();
    void liveFrameRate();
    void edgePlotRenders();
    void viewRendersRunningExample();
    void pruneNodesKeepsModelAndUndoes();
    void snapAndDiscoverAreUndoable();
};

void TstKanWidget::drawsEveryEdge() {
    Chain c({2, 5, 1});
    KanNetworkWidget w;
    w.resize(640, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setLayers(c.step(), {"x", "y"});
    const QImage img = w.grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_network.png");
    int drawn = 0;
    for (int l = 0; l < 2; ++l)
        for (const auto& e : w.layers()[size_t(l)]->edges) {
            const QRectF r = w.edgeRect(l, e.in, e.out);
            QVERIFY(!r.isEmpty());
            drawn += darkPixels(img, r.adjusted(3, 3, -3, -3)) > 3 ? 1 : 0;
        }
    QCOMPARE(drawn, 15);
    // background between layers stays blank away from edges
    QCOMPARE(darkPixels(img, QRectF(0, 0, 12, 12)), 0);
}

void TstKanWidget::symbolicEdgesColoured() {
    Chain c({2, 5, 1});
    c.layer(0)->snap(1, 2, {kan::symbolicIndex("sin"), 3.f, 0.f, 1.f, 0.f, 0.999, 0});
    KanNetworkWidget w;
    w.resize(640, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setLayers(c.step());
    const QImage img = w.grab().toImage();
    QVERIFY(darkPixels(img, w.edgeRect(0, 1, 2), true) > 5);
    QCOMPARE(darkPixels(img, w.edgeRect(0, 0, 2), true), 0);
}

void TstKanWidget::prunedEdgesFadeOut() {
    Chain c({2, 5, 1});
    KanNetworkWidget w;
    w.resize(640, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setLayers(c.step());
    c.layer(0)->layer().mask(3, 0) = 0.f;  // edge x1 → h4 removed
    w.setLayers(c.step());
    const QRectF r = w.edgeRect(0, 0, 3);
    const int during = darkPixels(w.grab().toImage(), r.adjusted(3, 3, -3, -3));
    QTest::qWait(600);
    const int after = darkPixels(w.grab().toImage(), r.adjusted(-1, -1, 1, 1));
    QCOMPARE(after, 0);
    QVERIFY2(during > 0, "the pruned edge vanished without fading");
    QVERIFY(darkPixels(w.grab().toImage(), w.edgeRect(0, 1, 3).adjusted(3, 3, -3, -3)) > 3);
}

void TstKanWidget::clickSelectsEdge() {
    Chain c({2, 5, 1});
    KanNetworkWidget w;
    w.resize(640, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setLayers(c.step());
    QSignalSpy spy(&w, &KanNetworkWidget::edgeClicked);
    QTest::mouseClick(&w, Qt::LeftButton, {}, w.edgeRect(1, 3, 0).center().toPoint());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(spy.at(0).at(1).toInt(), 3);
    QCOMPARE(spy.at(0).at(2).toInt(), 0);
    QCOMPARE(w.selectedEdge().in, 3);
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(3, 3));  // empty space: nothing
    QCOMPARE(spy.count(), 1);
}

void TstKanWidget::liveFrameRate_data() {
    QTest::addColumn<QVector<int>>("widths");
    QTest::newRow("[2,5,1]") << QVector<int>{2, 5, 1};
    QTest::newRow("[4,8,4,1]") << QVector<int>{4, 8, 4, 1};
}

void TstKanWidget::liveFrameRate() {
    QFETCH(QVector<int>, widths);
    Chain c(std::vector<int>(widths.begin(), widths.end()));
    KanNetworkWidget w;
    w.resize(800, 600);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // One frame = the engine-side observe of every layer + setLayers + a full repaint.
    QElapsedTimer t;
    t.start();
    const int frames = 30;
    for (int f = 0; f < frames; ++f) {
        w.setLayers(c.step());
        w.repaint();
    }
    const double fps = frames / (t.elapsed() / 1000.0);
    qInfo("%s: %.0f frames/s", QTest::currentDataTag(), fps);
    QVERIFY2(fps >= 20, qPrintable(QString("%1 frames/s").arg(fps)));
}

void TstKanWidget::edgePlotRenders() {
    Chain c({2, 3, 1});
    auto layers = c.step();
    KanEdgePlot p;
    p.resize(400, 240);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    KanEdgeDetail d;
    d.edge = *layers[0]->edge(0, 1);
    d.knots = layers[0]->knots[0];
    d.histogram = layers[0]->histogram[0];
    d.lo = layers[0]->lo[0];
    d.hi = layers[0]->hi[0];
    d.title = "x1 → h2";
    p.setDetail(d);
    const QImage img = p.grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_edge.png");
    QVERIFY(darkPixels(img, QRectF(50, 25, 340, 185)) > 100);  // curve, ticks, frame
}

void TstKanWidget::viewRendersRunningExample() {
    Session s;
    std::unique_ptr<QWidget> view;
    runFormulaExample(s, view, 50);
    if (QTest::currentTestFailed()) return;
    QTest::qWait(300);
    auto* net = view->findChild<KanNetworkWidget*>();
    QVERIFY(net);
    QCOMPARE(int(net->layers().size()), 2);
    const QImage img = net->grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_view.png");
    int drawn = 0;
    for (int l = 0; l < 2; ++l)
        for (const auto& e : net->layers()[size_t(l)]->edges)
            drawn += darkPixels(img, net->edgeRect(l, e.in, e.out).adjusted(3, 3, -3, -3)) > 3 ? 1 : 0;
    QVERIFY2(drawn >= 10, qPrintable(QString("%1 of 15 edges drawn").arg(drawn)));

    // Clicking an edge fits its symbolic candidates on the engine thread.
    auto* list = view->findChild<QListWidget*>();
    QVERIFY(list);
    QTest::mouseClick(net, Qt::LeftButton, {}, net->edgeRect(0, 0, 0).center().toPoint());
    QTRY_VERIFY_WITH_TIMEOUT(list->count() > 5 && list->item(0)->text().contains("R²"), 120000);
    auto* plot = view->findChild<KanEdgePlot*>();
    QVERIFY(plot && plot->hasDetail());
    // Accept the best candidate, then read the formula.
    QPushButton* accept = nullptr;
    QPushButton* formula = nullptr;
    for (auto* b : view->findChildren<QPushButton*>()) {
        if (b->text() == "Accept") accept = b;
        if (b->text() == "Formula") formula = b;
    }
    QVERIFY(accept && formula);
    accept->click();
    formula->click();
    QLabel* status = nullptr;
    for (auto* l : view->findChildren<QLabel*>())
        if (l->text().isEmpty() || l->text().contains("y =")) status = l;
    QVERIFY(status);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("y = "), 120000);
    QVERIFY2(status->text().contains("phi["), qPrintable(status->text()));  // the other edges are still splines

    // "Extend grid to" edits every layer's grid parameter in one undo step; the engine refits.
    QPushButton* extend = nullptr;
    for (auto* b : view->findChildren<QPushButton*>())
        if (b->text() == "Extend grid to") extend = b;
    QVERIFY(extend);
    const int steps = s.undoStack()->count();
    extend->click();
    QCOMPARE(s.undoStack()->count(), steps + 1);
    for (const auto& n : s.graph().nodes())
        if (n.type == "KanLayer") QCOMPARE(n.params.getInt("grid"), 10);
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("Grid extended to G = 10"), 120000);
    s.step();  // publish: the layer samples now have the finer grid (G + 2k + 1 knots)
    QTRY_VERIFY_WITH_TIMEOUT(net->layers().size() == 2 && net->layers()[0]->knots[0].size() == 10 + 2 * 3 + 1, 5000);
    s.undoStack()->undo();
    for (const auto& n : s.graph().nodes())
        if (n.type == "KanLayer") QVERIFY(n.params.getInt("grid") != 10);
}

void TstKanWidget::pruneNodesKeepsModelAndUndoes() {
    Session s;
    std::unique_ptr<QWidget> view;
    runFormulaExample(s, view, 60);
    if (QTest::currentTestFailed()) return;
    const NodeId first = firstKanLayer(s);
    const std::int64_t width = s.graph().node(first)->params.getInt("width");
    QVERIFY(width > 1);
    auto curves = [&] {
        auto k = s.snapshot()->find(first)->obs.get<KanLayerSamples>("kan");
        std::vector<float> ys;
        for (const auto& e : k->edges) ys.insert(ys.end(), e.y.begin(), e.y.end());
        return std::make_pair(k->out, ys);
    };
    const auto trained = curves();
    QCOMPARE(trained.first, int(width));

    // A threshold above every score keeps one hidden node (a layer cannot vanish).
    view->findChild<QDoubleSpinBox*>()->setValue(50);
    QPushButton* pruneNodes = button(view.get(), "Prune nodes");
    QVERIFY(pruneNodes);
    const int steps = s.undoStack()->count();
    pruneNodes->click();
    QTRY_COMPARE_WITH_TIMEOUT(s.undoStack()->count(), steps + 1, 10000);
    QCOMPARE(s.graph().node(first)->params.getInt("width"), 1);
    QTRY_VERIFY_WITH_TIMEOUT(curves().first == 1, 10000);  // the rebuilt engine has the pruned layer
    QVERIFY(!curves().second.empty());

    // Undo brings the trained model back, not a freshly initialised one.
    s.undoStack()->undo();
    QCOMPARE(s.graph().node(first)->params.getInt("width"), width);
    QTRY_VERIFY_WITH_TIMEOUT(curves().first == int(width), 10000);
    const auto restored = curves();
    QCOMPARE(restored.second.size(), trained.second.size());
    float diff = 0;
    for (std::size_t i = 0; i < restored.second.size(); ++i) diff = std::max(diff, std::abs(restored.second[i] - trained.second[i]));
    QVERIFY2(diff < 1e-5f, qPrintable(QString("curves differ by %1 after undo").arg(diff)));
}

// Auto-snap and "Discover formula" are one undo step each; undo returns the splines and widths.
void TstKanWidget::snapAndDiscoverAreUndoable() {
    Session s;
    std::unique_ptr<QWidget> view;
    runFormulaExample(s, view, 60);
    if (QTest::currentTestFailed()) return;
    const NodeId first = firstKanLayer(s);
    auto symbolicEdges = [&] { return s.snapshot()->find(first)->obs.scalars.at("symbolic_edges"); };
    QCOMPARE(symbolicEdges(), 0.0);
    const int steps = s.undoStack()->count();
    view->findChildren<QDoubleSpinBox*>().at(1)->setValue(0.0);  // snap every edge
    button(view.get(), "Auto-snap")->click();
    QTRY_COMPARE_WITH_TIMEOUT(s.undoStack()->count(), steps + 1, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(symbolicEdges() > 0, 120000);
    s.undoStack()->undo();
    QTRY_COMPARE_WITH_TIMEOUT(symbolicEdges(), 0.0, 120000);

    const std::int64_t width = s.graph().node(first)->params.getInt("width");
    QLabel* status = nullptr;  // the view's own status line
    for (auto* l : view->findChildren<QLabel*>(Qt::FindDirectChildrenOnly))
        if (l->wordWrap()) status = l;
    QVERIFY(status);
    button(view.get(), "Discover formula")->click();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("test R²"), 120000);
    QVERIFY2(status->text().contains("y1 = "), qPrintable(status->text()));
    QCOMPARE(s.undoStack()->undoText(), QString("Discover KAN formula"));
    QVERIFY(s.graph().node(first)->params.getInt("width") <= width);
    QTRY_VERIFY_WITH_TIMEOUT(symbolicEdges() > 0, 120000);
    s.undoStack()->undo();
    QCOMPARE(s.graph().node(first)->params.getInt("width"), width);
    QTRY_COMPARE_WITH_TIMEOUT(symbolicEdges(), 0.0, 120000);
}

QTEST_MAIN(TstKanWidget)
#include "tst_kan_widget.moc"
