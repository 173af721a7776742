#include "widgets/canvas/node_thumbnails.h"

#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"
#include "widgets/plots/decision_field.h"
#include "widgets/plots/neuron_fields.h"
#include "widgets/raster/raster_widget.h"

#include <QPainter>

#include <algorithm>

namespace ganglion::canvas {

namespace {
const QSize kStripSize(128, 40);  ///< traces and rasters

const Matrix* array(const Observables& obs, const char* key) {
    auto it = obs.arrays.find(key);
    return it == obs.arrays.end() ? nullptr : &it->second;
}

/// The default picture: each neuron's field over the plane, else a heat map of the batch.
QImage activationsThumbnail(const Observables& obs, int grid) {
    const Matrix* act = array(obs, "activations");
    if (!act || act->size() == 0) return {};
    const QImage fields = neuronFieldsImage(*act, grid);
    return fields.isNull() ? activationImage(*act) : fields;
}
}  // namespace

QImage pointsImage(const Matrix& pts) {
    QImage img(72, 48, QImage::Format_ARGB32);
    img.fill(QColor(40, 44, 52));
    if (pts.rows() < 3) return img;
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    const Eigen::Index step = std::max<Eigen::Index>(1, pts.cols() / 400);
    for (Eigen::Index i = 0; i < pts.cols(); i += step) {
        p.setBrush(DecisionField::colorFor(pts(2, i) > 0.5f ? 1.f : 0.f));
        p.drawEllipse(QPointF(12 + (pts(0, i) + 1) * 24, 24 - pts(1, i) * 22), 1.2, 1.2);
    }
    return img;
}

QImage nodeThumbnail(Thumbnail kind, const Observables& obs, int grid) {
    QImage img;
    switch (kind) {
    case Thumbnail::Points:
        if (const Matrix* pts = array(obs, "train_points")) img = pointsImage(*pts);
        break;
    case Thumbnail::Images:
        if (const Matrix* im = array(obs, "images")) img = imageStrip(*im);
        break;
    case Thumbnail::Trace:
        if (const Matrix* tr = array(obs, "trace"); tr && tr->cols() > 1) {
            float lo = 0.f, hi = 0.f;  // a node may give the scale of its trace
            if (const Matrix* r = array(obs, "trace_range"); r && r->size() == 2) {
                lo = (*r)(0);
                hi = (*r)(1);
            }
            img = traceImage(*tr, kStripSize, lo, hi);
        }
        break;
    case Thumbnail::SpikeRaster:
        if (auto raster = obs.get<snn::SpikeRaster>("spikes")) img = rasterThumbnail(*raster, kStripSize);
        break;
    case Thumbnail::Activations: break;
    }
    return img.isNull() ? activationsThumbnail(obs, grid) : img;
}

void showThumbnails(GraphCanvas& canvas, const Snapshot& snap, bool newBuild) {
    int grid = 0;  // a 2D data set's plane: neurons draw their fields over it
    for (const auto& n : snap.nodes)
        if (const Matrix* g = array(n.obs, "grid_size"); g && g->size()) grid = int((*g)(0, 0));
    const auto& registry = NodeRegistry::instance();
    for (const auto& n : snap.nodes) {
        const NodeSpec* spec = registry.find(n.type);
        const Thumbnail kind = spec ? spec->thumbnail : Thumbnail::Activations;
        if (kind == Thumbnail::Points && !newBuild) continue;  // a data set's points change only with a rebuild
        const QImage img = nodeThumbnail(kind, n.obs, grid);
        if (!img.isNull()) canvas.setNodeThumbnail(n.id, img);
    }
}

QString costBadge(const NodeCost& c) {
    // nothing known, or nothing to count (a data source): no badge
    if (c.params == 0 && (!c.counted || c.forwardMacs == 0)) return {};
    QString text = QString::fromStdString(formatCount(c.params)) + QStringLiteral(" params");
    if (c.counted) text += QStringLiteral(" · ") + QString::fromStdString(formatCount(c.forwardMacs)) + QStringLiteral(" MACs");
    return text;
}

void showCosts(GraphCanvas& canvas, const Snapshot& snap) {
    GraphScene* scene = canvas.graphScene();
    if (!scene->showCosts()) return;
    for (const auto& n : snap.nodes) scene->setCost(n.id, costBadge(n.cost));
}

}  // namespace ganglion::canvas
