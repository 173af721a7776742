#include "widgets/weights/weight_histogram.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

WeightHistogram::WeightHistogram(QWidget* parent) : QWidget(parent) { setMinimumSize(170, 150); }

void WeightHistogram::setStats(const QString& layer, std::shared_ptr<const WeightStats> stats) {
    layer_ = layer;
    stats_ = std::move(stats);
    update();
}

void WeightHistogram::setLogAxis(bool on) {
    if (on == log_) return;
    log_ = on;
    update();
}

bool WeightHistogram::drawFitting(QPainter& p, const QRectF& r, const QStringList& variants, int flags) {
    const QFontMetricsF fm(p.font());
    for (const QString& t : variants)
        if (fm.horizontalAdvance(t) <= r.width()) {
            p.drawText(r, flags | Qt::AlignVCenter | (flags & Qt::AlignRight ? 0 : Qt::AlignLeft), t);
            drawn_ << t;
            return true;
        }
    fit_ = false;
    return false;
}

void WeightHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    drawn_.clear();
    fit_ = true;
    p.fillRect(rect(), palette().base());
    const QFontMetricsF fm(p.font());
    const double line = fm.height() + 2;
    const QColor text = palette().text().color(), faint = palette().placeholderText().color();
    p.setPen(text);
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    drawFitting(p, QRectF(6, 2, width() - 12, line), {layer_});
    p.setFont(font());
    const WeightStats* s = stats_.get();
    const QRectF area = QRectF(rect()).adjusted(8, 2 + 3 * line + 2, -8, -(2 * line + 2));
    if (!s || s->total == 0 || area.height() < 10) {
        p.drawText(area, Qt::AlignCenter, tr("no weights yet"));
        return;
    }
    const double exc = 100 * s->excitatoryFraction(), inh = 100 * s->inhibitoryFraction();
    drawFitting(p, QRectF(6, 2 + line, width() - 12, line),
                {tr("excitatory %1% · inhibitory %2% · sign flips %3").arg(exc, 0, 'f', 1).arg(inh, 0, 'f', 1).arg(s->flips),
                 tr("exc %1% · inh %2% · flips %3").arg(exc, 0, 'f', 0).arg(inh, 0, 'f', 0).arg(s->flips)});
    // bars: w's bins coloured by the sign of their centre, or log10|w|'s with both signs stacked
    const int bins = int(s->counts.size());
    std::vector<int> total(std::size_t(bins), 0);
    for (int i = 0; i < bins; ++i)
        total[std::size_t(i)] = log_ ? s->logPositive[std::size_t(i)] + s->logNegative[std::size_t(i)] : s->counts[std::size_t(i)];
    const int maxCount = std::max(1, *std::max_element(total.begin(), total.end()));
    const double bw = area.width() / std::max(1, bins), lo = log_ ? s->logLo : s->lo, hi = log_ ? s->logHi : s->hi;
    auto bar = [&](int i, double from, int count, const QColor& c) {
        const double h0 = area.height() * from / maxCount, h = area.height() * count / maxCount;
        p.fillRect(QRectF(area.left() + i * bw + 0.5, area.bottom() - h0 - h, std::max(1.0, bw - 1), h), c);
    };
    for (int i = 0; i < bins; ++i) {
        const auto k = std::size_t(i);
        if (log_) {
            bar(i, 0, s->logPositive[k], excitatoryColor());
            bar(i, s->logPositive[k], s->logNegative[k], inhibitoryColor());
        } else {
            const double centre = lo + (i + 0.5) * (hi - lo) / bins;
            bar(i, 0, s->counts[k], centre >= 0 ? excitatoryColor() : inhibitoryColor());
        }
    }
    p.setPen(text);
    p.drawLine(area.bottomLeft(), area.bottomRight());
    // value axis: nice ticks, never overlapping
    // the fewest nice ticks that put at least two inside the range (a wide rounded-out step could
    // leave only 0 inside)
    AxisTicks t;
    const auto inside = [&](double v) { return v >= lo - 1e-9 * (hi - lo) && v <= hi + 1e-9 * (hi - lo); };
    for (int most = std::clamp(int(area.width() / 55), 2, 7); most <= 12; ++most) {
        t = niceTicks(lo, hi, most);
        if (std::count_if(t.values.begin(), t.values.end(), inside) >= 2) break;
    }
    double freeFrom = area.left() - 8;
    for (double v : t.values) {
        if (!inside(v)) continue;
        const double x = area.left() + (v - lo) / (hi - lo) * area.width();
        p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3));
        const QString label = compactNumber(v, t.step);
        const double w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, 2.0, width() - 2 - w);
        if (left < freeFrom) continue;
        p.drawText(QPointF(left, area.bottom() + 3 + fm.ascent()), label);
        drawn_ << label;
        freeFrom = left + w + 6;
    }
    const QRectF below(6, area.bottom() + line + 2, width() - 12, line);
    if (log_)
        drawFitting(p, below, {tr("log₁₀|w| (weight magnitude, decades) · skewness %1").arg(s->skewLog, 0, 'f', 2),
                               tr("log₁₀|w| (decades) · skew %1").arg(s->skewLog, 0, 'f', 2), tr("log₁₀|w|")});
    else
        drawFitting(p, below, {tr("weight w · excess kurtosis %1").arg(s->kurtosis, 0, 'f', 2),
                               tr("w · kurtosis %1").arg(s->kurtosis, 0, 'f', 2), tr("w")});
    // the count scale: the tallest bar's count, at its height
    p.setPen(faint);
    p.drawLine(QPointF(area.left(), area.top()), QPointF(area.right(), area.top()));
    drawFitting(p, QRectF(area.left(), area.top() - line - 1, area.width(), line),
                {maxCount == 1 ? tr("1 weight per bin") : tr("%1 weights per bin").arg(maxCount), tr("%1 per bin").arg(maxCount)},
                Qt::AlignRight);
}

}  // namespace ganglion
