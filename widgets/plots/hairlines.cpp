#include "widgets/plots/hairlines.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace ganglion {

namespace {

/// Source-over of a premultiplied colour onto a premultiplied pixel.
inline QRgb blend(QRgb dst, QRgb src, unsigned inv) {  // inv = 255 - source alpha
    auto ch = [&](int shift) {
        const unsigned s = (src >> shift) & 0xff, d = (dst >> shift) & 0xff;
        return (s + (d * inv + 127) / 255) << shift;
    };
    return ch(24) | ch(16) | ch(8) | ch(0);
}

}  // namespace

void drawHairlines(QImage& image, const std::vector<Hairline>& lines) {
    if (image.format() != QImage::Format_ARGB32_Premultiplied || image.isNull()) return;
    const double dpr = image.devicePixelRatio();
    const int w = image.width(), h = image.height();
    const auto bpl = std::size_t(image.bytesPerLine());
    uchar* bits = image.bits();
    for (const Hairline& hl : lines) {
        const QRgb src = qPremultiply(hl.color.rgba());
        const unsigned inv = 255u - unsigned(qAlpha(src));
        if (qAlpha(src) == 0) continue;
        const double fx0 = hl.line.x1() * dpr, fy0 = hl.line.y1() * dpr;
        const double fx1 = hl.line.x2() * dpr, fy1 = hl.line.y2() * dpr;
        if (!std::isfinite(fx0 + fy0 + fx1 + fy1)) continue;
        // DDA along the longer axis: one pixel per step, clipped per pixel (lines are short)
        const double dx = fx1 - fx0, dy = fy1 - fy0;
        const int steps = int(std::ceil(std::max(std::abs(dx), std::abs(dy))));
        if (steps > 4 * (w + h)) continue;  // far outside: nothing sensible to draw
        const double sx = steps ? dx / steps : 0, sy = steps ? dy / steps : 0;
        double x = fx0, y = fy0;
        for (int i = 0; i <= steps; ++i, x += sx, y += sy) {
            const int px = int(std::floor(x)), py = int(std::floor(y));
            if (px < 0 || py < 0 || px >= w || py >= h) continue;
            auto* row = reinterpret_cast<QRgb*>(bits + std::size_t(py) * bpl);
            row[px] = blend(row[px], src, inv);
        }
    }
}

}  // namespace ganglion
