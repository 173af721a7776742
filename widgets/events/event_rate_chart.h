// Event-rate chart: events per second over the recent stream time, drawn as a filled line.
#pragma once

#include <QWidget>

#include <deque>

namespace ganglion {

class EventRateChart : public QWidget {
    Q_OBJECT
public:
    explicit EventRateChart(QWidget* parent = nullptr);
    /// Adds a sample (stream time in seconds, events per second). A time earlier than the last
    /// sample (seek, loop) clears the chart.
    void addSample(double tSeconds, double rate);
    void clear();
    /// Seconds of stream time shown.
    void setSpan(double seconds) { span_ = seconds; update(); }
    std::size_t sampleCount() const { return samples_.size(); }
    QSize sizeHint() const override { return {360, 90}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::deque<std::pair<double, double>> samples_;
    double span_ = 5.0;
};

/// "12.3 kev/s", "4.56 Mev/s"
QString formatRate(double eventsPerSecond);

}  // namespace ganglion
