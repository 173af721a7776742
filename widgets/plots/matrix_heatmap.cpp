#include "widgets/plots/matrix_heatmap.h"

#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace ganglion {

namespace {
constexpr int kPad = 6;
constexpr int kBarWidth = 12;

QColor lerp(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}
}  // namespace

MatrixHeatmap::MatrixHeatmap(QWidget* parent) : QWidget(parent) {
    format_ = [](double v) { return QString::number(v, 'f', 2); };
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MatrixHeatmap::setTitle(const QString& title) {
    if (title == title_) return;
    title_ = title;
    update();
}

void MatrixHeatmap::setAxisTitles(const QString& columns, const QString& rows) {
    columnsTitle_ = columns;
    rowsTitle_ = rows;
    update();
}

void MatrixHeatmap::setRange(double lo, double hi) {
    lo_ = lo;
    hi_ = hi > lo ? hi : lo + 1;
    update();
}

void MatrixHeatmap::setFormat(std::function<QString(double)> format) {
    format_ = std::move(format);
    update();
}

void MatrixHeatmap::setCellFormat(std::function<QString(double)> format) {
    cellFormat_ = std::move(format);
    update();
}

void MatrixHeatmap::setMissingBelow(double threshold) {
    missing_ = threshold;
    update();
}

void MatrixHeatmap::setValues(const Matrix& m) {
    if (m.rows() == values_.rows() && m.cols() == values_.cols() && m == values_) return;
    values_ = m;
    update();
}

void MatrixHeatmap::clear() {
    values_.resize(0, 0);
    update();
}

QColor MatrixHeatmap::colourOf(double value) const {
    static const std::array<QColor, 5> stops{QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                             QColor(94, 201, 98), QColor(253, 231, 37)};
    const double t = std::clamp((value - lo_) / (hi_ - lo_), 0.0, 1.0) * double(stops.size() - 1);
    const auto i = std::min<std::size_t>(std::size_t(t), stops.size() - 2);
    return lerp(stops[i], stops[i + 1], t - double(i));
}

void MatrixHeatmap::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm(font());
    const int line = fm.height();
    const QColor text = palette().color(QPalette::Text);
    p.setPen(text);

    // title, wrapped (never elided)
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QRect titleArea(kPad, kPad / 2, width() - 2 * kPad, height() / 3);
    const QRect titleRect = p.boundingRect(titleArea, Qt::AlignHCenter | Qt::TextWordWrap, title_);
    if (!title_.isEmpty()) p.drawText(titleArea, Qt::AlignHCenter | Qt::TextWordWrap, title_);
    p.setFont(font());
    const int top = (title_.isEmpty() ? kPad : titleRect.bottom() + kPad);

    const int rows = int(values_.rows()), cols = int(values_.cols());
    const int barLabels = std::max(fm.horizontalAdvance(format_(hi_)), fm.horizontalAdvance(format_(lo_)));
    const int left = kPad + line + fm.horizontalAdvance(QString::number(std::max(rows, 1))) + kPad;
    const int right = kPad + kBarWidth + 4 + barLabels + kPad;
    const int bottom = line + 2 + line + kPad;
    const int availW = width() - left - right, availH = height() - top - bottom;
    if (rows == 0 || cols == 0 || availW < 10 || availH < 10) {
        p.drawText(rect().adjusted(0, top, 0, 0), Qt::AlignCenter, tr("no values yet"));
        return;
    }
    const int cell = std::max(4, std::min(availW / cols, availH / rows));
    const int gridW = cell * cols, gridH = cell * rows;
    const int x0 = left + (availW - gridW) / 2, y0 = top;

    // cells, with their values in a font that fits
    const auto& cellText = cellFormat_ ? cellFormat_ : format_;
    QFont small = font();
    const QString widest = cellText(hi_);
    const double fit = double(cell - 4) / std::max(1, fm.horizontalAdvance(widest));
    if (fit < 1.0) small.setPointSizeF(std::max(6.0, small.pointSizeF() * fit));
    p.setFont(small);
    const QFontMetrics sfm(small);
    const bool writeValues = sfm.horizontalAdvance(widest) <= cell - 2 && sfm.height() <= cell;
    const int gap = cell >= 12 ? 1 : 0;  // small cells touch, or the gaps would grey the colours
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            const QRect r(x0 + j * cell, y0 + i * cell, cell, cell);
            const double v = values_(i, j);
            if (!(v >= missing_) || !std::isfinite(v)) {
                p.fillRect(r.adjusted(gap, gap, -gap, -gap), palette().color(QPalette::AlternateBase));
                continue;
            }
            const QColor c = colourOf(v);
            p.fillRect(r.adjusted(gap, gap, -gap, -gap), c);
            if (!writeValues) continue;
            p.setPen(qGray(c.rgb()) > 140 ? Qt::black : Qt::white);
            p.drawText(r, Qt::AlignCenter, cellText(v));
        }
    p.setFont(font());
    p.setPen(text);

    // row and column numbers (every k-th from 1 when cells are smaller than the numbers), axis
    // titles
    const auto labelStep = [cell](int extent) { return std::max(1, (extent + cell - 1) / cell); };
    const int rowStep = labelStep(line), colStep = labelStep(fm.horizontalAdvance(QString::number(cols)) + 4);
    for (int i = 0; i < rows; ++i)
        if (i % rowStep == 0)
            p.drawText(QRect(x0 - kPad - 40, y0 + i * cell + cell / 2 - line / 2, 40, line),
                       Qt::AlignRight | Qt::AlignVCenter, QString::number(i + 1));
    for (int j = 0; j < cols; ++j)
        if (j % colStep == 0)
            p.drawText(QRect(x0 + j * cell + cell / 2 - 20, y0 + gridH + 2, 40, line), Qt::AlignCenter,
                       QString::number(j + 1));
    p.drawText(QRect(kPad, y0 + gridH + 2 + line, width() - 2 * kPad, line), Qt::AlignHCenter, columnsTitle_);
    p.save();
    p.translate(kPad, y0 + gridH / 2);
    p.rotate(-90);
    p.drawText(QRect(-gridH / 2 - 100, 0, gridH + 200, line), Qt::AlignCenter, rowsTitle_);
    p.restore();

    // colour bar with its ends and middle
    const int bx = x0 + gridW + kPad;
    for (int y = 0; y < gridH; ++y) p.fillRect(bx, y0 + y, kBarWidth, 1, colourOf(hi_ - (hi_ - lo_) * y / std::max(1, gridH - 1)));
    p.drawRect(bx, y0, kBarWidth, gridH);
    const double mid = 0.5 * (lo_ + hi_);
    const std::array<std::pair<double, int>, 3> ticks{{{hi_, y0}, {mid, y0 + gridH / 2}, {lo_, y0 + gridH}}};
    for (const auto& [v, y] : ticks)
        p.drawText(QRect(bx + kBarWidth + 4, y - line / 2, barLabels + kPad, line), Qt::AlignLeft | Qt::AlignVCenter,
                   format_(v));
}

}  // namespace ganglion
