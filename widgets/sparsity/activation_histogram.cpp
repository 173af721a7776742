#include "widgets/sparsity/activation_histogram.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

ActivationHistogram::ActivationHistogram(QWidget* parent) : QWidget(parent) { setMinimumSize(200, 120); }

void ActivationHistogram::setTitle(const QString& t) {
    title_ = t;
    update();
}

void ActivationHistogram::clear() {
    counts_.clear();
    zeros_ = 0;
    total_ = 0;
    update();
}

void ActivationHistogram::setValues(const float* v, std::size_t n, int bins) {
    bins = std::max(1, bins);
    counts_.assign(std::size_t(bins), 0);
    zeros_ = 0;
    total_ = n;
    lo_ = 0;
    hi_ = 0;
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i]) || v[i] == 0.f) continue;
        lo_ = any ? std::min(lo_, double(v[i])) : v[i];
        hi_ = any ? std::max(hi_, double(v[i])) : v[i];
        any = true;
    }
    if (!any) { lo_ = -1; hi_ = 1; }
    if (hi_ - lo_ < 1e-12) { lo_ -= 0.5; hi_ += 0.5; }
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(v[i])) continue;
        if (v[i] == 0.f) { ++zeros_; continue; }
        const int b = std::clamp(int((v[i] - lo_) / (hi_ - lo_) * bins), 0, bins - 1);
        ++counts_[std::size_t(b)];
    }
    update();
}

void ActivationHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QRectF area = QRectF(rect()).adjusted(8, 22, -8, -20);
    p.setPen(palette().text().color());
    QString head = title_;
    if (total_ > 0)
        head += (head.isEmpty() ? QString() : QStringLiteral(" · ")) +
                tr("exact zeros %1%").arg(100.0 * zeros_ / double(total_), 0, 'f', 1);
    p.drawText(QRectF(8, 2, width() - 16, 18), Qt::AlignLeft | Qt::AlignVCenter, head);
    if (counts_.empty()) {
        p.drawText(area, Qt::AlignCenter, tr("no activations yet"));
        return;
    }
    const int maxCount = std::max(1, std::max(zeros_, *std::max_element(counts_.begin(), counts_.end())));
    // Zero bar on the left, then the bins.
    const int nb = int(counts_.size()) + 2;
    const double bw = area.width() / nb;
    auto bar = [&](int slot, int count, QColor c) {
        const double h = area.height() * count / maxCount;
        p.fillRect(QRectF(area.left() + slot * bw + 1, area.bottom() - h, std::max(1.0, bw - 2), h), c);
    };
    bar(0, zeros_, QColor(230, 120, 30));
    for (std::size_t i = 0; i < counts_.size(); ++i) bar(int(i) + 2, counts_[i], QColor(50, 90, 170));
    p.setPen(palette().text().color());
    p.drawLine(area.bottomLeft(), area.bottomRight());
    const double zeroLabelW = p.fontMetrics().horizontalAdvance(tr("= 0")) + 6;
    p.drawText(QRectF(area.left(), area.bottom() + 2, zeroLabelW, 16), Qt::AlignLeft, tr("= 0"));
    p.drawText(QRectF(area.left() + std::max(2 * bw, zeroLabelW), area.bottom() + 2, 80, 16), Qt::AlignLeft,
               QString::number(lo_, 'g', 3));
    p.drawText(QRectF(area.right() - 80, area.bottom() + 2, 80, 16), Qt::AlignRight, QString::number(hi_, 'g', 3));
}

}  // namespace ganglion
