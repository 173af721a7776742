#include "widgets/worm/circuit_trace_widget.h"
#include "widgets/presentation.h"

#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

namespace ganglion {

namespace {
const QColor kDorsal(33, 102, 210);
const QColor kVentral(235, 120, 20);

void drawSeries(QPainter& p, const QRectF& r, const float* v, Eigen::Index n, Eigen::Index stride,
                Eigen::Index capacity, const QColor& c) {
    if (n < 1) return;
    const double dx = capacity > 1 ? r.width() / double(capacity - 1) : r.width();
    const double x0 = r.right() - dx * double(n - 1);
    QPolygonF line;
    line.reserve(int(n));
    for (Eigen::Index k = 0; k < n; ++k)
        line << QPointF(x0 + dx * double(k), r.bottom() - std::clamp(double(v[k * stride]), 0.0, 1.0) * r.height());
    p.setPen(QPen(c, presentation::line(1.0)));  // width <= 1: the raster engine's fast line path, no stroker
    p.drawPolyline(line);
}
}  // namespace

CircuitTraceWidget::CircuitTraceWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("NCAP activity, newest on the right: dorsal in blue, ventral in orange."));
}

void CircuitTraceWidget::setTrace(std::shared_ptr<const worm::CircuitTrace> trace, const QString& title) {
    trace_ = std::move(trace);
    title_ = title;
    update();
}

void CircuitTraceWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), Qt::white);
    if (!trace_ || trace_->joints < 1) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(rect(), Qt::AlignCenter, tr("No NCAP circuit selected.\nSelect an NCAP swimmer circuit node."));
        return;
    }
    QString head = title_.isEmpty() ? tr("NCAP circuit") : title_;
    const auto& w = trace_->weights;
    if (w.size() == 4)
        head += tr("   w_osc %1  w_prop %2  w_ipsi %3  w_contra %4")
                    .arg(w(0), 0, 'f', 2).arg(w(1), 0, 'f', 2).arg(w(2), 0, 'f', 2).arg(w(3), 0, 'f', 2);
    if (!trace_->ablated.empty()) {
        QStringList names;
        for (const auto& a : trace_->ablated) names << QString::fromStdString(a);
        head += tr("   ablated: %1").arg(names.join(", "));
    }
    p.setPen(QColor(30, 30, 40));
    p.drawText(QRectF(6, 2, width() - 12, 18), Qt::AlignLeft | Qt::AlignVCenter, head);
    const QRectF body(0, 22, width(), height() - 22);
    const double half = body.width() / 2;
    paintPanel(p, QRectF(body.left(), body.top(), half, body.height()), false);
    paintPanel(p, QRectF(body.left() + half, body.top(), half, body.height()), true);
}

void CircuitTraceWidget::paintPanel(QPainter& p, const QRectF& r, bool muscles) const {
    const auto& t = *trace_;
    const int rows = t.joints + 1;  // oscillator row (B panel) / torque legend row (muscle panel)
    const double labelW = 34;
    const double rowH = (r.height() - 18) / rows;
    p.setPen(QColor(60, 60, 70));
    p.drawText(QRectF(r.left() + labelW, r.top(), r.width() - labelW, 16), Qt::AlignLeft,
               muscles ? tr("Muscles (dorsal / ventral)") : tr("B-neurons (dorsal / ventral)"));
    const Eigen::Index T = t.bDorsal.cols();
    const Eigen::Index cap = std::max<Eigen::Index>(T, 2);
    for (int row = 0; row < rows; ++row) {
        const QRectF rr(r.left() + labelW, r.top() + 18 + rowH * row + 2, r.width() - labelW - 6, rowH - 4);
        p.setPen(QColor(235, 237, 242));
        p.setBrush(QColor(248, 249, 252));
        p.drawRect(rr);
        p.setPen(QColor(80, 80, 90));
        QString label;
        if (row == 0) label = muscles ? tr("τ J1") : tr("osc");
        else label = tr("J%1").arg(row);
        p.drawText(QRectF(r.left() + 2, rr.top(), labelW - 4, rr.height()), Qt::AlignRight | Qt::AlignVCenter, label);
        if (row == 0) {
            if (!muscles) {
                drawSeries(p, rr, t.oscDorsal.data(), t.oscDorsal.size(), 1, cap, kDorsal);
                drawSeries(p, rr, t.oscVentral.data(), t.oscVentral.size(), 1, cap, kVentral);
            } else if (t.torque.rows() > 0 && T > 0) {
                // head torque, mapped from [-1, 1] to [0, 1] with the zero line in the middle
                Eigen::RowVectorXf tau = (t.torque.row(0).array() + 1.f) * 0.5f;
                p.setPen(QPen(QColor(200, 200, 200), 1, Qt::DashLine));
                p.drawLine(QPointF(rr.left(), rr.center().y()), QPointF(rr.right(), rr.center().y()));
                drawSeries(p, rr, tau.data(), tau.size(), 1, cap, QColor(90, 60, 140));
            }
            continue;
        }
        const int j = row - 1;
        const Eigen::MatrixXf& d = muscles ? t.muscleDorsal : t.bDorsal;
        const Eigen::MatrixXf& v = muscles ? t.muscleVentral : t.bVentral;
        if (T > 0 && j < d.rows()) {
            // column-major joints x T: stride between samples is the row count
            drawSeries(p, rr, d.data() + j, T, d.rows(), cap, kDorsal);
            drawSeries(p, rr, v.data() + j, T, v.rows(), cap, kVentral);
        }
    }
}

}  // namespace ganglion
