// A live line chart of named series (Qt Charts): points are appended as they arrive and the
// axes follow the data. Used for loss/accuracy curves and any other metric over steps.
#pragma once

#include <QChartView>
#include <QMap>
#include <QPointF>

#include <vector>

QT_BEGIN_NAMESPACE
class QLineSeries;
class QLogValueAxis;
class QValueAxis;
QT_END_NAMESPACE

namespace ganglion {

class MetricChart : public QChartView {
    Q_OBJECT
public:
    explicit MetricChart(const QString& title, const QString& yLabel, QWidget* parent = nullptr);

    void appendPoints(const QString& series, const std::vector<QPointF>& points);
    void clear();
    /// Fix the y range (e.g. [0, 1] for accuracy); otherwise it follows the data.
    void setFixedYRange(double lo, double hi);
    int seriesCount() const { return int(series_.size()); }
    int pointCount(const QString& series) const;

    /// Step axis on a log scale (early learning spread out; step 0 is not drawn).
    void setLogX(bool on);
    bool logX() const { return logX_; }
    /// Exponential moving average of every curve, TensorBoard style: weight in [0, 1), 0 = raw
    /// values; the average is bias-corrected so the curve starts at the first value.
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    /// The points drawn for a series (after smoothing and the log-axis filter).
    QList<QPointF> drawnPoints(const QString& series) const;

private:
    void relabel();  ///< legend labels from the series keys (see metric_chart.cpp)
    QLineSeries* seriesFor(const QString& name);
    void rescale();
    /// What `raw` points look like on the chart, continuing the smoothing state `ema`/`n`.
    QList<QPointF> toDrawn(const std::vector<QPointF>& raw, double& ema, int& n) const;
    void redraw();  ///< every series again from its raw points (smoothing or axis changed)

    struct Raw {
        std::vector<QPointF> points;  ///< as appended (finite values only)
        double ema = 0;               ///< smoothing state after the last point
        int n = 0;
    };
    QMap<QString, Raw> raw_;
    QLogValueAxis* logAxis_ = nullptr;
    bool logX_ = false;
    double smoothing_ = 0;

    QMap<QString, QLineSeries*> series_;
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
    bool fixedY_ = false;
    double xMax_ = 1, yMin_ = 0, yMax_ = 1;
    bool any_ = false;
};

}  // namespace ganglion
