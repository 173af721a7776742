// A live line chart of named series (Qt Charts): points are appended as they arrive and the
// axes follow the data. Used for loss/accuracy curves and any other metric over steps.
#pragma once

#include <QChartView>
#include <QMap>
#include <QPointF>

#include <vector>

QT_BEGIN_NAMESPACE
class QLineSeries;
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

private:
    void relabel();  ///< legend labels from the series keys (see metric_chart.cpp)
    QLineSeries* seriesFor(const QString& name);
    void rescale();

    QMap<QString, QLineSeries*> series_;
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
    bool fixedY_ = false;
    double xMax_ = 1, yMin_ = 0, yMax_ = 1;
    bool any_ = false;
};

}  // namespace ganglion
