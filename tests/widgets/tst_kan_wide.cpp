// The KAN view for wide layers: the input-importance map of an image-input layer adds up the edge
// attributions the kernel publishes, the ranked strip orders edges by score and opens the clicked
// one, and a [784, 64, 10] network draws at most the stated number of edges.
#include "widgets/kan/kan_edge_strip.h"
#include "widgets/kan/kan_importance_map.h"
#include "widgets/kan/kan_importance_panel.h"
#include "widgets/kan/kan_network_widget.h"
#include "widgets/kan_test_chain.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <random>

using namespace ganglion;
using Chain = ganglion::test::KanChain;

namespace {
Shape image(int w, int h) {
    Shape s;
    s.width = w;
    s.height = h;
    return s;
}
}  // namespace

class TstKanWide : public QObject {
    Q_OBJECT
private slots:
    void importanceMapSumsEdgeAttributions();
    void noImageNoMap();
    void stripOrdersEdgesByScore();
    void wideLayerDrawsBoundedEdges();
};

void TstKanWide::importanceMapSumsEdgeAttributions() {
    Chain c({16, 4, 2}, image(4, 4));
    c.step();
    const auto layers = c.step();
    const auto& L = *layers[0];
    QCOMPARE(L.imageWidth, 4);
    QCOMPARE(L.imageHeight, 4);
    // The published attributions are the layer's edge scores over its recent inputs.
    const Matrix& scores = c.obs[0].arrays.at("edge_scores");
    const Matrix expected = c.layer(0)->layer().edgeScores(c.layer(0)->recentInputs());
    QCOMPARE(scores.rows(), 4);
    QCOMPARE(scores.cols(), 16);
    QVERIFY(scores.isApprox(expected, 1e-5f));
    QVERIFY(scores.maxCoeff() > 0);
    const Matrix& published = c.obs[0].arrays.at("input_importance");
    QCOMPARE(published.rows(), 16);

    KanImportancePanel panel;
    panel.resize(300, 260);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setLayer(layers[0], "KAN 16-4");
    QCOMPARE(panel.outputBox()->count(), 5);  // all + 4 outputs
    const auto& all = panel.map()->values();
    QCOMPARE(int(all.size()), 16);
    int hi = 0, lo = 0;
    for (int i = 0; i < 16; ++i) {
        const float sum = scores(0, i) + scores(1, i) + scores(2, i) + scores(3, i);
        QVERIFY2(std::abs(all[size_t(i)] - sum) < 1e-5f, qPrintable(QString("pixel %1: %2 vs %3").arg(i).arg(all[size_t(i)]).arg(sum)));
        QVERIFY(std::abs(published(i, 0) - sum) < 1e-5f);
        if (all[size_t(i)] > all[size_t(hi)]) hi = i;
        if (all[size_t(i)] < all[size_t(lo)]) lo = i;
    }
    // The most important pixel is drawn darker than the least important one.
    const QImage img = panel.map()->grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_importance.png");
    const QColor dark = img.pixelColor(panel.map()->pixelRect(hi % 4, hi / 4).center().toPoint());
    const QColor light = img.pixelColor(panel.map()->pixelRect(lo % 4, lo / 4).center().toPoint());
    QVERIFY2(dark.lightness() + 40 < light.lightness(), qPrintable(QString("%1 vs %2").arg(dark.lightness()).arg(light.lightness())));

    // One output node: each pixel's single edge into it.
    panel.setOutput(2);
    const auto& one = panel.map()->values();
    for (int i = 0; i < 16; ++i) QVERIFY(std::abs(one[size_t(i)] - scores(2, i)) < 1e-6f);
}

void TstKanWide::noImageNoMap() {
    Chain c({16, 4, 2});
    const auto layers = c.step();
    QCOMPARE(layers[0]->imageWidth, 0);
    QCOMPARE(layers[1]->imageWidth, 0);
    KanImportancePanel panel;
    panel.setLayer(layers[0], "KAN");
    QVERIFY(panel.map()->values().empty());
    // an image shape that does not match the width is not taken for one
    Chain odd({16, 4}, image(5, 3));
    QCOMPARE(odd.step()[0]->imageWidth, 0);
}

void TstKanWide::stripOrdersEdgesByScore() {
    Chain c({3, 6, 2});
    c.step();
    const auto layers = c.step();
    std::vector<KanEdgeStrip::Item> items;
    float best = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        const auto& L = *layers[l];
        // each layer ranks its edges by score and publishes the best with their curves
        QCOMPARE(int(L.ranked.size()), L.in * L.out);
        for (size_t k = 1; k < L.ranked.size(); ++k) QVERIFY(L.scores[size_t(L.ranked[k - 1])] >= L.scores[size_t(L.ranked[k])]);
        QCOMPARE(int(L.top.size()), std::min(L.in * L.out, int(KanLayerSamples::kTopEdges)));
        QCOMPARE(L.top[0].score, *std::max_element(L.scores.begin(), L.scores.end()));
        best = std::max(best, L.top[0].score);
        for (const auto& e : L.top) items.push_back({int(l), 0, e});
    }
    std::shuffle(items.begin(), items.end(), std::mt19937(3));
    KanEdgeStrip strip;
    strip.resize(1200, 90);
    strip.show();
    QVERIFY(QTest::qWaitForWindowExposed(&strip));
    strip.setItems(items);
    QCOMPARE(int(strip.items().size()), KanEdgeStrip::kMaxItems);
    QCOMPARE(strip.items()[0].edge.score, best);
    for (size_t k = 1; k < strip.items().size(); ++k) QVERIFY(strip.items()[k - 1].edge.score >= strip.items()[k].edge.score);
    // the strip draws its curves and opens the clicked edge
    const QImage img = strip.grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_strip.png");
    int dark = 0;
    const QRect r0 = strip.itemRect(0).adjusted(2, 2, -2, -2).toAlignedRect();
    for (int y = r0.top(); y <= r0.bottom(); ++y)
        for (int x = r0.left(); x <= r0.right(); ++x) dark += img.pixelColor(x, y).lightness() < 120 ? 1 : 0;
    QVERIFY2(dark > 10, qPrintable(QString("%1 curve pixels").arg(dark)));
    QSignalSpy spy(&strip, &KanEdgeStrip::edgeClicked);
    QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.itemRect(2).center().toPoint());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), strip.items()[2].layer);
    QCOMPARE(spy.at(0).at(1).toInt(), strip.items()[2].edge.in);
    QCOMPARE(spy.at(0).at(2).toInt(), strip.items()[2].edge.out);
}

void TstKanWide::wideLayerDrawsBoundedEdges() {
    Chain c({784, 64, 10}, image(28, 28));
    const auto layers = c.step();
    const auto& L = *layers[0];
    QVERIFY(!L.curves);              // too wide to sample every edge
    QVERIFY(L.edges.empty());
    QCOMPARE(int(L.scores.size()), 784 * 64);
    QCOMPARE(int(L.top.size()), int(KanLayerSamples::kTopEdges));
    QCOMPARE(int(L.top[0].x.size()), 64);  // the best edges keep their curves
    QVERIFY(L.edge(L.top[0].in, L.top[0].out) == &L.top[0]);
    QCOMPARE(int(c.obs[0].arrays.at("input_importance").rows()), 784);

    KanNetworkWidget w;
    w.resize(800, 600);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setLayers(layers);
    const QImage img = w.grab().toImage();
    img.save(QString(GANGLION_BINARY_DIR) + "/kan_wide.png");
    QVERIFY2(w.drawnEdges() > 0 && w.drawnEdges() <= KanNetworkWidget::kMaxDrawnEdges, qPrintable(QString::number(w.drawnEdges())));
    QCOMPARE(w.drawnEdges() + w.hiddenEdges(), 784 * 64 + 64 * 10);
    int ink = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) ink += img.pixelColor(x, y).lightness() < 200 ? 1 : 0;
    // readable: the drawing is lines on white, not a black mass
    QVERIFY2(ink < img.width() * img.height() / 4, qPrintable(QString("%1 of %2 pixels inked").arg(ink).arg(img.width() * img.height())));
    QVERIFY(ink > 500);
}

QTEST_MAIN(TstKanWide)
#include "tst_kan_wide.moc"
