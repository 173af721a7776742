// A live line chart of named series (Qt Charts): points are appended as they arrive and the
// axes follow the data. Used for loss/accuracy curves and any other metric over steps.
// Readable at any size: ticks at nice values printed compactly (axis_ticks.h), as many as the
// space holds; the legend is a wrapped line of coloured names under the plot (never elided; the
// full series keys are its tooltip); an axis title that does not fit moves into the chart title.
#pragma once

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

    void appendPoints(const QString& series, const std::vector<QPointF>& points);
    void clear();
    void removeSeries(const QString& series);
    /// Fix the y range (e.g. [0, 1] for accuracy); otherwise it follows the data.
    void setFixedYRange(double lo, double hi);
    void setTitle(const QString& title);
    void setYLabel(const QString& yLabel);
    int seriesCount() const { return int(series_.size()); }
    int pointCount(const QString& series) const;
    /// The legend under the plot (one coloured name per series).
    QLabel* legend() const { return legend_; }

protected:
    void resizeEvent(QResizeEvent* e) override;

private:
    void relabel();  ///< legend labels from the series keys (see metric_chart.cpp)
    QLineSeries* seriesFor(const QString& name);
    void rescale();
    void layoutLegend();
    void setMarginsAndFit(int right, int bottom);
    void fitTitles();

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
