// A small painted plot of named series, either as points (a scatter, optionally with the
// diagonal y = x drawn and named, e.g. "balance", or joined by lines), as grouped bars over 1..K
// (e.g. r² per delay) or as overlaid histograms on a continuous axis (counts per bin). Axes carry titles with units and nice ticks (axis_ticks.h); the legend is a wrapped
// row of coloured names under the plot, never elided. Knows nothing of the app.
#pragma once

#include <QColor>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <span>
#include <vector>

namespace ganglion {

/// Counts of `values` in `bins` equal bins over [lo, hi] (values outside fall in the end bins,
/// non-finite ones are left out), as (bin centre, count): a Histogram series.
std::vector<QPointF> histogramBins(std::span<const float> values, double lo, double hi, int bins);

class XYPlot : public QWidget {
    Q_OBJECT
public:
    /// Histogram: each series is (bin centre, count) over equal bins; series overlap, translucent.
    enum class Kind { Points, Bars, Histogram };
    XYPlot(Kind kind, const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent = nullptr);

    /// Replaces (or adds) a series. Points: (x, y) pairs. Bars: y of category i at x = i + 1.
    void setSeries(const QString& name, const QColor& colour, const std::vector<QPointF>& points);
    void removeSeriesNotIn(const QStringList& keep);
    /// Points: an operating point of series `name`, drawn as a ring in its colour (not in the
    /// legend); `on` false removes it.
    void setMark(const QString& name, bool on, QPointF point = {});
    void clear();
    /// Points: draw y = x across the plot, named `label` in the legend ("" = no diagonal); the
    /// axes then share one range so the diagonal is at 45°.
    void setDiagonal(const QString& label);
    /// Points: join each series' points, in the order given, by a line.
    void setConnected(bool on);
    /// Fix the y range (otherwise it follows the data).
    void setFixedYRange(double lo, double hi);

    int seriesCount() const { return int(series_.size()); }
    const std::vector<QPointF>* points(const QString& name) const;
    QString title() const { return title_; }

protected:
    void paintEvent(QPaintEvent*) override;
    QSize sizeHint() const override { return {320, 240}; }
    QSize minimumSizeHint() const override { return {200, 160}; }

private:
    struct Series {
        QString name;
        QColor colour;
        std::vector<QPointF> points;
        bool hasMark = false;
        QPointF mark;
    };
    /// Legend rows (each a list of series indices, -1 = the diagonal) for the given width.
    std::vector<std::vector<int>> legendRows(double width) const;
    Kind kind_;
    QString title_, xLabel_, yLabel_, diagonal_;
    std::vector<Series> series_;
    bool fixedY_ = false;
    bool connected_ = false;
    double fixedLo_ = 0, fixedHi_ = 1;
};

}  // namespace ganglion
