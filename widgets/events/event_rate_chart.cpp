#include "widgets/events/event_rate_chart.h"
#include "widgets/presentation.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace ganglion {

QString formatRate(double r) {
    if (r >= 1e9) return QString::number(r / 1e9, 'g', 3) + " Gev/s";
    if (r >= 1e6) return QString::number(r / 1e6, 'g', 3) + " Mev/s";
    if (r >= 1e3) return QString::number(r / 1e3, 'g', 3) + " kev/s";
    return QString::number(r, 'g', 3) + " ev/s";
}

EventRateChart::EventRateChart(QWidget* parent) : QWidget(parent) { setMinimumHeight(60); }

void EventRateChart::clear() {
    samples_.clear();
    update();
}

void EventRateChart::addSample(double t, double rate) {
    if (!samples_.empty() && t < samples_.back().first) samples_.clear();
    if (!samples_.empty() && t == samples_.back().first) samples_.back().second = rate;
    else samples_.emplace_back(t, rate);
    while (samples_.size() > 2 && samples_.front().first < t - span_) samples_.pop_front();
    update();
}

void EventRateChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QRectF plot = QRectF(rect()).adjusted(4, 16, -4, -4);
    p.setPen(palette().mid().color());
    p.drawRect(plot);
    p.setPen(palette().text().color());
    if (samples_.empty()) {
        p.drawText(rect().adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignTop, tr("event rate: no data"));
        return;
    }
    double maxRate = 1.0;
    for (const auto& s : samples_) maxRate = std::max(maxRate, s.second);
    const double t1 = samples_.back().first;
    const double t0 = std::max(t1 - span_, samples_.front().first);
    const double range = std::max(1e-9, t1 - t0);
    auto pt = [&](double t, double r) {
        return QPointF(plot.left() + (t - t0) / range * plot.width(), plot.bottom() - r / maxRate * plot.height());
    };
    QPainterPath path(pt(std::max(t0, samples_.front().first), 0));
    for (const auto& s : samples_) path.lineTo(pt(std::max(t0, s.first), s.second));
    path.lineTo(pt(t1, 0));
    QColor fill(255, 170, 40, 90);
    p.fillPath(path, fill);
    p.setPen(QPen(QColor(255, 170, 40), presentation::line(1.5)));
    QPainterPath line(pt(std::max(t0, samples_.front().first), samples_.front().second));
    for (const auto& s : samples_) line.lineTo(pt(std::max(t0, s.first), s.second));
    p.drawPath(line);
    // time ticks in seconds before now along the bottom edge, inside the strip
    p.setPen(palette().text().color());
    const QFontMetrics fm = p.fontMetrics();
    const AxisTicks tt = niceTicks(0, range, std::clamp(int(plot.width() / 70), 2, 6));
    double freeUntil = plot.right() + 1;  // right to left: "now" first
    for (double ago : tt.values) {
        if (ago > range) continue;
        const double x = plot.right() - ago / range * plot.width();
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() - 4));
        const QString label = ago == 0 ? tr("now") : tr("−%1 s").arg(compactNumber(ago, tt.step));
        const double w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, plot.left() + 2, plot.right() - w - 2);
        if (left + w > freeUntil - 6) continue;
        p.drawText(QPointF(left, plot.bottom() - 5), label);
        freeUntil = left;
    }
    p.drawText(rect().adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignTop,
               tr("event rate %1 (peak %2, last %3 s)").arg(formatRate(samples_.back().second), formatRate(maxRate))
                   .arg(span_, 0, 'g', 3));
}

}  // namespace ganglion
