#include "widgets/kan/kan_importance_map.h"

#include "widgets/plots/axis_ticks.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
constexpr int kBarWidth = 84;   // right of the map: the colour scale, its ticks and unit
constexpr int kCaption = 18;    // above the map
}  // namespace

KanImportanceMap::KanImportanceMap(QWidget* parent) : QWidget(parent) {
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::WindowText, QColor(40, 40, 40));
    setPalette(p);
    setToolTip(tr("Input importance: the attribution (std of the edge function over recent inputs) of each "
                  "pixel's edges, summed over the selected outputs"));
}

void KanImportanceMap::setImportance(std::vector<float> values, int width, int height, QString caption) {
    if (width <= 0 || height <= 0 || values.size() != size_t(width) * size_t(height)) {
        clear(tr("no importance: %1 values for a %2 × %3 image").arg(values.size()).arg(width).arg(height));
        return;
    }
    values_ = std::move(values);
    w_ = width;
    h_ = height;
    caption_ = std::move(caption);
    why_.clear();
    max_ = *std::max_element(values_.begin(), values_.end());
    image_ = QImage(w_, h_, QImage::Format_RGB32);
    for (int y = 0; y < h_; ++y)
        for (int x = 0; x < w_; ++x) image_.setPixelColor(x, y, colourFor(values_[size_t(y) * w_ + x]));
    update();
}

void KanImportanceMap::clear(QString why) {
    values_.clear();
    w_ = h_ = 0;
    max_ = 0;
    image_ = {};
    why_ = std::move(why);
    update();
}

QColor KanImportanceMap::colourFor(float v) const {
    const double u = max_ > 0 ? std::clamp(double(v) / max_, 0.0, 1.0) : 0.0;
    // white → orange → dark red: sequential, readable for small differences near zero
    const double r = 255 - 115 * std::pow(u, 1.5), g = 255 - 255 * std::pow(u, 0.7), b = 255 - 255 * std::pow(u, 0.45);
    return QColor(int(r), int(g), int(b));
}

QRectF KanImportanceMap::mapRect() const {
    if (w_ <= 0 || h_ <= 0) return {};
    const double availW = width() - kBarWidth - 8, availH = height() - kCaption - 6;
    const double cell = std::max(1.0, std::floor(std::min(availW / w_, availH / h_)));
    return {4, double(kCaption), cell * w_, cell * h_};
}

QRectF KanImportanceMap::pixelRect(int x, int y) const {
    const QRectF r = mapRect();
    if (r.isEmpty() || x < 0 || y < 0 || x >= w_ || y >= h_) return {};
    const double c = r.width() / w_;
    return {r.left() + c * x, r.top() + c * y, c, c};
}

void KanImportanceMap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setPen(palette().windowText().color());
    if (image_.isNull()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, why_.isEmpty() ? tr("No importance yet: train first") : why_);
        return;
    }
    const QRectF r = mapRect();
    p.drawText(QRectF(4, 0, width() - 8, kCaption), Qt::AlignLeft | Qt::AlignVCenter,
               p.fontMetrics().elidedText(caption_, Qt::ElideRight, width() - 8));
    p.drawImage(r, image_);  // nearest-neighbour: one block per pixel
    p.setPen(QColor(150, 150, 150));
    p.drawRect(r);
    // colour bar
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() - 1));
    p.setFont(f);
    const QFontMetrics fm(f);
    const int x = int(r.right()) + 10, top = int(r.top()) + 4;
    const int h = std::max(20, int(r.height()) - 3 * fm.height() - 8);
    for (int i = 0; i < h; ++i) {
        p.setPen(colourFor(float(max_ * (1.0 - double(i) / (h - 1)))));
        p.drawLine(x, top + i, x + 12, top + i);
    }
    p.setPen(palette().windowText().color());
    p.drawRect(QRect(x, top, 12, h));
    const double hi = max_ > 0 ? max_ : 1.0;
    AxisTicks t = niceTicks(0.0, hi, std::clamp(h / 30, 2, 5));
    if (h < 60) t.values = {0.0, hi};  // a short bar: its ends only
    for (double v : t.values) {
        if (v > hi + 1e-12) continue;
        const int y = top + int((hi - v) / hi * (h - 1));
        p.drawLine(x + 12, y, x + 15, y);
        p.drawText(QRect(x + 17, y - fm.height() / 2, kBarWidth - 20, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   compactNumber(v, t.step));
    }
    p.drawText(QRect(x - 6, top + h + 4, std::max(kBarWidth, width() - x + 4), 3 * fm.height()), Qt::AlignLeft | Qt::TextWordWrap,
               unitText());
}

}  // namespace ganglion
