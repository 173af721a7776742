// Draws a connectome: cells laid out by class (sensory, inter, motor rows; pharyngeal, muscle and
// glia below) and head-to-tail position, or force-directed; chemical synapses blue (inhibitory red), gap junctions green,
// weight as opacity; cells filled by activity, stimulated cells ringed. Click a cell to select it
// (its connections are highlighted and neuronClicked is emitted).
#pragma once

#include "core/worm/worm_observables.h"

#include <QPixmap>
#include <QPointF>
#include <QWidget>

#include <memory>
#include <vector>

namespace ganglion {

class ConnectomeGraphWidget : public QWidget {
    Q_OBJECT
public:
    enum class Layout { ByClass, ForceDirected };

    explicit ConnectomeGraphWidget(QWidget* parent = nullptr);

    /// New structure (re-lays out only when the pointer changes).
    void setConnectome(std::shared_ptr<const worm::ConnectomeInfo> info);
    const worm::ConnectomeInfo* connectome() const { return info_.get(); }
    void setActivity(const Eigen::VectorXf& activity, const std::vector<int>& stimulated, bool stimulusOn);
    void setLayoutMode(Layout l);
    Layout layoutMode() const { return layout_; }
    void setSelected(int cell);  ///< -1 = none
    int selected() const { return selected_; }
    void setShowAllEdges(bool on);
    /// What the widget says while it has no connectome (centred, wrapped).
    void setEmptyText(const QString& text);

    /// Normalised positions in [0, 1]^2, one per cell.
    const std::vector<QPointF>& positions() const { return pos_; }
    /// Cell under a widget point (within a few pixels), -1 when none.
    int cellAt(const QPointF& widgetPoint) const;
    QPointF toWidget(const QPointF& normalised) const;

    /// Class-row layout (deterministic): sensory top, inter middle, motor bottom, the rest below;
    /// within a row ordered head to tail (worm::cellBodyPosition), then by name.
    static std::vector<QPointF> classLayout(const worm::ConnectomeInfo& info);
    /// Force-directed (Fruchterman-Reingold) from the class layout; deterministic.
    static std::vector<QPointF> forceLayout(const worm::ConnectomeInfo& info, int iterations = 150);
    static QColor classColor(int cls);
    /// Edge colour by kind: chemical excitatory blue, chemical inhibitory red, gap junction green.
    static QColor edgeColor(bool electrical, bool inhibitory);

    QSize sizeHint() const override { return {640, 420}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

signals:
    void neuronClicked(int cell);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;

private:
    void relayout();
    QRectF plotRect() const;
    /// The legend and the edges: they change with the structure, the selection and the size,
    /// not with activity, so they are drawn once into a pixmap and each frame only draws cells.
    void paintBackground(QPainter& p);
    void invalidateBackground();

    std::shared_ptr<const worm::ConnectomeInfo> info_;
    std::vector<QPointF> pos_;
    Eigen::VectorXf activity_;
    std::vector<int> stimulated_;
    bool stimOn_ = false;
    Layout layout_ = Layout::ByClass;
    int selected_ = -1;
    bool allEdges_ = true;
    int legendBottom_ = 16;  ///< the legend's last line ends here (it wraps in a narrow view)
    QString emptyText_;
    QPixmap background_;      ///< paintBackground's result; null when it must be redrawn
};

}  // namespace ganglion
