#include "widgets/sparsity/image_batch_preview.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

ImageBatchPreview::ImageBatchPreview(QWidget* parent) : QWidget(parent) { setMinimumSize(200, 120); }

void ImageBatchPreview::setBatch(const float* px, int count, int w, int h, std::vector<int> truth,
                                 std::vector<int> predicted, QStringList classNames) {
    images_.clear();
    truth_ = std::move(truth);
    predicted_ = std::move(predicted);
    names_ = std::move(classNames);
    for (int i = 0; i < count; ++i) {
        const float* src = px + std::size_t(i) * std::size_t(w) * std::size_t(h);
        float lo = src[0], hi = src[0];
        for (int k = 1; k < w * h; ++k) { lo = std::min(lo, src[k]); hi = std::max(hi, src[k]); }
        const float span = hi - lo > 1e-12f ? hi - lo : 1.f;
        QImage img(w, h, QImage::Format_Grayscale8);
        for (int y = 0; y < h; ++y) {
            uchar* line = img.scanLine(y);
            for (int x = 0; x < w; ++x) line[x] = uchar(std::lround(255.f * (src[y * w + x] - lo) / span));
        }
        images_.push_back(img);
    }
    update();
}

int ImageBatchPreview::correctCount() const {
    int n = 0;
    for (std::size_t i = 0; i < std::min(truth_.size(), predicted_.size()); ++i) n += truth_[i] == predicted_[i];
    return n;
}

void ImageBatchPreview::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (images_.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No image batch yet"));
        return;
    }
    const int n = int(images_.size());
    // Choose the column count that makes the tiles largest.
    int bestCols = 1;
    double bestSide = 0;
    const double labelH = 30;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const double side = std::min(double(width()) / cols, double(height()) / rows - labelH) - 6;
        if (side > bestSide) { bestSide = side; bestCols = cols; }
    }
    const double side = std::max(8.0, bestSide);
    const double cellW = side + 6, cellH = side + labelH + 6;
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.85));
    p.setFont(f);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int i = 0; i < n; ++i) {
        const double x = (i % bestCols) * cellW + 3, y = (i / bestCols) * cellH + 3;
        p.drawImage(QRectF(x, y, side, side), images_[std::size_t(i)]);
        auto name = [&](int l) { return l >= 0 && l < names_.size() ? names_[l] : QString::number(l); };
        if (std::size_t(i) < truth_.size()) {
            p.setPen(palette().text().color());
            p.drawText(QRectF(x, y + side, side, 14), Qt::AlignHCenter | Qt::AlignTop, name(truth_[std::size_t(i)]));
        }
        if (std::size_t(i) < predicted_.size()) {
            const bool ok = std::size_t(i) < truth_.size() && predicted_[std::size_t(i)] == truth_[std::size_t(i)];
            p.setPen(ok ? QColor(20, 150, 60) : QColor(210, 40, 40));
            p.drawText(QRectF(x, y + side + 14, side, 14), Qt::AlignHCenter | Qt::AlignTop,
                       tr("→ %1").arg(name(predicted_[std::size_t(i)])));
        }
    }
}

}  // namespace ganglion
