#include "widgets/plots/decision_field.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace ganglion {

DecisionField::DecisionField(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor DecisionField::colorFor(float p, bool discrete) {
    if (discrete) p = p >= 0.5f ? 1.f : 0.f;
    // Interpolate orange (245,147,34) → white → blue (8,119,189), as Playground does.
    const QColor a(245, 147, 34), w(232, 234, 235), b(8, 119, 189);
    const float t = std::clamp(p, 0.f, 1.f);
    auto mix = [](const QColor& c0, const QColor& c1, float s) {
        return QColor::fromRgbF(c0.redF() + (c1.redF() - c0.redF()) * s, c0.greenF() + (c1.greenF() - c0.greenF()) * s,
                                c0.blueF() + (c1.blueF() - c0.blueF()) * s);
    };
    return t < 0.5f ? mix(a, w, t * 2.f) : mix(w, b, (t - 0.5f) * 2.f);
}

void DecisionField::setField(const Eigen::VectorXf& probs, int gridSize) {
    if (gridSize <= 0 || probs.size() != Eigen::Index(gridSize) * gridSize) return;
    probs_ = probs;
    grid_ = gridSize;
    rebuildImage();
    update();
}

void DecisionField::setPoints(const Matrix& train, const Matrix& test) {
    train_ = train;
    test_ = test;
    update();
}

void DecisionField::clear() {
    probs_.resize(0);
    grid_ = 0;
    field_ = QImage();
    train_.resize(0, 0);
    test_.resize(0, 0);
    update();
}

void DecisionField::setShowTest(bool on) {
    showTest_ = on;
    update();
}

void DecisionField::setDiscretize(bool on) {
    discretize_ = on;
    rebuildImage();
    update();
}

void DecisionField::rebuildImage() {
    if (grid_ <= 0) return;
    field_ = QImage(grid_, grid_, QImage::Format_RGB32);
    for (int r = 0; r < grid_; ++r) {
        auto* line = reinterpret_cast<QRgb*>(field_.scanLine(r));
        for (int c = 0; c < grid_; ++c) line[c] = colorFor(probs_(r * grid_ + c), discretize_).rgb();
    }
}

void DecisionField::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const int side = std::min(width(), height()) - 8;
    if (side <= 10) return;
    const QRectF area((width() - side) / 2.0, (height() - side) / 2.0, side, side);
    if (!field_.isNull()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform, true);
        p.drawImage(area, field_);
    } else {
        p.fillRect(area, QColor(232, 234, 235));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, tr("No prediction yet — press Play"));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    auto toScreen = [&](float x, float y) {
        return QPointF(area.left() + (x + 1.f) * 0.5 * area.width(), area.top() + (1.f - y) * 0.5 * area.height());
    };
    const double radius = std::clamp(side / 110.0, 2.0, 4.5);
    auto drawPoints = [&](const Matrix& pts, bool test) {
        for (Eigen::Index i = 0; i < pts.cols(); ++i) {
            const QPointF c = toScreen(pts(0, i), pts(1, i));
            p.setBrush(colorFor(pts(2, i) > 0.5f ? 1.f : 0.f).darker(105));
            p.setPen(QPen(test ? Qt::black : Qt::white, test ? 1.2 : 1.0));
            p.drawEllipse(c, radius, radius);
        }
    };
    drawPoints(train_, false);
    if (showTest_) drawPoints(test_, true);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(area);
    // Axis labels in Playground's original units.
    p.setPen(palette().color(QPalette::Text));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.8);
    p.setFont(f);
    p.drawText(QRectF(area.left() + 2, area.bottom() - 16, 30, 14), Qt::AlignLeft, "-6");
    p.drawText(QRectF(area.right() - 32, area.bottom() - 16, 30, 14), Qt::AlignRight, "6");
}

}  // namespace ganglion
