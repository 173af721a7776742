// A small matrix drawn as a heat map with each cell's value written in it (when it fits): rows and
// columns numbered from 1 (every k-th when the cells are smaller than the numbers), both axes
// titled, a colour bar with its range. Cells whose value is below the "missing" threshold (e.g. −1:
// not measured yet) stay empty. Used for the continual-learning accuracy matrix (accuracy on task i
// after training through task j) and fits any small table of values in a known range.
#pragma once

#include "core/model/types.h"

#include <QWidget>

#include <functional>

namespace ganglion {

class MatrixHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit MatrixHeatmap(QWidget* parent = nullptr);
    QSize sizeHint() const override { return {340, 300}; }
    QSize minimumSizeHint() const override { return {200, 180}; }

    void setTitle(const QString& title);
    /// `columns` titles the horizontal axis (under the matrix), `rows` the vertical one.
    void setAxisTitles(const QString& columns, const QString& rows);
    /// The colour scale's range; values outside are clamped in colour (their text stays exact).
    void setRange(double lo, double hi);
    /// How a value is written on the colour bar and, unless setCellFormat() says otherwise, in
    /// its cell (default: two decimals).
    void setFormat(std::function<QString(double)> format);
    /// A shorter form for the cells (e.g. the number without its unit, which the bar gives).
    void setCellFormat(std::function<QString(double)> format);
    /// Values below `threshold` are drawn as empty cells.
    void setMissingBelow(double threshold);
    /// Off: the matrix fills the plot area with rectangular cells (a units x steps activity map);
    /// on (default): square cells. Cells too small for their values (or for a pixel) are drawn
    /// without text, and the row and column numbers are thinned to every 2nd, 5th, 10th… one.
    void setSquareCells(bool square);
    void setValues(const Matrix& m);
    const Matrix& values() const { return values_; }
    void clear();

    /// The colour of `value` on the scale (viridis-like, dark = low).
    QColor colourOf(double value) const;

protected:
    void paintEvent(QPaintEvent* e) override;

private:
    QString title_, columnsTitle_, rowsTitle_;
    double lo_ = 0, hi_ = 1, missing_ = -std::numeric_limits<double>::infinity();
    bool square_ = true;
    std::function<QString(double)> format_, cellFormat_;
    Matrix values_;
};

}  // namespace ganglion
