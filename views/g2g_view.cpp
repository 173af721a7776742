// G2G views: the connectivity heatmap of a G2G layer (ensemble-ordered, zoomable to single
// synapses, pruned/regrown connections flash after each rewiring) and the image-batch preview
// of an image data set with true and predicted labels.
#include "core/g2g/fashion_mnist.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/sparsity/connectivity_heatmap.h"
#include "widgets/sparsity/image_batch_preview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ganglion {

namespace {

/// Keeps a combo box listing nodes of `type` in a snapshot, following the session selection.
NodeId pickNode(Session* s, const Snapshot& snap, QComboBox* combo, const std::string& type) {
    QStringList names;
    std::vector<NodeId> ids;
    for (const auto& n : snap.nodes)
        if (n.type == type) {
            names << QString::fromStdString(n.name);
            ids.push_back(n.id);
        }
    QStringList current;
    for (int i = 0; i < combo->count(); ++i) current << combo->itemText(i);
    if (current != names) {
        QSignalBlocker b(combo);
        const QString keep = combo->currentText();
        combo->clear();
        for (std::size_t i = 0; i < ids.size(); ++i) combo->addItem(names[int(i)], QVariant::fromValue<qulonglong>(ids[i]));
        const int at = combo->findText(keep);
        combo->setCurrentIndex(at >= 0 ? at : 0);
    }
    // The selected node wins when it is of this type.
    const NodeId sel = s->selectedNode();
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] == sel && combo->currentIndex() != int(i)) {
            QSignalBlocker b(combo);
            combo->setCurrentIndex(int(i));
        }
    return combo->currentIndex() >= 0 ? NodeId(combo->currentData().toULongLong()) : 0;
}

class ConnectivityView : public QWidget {
public:
    ConnectivityView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        // Node types this view shows (the main window raises it for documents holding them).
        setProperty(kViewObservables, QStringList{"g2g_connectivity"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* bar = new QHBoxLayout;
        layer_ = new QComboBox(this);
        layer_->setToolTip(tr("G2G layer to show"));
        auto* fitBtn = new QPushButton(tr("Fit"), this);
        auto* synBtn = new QPushButton(tr("Synapses"), this);
        synBtn->setToolTip(tr("Zoom to single synapses at the centre"));
        bar->addWidget(layer_, 1);
        bar->addWidget(fitBtn);
        bar->addWidget(synBtn);
        lay->addLayout(bar);
        heat_ = new ConnectivityHeatmap(this);
        lay->addWidget(heat_, 1);
        info_ = new QLabel(this);
        info_->setWordWrap(true);
        info_->setTextFormat(Qt::RichText);
        lay->addWidget(info_);
        connect(fitBtn, &QPushButton::clicked, heat_, &ConnectivityHeatmap::fit);
        connect(synBtn, &QPushButton::clicked, this, [this] {
            if (auto* c = heat_->connectivity()) heat_->zoomTo(16, c->rows / 2.0, c->cols / 2.0);
        });
        connect(s, &Session::documentReplaced, this, [this] { heat_->setConnectivity(nullptr); });
        RefreshPacer::shared().whileVisible(this, 100, [this] { poll(); });
    }

private:
    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        const NodeId id = pickNode(session_, *snap, layer_, "G2GLayer");
        const NodeSnapshot* n = snap->find(id);
        auto conn = n ? n->obs.get<g2g::G2GConnectivity>("g2g_connectivity") : nullptr;
        if (!conn) {
            heat_->setConnectivity(nullptr);
            info_->setText(tr("Add a G2G sparse layer (and run) to see its connectivity."));
            return;
        }
        heat_->setConnectivity(conn);
        const double cells = double(conn->rows) * conn->cols;
        info_->setText(tr("%1 → %2 neurons, %3 ensembles · %4 live connections (%5% sparse) · %6 rewirings · "
                          "<span style='color:%7'>■ pruned</span> <span style='color:%8'>■ regrown</span> "
                          "(last: %9 at step %10) · wheel: zoom, drag: pan")
                          .arg(conn->cols)
                          .arg(conn->rows)
                          .arg(conn->ensembles)
                          .arg(conn->liveRow.size())
                          .arg(100.0 * (1.0 - conn->liveRow.size() / std::max(1.0, cells)), 0, 'f', 1)
                          .arg(conn->rewireCount)
                          .arg(ConnectivityHeatmap::prunedColor().name(), ConnectivityHeatmap::grownColor().name())
                          .arg(conn->grown.size())
                          .arg(conn->rewireStep));
    }

    Session* session_;
    QComboBox* layer_;
    ConnectivityHeatmap* heat_;
    QLabel* info_;
    SnapshotPtr last_;
};

class BatchPreviewView : public QWidget {
public:
    BatchPreviewView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"images"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        preview_ = new ImageBatchPreview(this);
        status_ = new QLabel(this);
        lay->addWidget(preview_, 1);
        lay->addWidget(status_);
        for (int c = 0; c < g2g::kClasses; ++c) names_ << QString::fromUtf8(g2g::fashionClassName(c));
        RefreshPacer::shared().whileVisible(this, 200, [this] { poll(); });
    }

private:
    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        // Any data node publishing "images" (+ "labels"); predictions from a Classifier node.
        const NodeSnapshot* data = nullptr;
        for (const auto& n : snap->nodes)
            if (n.obs.arrays.count("images") && n.obs.arrays.count("labels")) { data = &n; break; }
        if (!data) {
            status_->setText(tr("No image data set in the graph."));
            preview_->setBatch(nullptr, 0, 28, 28, {}, {}, names_);
            return;
        }
        const Matrix& img = data->obs.arrays.at("images");
        const Matrix& lab = data->obs.arrays.at("labels");
        const int side = int(std::lround(std::sqrt(double(img.rows()))));
        std::vector<int> truth, pred;
        for (Eigen::Index i = 0; i < lab.cols(); ++i) truth.push_back(int(lab(0, i)));
        // The data node previews the first samples of the batch that went through last, and a
        // classifier's predictions are of that same batch: their first columns line up.
        for (const auto& n : snap->nodes) {
            auto it = n.obs.arrays.find("predictions");
            if (it == n.obs.arrays.end() || it->second.cols() < lab.cols()) continue;
            for (Eigen::Index i = 0; i < lab.cols(); ++i) pred.push_back(int(it->second(0, i)));
            break;
        }
        if (side * side != img.rows()) {
            status_->setText(tr("%1 publishes images that are not square.").arg(QString::fromStdString(data->name)));
            return;
        }
        preview_->setBatch(img.data(), int(img.cols()), side, side, truth, pred, names_);
        auto ts = data->obs.scalars.find("preview_is_test");
        const QString which = ts != data->obs.scalars.end() && ts->second > 0 ? tr("test batch") : tr("training batch");
        status_->setText(pred.empty() ? tr("%1: current %2 (true labels)").arg(QString::fromStdString(data->name), which)
                                      : tr("%1: current %2 · %3/%4 predicted right")
                                            .arg(QString::fromStdString(data->name), which)
                                            .arg(preview_->correctCount())
                                            .arg(pred.size()));
    }

    Session* session_;
    ImageBatchPreview* preview_;
    QLabel* status_;
    QStringList names_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeG2GConnectivityView(Session* s, QWidget* parent) { return new ConnectivityView(s, parent); }
QWidget* makeImageBatchView(Session* s, QWidget* parent) { return new BatchPreviewView(s, parent); }

}  // namespace ganglion
