// Look of the node canvas: colours for port types and categories, metrics, fonts, and the
// activation-thumbnail colour map. One place so the palette, canvas and docs agree.
#pragma once

#include "core/model/types.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QString>

namespace ganglion::canvas {

struct Metrics {
    static constexpr double nodeWidth = 150;
    static constexpr double headerHeight = 28;
    static constexpr double portRowHeight = 20;
    static constexpr double portRadius = 5.5;
    static constexpr double portHitRadius = 11;  ///< generous target for dragging
    static constexpr double thumbHeight = 48;
    static constexpr double padding = 8;
    static constexpr double cornerRadius = 7;
    static constexpr double gridStep = 24;
};

QColor portColor(PortType t);
/// The colour of a node category of the registry (NodeRegistry::categories(), in that order:
/// every category has its own); the neutral border colour for a name that is no category.
QColor categoryColor(const QString& category);

QColor canvasBackground();
QColor gridMinor();
QColor gridMajor();
QColor nodeBody();
QColor nodeBorder();
QColor selectionColor();
QColor highlightColor();  ///< the halo of a node a lesson points at
QColor textColor();
QColor dimTextColor();
QColor warningColor();
QColor refuseColor();

QFont titleFont();
QFont portFont();
QFont costFont();  ///< the cost badge under a node

/// Heat map of a features x batch activation matrix (rows = features, columns = samples),
/// symmetric around zero (blue negative, dark zero, orange positive), at most maxCols x maxRows
/// cells (extra rows/columns are subsampled). Null image for an empty matrix.
QImage activationImage(const Matrix& m, int maxCols = 64, int maxRows = 32);

/// A row of the first few images of a batch (pixels x samples, square images, row-major),
/// each scaled to its own grey range. Null image when the pixel count is not a square.
QImage imageStrip(const Matrix& images, int count = 4);

/// Recent values as lines over time (rows = signals, columns = steps, oldest first): a graded
/// neuron's activity, a joint's torque, a trainer's speed per generation. The vertical range is
/// [lo, hi] when given (lo < hi), else [min(0, lowest), max(1, highest)]. First row orange,
/// second blue. Null image for an empty matrix.
QImage traceImage(const Matrix& trace, QSize size = QSize(128, 40), float lo = 0.f, float hi = 0.f);

}  // namespace ganglion::canvas
