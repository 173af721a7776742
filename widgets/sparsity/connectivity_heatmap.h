// Heatmap of a sparse layer's connectivity (outputs = rows, inputs = columns), drawn in ensemble
// order so the block structure shows. Zoom with the wheel (down to single synapses, coloured by
// weight), pan by dragging, double-click to fit. After a rewiring, pruned and regrown
// connections flash in distinct colours and fade out.
#pragma once

#include "core/g2g/g2g_layer.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QImage>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

namespace ganglion {

class ConnectivityHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit ConnectivityHeatmap(QWidget* parent = nullptr);

    void setConnectivity(std::shared_ptr<const g2g::G2GConnectivity> c);
    const g2g::G2GConnectivity* connectivity() const { return conn_.get(); }

    /// Screen pixels per synapse; 0 means "fit" (the default until the user zooms).
    double pixelsPerSynapse() const { return scale_; }
    /// Zoom so one synapse is `pps` pixels wide, keeping display cell (row, col) at the centre.
    void zoomTo(double pps, double row, double col);
    void fit();
    bool flashing() const;
    /// "out i (ensemble e) <- in j (ensemble f): w = ..." for a widget position; "" outside.
    QString describeAt(QPoint p) const;

    static QColor prunedColor() { return QColor(255, 120, 0); }
    static QColor grownColor() { return QColor(20, 200, 80); }
    static constexpr int kFlashMs = 2500;
    static constexpr int kColourBarWidth = 64;  ///< right of the plot: the colour scale and its ticks

signals:
    void viewChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    bool event(QEvent*) override;

private:
    QRectF plotRect() const;
    double effectiveScale() const;
    void clampOffset();
    QPointF toCell(QPointF widgetPos) const;  // (col, row) in display order, fractional
    void rebuildTables();
    void refreshWeights();  ///< same structure as the tables were built for: new weights only
    QImage render() const;
    void drawColourBar(QPainter& p, bool weights) const;  ///< right of the plot, with its ticks

    std::shared_ptr<const g2g::G2GConnectivity> conn_;
    // Display-order tables (row-major rows x cols): weight (NaN = no connection), state
    // (0 none, 1 live, 2 pruned now, 3 grown now) and a summed-area table of live connections.
    std::vector<float> weight_;
    std::vector<std::uint8_t> state_;
    std::vector<std::int32_t> sat_, satPruned_, satGrown_;
    std::vector<int> rowPos_, colPos_;  // neuron index -> display position
    float maxAbs_ = 1.f;
    double scale_ = 0.0;                // pixels per synapse (0 = fit)
    QPointF offset_;                    // display cell at the plot's top-left
    QPoint dragStart_;
    QPointF dragOffset_;
    int seenRewire_ = -1;
    QElapsedTimer flashClock_;
    bool flashValid_ = false;
    QTimer anim_;
};

}  // namespace ganglion
