#include "widgets/worm/trace_strip.h"
#include "widgets/presentation.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace ganglion {

TraceStrip::TraceStrip(QWidget* parent) : QWidget(parent) { setAttribute(Qt::WA_OpaquePaintEvent); }

void TraceStrip::setSeries(std::vector<Series> series, double sampleDt) {
    series_ = std::move(series);
    sampleDt_ = sampleDt;
    update();
}

void TraceStrip::setRange(double lo, double hi) {
    if (hi > lo) {
        lo_ = lo;
        hi_ = hi;
        update();
    }
}

void TraceStrip::setXUnit(const QString& unit) {
    unit_ = unit;
    update();
}

void TraceStrip::setYUnit(const QString& unit) {
    yUnit_ = unit;
    update();
}

void TraceStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), Qt::white);
    const QRectF r = QRectF(rect()).adjusted(6, 18, -6, -16);
    p.setPen(QColor(225, 228, 235));
    p.setBrush(QColor(249, 250, 252));
    p.drawRect(r);
    size_t n = 0;
    for (const auto& s : series_) n = std::max(n, s.values.size());
    p.setFont(QFont(p.font().family(), 8));
    if (n < 2) {
        p.setPen(QColor(130, 130, 130));
        p.drawText(r, Qt::AlignCenter, series_.empty() ? tr("click a cell to see its trace") : tr("no samples yet"));
        return;
    }
    // explicit x positions: the span covers every series' positions
    double xmin = 0, xmax = 0;
    bool explicitX = false;
    for (const auto& s : series_)
        if (!s.x.empty() && s.x.size() == s.values.size()) {
            const auto [a, b] = std::minmax_element(s.x.begin(), s.x.end());
            xmin = explicitX ? std::min(xmin, *a) : *a;
            xmax = explicitX ? std::max(xmax, *b) : *b;
            explicitX = true;
        }
    if (explicitX && xmax <= xmin) xmax = xmin + 1;
    int lx = int(r.left());
    for (const auto& s : series_) {
        p.setPen(s.color);
        p.drawText(QPointF(lx, 13), s.label);
        lx += 12 + p.fontMetrics().horizontalAdvance(s.label);
        QPainterPath path;
        const size_t m = s.values.size();
        for (size_t k = 0; k < m; ++k) {
            const bool ownX = explicitX && s.x.size() == m;
            const double x = ownX ? r.left() + r.width() * (s.x[k] - xmin) / (xmax - xmin)
                                  : r.right() - r.width() * double(m - 1 - k) / double(n - 1);
            const double v = std::clamp((double(s.values[k]) - lo_) / (hi_ - lo_), 0.0, 1.0);
            const QPointF pt(x, r.bottom() - v * r.height());
            if (k == 0) path.moveTo(pt);
            else path.lineTo(pt);
        }
        p.setPen(QPen(s.color, presentation::line(1.4)));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setPen(QColor(110, 110, 120));
    if (explicitX) {
        p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignLeft,
                   QStringLiteral("%1 %2").arg(xmin, 0, 'f', 0).arg(unit_));
        p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignRight,
                   QStringLiteral("%1 %2").arg(xmax, 0, 'f', 0).arg(unit_));
        p.drawText(QRectF(r.left(), 2, r.width(), 14), Qt::AlignRight,
                   tr("%1 … %2 %3").arg(lo_, 0, 'g', 3).arg(hi_, 0, 'g', 3).arg(yUnit_).trimmed());
        return;
    }
    p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignLeft,
               tr("−%1 %2").arg(double(n - 1) * sampleDt_, 0, 'f', unit_ == QLatin1String("s") ? 2 : 0).arg(unit_));
    p.drawText(QRectF(r.left(), 2, r.width(), 14), Qt::AlignRight,
               tr("%1 … %2 %3").arg(lo_, 0, 'g', 3).arg(hi_, 0, 'g', 3).arg(yUnit_).trimmed());
    p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignRight, tr("now"));
}

}  // namespace ganglion
