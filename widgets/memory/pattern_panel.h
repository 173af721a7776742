// An associative memory at a glance: the cue it was given and its state as images, next to every
// stored pattern, and below them the Mattis overlap of each pattern as a bar on a labelled axis
// (−1…1), with the overlap theory predicts for its rank marked when the patterns are diluted.
// Knows nothing of sessions: it draws the PatternPanelData it is given, and says where the cue
// image was clicked (cueClicked) for its owner to turn into an edit.
#pragma once

#include "core/model/types.h"

#include <QString>
#include <QWidget>

namespace ganglion {

struct PatternPanelData {
    int width = 0, height = 0;  ///< image layout of the N neurons
    Vector cue;                 ///< N entries, 0 = erased (empty: no cue)
    Vector state;               ///< N entries ±1
    Matrix patterns;            ///< N x K stored patterns (entries −1, 0, +1)
    Vector overlaps;            ///< K Mattis overlaps
    Vector predicted;           ///< K predicted magnitudes by rank (largest first); empty = none
    double dilution = 0;        ///< share of blank pattern entries
    int target = -1;            ///< the pattern recall should reach (0-based), −1 = unknown
};

class PatternPanel : public QWidget {
    Q_OBJECT
public:
    explicit PatternPanel(QWidget* parent = nullptr);

    void setData(PatternPanelData data);
    /// Shows `message` instead of the network (no memory in the graph yet).
    void clear(const QString& message);
    const PatternPanelData& data() const { return data_; }
    /// Most stored patterns drawn; more are summarised as "+n more".
    static constexpr int kMaxShown = 12;

    QSize minimumSizeHint() const override { return {360, 240}; }
    QSize sizeHint() const override { return {480, 300}; }
    /// Where the cue image was drawn last (empty when none).
    QRectF cueRect() const { return cueRect_; }

signals:
    /// The cue image was clicked at `at`: fractions of its width and height (0..1, from the top left).
    void cueClicked(QPointF at);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;

private:
    /// Draws `v` (width x height, ±1/0) into `r` keeping square pixels; returns the image rect.
    QRectF drawImage(QPainter& p, const QRectF& r, const float* v, Eigen::Index n) const;
    void drawBars(QPainter& p, const QRectF& area) const;

    PatternPanelData data_;
    QString message_;
    QRectF cueRect_;
};

}  // namespace ganglion
