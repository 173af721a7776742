#include "widgets/events/event_frame_widget.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ganglion {

EventFrameWidget::EventFrameWidget(QWidget* parent) : QWidget(parent) {
    setMinimumSize(120, 100);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void EventFrameWidget::setWindow(std::shared_ptr<const events::EventWindow> w) {
    window_ = std::move(w);
    render();
    update();
}
void EventFrameWidget::setMode(Mode m) {
    mode_ = m;
    render();
    update();
}
void EventFrameWidget::setAccumulationMs(double ms) {
    accumulationMs_ = std::max(0.001, ms);
    render();
    update();
}
void EventFrameWidget::setDecayMs(double ms) {
    decayMs_ = std::max(0.0, ms);
    render();
    update();
}
void EventFrameWidget::setColors(QColor on, QColor off, QColor background) {
    on_ = on;
    off_ = off;
    bg_ = background;
    render();
    update();
}
void EventFrameWidget::setTitle(const QString& t) {
    title_ = t;
    update();
}

void EventFrameWidget::render() {
    shown_ = 0;
    if (!window_ || window_->width <= 0 || window_->height <= 0) {
        image_ = QImage();
        return;
    }
    const int W = window_->width, H = window_->height;
    const std::size_t n = std::size_t(W) * std::size_t(H);
    if (image_.width() != W || image_.height() != H) image_ = QImage(W, H, QImage::Format_RGB32);
    const std::int64_t now = window_->tEnd;
    onAcc_.assign(n, 0.f);
    offAcc_.assign(n, 0.f);
    if (mode_ == Mode::Accumulate) {
        const std::int64_t from = now - std::int64_t(accumulationMs_ * 1000.0);
        const double inv = decayMs_ > 0 ? 1.0 / (decayMs_ * 1000.0) : 0.0;
        window_->forEach([&](const Event& e) {
            if (e.t < from || e.t < window_->tBegin || e.x >= W || e.y >= H) return;
            const float wgt = inv > 0 ? float(std::exp(-double(now - e.t) * inv)) : 1.f;
            (e.p ? onAcc_ : offAcc_)[std::size_t(e.y) * std::size_t(W) + e.x] += wgt;
            ++shown_;
        });
    } else {
        lastOn_.assign(n, INT64_MIN);
        lastOff_.assign(n, INT64_MIN);
        window_->forEach([&](const Event& e) {
            if (e.x >= W || e.y >= H) return;
            auto& l = (e.p ? lastOn_ : lastOff_)[std::size_t(e.y) * std::size_t(W) + e.x];
            l = std::max(l, e.t);
            ++shown_;
        });
        const double tau = std::max(1.0, (decayMs_ > 0 ? decayMs_ : accumulationMs_) * 1000.0);
        for (std::size_t i = 0; i < n; ++i) {
            if (lastOn_[i] != INT64_MIN) onAcc_[i] = float(std::exp(-double(now - lastOn_[i]) / tau));
            if (lastOff_[i] != INT64_MIN) offAcc_[i] = float(std::exp(-double(now - lastOff_[i]) / tau));
        }
    }
    const float bg[3] = {float(bg_.red()), float(bg_.green()), float(bg_.blue())};
    const float on[3] = {float(on_.red()), float(on_.green()), float(on_.blue())};
    const float off[3] = {float(off_.red()), float(off_.green()), float(off_.blue())};
    for (int y = 0; y < H; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image_.scanLine(y));
        for (int x = 0; x < W; ++x) {
            const std::size_t i = std::size_t(y) * std::size_t(W) + std::size_t(x);
            // Accumulate: saturating 1 - exp(-1.5 n) (one event is clearly visible, decayed ones
            // fade); time surface: the surface value itself.
            const bool ts = mode_ == Mode::TimeSurface;
            const float a = ts ? onAcc_[i] : 1.f - std::exp(-1.5f * onAcc_[i]);
            const float b = ts ? offAcc_[i] : 1.f - std::exp(-1.5f * offAcc_[i]);
            float c[3];
            for (int k = 0; k < 3; ++k) c[k] = std::min(255.f, bg[k] * (1.f - std::min(1.f, a + b)) + on[k] * a + off[k] * b);
            line[x] = qRgb(int(c[0]), int(c[1]), int(c[2]));
        }
    }
}

void EventFrameWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (image_.isNull()) {
        p.setPen(palette().text().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No event stream: select an event node and run"));
        return;
    }
    // Keep the sensor's aspect ratio, nearest-neighbour scaling (pixels stay pixels).
    const QSize fit = image_.size().scaled(size() - QSize(0, 18), Qt::KeepAspectRatio);
    const QRect target(QPoint((width() - fit.width()) / 2, 18 + (height() - 18 - fit.height()) / 2), fit);
    p.drawImage(target, image_);
    p.setPen(palette().text().color());
    const QString what = mode_ == Mode::Accumulate
                             ? tr("%1 events, last %2 ms%3").arg(shown_).arg(accumulationMs_, 0, 'g', 4)
                                   .arg(decayMs_ > 0 ? tr(", decay %1 ms").arg(decayMs_, 0, 'g', 4) : QString())
                             : tr("time surface, tau %1 ms").arg(decayMs_ > 0 ? decayMs_ : accumulationMs_, 0, 'g', 4);
    p.drawText(QRect(4, 0, width() - 8, 18), Qt::AlignLeft | Qt::AlignVCenter,
               (title_.isEmpty() ? QString() : title_ + ": ") + what);
}

}  // namespace ganglion
