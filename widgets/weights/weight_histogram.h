// One layer's weight distribution (core/model/weight_stats.h, computed on the engine thread): a
// histogram of w, or of log10|w| with excitatory (w > 0) and inhibitory (w < 0) weights stacked
// in their colours, under a line with the layer's sign fractions and its sign flips since the start.
#pragma once

#include "core/model/weight_stats.h"

#include <QColor>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

namespace ganglion {

class WeightHistogram : public QWidget {
    Q_OBJECT
public:
    explicit WeightHistogram(QWidget* parent = nullptr);

    static QColor excitatoryColor() { return {205, 70, 60}; }
    static QColor inhibitoryColor() { return {50, 100, 190}; }

    void setStats(const QString& layer, std::shared_ptr<const WeightStats> stats);
    /// true: bins of log10|w| (a log-normal spread is a bell here); false: bins of w.
    void setLogAxis(bool on);
    bool logAxis() const { return log_; }
    const WeightStats* stats() const { return stats_.get(); }
    QString layer() const { return layer_; }
    /// The texts of the last paint, each drawn whole (a line too long for the tile falls back to a
    /// shorter wording, never to an elided one): for tests.
    const QStringList& drawnTexts() const { return drawn_; }
    /// False when the last paint had to leave a text out or cut it.
    bool textsFit() const { return fit_; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    /// Draws the first of `variants` that fits in `r` (left aligned); false when none does.
    bool drawFitting(class QPainter& p, const QRectF& r, const QStringList& variants, int flags = 0);

    QString layer_;
    std::shared_ptr<const WeightStats> stats_;
    bool log_ = true;
    QStringList drawn_;
    bool fit_ = true;
};

}  // namespace ganglion
