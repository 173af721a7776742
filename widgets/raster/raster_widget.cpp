#include "widgets/raster/raster_widget.h"

#include "widgets/plots/axis_ticks.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
constexpr int kLeft = 52, kBottom = 34, kTop = 18, kRight = 8, kScrub = 10;  // legend above the plot
}

QImage rasterThumbnail(const snn::SpikeRaster& r, QSize size, double seconds) {
    QImage img(size, QImage::Format_RGB32);
    img.fill(QColor(0x1a, 0x1c, 0x22));
    if (!(r.dt > 0) || r.neurons <= 0 || r.endStep <= r.firstStep || size.isEmpty()) return img;
    const auto span = std::uint64_t(std::max(1.0, seconds / r.dt));
    const std::uint64_t end = r.endStep, begin = std::max(r.firstStep, end > span ? end - span : 0);
    const int w = size.width(), h = size.height();
    r.forEach(begin, end, [&](std::uint64_t step, int n) {
        const int x = int(double(step - begin) / double(span) * w);
        const int y = h - 1 - int(std::int64_t(n) * h / r.neurons);
        if (x >= 0 && x < w && y >= 0 && y < h)
            img.setPixelColor(x, y, RasterWidget::populationColor(std::max(0, r.populationOf(n))).lighter(130));
    });
    return img;
}

RasterWidget::RasterWidget(QWidget* parent) : QWidget(parent) {
    setMinimumSize(240, 160);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

QColor RasterWidget::populationColor(int p) {
    static const QColor palette[] = {QColor(52, 120, 246), QColor(235, 64, 52),  QColor(46, 170, 90),
                                     QColor(240, 160, 30), QColor(150, 80, 220), QColor(30, 180, 200),
                                     QColor(200, 90, 150), QColor(120, 120, 120)};
    return palette[std::max(0, p) % 8];
}

void RasterWidget::setRaster(std::shared_ptr<const snn::SpikeRaster> raster) {
    const bool first = !raster_ || !raster || raster_->neurons != raster->neurons;
    raster_ = std::move(raster);
    if (first) resetView();
    update();
}

void RasterWidget::setPaused(bool paused) {
    if (paused == paused_) return;
    if (paused) pausedEnd_ = viewEndStep();
    paused_ = paused;
    emit pausedChanged(paused_);
    update();
}

void RasterWidget::setWindow(double seconds) {
    window_ = std::clamp(seconds, 1e-3, 600.0);
    emit viewChanged();
    update();
}

std::uint64_t RasterWidget::viewEndStep() const {
    if (!raster_) return 0;
    if (!paused_) return raster_->endStep;
    return std::clamp(pausedEnd_, raster_->firstStep, raster_->endStep);
}

void RasterWidget::scrubTo(std::uint64_t step) {
    if (!paused_) setPaused(true);
    pausedEnd_ = raster_ ? std::clamp(step, raster_->firstStep, raster_->endStep) : step;
    emit viewChanged();
    update();
}

void RasterWidget::setNeuronRange(double first, double last) {
    n0_ = first;
    n1_ = last;
    clampNeurons();
    emit viewChanged();
    update();
}

void RasterWidget::clampNeurons() {
    const double total = raster_ ? std::max(1, raster_->neurons) : 1;
    if (n1_ < 0 || n1_ <= n0_) n0_ = 0, n1_ = total;
    const double span = std::clamp(n1_ - n0_, std::min(4.0, total), total);
    n0_ = std::clamp(n0_, 0.0, total - span);
    n1_ = n0_ + span;
}

void RasterWidget::resetView() {
    n0_ = 0;
    n1_ = -1;
    clampNeurons();
    emit viewChanged();
    update();
}

QRect RasterWidget::plotRect() const {
    return QRect(kLeft, kTop, std::max(10, width() - kLeft - kRight), std::max(10, height() - kTop - kBottom));
}

QRect RasterWidget::scrubRect() const {
    const QRect p = plotRect();
    return QRect(p.left(), height() - kScrub - 2, p.width(), kScrub);
}

void RasterWidget::renderSpikes(const QRect& plot) {
    drawn_ = 0;
    if (image_.size() != plot.size()) image_ = QImage(plot.size(), QImage::Format_RGB32);
    image_.fill(QColor(250, 250, 252));
    if (!raster_ || raster_->neurons <= 0) return;
    const double dt = raster_->dt;
    const std::uint64_t end = viewEndStep();
    const auto span = std::uint64_t(std::max(1.0, std::round(window_ / dt)));
    const std::uint64_t begin = end > span ? end - span : 0;
    const double origin = double(end) - double(span);  // may be < 0 early on; keeps x = time
    const int w = image_.width(), h = image_.height();
    const double xs = double(w) / double(span), ys = double(h) / (n1_ - n0_);
    // Pre-computed colours per population; dot height grows when zoomed in on few neurons.
    std::vector<QRgb> colors;
    for (size_t p = 0; p + 1 < raster_->populationStart.size(); ++p) colors.push_back(populationColor(int(p)).rgb());
    if (colors.empty()) colors.push_back(populationColor(0).rgb());
    const int dotH = std::max(1, int(ys * 0.8)), dotW = std::max(1, int(xs * 0.8 + 0.5));
    const auto& start = raster_->populationStart;
    raster_->forEach(begin, end, [&](std::uint64_t s, int n) {
        if (n < n0_ || n >= n1_) return;
        const int x = int((double(s) - origin) * xs);
        const int y = h - 1 - int((double(n) - n0_) * ys);
        int pop = 0;
        while (pop + 2 < int(start.size()) && n >= start[pop + 1]) ++pop;
        const QRgb c = colors[std::min<size_t>(pop, colors.size() - 1)];
        for (int yy = std::max(0, y - dotH + 1); yy <= y && yy < h; ++yy) {
            auto* line = reinterpret_cast<QRgb*>(image_.scanLine(yy));
            for (int xx = x; xx < x + dotW && xx < w; ++xx)
                if (xx >= 0) line[xx] = c;
        }
        ++drawn_;
    });
}

void RasterWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QRect plot = plotRect();
    renderSpikes(plot);
    p.drawImage(plot.topLeft(), image_);
    p.setPen(QColor(150, 150, 160));
    p.drawRect(plot.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() - 1));
    p.setFont(f);
    if (!raster_) {
        p.drawText(plot, Qt::AlignCenter, tr("No spikes yet: run a spiking node"));
        return;
    }
    // Axes: neuron index (left) and time (bottom), seconds of simulated time, at nice values;
    // a label at either end slides inwards instead of being cut.
    const double dt = raster_->dt;
    const double tEnd = double(viewEndStep()) * dt, tBegin = tEnd - window_;
    const AxisTicks ny = niceTicks(n0_, n1_, std::clamp(plot.height() / 24, 2, 6));
    for (double n : ny.values) {
        if (n < n0_ - 1e-9 || n > n1_ + 1e-9) continue;
        const int y = plot.bottom() - int((plot.height() - 1) * (n - n0_) / std::max(1e-9, n1_ - n0_));
        p.drawText(QRect(0, y - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter, compactNumber(n, ny.step));
    }
    const AxisTicks tx = niceTicks(tBegin, tEnd, std::clamp(plot.width() / 90, 2, 8));
    for (double t : tx.values) {
        if (t < tBegin - 1e-9 || t > tEnd + 1e-9) continue;
        const int x = plot.left() + int((plot.width() - 1) * (t - tBegin) / window_);
        const QString label = compactNumber(t, tx.step) + " s";
        const int w = p.fontMetrics().horizontalAdvance(label) + 4;
        p.drawText(QRect(std::clamp(x - w / 2, 0, width() - w), plot.bottom() + 2, w, 14), Qt::AlignCenter, label);
    }
    p.save();  // the y axis names what it counts
    p.translate(10, plot.center().y());
    p.rotate(-90);
    p.drawText(QRect(-plot.height() / 2, -8, plot.height(), 16), Qt::AlignCenter, tr("neuron"));
    p.restore();
    // Legend: population colours, right-aligned above the plot (never over the spikes).
    int lx = plot.right();
    for (int i = int(raster_->populations.size()) - 1; i >= 0; --i) {
        const QString name = QString::fromStdString(raster_->populations[i]);
        const int tw = p.fontMetrics().horizontalAdvance(name);
        lx -= tw + 18;
        p.fillRect(QRect(lx, 4, 10, 10), populationColor(i));
        p.drawText(QPoint(lx + 13, 13), name);
    }
    // Scrub bar: the recorded history with the visible window highlighted.
    const QRect sr = scrubRect();
    p.fillRect(sr, QColor(225, 225, 232));
    if (raster_->endStep > raster_->firstStep) {
        const double total = double(raster_->endStep - raster_->firstStep);
        const double endFrac = double(viewEndStep() - raster_->firstStep) / total;
        const double spanFrac = std::min(1.0, window_ / dt / total);
        const int x1 = sr.left() + int(endFrac * sr.width());
        const int x0 = std::max(sr.left(), x1 - int(spanFrac * sr.width()));
        p.fillRect(QRect(x0, sr.top(), std::max(3, x1 - x0), sr.height()), paused_ ? QColor(240, 160, 30) : QColor(52, 120, 246));
    }
    if (paused_) p.drawText(QRect(plot.left(), 0, plot.width(), kTop), Qt::AlignLeft | Qt::AlignVCenter, tr("paused — drag the bar to scrub"));
}

std::uint64_t RasterWidget::stepAtScrubX(int x) const {
    if (!raster_) return 0;
    const QRect sr = scrubRect();
    const double frac = std::clamp(double(x - sr.left()) / std::max(1, sr.width()), 0.0, 1.0);
    return raster_->firstStep + std::uint64_t(frac * double(raster_->endStep - raster_->firstStep));
}

void RasterWidget::wheelEvent(QWheelEvent* e) {
    const double factor = std::pow(0.85, e->angleDelta().y() / 120.0);
    if (e->modifiers() & Qt::ShiftModifier) {
        const QRect plot = plotRect();
        const double frac = 1.0 - double(e->position().y() - plot.top()) / std::max(1, plot.height());
        const double anchor = n0_ + frac * (n1_ - n0_);
        const double span = (n1_ - n0_) * factor;
        setNeuronRange(anchor - frac * span, anchor - frac * span + span);
    } else {
        setWindow(window_ * factor);
    }
    e->accept();
}

void RasterWidget::mousePressEvent(QMouseEvent* e) {
    pressPos_ = e->pos();
    moved_ = false;
    scrubbing_ = scrubRect().adjusted(0, -3, 0, 3).contains(e->pos());
    dragging_ = !scrubbing_;
    pressEnd_ = viewEndStep();
    pressN0_ = n0_;
    pressN1_ = n1_;
    if (scrubbing_) scrubTo(stepAtScrubX(e->pos().x()));
}

void RasterWidget::mouseMoveEvent(QMouseEvent* e) {
    if (scrubbing_) {
        scrubTo(stepAtScrubX(e->pos().x()));
        return;
    }
    if (!dragging_ || !raster_) return;
    const QPoint d = e->pos() - pressPos_;
    if (d.manhattanLength() > 3) moved_ = true;
    if (!moved_) return;
    const QRect plot = plotRect();
    const double dSteps = -double(d.x()) / std::max(1, plot.width()) * window_ / raster_->dt;
    if (std::abs(d.x()) > 3) {
        if (!paused_) setPaused(true);
        const double target = std::max(0.0, double(pressEnd_) + dSteps);
        pausedEnd_ = std::clamp(std::uint64_t(target), raster_->firstStep, raster_->endStep);
    }
    const double dN = double(d.y()) / std::max(1, plot.height()) * (pressN1_ - pressN0_);
    n0_ = pressN0_ + dN;
    n1_ = pressN1_ + dN;
    clampNeurons();
    emit viewChanged();
    update();
}

void RasterWidget::mouseReleaseEvent(QMouseEvent* e) {
    if (dragging_ && !moved_ && raster_ && plotRect().contains(e->pos())) {
        const QRect plot = plotRect();
        const double frac = 1.0 - double(e->pos().y() - plot.top()) / std::max(1, plot.height());
        const int n = int(n0_ + frac * (n1_ - n0_));
        if (n >= 0 && n < raster_->neurons) emit neuronClicked(n);
    }
    dragging_ = scrubbing_ = false;
}

void RasterWidget::mouseDoubleClickEvent(QMouseEvent*) {
    setPaused(false);
    resetView();
}

void RasterWidget::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Space) setPaused(!paused_);
    else if (e->key() == Qt::Key_Left && raster_) scrubTo(viewEndStep() - std::min(viewEndStep(), std::uint64_t(window_ / raster_->dt / 10)));
    else if (e->key() == Qt::Key_Right && raster_) scrubTo(viewEndStep() + std::uint64_t(window_ / raster_->dt / 10));
    else QWidget::keyPressEvent(e);
}

}  // namespace ganglion
