#include "widgets/worm/trace_strip.h"

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
    int lx = int(r.left());
    for (const auto& s : series_) {
        p.setPen(s.color);
        p.drawText(QPointF(lx, 13), s.label);
        lx += 12 + p.fontMetrics().horizontalAdvance(s.label);
        QPainterPath path;
        const size_t m = s.values.size();
        for (size_t k = 0; k < m; ++k) {
            const double x = r.right() - r.width() * double(m - 1 - k) / double(n - 1);
            const double v = std::clamp((double(s.values[k]) - lo_) / (hi_ - lo_), 0.0, 1.0);
            const QPointF pt(x, r.bottom() - v * r.height());
            if (k == 0) path.moveTo(pt);
            else path.lineTo(pt);
        }
        p.setPen(QPen(s.color, 1.4));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setPen(QColor(110, 110, 120));
    p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignLeft,
               tr("−%1 s").arg(double(n - 1) * sampleDt_, 0, 'f', 2));
    p.drawText(QRectF(r.left(), r.bottom() + 1, r.width(), 14), Qt::AlignRight, tr("now"));
}

}  // namespace ganglion
