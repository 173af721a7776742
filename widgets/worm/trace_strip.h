// A small live plot of one or more time series in [0, 1] (e.g. one neuron's activity), newest on
// the right, with a time axis label and an optional shaded interval (e.g. stimulus on).
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

namespace ganglion {

class TraceStrip : public QWidget {
    Q_OBJECT
public:
    struct Series {
        QString label;
        std::vector<float> values;
        QColor color;
        std::vector<double> x;  ///< optional sample positions (e.g. engine steps); empty = uniform
    };

    explicit TraceStrip(QWidget* parent = nullptr);
    /// sampleDt: seconds between samples (for the time label).
    void setSeries(std::vector<Series> series, double sampleDt);
    void setRange(double lo, double hi);
    /// Unit of the x axis label (default "s"; e.g. "generations" with sampleDt = 1).
    void setXUnit(const QString& unit);
    /// Unit of the values, shown with the range ("0.1 … 0.3 m/s"); none by default.
    void setYUnit(const QString& unit);
    void clear() { setSeries({}, sampleDt_); }
    int seriesCount() const { return int(series_.size()); }

    QSize sizeHint() const override { return {320, 110}; }
    QSize minimumSizeHint() const override { return {120, 60}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::vector<Series> series_;
    double sampleDt_ = 0.001;
    double lo_ = 0, hi_ = 1;
    QString unit_ = QStringLiteral("s");
    QString yUnit_;
};

}  // namespace ganglion
