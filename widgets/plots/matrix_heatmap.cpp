#include "widgets/plots/matrix_heatmap.h"

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace ganglion {

namespace {
constexpr int kPad = 6;
constexpr int kBarWidth = 12;

/// The smallest of 1, 2, 5, 10, 20, 50… with `every` · `pitch` ≥ `need` pixels: label every n-th.
int labelEvery(double pitch, double need) {
    for (int base = 1;; base *= 10)
        for (int m : {1, 2, 5})
            if (base * m * pitch >= need || base > 1000000) return base * m;
}

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

void MatrixHeatmap::setSquareCells(bool square) {
    square_ = square;
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
    const int barLabels = std::max({fm.horizontalAdvance(format_(hi_)), fm.horizontalAdvance(format_(lo_)),
                                    fm.horizontalAdvance(format_(0.5 * (lo_ + hi_)))});
    const int left = kPad + line + fm.horizontalAdvance(QString::number(std::max(rows, 1))) + kPad;
    const int right = kPad + kBarWidth + 4 + barLabels + kPad;
    const int bottom = line + 2 + line + kPad;
    const int availW = width() - left - right, availH = height() - top - bottom;
    if (rows == 0 || cols == 0 || availW < 10 || availH < 10) {
        p.drawText(rect().adjusted(0, top, 0, 0), Qt::AlignCenter, tr("no values yet"));
        return;
    }
    double cw, ch;  // cell width and height
    if (square_) {
        cw = ch = std::max(4, std::min(availW / cols, availH / rows));
    } else {
        cw = double(availW) / cols;
        ch = double(availH) / rows;
    }
    const int gridW = int(std::lround(cw * cols)), gridH = int(std::lround(ch * rows));
    const int x0 = left + (availW - gridW) / 2, y0 = top;
    const auto cellRect = [&](int i, int j) {
        return QRectF(x0 + j * cw, y0 + i * ch, cw, ch).toAlignedRect();
    };

    // cells, with their values in a font that fits
    const auto& cellText = cellFormat_ ? cellFormat_ : format_;
    QFont small = font();
    const QString widest = cellText(hi_);
    const double fit = (std::min(cw, ch) - 4) / std::max(1, fm.horizontalAdvance(widest));
    if (fit < 1.0) small.setPointSizeF(std::max(6.0, small.pointSizeF() * fit));
    p.setFont(small);
    const QFontMetrics sfm(small);
    const bool writeValues = sfm.horizontalAdvance(widest) <= cw - 2 && sfm.height() <= ch;
    const QColor missingColour = palette().color(QPalette::AlternateBase);
    if (!writeValues) {
        // one pixel per cell, scaled to the grid (nearest neighbour, so cells stay sharp)
        QImage img(cols, rows, QImage::Format_RGB32);
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const double v = values_(i, j);
                img.setPixel(j, i, (!(v >= missing_) || !std::isfinite(v) ? missingColour : colourOf(v)).rgb());
            }
        p.drawImage(QRect(x0, y0, gridW, gridH), img);
    } else {
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const QRect r = cellRect(i, j);
                const double v = values_(i, j);
                if (!(v >= missing_) || !std::isfinite(v)) {
                    p.fillRect(r.adjusted(1, 1, -1, -1), missingColour);
                    continue;
                }
                const QColor c = colourOf(v);
                p.fillRect(r.adjusted(1, 1, -1, -1), c);
                p.setPen(qGray(c.rgb()) > 140 ? Qt::black : Qt::white);
                p.drawText(r, Qt::AlignCenter, cellText(v));
            }
    }
    p.setFont(font());
    p.setPen(text);

    // row and column numbers (thinned where they would overlap), axis titles
    const int rowEvery = labelEvery(ch, line);
    const int colEvery = labelEvery(cw, fm.horizontalAdvance(QString::number(cols)) + 6);
    const int labelW = std::max(40, int(std::ceil(cw * colEvery)));
    for (int i = 0; i < rows; ++i)
        if (i == 0 || (i + 1) % rowEvery == 0)
            p.drawText(QRectF(x0 - kPad - 40, y0 + (i + 0.5) * ch - line / 2.0, 40, line), Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(i + 1));
    for (int j = 0; j < cols; ++j)
        if (j == 0 || (j + 1) % colEvery == 0)
            p.drawText(QRectF(x0 + (j + 0.5) * cw - labelW / 2.0, y0 + gridH + 2, labelW, line), Qt::AlignCenter,
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
