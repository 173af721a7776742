// A live line chart of named series (Qt Charts): points are appended as they arrive and the
// axes follow the data. Used for loss/accuracy curves and any other metric over steps.
// Readable at any size: ticks at nice values printed compactly (axis_ticks.h), as many as the
// space holds; the legend is a wrapped line of coloured names under the plot (never elided; the
// full series keys are its tooltip); an axis title that does not fit moves into the chart title.
#pragma once

#include "widgets/plots/decimated_line.h"

#include <QChartView>
#include <QMap>
#include <QPointF>

#include <vector>

QT_BEGIN_NAMESPACE
class QCategoryAxis;
class QLabel;
class QLineSeries;
QT_END_NAMESPACE

namespace ganglion {

class MetricChart : public QChartView {
    Q_OBJECT
public:
    /// `yLabel` names the y quantity with its unit; the x axis counts training steps.
    explicit MetricChart(const QString& title, const QString& yLabel, QWidget* parent = nullptr);
    /// A plot with its title, ticks and a two-line legend below it.
    QSize sizeHint() const override { return {360, 230}; }

    /// Adds points; the chart shows them at its next flush() (the refresh pacer calls it about
    /// every 100 ms while the chart is visible), so a view's poll stays cheap.
    void appendPoints(const QString& series, const std::vector<QPointF>& points);
    /// Hands the points appended since the last flush to Qt Charts and finishes its update now.
    void flush();
    void clear();
    void removeSeries(const QString& series);
    /// Fix the y range (e.g. [0, 1] for accuracy); otherwise it follows the data.
    void setFixedYRange(double lo, double hi);
    void setTitle(const QString& title);
    void setYLabel(const QString& yLabel);
    int seriesCount() const { return int(raw_.size()); }
    int pointCount(const QString& series) const;
    /// The legend under the plot (one coloured name per series).
    QLabel* legend() const { return legend_; }

    /// Step axis on a log scale (early learning spread out; step 0 is not drawn).
    void setLogX(bool on);
    bool logX() const { return logX_; }
    /// Exponential moving average of every curve, TensorBoard style: weight in [0, 1), 0 = raw
    /// values; the average is bias-corrected so the curve starts at the first value.
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    /// The points drawn for a series, in steps (after smoothing and the log-axis filter).
    QList<QPointF> drawnPoints(const QString& series) const;

protected:
    void resizeEvent(QResizeEvent* e) override;
    /// A font change (presentation mode on or off) also sets the series' line widths again.
    void changeEvent(QEvent* e) override;

private:
    void relabel();  ///< legend labels from the series keys (see metric_chart.cpp)
    QLineSeries* seriesFor(const QString& name);
    void rescale();
    void layoutLegend();
    void applyFonts();  ///< title, axes and legend fonts from the widget's font
    void setMarginsAndFit(int right, int bottom);
    void fitTitles();
    /// What `raw` points look like on the chart (x = log10(step) on a log axis), continuing the
    /// smoothing state `ema`/`n`.
    QList<QPointF> toDrawn(const std::vector<QPointF>& raw, double& ema, int& n) const;
    void redraw();  ///< every series again from its raw points (smoothing or axis changed)

    struct Raw {
        std::vector<QPointF> points;  ///< as appended (finite values only)
        double ema = 0;               ///< smoothing state after the last point
        int n = 0;
        /// What the series shows: 256-512 points, about one per 1-3 pixels of a dock-wide chart
        /// (at 1,024, replacing seven long curves cost 9 ms of a refresh in kan_vs_mlp_fair).
        DecimatedLine drawn{512};
        bool dirty = false;           ///< drawn has points the series does not show yet
    };
    bool dirty_ = false;
    QMap<QString, Raw> raw_;
    bool logX_ = false;
    double smoothing_ = 0;

    QMap<QString, QLineSeries*> series_;
    QCategoryAxis* x_ = nullptr;
    QCategoryAxis* y_ = nullptr;
    QLabel* legend_ = nullptr;
    QString title_, yLabel_;
    QStringList entries_;  ///< legend entries (rich text), one per series
    bool fixedY_ = false;
    double fixedLo_ = 0, fixedHi_ = 1;
    double xMax_ = 1, yMin_ = 0, yMax_ = 1;
    bool any_ = false;
    std::size_t nextColour_ = 0;  ///< series keep their colour when another one is removed
};

}  // namespace ganglion
