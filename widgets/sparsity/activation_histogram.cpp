#include "widgets/sparsity/activation_histogram.h"

#include "widgets/plots/axis_ticks.h"

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
    const QFontMetrics fm = p.fontMetrics();
    const double zeroLabelW = fm.horizontalAdvance(tr("= 0")) + 6;
    p.drawText(QRectF(area.left(), area.bottom() + 2, zeroLabelW, 16), Qt::AlignLeft, tr("= 0"));
    // the value axis under the bins: nice ticks between the smallest and largest nonzero value
    const double x0 = area.left() + 2 * bw, x1 = area.right();
    const AxisTicks t = niceTicks(lo_, hi_, std::clamp(int((x1 - x0) / 60), 2, 8));
    double freeFrom = area.left() + zeroLabelW;  // labels never overlap "= 0" or each other
    for (double v : t.values) {
        if (v < lo_ - 1e-9 * (hi_ - lo_) || v > hi_ + 1e-9 * (hi_ - lo_)) continue;
        const double x = x0 + (v - lo_) / (hi_ - lo_) * (x1 - x0);
        p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3));
        const QString label = compactNumber(v, t.step);
        const double w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2, area.left(), x1 - w);
        if (left < freeFrom) continue;
        p.drawText(QPointF(left, area.bottom() + 3 + fm.ascent()), label);
        freeFrom = left + w + 6;
    }
    // the count scale: the tallest bar's count, at its height
    p.setPen(palette().placeholderText().color());
    p.drawLine(QPointF(area.left(), area.top()), QPointF(area.right(), area.top()));
    p.drawText(QRectF(area.left(), area.top() + 1, area.width(), 14), Qt::AlignRight | Qt::AlignTop,
               tr("%1 values").arg(compactNumber(maxCount, 1)));
}

}  // namespace ganglion
