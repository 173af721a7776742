#include "widgets/canvas/canvas_style.h"

#include "core/model/node_spec.h"

#include <QPainter>
#include <QPolygonF>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

namespace ganglion::canvas {

QColor portColor(PortType t) {
    switch (t) {
    case PortType::Tensor: return QColor(0x4d, 0xa8, 0xff);  // blue
    case PortType::Spikes: return QColor(0xff, 0x6b, 0x8a);  // rose
    case PortType::Events: return QColor(0xb3, 0x88, 0xff);  // violet
    case PortType::Scalar: return QColor(0x5c, 0xd6, 0x8d);  // green
    }
    return Qt::gray;
}

QColor categoryColor(const QString& category) {
    // One colour per category of the registry, in the registry's category order (a category's
    // colour stays put while types are added to the end of core/nodes/node_list.h). The first
    // colours are picked to read well under white text; later categories step round the hue circle.
    static const QColor palette[] = {
        QColor(0x1f, 0x9e, 0x89),  // teal
        QColor(0x3a, 0x6e, 0xc4),  // blue
        QColor(0xc2, 0x41, 0x4b),  // red
        QColor(0x9a, 0x6a, 0x3a),  // brown
        QColor(0xb0, 0x3a, 0x8c),  // magenta
        QColor(0x7a, 0x52, 0xc7),  // violet
        QColor(0xd9, 0x82, 0x2b),  // amber
        QColor(0x4f, 0x9a, 0x3c),  // green
        QColor(0xb8, 0x9b, 0x1e),  // ochre
    };
    static const std::vector<std::string> categories = NodeRegistry::instance().categories();
    const auto it = std::find(categories.begin(), categories.end(), category.toStdString());
    if (it == categories.end()) return nodeBorder();  // not a registered category
    const auto i = std::size_t(it - categories.begin());
    if (i < std::size(palette)) return palette[i];
    return QColor::fromHsv(int((i * 137) % 360), 160, 180);  // golden-angle steps: neighbours differ
}

QColor canvasBackground() { return QColor(0x1c, 0x1e, 0x24); }
QColor gridMinor() { return QColor(0x25, 0x28, 0x30); }
QColor gridMajor() { return QColor(0x2e, 0x32, 0x3c); }
QColor nodeBody() { return QColor(0x2a, 0x2d, 0x36, 0xf2); }
QColor nodeBorder() { return QColor(0x40, 0x45, 0x52); }
QColor selectionColor() { return QColor(0xff, 0xb7, 0x3b); }
QColor highlightColor() { return QColor(0x00, 0xb8, 0xd4); }
QColor textColor() { return QColor(0xec, 0xee, 0xf2); }
QColor dimTextColor() { return QColor(0xa4, 0xaa, 0xb8); }
QColor warningColor() { return QColor(0xff, 0xc1, 0x2e); }
QColor refuseColor() { return QColor(0xff, 0x4d, 0x4d); }

QFont titleFont() {
    QFont f;
    f.setPointSizeF(9.5);
    f.setBold(true);
    return f;
}

QFont portFont() {
    QFont f;
    f.setPointSizeF(8.5);
    return f;
}

QFont costFont() {
    QFont f;
    f.setPointSizeF(7.5);
    return f;
}

QImage activationImage(const Matrix& m, int maxCols, int maxRows) {
    if (m.size() == 0 || maxCols <= 0 || maxRows <= 0) return {};
    const int rows = int(std::min<Eigen::Index>(m.rows(), maxRows));
    const int cols = int(std::min<Eigen::Index>(m.cols(), maxCols));
    float scale = 0.f;
    for (Eigen::Index i = 0; i < m.size(); ++i)
        if (std::isfinite(m.data()[i])) scale = std::max(scale, std::abs(m.data()[i]));
    if (scale <= 0.f) scale = 1.f;
    QImage img(cols, rows, QImage::Format_RGB32);
    const QColor zero(0x20, 0x23, 0x2b), pos(0xff, 0x9f, 0x43), neg(0x4d, 0xa8, 0xff);
    for (int r = 0; r < rows; ++r) {
        const Eigen::Index sr = Eigen::Index(r) * m.rows() / rows;
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
        for (int c = 0; c < cols; ++c) {
            const Eigen::Index sc = Eigen::Index(c) * m.cols() / cols;
            float v = m(sr, sc);
            if (!std::isfinite(v)) {
                line[c] = qRgb(0xff, 0x00, 0xff);  // NaN/inf stand out
                continue;
            }
            const float t = std::sqrt(std::min(1.f, std::abs(v) / scale));
            const QColor& to = v >= 0 ? pos : neg;
            line[c] = qRgb(int(zero.red() + t * (to.red() - zero.red())),
                           int(zero.green() + t * (to.green() - zero.green())),
                           int(zero.blue() + t * (to.blue() - zero.blue())));
        }
    }
    return img;
}

QImage imageStrip(const Matrix& images, int count) {
    const int side = int(std::lround(std::sqrt(double(images.rows()))));
    if (images.cols() == 0 || side <= 0 || Eigen::Index(side) * side != images.rows()) return {};
    const int n = int(std::min<Eigen::Index>(count, images.cols()));
    QImage img(n * (side + 2) - 2, side, QImage::Format_RGB32);
    img.fill(QColor(0x1a, 0x1c, 0x22));
    for (int k = 0; k < n; ++k) {
        const auto col = images.col(k);
        const float lo = col.minCoeff(), hi = col.maxCoeff();
        const float scale = hi > lo ? 255.f / (hi - lo) : 0.f;
        for (int y = 0; y < side; ++y) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
            for (int x = 0; x < side; ++x) {
                const int g = int((col(Eigen::Index(y) * side + x) - lo) * scale);
                line[k * (side + 2) + x] = qRgb(g, g, g);
            }
        }
    }
    return img;
}

QImage traceImage(const Matrix& trace, QSize size, float lo, float hi) {
    if (trace.size() == 0 || size.isEmpty()) return {};
    QImage img(size, QImage::Format_RGB32);
    img.fill(QColor(0x1a, 0x1c, 0x22));
    if (!(lo < hi)) {
        lo = 0.f;
        hi = 1.f;
        for (Eigen::Index i = 0; i < trace.size(); ++i)
            if (std::isfinite(trace.data()[i])) {
                lo = std::min(lo, trace.data()[i]);
                hi = std::max(hi, trace.data()[i]);
            }
    }
    const double w = size.width() - 1, h = size.height() - 3;
    auto yOf = [&](float v) {
        const double t = double((std::isfinite(v) ? std::clamp(v, lo, hi) : lo) - lo) / double(hi - lo);
        return 1.5 + h * (1.0 - t);
    };
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    if (lo < 0.f) {  // zero line
        p.setPen(QPen(QColor(0x3a, 0x3e, 0x48), 1));
        p.drawLine(QPointF(0, yOf(0.f)), QPointF(w, yOf(0.f)));
    }
    const QColor colors[] = {QColor(0xff, 0x9f, 0x43), QColor(0x4d, 0xa8, 0xff)};
    const Eigen::Index T = trace.cols();
    for (Eigen::Index r = 0; r < trace.rows(); ++r) {
        QPolygonF line;
        line.reserve(int(T));
        for (Eigen::Index t = 0; t < T; ++t) line << QPointF(T > 1 ? w * double(t) / double(T - 1) : w, yOf(trace(r, t)));
        p.setPen(QPen(colors[r % 2], 1.0));  // width <= 1: fast line drawing
        p.drawPolyline(line);
    }
    return img;
}

}  // namespace ganglion::canvas
