// The KAN drawn like pykan's plot(): layers of nodes, every edge a small plot of its learned
// function on the input range, opacity by attribution, symbolic edges in another colour.
// Pruned edges fade out and disappear; clicking an edge emits edgeClicked. Edge boxes too small
// to show a curve (a layer of hundreds of edges) are drawn as plain edges, and of such crowded
// layers only the strongest edges (by attribution), at most kMaxDrawnEdges in all, with a note
// saying how many are hidden. Nodes of S-KAN layers (which publish a choice per node) are
// coloured by the function type they select, with a legend. Takes plain
// KanLayerSamples (one per layer, input layer first) and knows nothing of sessions.
#pragma once

#include "widgets/plots/hairlines.h"

#include "core/kan/kan_samples.h"

#include <QColor>
#include <QPixmap>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include <map>
#include <memory>
#include <tuple>
#include <vector>

class QPainter;

namespace ganglion {

class KanNetworkWidget : public QWidget {
    Q_OBJECT
public:
    using LayerPtr = std::shared_ptr<const KanLayerSamples>;
    struct EdgeRef {
        int layer = -1, in = -1, out = -1;
        bool valid() const { return layer >= 0; }
    };

    explicit KanNetworkWidget(QWidget* parent = nullptr);

    /// Layers in order (outputs of layer l feed layer l+1). Names label the input nodes.
    void setLayers(std::vector<LayerPtr> layers, QStringList inputNames = {});
    const std::vector<LayerPtr>& layers() const { return layers_; }
    void setSelectedEdge(EdgeRef e);
    EdgeRef selectedEdge() const { return selected_; }

    /// Where edge (layer, in, out)'s plot box is drawn (empty when not drawn).
    QRectF edgeRect(int layer, int in, int out) const;
    EdgeRef edgeAt(QPointF p) const;
    QPointF nodePos(int row, int index) const;  ///< row 0 = inputs

    static QColor numericColor() { return QColor(30, 30, 30); }
    static QColor symbolicColor() { return QColor(214, 39, 40); }
    static QColor selectedColor() { return QColor(31, 119, 180); }
    /// Colour and short label of a candidate basis of an S-KAN node (by the basis name, so a
    /// type has the same colour in every layer).
    static QColor candidateColor(const std::string& basis);
    static QString candidateLabel(const std::string& basis);
    /// Where the legend of S-KAN function types is drawn (empty when no layer selects).
    QRectF legendRect() const;

    QSize sizeHint() const override { return {520, 420}; }

    /// Edges drawn at most, over all layers (a diagram of more is a black mass).
    static constexpr int kMaxDrawnEdges = 2000;
    /// Edges drawn at most of one layer too crowded for per-edge plots.
    static constexpr int kCrowdedLayerEdges = 200;
    /// Edges drawn / left out at the last paint.
    int drawnEdges() const { return drawn_; }
    int hiddenEdges() const { return hidden_; }

    /// The edge's sampled function scaled into `r` (shared with the ranked edge strip).
    static void drawCurve(QPainter& p, const QRectF& r, const KanEdgeSamples& e, const QColor& c);

signals:
    void edgeClicked(int layer, int in, int out);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    /// The edges and their curves; thin edges of crowded layers go to `hairlines` instead.
    void drawEdges(QPainter& p, std::vector<Hairline>& hairlines) const;
    void drawNodes(QPainter& p) const;  ///< on top of the edges
    /// The S-KAN nodes: coloured by their leading candidate (opacity by its weight), labelled,
    /// frozen ones ringed; and the legend naming the candidates.
    void drawChoices(QPainter& p) const;
    std::vector<std::string> legendNames() const;
    float targetAlpha(const KanLayerSamples& L, const KanEdgeSamples& e) const;
    /// A crowded layer: its strongest edges as hairlines (at most `budget`), a note on the rest.
    void drawCrowded(QPainter& p, int l, int budget, std::vector<Hairline>& hairlines) const;
    /// Edges each crowded layer may draw so that the whole diagram stays within kMaxDrawnEdges.
    int crowdedBudget() const;
    bool crowded(int l) const;
    void drawNotes(QPainter& p) const;  ///< the crowded layers' notes, over the hairlines
    void stepFade();
    int rows() const { return int(layers_.size()) + 1; }
    int rowWidth(int row) const;

    std::vector<LayerPtr> layers_;
    QStringList names_;
    EdgeRef selected_;
    std::map<std::tuple<int, int, int>, float> alpha_;  ///< displayed opacity per edge (animated)
    QTimer fade_;
    QImage cache_;  ///< the network as last drawn
    bool cacheValid_ = false;
    mutable int drawn_ = 0, hidden_ = 0;
    mutable std::vector<std::pair<int, QString>> notes_;  ///< per crowded layer: what is hidden
};

}  // namespace ganglion
