#include "widgets/plots/xy_plot.h"
#include "widgets/presentation.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ganglion {

std::vector<QPointF> histogramBins(std::span<const float> values, double lo, double hi, int bins) {
    std::vector<double> counts(std::size_t(bins), 0.0);
    const double w = (hi - lo) / bins;
    for (const float v : values) {
        if (!std::isfinite(v)) continue;
        counts[std::size_t(std::clamp(int((v - lo) / w), 0, bins - 1))] += 1;
    }
    std::vector<QPointF> pts;
    for (int b = 0; b < bins; ++b) pts.emplace_back(lo + (b + 0.5) * w, counts[std::size_t(b)]);
    return pts;
}

namespace {
constexpr double kSwatch = 10, kGap = 14;

/// `base` made smaller (down to 6 pt) until `text` fits in `width`: labels shrink, never elide.
QFont fitting(const QFont& base, const QString& text, double width) {
    QFont f = base;
    for (double pt = f.pointSizeF(); pt > 6.0 && QFontMetricsF(f).horizontalAdvance(text) > width; pt -= 0.5)
        f.setPointSizeF(pt - 0.5);
    return f;
}
}  // namespace

XYPlot::XYPlot(Kind kind, const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent)
    : QWidget(parent), kind_(kind), title_(title), xLabel_(xLabel), yLabel_(yLabel) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void XYPlot::setSeries(const QString& name, const QColor& colour, const std::vector<QPointF>& points) {
    auto it = std::find_if(series_.begin(), series_.end(), [&](const Series& s) { return s.name == name; });
    if (it == series_.end()) series_.push_back({name, colour, points});
    else {
        it->colour = colour;
        it->points = points;
    }
    update();
}

void XYPlot::removeSeriesNotIn(const QStringList& keep) {
    const auto n = series_.size();
    series_.erase(std::remove_if(series_.begin(), series_.end(), [&](const Series& s) { return !keep.contains(s.name); }),
                  series_.end());
    if (series_.size() != n) update();
}

void XYPlot::clear() {
    series_.clear();
    update();
}

void XYPlot::setDiagonal(const QString& label) {
    diagonal_ = label;
    update();
}

void XYPlot::setConnected(bool on) {
    connected_ = on;
    update();
}

void XYPlot::setFixedYRange(double lo, double hi) {
    fixedY_ = true;
    fixedLo_ = lo;
    fixedHi_ = hi;
    update();
}

void XYPlot::setMark(const QString& name, bool on, QPointF point) {
    for (auto& s : series_)
        if (s.name == name) {
            s.hasMark = on;
            s.mark = point;
            update();
        }
}

const std::vector<QPointF>* XYPlot::points(const QString& name) const {
    for (const auto& s : series_)
        if (s.name == name) return &s.points;
    return nullptr;
}

std::vector<std::vector<int>> XYPlot::legendRows(double width) const {
    const QFontMetricsF fm(font());
    std::vector<std::vector<int>> rows(1);
    double x = 0;
    auto place = [&](int index, const QString& text) {
        const double w = kSwatch + 4 + fm.horizontalAdvance(text) + kGap;
        if (x > 0 && x + w > width) {
            rows.emplace_back();
            x = 0;
        }
        rows.back().push_back(index);
        x += w;
    };
    for (int i = 0; i < int(series_.size()); ++i) place(i, series_[std::size_t(i)].name);
    if (kind_ == Kind::Points && !diagonal_.isEmpty()) place(-1, diagonal_);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

void XYPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QColor ink = palette().text().color();
    const QFontMetricsF fm(font());
    const double line = fm.height();
    p.setPen(ink);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(fitting(bold, title_, width() - 8));
    p.drawText(QRectF(4, 2, width() - 8, line), Qt::AlignHCenter | Qt::AlignVCenter, title_);
    p.setFont(font());

    // data range
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    bool any = false;
    for (const auto& s : series_)
        for (const QPointF& q : s.points) {
            if (!std::isfinite(q.x()) || !std::isfinite(q.y())) continue;
            x0 = any ? std::min(x0, q.x()) : q.x();
            x1 = any ? std::max(x1, q.x()) : q.x();
            y0 = any ? std::min(y0, q.y()) : q.y();
            y1 = any ? std::max(y1, q.y()) : q.y();
            any = true;
        }
    double binW = 0;  // histogram: the bins' width, from the spacing of the first series' centres
    if (kind_ == Kind::Histogram) {
        for (const auto& s : series_)
            if (s.points.size() > 1) {
                binW = std::abs(s.points[1].x() - s.points[0].x());
                break;
            }
        x0 -= binW / 2;
        x1 += binW / 2;
        y0 = 0;
    }
    if (kind_ == Kind::Bars) {
        x0 = 0.5;
        x1 = std::max(1.5, x1 + 0.5);
        y0 = std::min(0.0, y0);
    } else if (!diagonal_.isEmpty()) {
        x0 = y0 = std::min(x0, y0);
        x1 = y1 = std::max(x1, y1);
    }
    if (fixedY_) {
        y0 = fixedLo_;
        y1 = fixedHi_;
    }
    if (x1 - x0 < 1e-9) x0 -= 0.5, x1 += 0.5;
    if (y1 - y0 < 1e-9) y0 -= 0.5, y1 += 0.5;

    // layout: title, plot, x ticks, x label, legend
    const auto rows = legendRows(width() - 16);
    const double legendH = double(rows.size()) * (line + 2);
    const double bottom = height() - 4 - legendH - line - 2 - line - 4;
    const double top = line + 8;
    const int maxYTicks = std::max(2, int((bottom - top) / (2 * line)));
    AxisTicks yt = niceTicks(y0, y1, maxYTicks);
    if (fixedY_) yt.lo = y0, yt.hi = y1;
    double yTickW = 0;
    for (double v : yt.values) yTickW = std::max(yTickW, fm.horizontalAdvance(compactNumber(v, yt.step)));
    const double left = 4 + line + 4 + yTickW + 6;
    const QRectF plot(left, top, std::max(10.0, width() - left - 12), std::max(10.0, bottom - top));
    const int maxXTicks = std::max(2, int(plot.width() / (fm.horizontalAdvance("-0.000") + 12)));
    AxisTicks xt = kind_ == Kind::Bars ? niceTicks(1, std::max(1.0, x1 - 0.5), maxXTicks) : niceTicks(x0, x1, maxXTicks);
    if (kind_ == Kind::Points && !diagonal_.isEmpty()) {  // one range for both axes
        const double lo = std::min(xt.lo, yt.lo), hi = std::max(xt.hi, yt.hi);
        xt = niceTicks(lo, hi, maxXTicks);
        yt = niceTicks(lo, hi, maxYTicks);
        xt.lo = yt.lo = std::min(xt.lo, yt.lo);
        xt.hi = yt.hi = std::max(xt.hi, yt.hi);
    }
    const double xl = kind_ == Kind::Bars ? 0.5 : xt.lo, xh = kind_ == Kind::Bars ? x1 : xt.hi;
    auto px = [&](double v) { return plot.left() + (v - xl) / (xh - xl) * plot.width(); };
    auto py = [&](double v) { return plot.bottom() - (v - yt.lo) / (yt.hi - yt.lo) * plot.height(); };

    // grid and ticks
    QColor grid = ink;
    grid.setAlpha(40);
    for (double v : yt.values) {
        if (v < yt.lo - 1e-12 || v > yt.hi + 1e-12) continue;
        p.setPen(grid);
        p.drawLine(QPointF(plot.left(), py(v)), QPointF(plot.right(), py(v)));
        p.setPen(ink);
        p.drawText(QRectF(left - 6 - yTickW, py(v) - line / 2, yTickW, line), Qt::AlignRight | Qt::AlignVCenter,
                   compactNumber(v, yt.step));
    }
    for (double v : xt.values) {
        if (v < xl - 1e-12 || v > xh + 1e-12) continue;
        p.setPen(grid);
        p.drawLine(QPointF(px(v), plot.top()), QPointF(px(v), plot.bottom()));
        p.setPen(ink);
        const QString t = compactNumber(v, xt.step);
        const double w = fm.horizontalAdvance(t) + 2;
        p.drawText(QRectF(px(v) - w / 2, plot.bottom() + 2, w, line), Qt::AlignCenter, t);
    }
    p.setPen(ink);
    p.drawRect(plot);
    p.setFont(fitting(font(), xLabel_, plot.width()));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2 + line, plot.width(), line), Qt::AlignCenter, xLabel_);
    p.save();
    p.translate(4, plot.center().y());
    p.rotate(-90);
    p.setFont(fitting(font(), yLabel_, plot.height()));
    p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), line), Qt::AlignCenter, yLabel_);
    p.restore();
    p.setFont(font());

    // data
    p.save();
    p.setClipRect(plot.adjusted(-3, -3, 3, 3));
    if (!any) p.drawText(plot, Qt::AlignCenter, tr("waiting for data"));
    if (kind_ == Kind::Points && !diagonal_.isEmpty()) {
        p.setPen(QPen(ink, 1.2, Qt::DashLine));
        p.drawLine(QPointF(px(xt.lo), py(xt.lo)), QPointF(px(xt.hi), py(xt.hi)));
    }
    const double groups = double(std::max<std::size_t>(1, series_.size()));
    const double slot = plot.width() / (xh - xl);
    for (std::size_t s = 0; s < series_.size(); ++s) {
        const auto& ser = series_[s];
        QColor c = ser.colour;
        if (kind_ == Kind::Histogram) {
            QColor fill = c;
            fill.setAlpha(70);
            p.setPen(QPen(c, presentation::line(1.2)));
            p.setBrush(fill);
            for (const QPointF& q : ser.points)
                if (q.y() > 0)
                    p.drawRect(QRectF(QPointF(px(q.x() - binW / 2), py(q.y())), QPointF(px(q.x() + binW / 2), py(0))));
            p.setBrush(Qt::NoBrush);
        } else if (kind_ == Kind::Points) {
            if (connected_ && ser.points.size() > 1) {
                p.setPen(QPen(c, presentation::line(1.2)));
                QPainterPath path(QPointF(px(ser.points[0].x()), py(ser.points[0].y())));
                for (std::size_t k = 1; k < ser.points.size(); ++k) path.lineTo(px(ser.points[k].x()), py(ser.points[k].y()));
                p.drawPath(path);
            }
            c.setAlpha(150);
            p.setPen(Qt::NoPen);
            p.setBrush(c);
            for (const QPointF& q : ser.points)
                if (std::isfinite(q.x()) && std::isfinite(q.y())) p.drawEllipse(QPointF(px(q.x()), py(q.y())), 2.2, 2.2);
            if (ser.hasMark && std::isfinite(ser.mark.x()) && std::isfinite(ser.mark.y())) {
                p.setPen(QPen(ser.colour, presentation::line(2.0)));
                p.setBrush(Qt::NoBrush);
                p.drawEllipse(QPointF(px(ser.mark.x()), py(ser.mark.y())), 5.5, 5.5);
            }
        } else {
            const double bw = std::max(1.0, 0.8 * slot / groups);
            for (const QPointF& q : ser.points) {
                const double xLeft = px(q.x()) - 0.4 * slot + double(s) * bw;
                const double yTop = py(std::max(0.0, q.y())), yBase = py(std::min(0.0, q.y()));
                p.fillRect(QRectF(xLeft, yTop, bw, std::max(0.5, yBase - yTop)), c);
            }
        }
    }
    p.restore();

    // legend
    double y = height() - 4 - legendH;
    for (const auto& row : rows) {
        double x = 8;
        for (int index : row) {
            const QString text = index < 0 ? diagonal_ : series_[std::size_t(index)].name;
            const QRectF sw(x, y + (line - kSwatch) / 2, kSwatch, kSwatch);
            if (index < 0) {
                p.setPen(QPen(ink, 1.2, Qt::DashLine));
                p.drawLine(sw.bottomLeft(), sw.topRight());
            } else {
                p.fillRect(sw, series_[std::size_t(index)].colour);
            }
            p.setPen(ink);
            const double w = fm.horizontalAdvance(text) + 2;
            p.drawText(QRectF(x + kSwatch + 4, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, text);
            x += kSwatch + 4 + w + kGap;
        }
        y += line + 2;
    }
}

}  // namespace ganglion
