#include "widgets/worm/swimmer_widget.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <cmath>

namespace ganglion {

SwimmerWidget::SwimmerWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Swimmer: joints coloured by torque (blue dorsal, orange ventral), head trail "
                  "in grey. Wheel to zoom."));
}

void SwimmerWidget::setLanes(std::vector<Lane> lanes) {
    const bool relayout = lanes.size() != lanes_.size();
    lanes_ = std::move(lanes);
    if (relayout) updateGeometry();
    update();
}

void SwimmerWidget::setViewSpan(double bodyLengths) {
    span_ = std::clamp(bodyLengths, 0.5, 200.0);
    update();
}

void SwimmerWidget::setShowTrail(bool on) {
    trail_ = on;
    update();
}

QColor SwimmerWidget::torqueColor(double t) {
    t = std::clamp(t, -1.0, 1.0);
    const QColor neutral(150, 150, 150), dorsal(33, 102, 210), ventral(235, 120, 20);
    const QColor& target = t >= 0 ? dorsal : ventral;
    const double a = std::abs(t);
    return QColor::fromRgbF(float(neutral.redF() + a * (target.redF() - neutral.redF())),
                            float(neutral.greenF() + a * (target.greenF() - neutral.greenF())),
                            float(neutral.blueF() + a * (target.blueF() - neutral.blueF())));
}

QString SwimmerWidget::readout(const worm::SwimmerFrame& f) {
    // In body lengths, the measure that compares swimmers of any size, and scaled to the animal the
    // body stands for (the simulated body is a scale model; its own metres would say nothing).
    const double L = f.bodyLength > 0 ? f.bodyLength : 1.0;
    const double mm = f.animalLengthMm > 0 ? f.animalLengthMm : 1.0;
    return tr("t %1 s · speed %2 body lengths/s · distance %3 body lengths · as a %4 worm: %5, %6")
        .arg(f.time, 0, 'f', 1)
        .arg(f.speed / L, 0, 'f', 3)
        .arg(f.distance / L, 0, 'f', 2)
        .arg(QString::number(mm, 'g', 3) + QStringLiteral(" mm"))
        .arg(siQuantity(f.speed / L * mm * 1e-3, QStringLiteral("m/s")))
        .arg(siQuantity(f.distance / L * mm * 1e-3, QStringLiteral("m")));
}

void SwimmerWidget::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    setViewSpan(span_ * std::pow(0.85, steps));
    e->accept();
}

void SwimmerWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(250, 251, 253));
    if (lanes_.empty()) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(rect(), Qt::AlignCenter, tr("No swimmer in the graph.\nAdd a Swimmer body or a Swimmer trainer and press play."));
        return;
    }
    const double h = double(height()) / double(lanes_.size());
    for (size_t i = 0; i < lanes_.size(); ++i) {
        const QRectF r(0, h * double(i), width(), h);
        p.save();
        p.setClipRect(r);
        paintLane(p, r, lanes_[i]);
        p.restore();
        if (i > 0) {
            p.setPen(QPen(QColor(190, 195, 205), 1));
            p.drawLine(QPointF(0, r.top()), QPointF(width(), r.top()));
        }
    }
}

void SwimmerWidget::paintLane(QPainter& p, const QRectF& r, const Lane& lane) const {
    if (lane.highlighted) p.fillRect(r, QColor(240, 245, 255));
    const auto& f = lane.frame;
    if (!f || f->points.cols() < 2) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(r, Qt::AlignCenter, lane.label + tr(": waiting for the first step"));
        return;
    }
    const double L = f->bodyLength > 0 ? f->bodyLength : 1.0;
    // pixels per metre: the view span across the lane, but never so large that a bent body
    // (about 0.9 L tall at most) leaves a short lane
    const double scale = std::min(r.width() / (span_ * L), std::max(20.0, r.height() - 30.0) / (0.9 * L));
    Eigen::Vector2d centre = f->points.rowwise().mean();
    auto toScreen = [&](const Eigen::Vector2d& w) {
        return QPointF(r.center().x() + (w.x() - centre.x()) * scale,
                       r.center().y() - (w.y() - centre.y()) * scale);
    };
    // grid every half body length, anchored in the world so it slides as the worm swims
    const double g = 0.5 * L;
    p.setPen(QPen(QColor(226, 230, 238), 1));
    const double x0 = centre.x() - 0.5 * r.width() / scale, x1 = centre.x() + 0.5 * r.width() / scale;
    const double y0 = centre.y() - 0.5 * r.height() / scale, y1 = centre.y() + 0.5 * r.height() / scale;
    for (double x = std::floor(x0 / g) * g; x <= x1; x += g)
        p.drawLine(toScreen({x, y0}), toScreen({x, y1}));
    for (double y = std::floor(y0 / g) * g; y <= y1; y += g)
        p.drawLine(toScreen({x0, y}), toScreen({x1, y}));
    // start line
    // 1-px lines take Qt's cosmetic path; wider ones are stroked into spans that Qt hands to its
    // thread pool, and the GUI thread then waits for those threads to find a core.
    p.setPen(QPen(QColor(60, 170, 90), 1, Qt::DashLine));
    p.drawLine(toScreen({f->start.x(), y0}), toScreen({f->start.x(), y1}));
    // head trail
    if (trail_ && f->trail.cols() > 1) {
        QPainterPath path(toScreen(f->trail.col(0)));
        for (Eigen::Index k = 1; k < f->trail.cols(); ++k) path.lineTo(toScreen(f->trail.col(k)));
        p.setPen(QPen(QColor(140, 140, 160, 160), 1));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    // body: links, then joints coloured by torque, then the head
    const int links = int(f->points.cols()) - 1;
    const double thick = std::max(3.0, 0.07 * L * scale);
    for (int i = 0; i < links; ++i) {
        double t = 0;
        int n = 0;
        if (i - 1 >= 0 && i - 1 < f->torque.size()) t += f->torque(i - 1), ++n;
        if (i < f->torque.size()) t += f->torque(i), ++n;
        QColor c = torqueColor(n ? t / n : 0.0).lighter(115);
        p.setPen(QPen(c, thick, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(toScreen(f->points.col(i)), toScreen(f->points.col(i + 1)));
    }
    const double jr = std::max(2.5, 0.045 * L * scale);
    for (int j = 0; j + 1 < links && j < f->torque.size(); ++j) {
        p.setPen(QPen(QColor(40, 40, 40), 1));
        p.setBrush(torqueColor(f->torque(j)));
        p.drawEllipse(toScreen(f->points.col(j + 1)), jr, jr);
    }
    p.setPen(QPen(QColor(30, 30, 30), 1.2));
    p.setBrush(QColor(250, 210, 60));
    p.drawEllipse(toScreen(f->points.col(0)), jr * 1.4, jr * 1.4);
    // readouts
    QFont font = p.font();
    font.setBold(lane.highlighted);
    p.setFont(font);
    p.setPen(QColor(30, 30, 40));
    const QRectF text = r.adjusted(8, 4, -8, -4);
    p.drawText(text, Qt::AlignLeft | Qt::AlignTop, lane.label);
    font.setBold(false);
    p.setFont(font);
    p.drawText(text, Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap, readout(*f));  // wraps in a narrow lane
    // scale bar: one body length
    const double bar = L * scale;
    const QPointF b0(r.right() - 12 - bar, r.top() + 26);  // top right: the readout runs along the bottom
    p.setPen(QPen(QColor(80, 80, 80), 2));
    p.drawLine(b0, b0 + QPointF(bar, 0));
    // the label is centred on the bar but never leaves the lane (a short bar when zoomed out)
    const QString label = tr("1 body length");
    const double tw = p.fontMetrics().horizontalAdvance(label) + 4;
    const double lx = std::min(b0.x() + bar / 2 - tw / 2, r.right() - 8 - tw);
    p.drawText(QRectF(lx, b0.y() - 18, tw, 16), Qt::AlignCenter, label);
}

}  // namespace ganglion
