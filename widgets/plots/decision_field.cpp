#include "widgets/plots/decision_field.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>

namespace ganglion {

DecisionField::DecisionField(QWidget* parent) : QWidget(parent), emptyText_(tr("No prediction yet — press Play")) {
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor DecisionField::colorFor(float p, bool discrete) {
    // Playground's palette: orange (245,147,34) → light grey → blue (8,119,189), as a 256-entry table.
    static const std::array<QRgb, 256> table = [] {
        std::array<QRgb, 256> t{};
        const int a[3] = {245, 147, 34}, w[3] = {232, 234, 235}, b[3] = {8, 119, 189};
        for (int i = 0; i < 256; ++i) {
            const float s = i / 255.f;
            const int* c0 = s < 0.5f ? a : w;
            const int* c1 = s < 0.5f ? w : b;
            const float u = s < 0.5f ? s * 2.f : (s - 0.5f) * 2.f;
            t[i] = qRgb(int(c0[0] + (c1[0] - c0[0]) * u), int(c0[1] + (c1[1] - c0[1]) * u), int(c0[2] + (c1[2] - c0[2]) * u));
        }
        return t;
    }();
    if (discrete) p = p >= 0.5f ? 1.f : 0.f;
    if (!(p >= 0.f)) p = 0.f;  // NaN too
    return QColor(table[std::size_t(std::min(p, 1.f) * 255.f + 0.5f)]);
}

void DecisionField::setField(const Eigen::VectorXf& probs, int gridSize) {
    if (gridSize <= 0 || probs.size() != Eigen::Index(gridSize) * gridSize) return;
    probs_ = probs;
    grid_ = gridSize;
    rebuildImage();
    update();
}

void DecisionField::setPoints(const Matrix& train, const Matrix& test) {
    if (train.rows() == train_.rows() && train.cols() == train_.cols() && test.rows() == test_.rows() &&
        test.cols() == test_.cols() && train == train_ && test == test_)
        return;  // same data set: keep the cached point layer
    train_ = train;
    test_ = test;
    pointsLayerDirty_ = true;
    update();
}

void DecisionField::clear() {
    probs_.resize(0);
    grid_ = 0;
    field_ = QImage();
    train_.resize(0, 0);
    test_.resize(0, 0);
    pointsLayerDirty_ = true;
    update();
}

void DecisionField::setShowTest(bool on) {
    showTest_ = on;
    pointsLayerDirty_ = true;
    update();
}

void DecisionField::setEmptyText(const QString& text) {
    emptyText_ = text;
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
        p.drawText(area.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
    }
    // The points change only when the data set does: draw them once into a cached layer, so a
    // live update repaints the field and one image instead of a thousand anti-aliased circles.
    if (pointsLayer_.size() != size() || pointsLayerDirty_) {
        pointsLayer_ = QImage(size(), QImage::Format_ARGB32_Premultiplied);
        pointsLayer_.fill(Qt::transparent);
        QPainter lp(&pointsLayer_);
        lp.setRenderHint(QPainter::Antialiasing, true);
        auto toScreen = [&](float x, float y) {
            return QPointF(area.left() + (x + 1.f) * 0.5 * area.width(), area.top() + (1.f - y) * 0.5 * area.height());
        };
        const double radius = std::clamp(side / 110.0, 2.0, 4.5);
        auto drawPoints = [&](const Matrix& pts, bool test) {
            for (Eigen::Index i = 0; i < pts.cols(); ++i) {
                lp.setBrush(colorFor(pts(2, i) > 0.5f ? 1.f : 0.f).darker(105));
                lp.setPen(QPen(test ? Qt::black : Qt::white, test ? 1.2 : 1.0));
                lp.drawEllipse(toScreen(pts(0, i), pts(1, i)), radius, radius);
            }
        };
        drawPoints(train_, false);
        if (showTest_) drawPoints(test_, true);
        pointsLayerDirty_ = false;
    }
    p.drawImage(0, 0, pointsLayer_);
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
