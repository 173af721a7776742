// S-KAN in the KAN network diagram: nodes are coloured by the function type their layer publishes
// as chosen (and change colour when the choice changes), frozen nodes are ringed, a legend names
// the candidates; the KAN view finds SKanLayer chains by what they publish and refuses the
// spline-only operations with a message.
#include "core/kan/kan_samples.h"
#include "core/kan/skan_node.h"
#include "document/session.h"
#include "widgets/kan/kan_network_widget.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QtTest>

#include <memory>

using namespace ganglion;

namespace ganglion {
QWidget* makeKanView(Session* session, QWidget* parent);
}

namespace {
/// Pixels of `img` within `r` close to colour c.
int pixelsLike(const QImage& img, QRectF r, const QColor& c) {
    int n = 0;
    const QRect ri = r.toAlignedRect().intersected(img.rect());
    for (int y = ri.top(); y <= ri.bottom(); ++y)
        for (int x = ri.left(); x <= ri.right(); ++x) {
            const QColor p = img.pixelColor(x, y);
            if (std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 40) ++n;
        }
    return n;
}

/// One SKanLayer kernel [2 → 3] on random inputs, observed like the engine does.
struct SKanRig {
    const NodeSpec* spec = NodeRegistry::instance().find("SKanLayer");
    ParamSet params = ParamSet::defaults(spec->params);
    Rng rng{3};
    std::unique_ptr<Kernel> kernel = spec->create();
    SKanRig() {
        params.set("width", std::int64_t(3));
        params.set("freeze_threshold", 1.0);
        BuildContext bc{params, {Shape::tensor(2)}, rng, "S-KAN"};
        kernel->build(bc);
    }
    SKanLayerKernel* k() { return dynamic_cast<SKanLayerKernel*>(kernel.get()); }
    KanNetworkWidget::LayerPtr observe() {
        Value in;
        in.tensor = Matrix::Random(2, 64);
        std::vector<Value> out(1);
        const Value* pin = &in;
        StepContext ctx;
        kernel->forward(ctx, std::span<const Value* const>(&pin, 1), out);
        Observables obs;
        kernel->observe(obs);
        return obs.get<KanLayerSamples>("kan");
    }
};
}  // namespace

class TstSKanWidget : public QObject {
    Q_OBJECT
private slots:
    void nodesColouredByChoice();
    void viewFindsSKanAndRefusesSplineActions();
};

void TstSKanWidget::nodesColouredByChoice() {
    SKanRig rig;
    auto& L = rig.k()->layer();
    // node 0 leads with bspline, node 1 with chebyshev, node 2 with relu; all decided
    L.logits.setZero();
    L.logits(0, 0) = 50.f;
    L.logits(1, 2) = 50.f;
    L.logits(2, 3) = 50.f;
    KanNetworkWidget w;
    w.resize(640, 420);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto layer = rig.observe();
    QVERIFY(layer && layer->selects());
    QCOMPARE(layer->choice, (std::vector<int>{0, 2, 3}));
    w.setLayers({layer}, {"x", "y"});
    QImage img = w.grab().toImage();
    const char* expect[] = {"bspline", "chebyshev", "relu"};
    auto nodeBox = [&](int o) {
        const QPointF c = w.nodePos(1, o);
        return QRectF(c.x() - 5, c.y() - 5, 10, 10);
    };
    for (int o = 0; o < 3; ++o) {
        const QColor want = KanNetworkWidget::candidateColor(expect[o]);
        QVERIFY2(pixelsLike(img, nodeBox(o), want) > 30,
                 qPrintable(QString("node %1 is not drawn in the %2 colour").arg(o).arg(expect[o])));
        for (const char* other : {"bspline", "rbf", "chebyshev", "relu"})
            if (QString(other) != expect[o]) QCOMPARE(pixelsLike(img, nodeBox(o), KanNetworkWidget::candidateColor(other)), 0);
    }
    // the legend names every candidate with its colour
    const QRectF legend = w.legendRect();
    QVERIFY(!legend.isEmpty());
    for (const char* c : {"bspline", "rbf", "chebyshev", "relu"})
        QVERIFY2(pixelsLike(img, legend, KanNetworkWidget::candidateColor(c)) > 20, c);
    // the colour follows the published choice: node 0 turns to rbf and gets frozen (dark ring)
    const QPointF c0 = w.nodePos(1, 0);
    const QRectF ring(c0.x() - 9, c0.y() - 9, 18, 18);
    auto dark = [&](const QImage& im) { return pixelsLike(im, ring, QColor(20, 20, 20)); };
    const int darkBefore = dark(img);
    L.logits(0, 0) = 0.f;
    L.logits(0, 1) = 50.f;
    QCOMPARE(rig.k()->freezeAll(), 3);
    w.setLayers({rig.observe()}, {"x", "y"});
    img = w.grab().toImage();
    QVERIFY(pixelsLike(img, nodeBox(0), KanNetworkWidget::candidateColor("rbf")) > 30);
    QCOMPARE(pixelsLike(img, nodeBox(0), KanNetworkWidget::candidateColor("bspline")), 0);
    QVERIFY2(dark(img) > darkBefore + 20, qPrintable(QString("ring pixels %1 → %2").arg(darkBefore).arg(dark(img))));
    QCOMPARE(KanNetworkWidget::candidateLabel("rbf_adaptive"), QString("rbfa"));
    QCOMPARE(KanNetworkWidget::candidateLabel("chebyshev"), QString("che"));
}

void TstSKanWidget::viewFindsSKanAndRefusesSplineActions() {
    Session s;
    QString err;
    QVERIFY2(s.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/skan_selects.json", &err), qPrintable(err));
    std::unique_ptr<QWidget> view(makeKanView(&s, nullptr));
    view->resize(800, 640);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    s.play();
    QTRY_VERIFY_WITH_TIMEOUT(s.snapshot() && s.snapshot()->step > 30, 120000);
    s.pause();
    s.runner().sync();
    auto* net = view->findChild<KanNetworkWidget*>();
    QVERIFY(net);
    QTRY_COMPARE_WITH_TIMEOUT(int(net->layers().size()), 2, 5000);  // both SKanLayer nodes, in order
    QVERIFY(net->layers()[0] && net->layers()[0]->selects() && net->layers()[0]->out == 2);
    QVERIFY(net->layers()[1] && net->layers()[1]->selects() && net->layers()[1]->in == 2);
    QLabel* status = nullptr;
    for (auto* l : view->findChildren<QLabel*>())
        if (l->wordWrap()) status = l;
    QVERIFY(status);
    for (const char* action : {"Prune", "Prune nodes", "Auto-snap", "Update grid", "Extend grid to", "Formula"}) {
        QPushButton* b = nullptr;
        for (auto* x : view->findChildren<QPushButton*>())
            if (x->text() == action) b = x;
        QVERIFY2(b, action);
        status->clear();
        b->click();
        QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains("S-KAN"), qPrintable(QString(action) + ": " + status->text()), 5000);
    }
    // the graph is untouched (no grid edit was pushed)
    for (const auto& n : s.graph().nodes())
        if (n.type == "SKanLayer") QCOMPARE(n.params.getInt("grid"), 4);
    // clicking an edge says symbolic fits are for KanLayer edges
    QTest::mouseClick(net, Qt::LeftButton, {}, net->edgeRect(0, 0, 0).center().toPoint());
    auto* list = view->findChild<QListWidget*>();
    QVERIFY(list && list->count() == 1 && list->item(0)->text().contains("S-KAN"));
    // Freeze choices fixes every node
    for (auto* x : view->findChildren<QPushButton*>())
        if (x->text() == "Freeze choices") x->click();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("Froze"), 5000);
}

QTEST_MAIN(TstSKanWidget)
#include "tst_skan_widget.moc"
