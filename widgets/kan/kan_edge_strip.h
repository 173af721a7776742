// A ranked strip of the most important KAN edges: small plots of their functions, best first,
// each labelled with its edge and attribution. Clicking a plot emits edgeClicked. Plain edge
// samples in (with the layer they belong to), nothing else known.
#pragma once

#include "core/kan/kan_samples.h"

#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

class KanEdgeStrip : public QWidget {
    Q_OBJECT
public:
    struct Item {
        int layer = 0;
        int imageWidth = 0;  ///< > 0: the layer's inputs are pixels of an image this wide
        KanEdgeSamples edge;
    };
    static constexpr int kMaxItems = KanLayerSamples::kTopEdges;

    explicit KanEdgeStrip(QWidget* parent = nullptr);

    /// Keeps the kMaxItems highest-scoring items, ordered by falling score.
    void setItems(std::vector<Item> items);
    const std::vector<Item>& items() const { return items_; }
    /// How many plots fit side by side at the current width (at most kMaxItems).
    int capacity() const;
    QRectF itemRect(int k) const;  ///< plot box of the k-th item (empty when not shown)
    int itemAt(QPointF p) const;   ///< -1 outside every box
    /// "x12 → 3", or "(row 5, col 7) → 3" for pixel inputs (1-based).
    static QString edgeLabel(const Item& it);

    QSize sizeHint() const override { return {520, 86}; }
    QSize minimumSizeHint() const override { return {200, 70}; }

signals:
    void edgeClicked(int layer, int in, int out);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    std::vector<Item> items_;
};

}  // namespace ganglion
