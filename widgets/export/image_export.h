// Pictures out of the workbench: any widget (a view, a chart) or a region of a graphics scene (the
// whole node graph) to PNG at 1×, 2× or 4× the pixels, or to SVG, where what the widget draws with
// vector operations (chart lines, axes, text, canvas nodes and wires) stays vector. The format goes
// by the file's extension; files are written atomically.
#pragma once

#include <QRectF>
#include <QString>

#include <functional>

class QGraphicsScene;
class QWidget;

namespace ganglion {

/// The scales a PNG export offers.
inline constexpr int kImageScales[] = {1, 2, 4};

/// Renders `widget` and its children to `path` (.png: scale × its size in pixels; .svg: its size in
/// points). False with *error naming the problem (extension, scale, an unwritable path).
bool exportWidgetImage(QWidget* widget, const QString& path, int scale, QString* error);

/// Renders `source` of `scene` (e.g. its itemsBoundingRect()) to `path`, as exportWidgetImage.
bool exportSceneImage(QGraphicsScene* scene, const QRectF& source, const QString& path, int scale, QString* error);

/// Asks where to save an image (PNG 1×/2×/4× or SVG, by the chosen filter) starting at
/// `suggested`, then calls `write(path, scale, error)`; a failure is shown in a message box.
/// False when cancelled or failed.
bool askAndExportImage(QWidget* parent, const QString& title, const QString& suggested,
                       const std::function<bool(const QString& path, int scale, QString* error)>& write);

}  // namespace ganglion
