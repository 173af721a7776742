#include "widgets/kan/kan_edge_plot.h"
#include "widgets/presentation.h"

#include "widgets/kan/kan_network_widget.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ganglion {

KanEdgePlot::KanEdgePlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(200, 140);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    setPalette(p);
}

void KanEdgePlot::setDetail(const KanEdgeDetail& d) {
    d_ = d;
    has_ = true;
    update();
}

void KanEdgePlot::clear() {
    has_ = false;
    update();
}

void KanEdgePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    if (!has_ || d_.edge.x.size() < 2) {
        p.setPen(Qt::gray);
        p.drawText(rect(), Qt::AlignCenter, tr("Click an edge to inspect it"));
        return;
    }
    const QRectF area = QRectF(rect()).adjusted(58, 22, -10, -26);
    const auto& e = d_.edge;
    float ymin = *std::min_element(e.y.begin(), e.y.end()), ymax = *std::max_element(e.y.begin(), e.y.end());
    for (size_t k = 0; k < e.ctrlY.size(); ++k)
        if (e.ctrlX[k] >= d_.lo && e.ctrlX[k] <= d_.hi) {
            ymin = std::min(ymin, e.ctrlY[k]);
            ymax = std::max(ymax, e.ctrlY[k]);
        }
    if (ymax - ymin < 1e-6f) { ymin -= 0.5f; ymax += 0.5f; }
    const float pad = 0.05f * (ymax - ymin);
    ymin -= pad;
    ymax += pad;
    const float x0 = d_.lo, x1 = std::max(d_.hi, d_.lo + 1e-6f);
    auto X = [&](float x) { return area.left() + area.width() * (x - x0) / (x1 - x0); };
    auto Y = [&](float y) { return area.bottom() - area.height() * (y - ymin) / (ymax - ymin); };

    // input histogram in the background
    if (!d_.histogram.empty()) {
        const int mx = std::max(1, *std::max_element(d_.histogram.begin(), d_.histogram.end()));
        const double bw = area.width() / double(d_.histogram.size());
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(31, 119, 180, 45));
        for (size_t b = 0; b < d_.histogram.size(); ++b) {
            const double h = area.height() * 0.35 * d_.histogram[b] / mx;
            p.drawRect(QRectF(area.left() + b * bw, area.bottom() - h, bw - 1, h));
        }
    }
    p.setPen(QColor(200, 200, 200));
    p.setBrush(Qt::NoBrush);
    p.drawRect(area);
    if (ymin < 0 && ymax > 0) p.drawLine(QPointF(area.left(), Y(0)), QPointF(area.right(), Y(0)));
    // knots as ticks along the bottom
    p.setPen(QPen(QColor(120, 120, 120), 1));
    for (float k : d_.knots)
        if (k >= x0 && k <= x1) p.drawLine(QPointF(X(k), area.bottom()), QPointF(X(k), area.bottom() - 7));
    // the function
    QPainterPath path;
    for (size_t k = 0; k < e.x.size(); ++k) {
        if (k == 0) path.moveTo(X(e.x[k]), Y(e.y[k]));
        else path.lineTo(X(e.x[k]), Y(e.y[k]));
    }
    const QColor c = e.symbolic ? KanNetworkWidget::symbolicColor() : KanNetworkWidget::numericColor();
    p.setPen(QPen(c, presentation::line(2.0)));
    p.drawPath(path);
    // control points
    p.setPen(QPen(KanNetworkWidget::selectedColor(), 1));
    p.setBrush(QColor(255, 255, 255));
    for (size_t k = 0; k < e.ctrlX.size(); ++k)
        if (e.ctrlX[k] >= x0 && e.ctrlX[k] <= x1) p.drawEllipse(QPointF(X(e.ctrlX[k]), Y(e.ctrlY[k])), 3, 3);
    // labels
    p.setPen(QColor(60, 60, 60));
    const QString head = d_.title + (e.symbolic ? QString("  =  %1  (R² %2)").arg(QString::fromStdString(e.label)).arg(e.r2, 0, 'f', 4)
                                               : QString("  score %1").arg(e.score, 0, 'g', 3));
    p.drawText(QRectF(area.left(), 2, area.width(), 18), Qt::AlignLeft | Qt::AlignVCenter, head);
    // nice ticks on both axes: φ(x) up the side, the input x along the bottom
    const QFontMetrics fm = p.fontMetrics();
    const AxisTicks ty = niceTicks(ymin, ymax, std::clamp(int(area.height() / 28), 2, 6));
    for (double v : ty.values) {
        if (v < ymin || v > ymax) continue;
        const double y = Y(float(v));
        p.drawLine(QPointF(area.left() - 3, y), QPointF(area.left(), y));
        p.drawText(QRectF(0, y - 7, area.left() - 5, 14), Qt::AlignRight | Qt::AlignVCenter, compactNumber(v, ty.step));
    }
    const AxisTicks tx = niceTicks(x0, x1, std::clamp(int(area.width() / 60), 2, 8));
    double freeFrom = 0;
    for (double v : tx.values) {
        if (v < x0 || v > x1) continue;
        const double x = X(float(v));
        p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3));
        const QString label = compactNumber(v, tx.step);
        const double w = fm.horizontalAdvance(label);
        if (x - w / 2 < freeFrom) continue;
        p.drawText(QPointF(x - w / 2, area.bottom() + 3 + fm.ascent()), label);
        freeFrom = x + w / 2 + 6;
    }
    p.save();  // axis names: the edge's input and its function value
    p.translate(10, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-area.height() / 2, -8, area.height(), 14), Qt::AlignCenter, tr("φ(x)"));
    p.restore();
}

}  // namespace ganglion
