#include "widgets/sparsity/connectivity_heatmap.h"

#include "widgets/plots/axis_ticks.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace ganglion {

namespace {
constexpr double kMaxScale = 48.0;  // pixels per synapse at the deepest zoom
constexpr int kMargin = 6;

QRgb blend(QRgb a, QColor b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return qRgb(int(qRed(a) + (b.red() - qRed(a)) * t), int(qGreen(a) + (b.green() - qGreen(a)) * t),
                int(qBlue(a) + (b.blue() - qBlue(a)) * t));
}
constexpr int kBar = ConnectivityHeatmap::kColourBarWidth;
/// One synapse of weight w (NaN: absent), weights scaled by the largest magnitude; 256 shades a
/// sign, looked up (the heatmap colours up to a million pixels a repaint).
QRgb weightRgb(float w, float maxAbs) {
    static const auto table = [] {
        std::array<std::array<QRgb, 257>, 2> t{};
        for (int k = 0; k <= 256; ++k) {
            const double shade = 0.2 + 0.8 * std::sqrt(k / 256.0);
            t[0][std::size_t(k)] = blend(qRgb(215, 215, 225), QColor(200, 30, 30), shade);
            t[1][std::size_t(k)] = blend(qRgb(215, 215, 225), QColor(30, 70, 200), shade);
        }
        return t;
    }();
    if (std::isnan(w)) return qRgb(255, 255, 255);
    const float m = maxAbs > 0 ? std::min(std::abs(w) / maxAbs, 1.f) : 0.f;
    const int k = int(m * 256.f + 0.5f);
    return table[w >= 0 ? 0 : 1][std::size_t(k)];
}
/// A block of synapses by the fraction of them that is live.
QRgb densityRgb(double density) {
    static const auto table = [] {
        std::array<QRgb, 257> t{};
        for (int k = 0; k <= 256; ++k) t[std::size_t(k)] = blend(qRgb(255, 255, 255), QColor(20, 40, 110), std::pow(k / 256.0, 0.6));
        return t;
    }();
    return table[std::size_t(std::clamp(int(density * 256.0 + 0.5), 0, 256))];
}
}  // namespace

ConnectivityHeatmap::ConnectivityHeatmap(QWidget* parent) : QWidget(parent) {
    setMinimumSize(200, 150);
    setMouseTracking(true);
    anim_.setInterval(40);
    connect(&anim_, &QTimer::timeout, this, [this] {
        if (!flashing()) anim_.stop();
        update();
    });
}

void ConnectivityHeatmap::setConnectivity(std::shared_ptr<const g2g::G2GConnectivity> c) {
    const bool shapeChanged = !conn_ || !c || conn_->rows != c->rows || conn_->cols != c->cols;
    // Training changes weights every step but the structure only when the layer rewires: then
    // only the weights are refreshed, not the display order or the summed-area tables.
    const bool sameStructure = !shapeChanged && conn_->rowOrder == c->rowOrder && conn_->colOrder == c->colOrder &&
                               conn_->liveRow == c->liveRow && conn_->liveCol == c->liveCol &&
                               conn_->pruned == c->pruned && conn_->grown == c->grown;
    conn_ = std::move(c);
    if (shapeChanged) {
        scale_ = 0.0;
        offset_ = {};
        seenRewire_ = conn_ ? conn_->rewireCount : -1;  // do not flash history on first sight
        flashValid_ = false;
    } else if (conn_ && conn_->rewireCount != seenRewire_) {
        seenRewire_ = conn_->rewireCount;
        flashClock_.start();
        flashValid_ = true;
        anim_.start();
    }
    if (sameStructure) refreshWeights();
    else rebuildTables();
    update();
}

void ConnectivityHeatmap::refreshWeights() {
    const auto& c = *conn_;
    const std::size_t C = std::size_t(c.cols);
    maxAbs_ = 1e-6f;
    for (std::size_t k = 0; k < c.liveRow.size(); ++k) {
        weight_[std::size_t(rowPos_[std::size_t(c.liveRow[k])]) * C + std::size_t(colPos_[std::size_t(c.liveCol[k])])] =
            c.liveWeight[k];
        maxAbs_ = std::max(maxAbs_, std::abs(c.liveWeight[k]));
    }
}

bool ConnectivityHeatmap::flashing() const { return flashValid_ && flashClock_.elapsed() < kFlashMs; }

void ConnectivityHeatmap::rebuildTables() {
    weight_.clear();
    state_.clear();
    if (!conn_) return;
    const auto& c = *conn_;
    const std::size_t R = std::size_t(c.rows), C = std::size_t(c.cols);
    rowPos_.assign(R, 0);
    colPos_.assign(C, 0);
    for (std::size_t p = 0; p < R; ++p) rowPos_[std::size_t(c.rowOrder[p])] = int(p);
    for (std::size_t p = 0; p < C; ++p) colPos_[std::size_t(c.colOrder[p])] = int(p);
    weight_.assign(R * C, std::numeric_limits<float>::quiet_NaN());
    state_.assign(R * C, 0);
    maxAbs_ = 1e-6f;
    for (std::size_t k = 0; k < c.liveRow.size(); ++k) {
        const std::size_t cell = std::size_t(rowPos_[std::size_t(c.liveRow[k])]) * C + std::size_t(colPos_[std::size_t(c.liveCol[k])]);
        weight_[cell] = c.liveWeight[k];
        state_[cell] = 1;
        maxAbs_ = std::max(maxAbs_, std::abs(c.liveWeight[k]));
    }
    for (auto [r, col] : c.pruned) state_[std::size_t(rowPos_[std::size_t(r)]) * C + std::size_t(colPos_[std::size_t(col)])] = 2;
    for (auto [r, col] : c.grown) state_[std::size_t(rowPos_[std::size_t(r)]) * C + std::size_t(colPos_[std::size_t(col)])] = 3;
    // Summed-area tables for the zoomed-out (aggregated) rendering.
    const std::size_t W = C + 1;
    sat_.assign((R + 1) * W, 0);
    satPruned_.assign((R + 1) * W, 0);
    satGrown_.assign((R + 1) * W, 0);
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t col = 0; col < C; ++col) {
            const std::uint8_t s = state_[r * C + col];
            const std::size_t o = (r + 1) * W + col + 1;
            sat_[o] = (s == 1 || s == 3) + sat_[o - 1] + sat_[o - W] - sat_[o - W - 1];
            satPruned_[o] = (s == 2) + satPruned_[o - 1] + satPruned_[o - W] - satPruned_[o - W - 1];
            satGrown_[o] = (s == 3) + satGrown_[o - 1] + satGrown_[o - W] - satGrown_[o - W - 1];
        }
}

QRectF ConnectivityHeatmap::plotRect() const {
    return QRectF(kMargin, kMargin, std::max(1, width() - 2 * kMargin - kBar), std::max(1, height() - 2 * kMargin));
}

double ConnectivityHeatmap::effectiveScale() const {
    if (!conn_ || conn_->rows == 0 || conn_->cols == 0) return 1.0;
    const QRectF pr = plotRect();
    const double fitScale = std::min(pr.width() / conn_->cols, pr.height() / conn_->rows);
    return scale_ > 0 ? std::max(scale_, fitScale) : fitScale;
}

void ConnectivityHeatmap::clampOffset() {
    if (!conn_) return;
    const double s = effectiveScale();
    const QRectF pr = plotRect();
    const double maxX = std::max(0.0, conn_->cols - pr.width() / s), maxY = std::max(0.0, conn_->rows - pr.height() / s);
    offset_.setX(std::clamp(offset_.x(), 0.0, maxX));
    offset_.setY(std::clamp(offset_.y(), 0.0, maxY));
}

QPointF ConnectivityHeatmap::toCell(QPointF p) const {
    const double s = effectiveScale();
    const QRectF pr = plotRect();
    return {offset_.x() + (p.x() - pr.left()) / s, offset_.y() + (p.y() - pr.top()) / s};
}

void ConnectivityHeatmap::zoomTo(double pps, double row, double col) {
    scale_ = std::clamp(pps, 0.0, kMaxScale);
    const double s = effectiveScale();
    const QRectF pr = plotRect();
    offset_ = {col - pr.width() / (2 * s), row - pr.height() / (2 * s)};
    clampOffset();
    update();
    emit viewChanged();
}

void ConnectivityHeatmap::fit() {
    scale_ = 0;
    offset_ = {};
    update();
    emit viewChanged();
}

QString ConnectivityHeatmap::describeAt(QPoint p) const {
    if (!conn_ || !plotRect().contains(p)) return {};
    const QPointF cell = toCell(p);
    const int col = int(cell.x()), row = int(cell.y());
    if (row < 0 || col < 0 || row >= conn_->rows || col >= conn_->cols) return {};
    const int out = conn_->rowOrder[std::size_t(row)], in = conn_->colOrder[std::size_t(col)];
    const std::size_t idx = std::size_t(row) * std::size_t(conn_->cols) + std::size_t(col);
    QString s = tr("out %1 (ensemble %2) ← in %3 (ensemble %4)")
                    .arg(out)
                    .arg(conn_->rowEnsemble[std::size_t(out)])
                    .arg(in)
                    .arg(conn_->colEnsemble[std::size_t(in)]);
    const float w = weight_[idx];
    if (!std::isnan(w)) s += tr(": w = %1").arg(double(w), 0, 'g', 4);
    else s += tr(": no connection");
    if (state_[idx] == 2) s += tr(" (pruned at step %1)").arg(conn_->rewireStep);
    if (state_[idx] == 3) s += tr(" (regrown at step %1)").arg(conn_->rewireStep);
    return s;
}

QImage ConnectivityHeatmap::render() const {
    const QRectF pr = plotRect();
    const int W = int(pr.width()), H = int(pr.height());
    QImage img(W, H, QImage::Format_RGB32);
    img.fill(qRgb(250, 250, 250));
    if (!conn_ || conn_->rows == 0 || conn_->cols == 0) return img;
    const double s = effectiveScale();
    const int R = conn_->rows, C = conn_->cols;
    const std::size_t SW = std::size_t(C) + 1;
    const double flash = flashing() ? 1.0 - double(flashClock_.elapsed()) / kFlashMs : 0.0;
    auto box = [&](const std::vector<std::int32_t>& t, int r0, int c0, int r1, int c1) {
        return t[std::size_t(r1) * SW + std::size_t(c1)] - t[std::size_t(r0) * SW + std::size_t(c1)] -
               t[std::size_t(r1) * SW + std::size_t(c0)] + t[std::size_t(r0) * SW + std::size_t(c0)];
    };
    for (int py = 0; py < H; ++py) {
        const int r0 = int(offset_.y() + py / s);
        if (r0 >= R) break;
        const int r1 = std::clamp(int(offset_.y() + (py + 1) / s), r0 + 1, R);
        QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(py));
        for (int px = 0; px < W; ++px) {
            const int c0 = int(offset_.x() + px / s);
            if (c0 >= C) break;
            QRgb col;
            if (s >= 1.0) {  // one synapse per pixel or more
                const std::size_t idx = std::size_t(r0) * std::size_t(C) + std::size_t(c0);
                col = weightRgb(weight_[idx], maxAbs_);
                if (state_[idx] == 2 && flash > 0) col = blend(col, prunedColor(), flash);
                if (state_[idx] == 3 && flash > 0) col = blend(col, grownColor(), flash);
            } else {  // aggregate a block of synapses
                const int c1 = std::clamp(int(offset_.x() + (px + 1) / s), c0 + 1, C);
                const double area = double(r1 - r0) * (c1 - c0);
                const double density = box(sat_, r0, c0, r1, c1) / area;
                col = densityRgb(density);
                if (flash > 0) {
                    if (box(satPruned_, r0, c0, r1, c1) > 0) col = blend(col, prunedColor(), flash);
                    if (box(satGrown_, r0, c0, r1, c1) > 0) col = blend(col, grownColor(), flash);
                }
            }
            line[px] = col;
        }
    }
    return img;
}

void ConnectivityHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QRectF pr = plotRect();
    p.drawImage(pr.topLeft(), render());
    if (!conn_) {
        p.drawText(rect(), Qt::AlignCenter, tr("No G2G layer to show"));
        return;
    }
    const double s = effectiveScale();
    // The part of the plot the matrix covers (smaller than the plot when it does not fill it).
    const QRectF mr = pr.intersected(QRectF(pr.left() - offset_.x() * s, pr.top() - offset_.y() * s,
                                            conn_->cols * s, conn_->rows * s));
    p.setClipRect(mr);
    // Synapse grid when zoomed in far enough to see single connections.
    if (s >= 6.0) {
        p.setPen(QPen(QColor(0, 0, 0, 30), 0));
        const double x0 = pr.left() - std::fmod(offset_.x(), 1.0) * s, y0 = pr.top() - std::fmod(offset_.y(), 1.0) * s;
        for (double x = x0; x <= mr.right(); x += s) p.drawLine(QPointF(x, mr.top()), QPointF(x, mr.bottom()));
        for (double y = y0; y <= mr.bottom(); y += s) p.drawLine(QPointF(mr.left(), y), QPointF(mr.right(), y));
    }
    // Ensemble boundaries (display order is sorted by ensemble).
    p.setPen(QPen(QColor(120, 120, 120, 160), 1, Qt::DashLine));
    const auto& c = *conn_;
    for (int r = 1; r < c.rows; ++r)
        if (c.rowEnsemble[std::size_t(c.rowOrder[std::size_t(r)])] != c.rowEnsemble[std::size_t(c.rowOrder[std::size_t(r - 1)])]) {
            const double y = pr.top() + (r - offset_.y()) * s;
            if (y > mr.top() && y < mr.bottom()) p.drawLine(QPointF(mr.left(), y), QPointF(mr.right(), y));
        }
    for (int col = 1; col < c.cols; ++col)
        if (c.colEnsemble[std::size_t(c.colOrder[std::size_t(col)])] != c.colEnsemble[std::size_t(c.colOrder[std::size_t(col - 1)])]) {
            const double x = pr.left() + (col - offset_.x()) * s;
            if (x > mr.left() && x < mr.right()) p.drawLine(QPointF(x, mr.top()), QPointF(x, mr.bottom()));
        }
    p.setClipping(false);
    p.setPen(palette().windowText().color());
    p.drawRect(mr.adjusted(-0.5, -0.5, 0.5, 0.5));
    drawColourBar(p, s >= 1.0);
}

void ConnectivityHeatmap::drawColourBar(QPainter& p, bool weights) const {
    // What a colour means at this zoom: a synapse's weight, or the live fraction of a block.
    const QRectF pr = plotRect();
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() - 1));
    p.setFont(f);
    const QFontMetrics fm(f);
    const int x = int(pr.right()) + 10, top = int(pr.top()) + fm.height() + 4;
    const int h = std::max(20, int(pr.height()) - 2 * fm.height() - 48);
    p.setPen(palette().windowText().color());
    p.drawText(QRect(x - 4, int(pr.top()), kBar, fm.height()), Qt::AlignLeft, weights ? tr("weight") : tr("live fraction"));
    for (int i = 0; i < h; ++i) {
        const double u = 1.0 - double(i) / (h - 1);  // 1 at the top
        p.setPen(QColor(weights ? weightRgb(float((2 * u - 1) * maxAbs_), maxAbs_) : densityRgb(u)));
        p.drawLine(x, top + i, x + 12, top + i);
    }
    p.setPen(palette().windowText().color());
    p.drawRect(QRect(x, top, 12, h));
    const double lo = weights ? -maxAbs_ : 0.0, hi = weights ? maxAbs_ : 1.0;
    const AxisTicks t = niceTicks(lo, hi, std::clamp(h / 30, 2, 5));
    for (double v : t.values) {
        if (v < lo - 1e-9 || v > hi + 1e-9) continue;
        const int y = top + int((hi - v) / (hi - lo) * (h - 1));
        p.drawLine(x + 12, y, x + 15, y);
        p.drawText(QRect(x + 17, y - fm.height() / 2, kBar - 20, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, compactNumber(v, t.step));
    }
    // the colours of a rewiring
    int y = top + h + 8;
    for (const auto& [name, colour] : {std::pair{tr("pruned"), prunedColor()}, std::pair{tr("regrown"), grownColor()}}) {
        p.fillRect(QRect(x, y, 10, 10), colour);
        p.drawText(QRect(x + 14, y - 2, kBar - 16, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, name);
        y += fm.height() + 2;
    }
}

void ConnectivityHeatmap::wheelEvent(QWheelEvent* e) {
    if (!conn_) return;
    const QPointF pos = e->position();
    const QPointF before = toCell(pos);
    const double factor = std::pow(1.25, e->angleDelta().y() / 120.0);
    scale_ = std::clamp(effectiveScale() * factor, 0.0, kMaxScale);
    const double s = effectiveScale();
    const QRectF pr = plotRect();
    offset_ = {before.x() - (pos.x() - pr.left()) / s, before.y() - (pos.y() - pr.top()) / s};
    clampOffset();
    update();
    emit viewChanged();
    e->accept();
}

void ConnectivityHeatmap::mousePressEvent(QMouseEvent* e) {
    dragStart_ = e->position().toPoint();
    dragOffset_ = offset_;
}

void ConnectivityHeatmap::mouseMoveEvent(QMouseEvent* e) {
    if (!(e->buttons() & Qt::LeftButton) || !conn_) return;
    const double s = effectiveScale();
    const QPointF d = e->position() - QPointF(dragStart_);
    offset_ = dragOffset_ - d / s;
    clampOffset();
    update();
    emit viewChanged();
}

void ConnectivityHeatmap::mouseDoubleClickEvent(QMouseEvent*) { fit(); }

void ConnectivityHeatmap::resizeEvent(QResizeEvent*) { clampOffset(); }

bool ConnectivityHeatmap::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const QString text = describeAt(he->pos());
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(he->globalPos(), text, this);
        return true;
    }
    return QWidget::event(e);
}

}  // namespace ganglion
