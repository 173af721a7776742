#include "widgets/memory/pattern_panel.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ganglion {

namespace {

const QColor kInk(0x1e, 0x22, 0x2a), kPaper(0xf2, 0xf0, 0xe8), kBlank(0x9a, 0x9f, 0xa8);
const QColor kBar(0x4d, 0xa8, 0xff), kTargetBar(0xff, 0x9f, 0x43), kPrediction(0xe0, 0x3e, 0x5a);

QColor pixel(float v) { return v > 0.f ? kInk : (v < 0.f ? kPaper : kBlank); }

}  // namespace

PatternPanel::PatternPanel(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMouseTracking(true);  // the cue shows it can be clicked
    clear(tr("Add a Hopfield network fed by a pattern source (and run) to see its memory."));
}

void PatternPanel::setData(PatternPanelData data) {
    data_ = std::move(data);
    message_.clear();
    update();
}

void PatternPanel::clear(const QString& message) {
    data_ = {};
    message_ = message;
    update();
}

QRectF PatternPanel::drawImage(QPainter& p, const QRectF& r, const float* v, Eigen::Index n) const {
    const int w = std::max(1, data_.width), h = std::max(1, data_.height);
    const double px = std::max(0.5, std::min(r.width() / w, r.height() / h));
    const QRectF img(r.center().x() - px * w / 2, r.top(), px * w, px * h);
    QImage pic(w, h, QImage::Format_RGB32);
    pic.fill(kBlank);
    for (Eigen::Index i = 0; i < std::min<Eigen::Index>(n, Eigen::Index(w) * h); ++i)
        pic.setPixelColor(int(i % w), int(i / w), pixel(v ? v[i] : 0.f));
    p.drawImage(img, pic);
    p.setPen(QPen(palette().mid().color(), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(img.adjusted(-0.5, -0.5, 0.5, 0.5));
    return img;
}

void PatternPanel::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm(font());
    cueRect_ = {};
    if (!message_.isEmpty() || data_.state.size() == 0) {
        p.setPen(palette().text().color());
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, message_);
        return;
    }
    const int k = int(data_.patterns.cols());
    const int shown = std::min(k, kMaxShown);
    // Top: cue and state, a gap, then the stored patterns, all one cell size.
    const int cells = 2 + shown;
    const double gap = 8, sep = 14;
    const double imagesHeight = std::clamp(height() * 0.42, 60.0, 260.0);
    const double cellW = std::max(16.0, (width() - 16 - sep - gap * (cells - 1)) / cells);
    const double side = std::min(cellW, imagesHeight - 2.0 * fm.height() - 6);
    double x = 8;
    const double top = 6;
    auto caption = [&](const QRectF& img, const QString& text, const QColor& color) {
        p.setPen(color);
        p.drawText(QRectF(img.center().x() - cellW / 2 - gap / 2, img.bottom() + 2, cellW + gap, fm.height() * 2 + 2),
                   Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, text);
    };
    const QColor text = palette().text().color();
    QRectF r = drawImage(p, QRectF(x, top, cellW, side), data_.cue.size() ? data_.cue.data() : nullptr, data_.cue.size());
    caption(r, data_.cue.size() ? tr("cue") : tr("no cue"), text);
    if (data_.cue.size()) cueRect_ = r;
    x += cellW + gap;
    r = drawImage(p, QRectF(x, top, cellW, side), data_.state.data(), data_.state.size());
    caption(r, tr("state"), text);
    x += cellW + sep;
    p.setPen(QPen(palette().mid().color(), 1, Qt::DashLine));
    p.drawLine(QPointF(x - sep / 2 - gap / 2 + 3, top), QPointF(x - sep / 2 - gap / 2 + 3, top + side));
    for (int mu = 0; mu < shown; ++mu, x += cellW + gap) {
        r = drawImage(p, QRectF(x, top, cellW, side), data_.patterns.col(mu).data(), data_.patterns.rows());
        caption(r, QString("ξ%1\nm=%2").arg(mu + 1).arg(double(data_.overlaps(mu)), 0, 'f', 2),
                mu == data_.target ? kTargetBar.darker(130) : text);
    }
    if (shown < k) {
        p.setPen(text);
        p.drawText(QRectF(8, top + side + 2 * fm.height() + 4, width() - 16, fm.height()), Qt::AlignRight,
                   tr("+%1 more patterns").arg(k - shown));
    }
    const double barsTop = top + side + 2 * fm.height() + 10 + (shown < k ? fm.height() : 0);
    drawBars(p, QRectF(0, barsTop, width(), height() - barsTop));
}

void PatternPanel::mousePressEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && cueRect_.contains(e->position())) {
        const QPointF at = e->position() - cueRect_.topLeft();
        emit cueClicked(QPointF(at.x() / cueRect_.width(), at.y() / cueRect_.height()));
        return;
    }
    QWidget::mousePressEvent(e);
}

void PatternPanel::mouseMoveEvent(QMouseEvent* e) {
    const bool over = cueRect_.contains(e->position());
    setCursor(over ? Qt::PointingHandCursor : Qt::ArrowCursor);
    setToolTip(over ? tr("Click to erase a patch of the cue there (Ctrl+Z undoes it)") : QString());
    QWidget::mouseMoveEvent(e);
}

void PatternPanel::drawBars(QPainter& p, const QRectF& area) const {
    const QFontMetrics fm(font());
    const int k = int(data_.overlaps.size());
    if (k == 0 || area.height() < 4 * fm.height()) return;
    const QColor text = palette().text().color(), grid = palette().mid().color();
    const bool withPrediction = data_.predicted.size() == k && data_.dilution > 0;
    // legend line at the bottom, axis title on the left
    const double legendH = fm.height() + 4;
    const QString yTitle = tr("overlap m_μ");
    const double left = area.left() + fm.height() + 6 + fm.horizontalAdvance("-0.5") + 6;
    const QRectF plot(left, area.top() + fm.height() / 2.0, area.right() - left - 10,
                      area.height() - legendH - 2.2 * fm.height() - fm.height() / 2.0);
    if (plot.height() < 20 || plot.width() < 40) return;
    auto yOf = [&](double m) { return plot.center().y() - m * plot.height() / 2; };
    p.setFont(font());
    for (double t : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
        p.setPen(QPen(grid, t == 0 ? 1.2 : 0.6, t == 0 ? Qt::SolidLine : Qt::DotLine));
        p.drawLine(QPointF(plot.left(), yOf(t)), QPointF(plot.right(), yOf(t)));
        p.setPen(text);
        const QString label = QString::number(t, 'g', 2);
        p.drawText(QRectF(plot.left() - 6 - fm.horizontalAdvance("-0.5") - 2, yOf(t) - fm.height() / 2.0,
                          fm.horizontalAdvance("-0.5") + 2, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, label);
    }
    p.save();
    p.translate(area.left() + fm.height() / 2.0 + 2, plot.center().y());
    p.rotate(-90);
    p.setPen(text);
    p.drawText(QRectF(-plot.height() / 2, -fm.height() / 2.0, plot.height(), fm.height()), Qt::AlignCenter, yTitle);
    p.restore();
    // ranks by |m| for the predicted hierarchy
    std::vector<int> rank(static_cast<std::size_t>(k), 0), order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return std::abs(data_.overlaps(a)) > std::abs(data_.overlaps(b)); });
    for (int r = 0; r < k; ++r) rank[std::size_t(order[std::size_t(r)])] = r;
    const double slot = plot.width() / k, barW = std::max(1.0, slot * 0.6);
    const int labelEvery = std::max(1, int(std::ceil(fm.horizontalAdvance("000") / slot)));
    for (int mu = 0; mu < k; ++mu) {
        const double cx = plot.left() + slot * (mu + 0.5), m = std::clamp(double(data_.overlaps(mu)), -1.0, 1.0);
        const QRectF bar = QRectF(QPointF(cx - barW / 2, yOf(std::max(m, 0.0))), QPointF(cx + barW / 2, yOf(std::min(m, 0.0))));
        p.fillRect(bar, mu == data_.target ? kTargetBar : kBar);
        if (withPrediction) {  // the theory's amplitude for this rank, on the side of the bar's sign
            const double pred = data_.predicted(rank[std::size_t(mu)]) * (m < 0 ? -1 : 1);
            const double d = std::clamp(barW * 0.35, 3.0, 6.0);
            QPainterPath diamond;
            diamond.moveTo(cx, yOf(pred) - d);
            diamond.lineTo(cx + d, yOf(pred));
            diamond.lineTo(cx, yOf(pred) + d);
            diamond.lineTo(cx - d, yOf(pred));
            diamond.closeSubpath();
            p.fillPath(diamond, kPrediction);
        }
        if (mu % labelEvery == 0) {
            p.setPen(text);
            p.drawText(QRectF(cx - slot * labelEvery / 2, plot.bottom() + 2, slot * labelEvery, fm.height()),
                       Qt::AlignHCenter | Qt::AlignTop, QString::number(mu + 1));
        }
    }
    p.setPen(text);
    p.drawText(QRectF(plot.left(), plot.bottom() + 2 + fm.height(), plot.width(), fm.height()), Qt::AlignHCenter,
               tr("stored pattern μ"));
    // legend
    double lx = plot.left();
    const double ly = area.bottom() - legendH + 2;
    auto swatch = [&](const QColor& c, const QString& label) {
        p.fillRect(QRectF(lx, ly + fm.height() / 2.0 - 4, 10, 8), c);
        lx += 14;
        p.setPen(text);
        p.drawText(QPointF(lx, ly + fm.ascent()), label);
        lx += fm.horizontalAdvance(label) + 14;
    };
    if (data_.target >= 0) swatch(kTargetBar, tr("target"));
    swatch(kBar, data_.target >= 0 ? tr("other patterns") : tr("overlap"));
    if (withPrediction)
        swatch(kPrediction, tr("predicted (1−d)·d^rank, d = %1").arg(data_.dilution, 0, 'f', 2));
}

}  // namespace ganglion
