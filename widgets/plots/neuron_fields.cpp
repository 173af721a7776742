#include "widgets/plots/neuron_fields.h"

#include "widgets/plots/decision_field.h"

#include <algorithm>
#include <cmath>

namespace ganglion {

QImage neuronFieldsImage(const Matrix& a, int grid, int maxNeurons, int tile) {
    if (grid <= 0 || a.cols() != Eigen::Index(grid) * grid || a.rows() == 0) return {};
    const int n = std::min<int>(int(a.rows()), maxNeurons);
    const int gap = 2;
    QImage img(n * tile + (n - 1) * gap, tile, QImage::Format_ARGB32);
    img.fill(Qt::transparent);
    for (int k = 0; k < n; ++k) {
        // Normalise each neuron by its own range so the pattern is visible at any scale.
        const float scale = std::max(1e-6f, a.row(k).cwiseAbs().maxCoeff());
        for (int y = 0; y < tile; ++y) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
            const int r = y * grid / tile;
            for (int x = 0; x < tile; ++x) {
                const int c = x * grid / tile;
                const float v = a(k, r * grid + c) / scale;  // -1..1
                line[k * (tile + gap) + x] = DecisionField::colorFor(0.5f + 0.5f * v).rgb();
            }
        }
    }
    return img;
}

}  // namespace ganglion
