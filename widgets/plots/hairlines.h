// Many one-pixel lines drawn straight into an ARGB32 image. QPainter::drawLines hands the spans
// of every long line to Qt's GUI thread pool, so hundreds of lines (a KAN layer's edges) spend
// more time dispatching and waiting for a core than drawing; here they cost one blend a pixel.
#pragma once

#include <QColor>
#include <QImage>
#include <QLineF>

#include <vector>

namespace ganglion {

struct Hairline {
    QLineF line;  ///< in the image's logical coordinates (scaled by its device pixel ratio)
    QColor color; ///< alpha blends over what is there
};

/// Draws every line (aliased, 1 device pixel wide, source-over) into `image`, clipped to it.
/// `image` must be QImage::Format_ARGB32_Premultiplied (what QPixmap uses on raster).
void drawHairlines(QImage& image, const std::vector<Hairline>& lines);

}  // namespace ganglion
