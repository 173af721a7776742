// Sparsity dashboard: weight sparsity, activation sparsity and live connections of every layer
// that publishes them, over training steps, plus the activation histogram of the selected layer.
// Layers acting on sequences add temporal sparsity (the fraction of unchanged activations from one
// step to the next, e.g. a Delta layer's zero deltas) beside their spatial sparsity; a graph with
// no sparse weights shows only the activation panels.
#include "document/session.h"
#include "views/four_panels.h"
#include "views/metric_feed.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/sparsity/activation_histogram.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace ganglion {

namespace {

class SparsityView : public QWidget {
public:
    SparsityView(Session* s, QWidget* parent) : QWidget(parent), session_(s), feed_(s, this) {
        setProperty(kViewObservables, QStringList{"weight_sparsity", "temporal_sparsity"});
        auto* lay = new QGridLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        weight_ = new MetricChart(tr("Weight sparsity"), tr("fraction absent"), this);
        weight_->setFixedYRange(0, 1);
        // a sequence layer's temporal sparsity is its own series, named so in the legend
        act_ = new MetricChart(tr("Activation sparsity"), tr("fraction zero"), this);
        act_->setFixedYRange(0, 1);
        live_ = new MetricChart(tr("Live connections"), tr("connections"), this);
        auto* histBox = new QWidget(this);
        auto* hl = new QVBoxLayout(histBox);
        hl->setContentsMargins(0, 0, 0, 0);
        layer_ = new QComboBox(histBox);
        layer_->setToolTip(tr("Layer whose activations are histogrammed"));
        which_ = new QComboBox(histBox);
        which_->addItem(tr("layer input (upstream activation)"), "input_activations");
        which_->addItem(tr("layer output"), "activations");
        hist_ = new ActivationHistogram(histBox);
        hl->addWidget(layer_);
        hl->addWidget(which_);
        hl->addWidget(hist_, 1);
        histBox_ = histBox;
        grid_ = lay;
        arrange(false);
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        connect(which_, &QComboBox::currentIndexChanged, this, [this] { last_ = nullptr; });
        connect(layer_, &QComboBox::currentIndexChanged, this, [this] { last_ = nullptr; });
        RefreshPacer::shared().whileVisible(this, 150, [this] { poll(); });
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        arrange(width() > 2 * height());
    }

private:
    void arrange(bool wide) {
        if (weightsShown_) {
            arrangeFourPanels(grid_, {weight_, act_, live_, histBox_}, wide, wide_);
            return;
        }
        // activations only: two panels side by side (or one over the other in a tall dock)
        for (QWidget* w : std::initializer_list<QWidget*>{weight_, act_, live_, histBox_}) grid_->removeWidget(w);
        weight_->hide();
        live_->hide();
        grid_->addWidget(act_, 0, 0);
        grid_->addWidget(histBox_, wide ? 0 : 1, wide ? 1 : 0);
        for (int i = 0; i < 4; ++i) {
            grid_->setColumnStretch(i, i == 0 || (wide && i == 1) ? 1 : 0);
            grid_->setRowStretch(i, i == 0 || (!wide && i == 1) ? 1 : 0);
        }
        wide_ = wide;
    }

    /// Shows the weight panels once some layer publishes sparse weights.
    void showWeights(bool on) {
        if (on == weightsShown_) return;
        weightsShown_ = on;
        weight_->setVisible(on);
        live_->setVisible(on);
        wide_ = !wide_;  // arrangeFourPanels places them again
        arrange(width() > 2 * height());
    }

    void restart() {
        weight_->clear();
        act_->clear();
        live_->clear();
        feed_.reset();
        hist_->clear();
        showWeights(true);
    }

    void pull(MetricChart* c, const std::string& name) { feed_.pull(c, name); }

    void poll() {
        const auto& m = session_->metrics();
        if (feed_.restarted()) restart();
        const std::vector<std::string> metricNames = m.names();
        auto has = [&](const std::string& n) {
            return std::find(metricNames.begin(), metricNames.end(), n) != metricNames.end();
        };
        for (const auto& name : metricNames) {
            const auto slash = name.rfind('/');
            const std::string metric = slash == std::string::npos ? name : name.substr(slash + 1);
            if (metric == "weight_sparsity") pull(weight_, name);
            else if (metric == "activation_sparsity_mean") {  // smoothed; the raw one is noise
                const std::string raw = name.substr(0, name.size() - 5);
                act_->removeSeries(QString::fromStdString(raw));  // pulled before the mean existed
                pull(act_, name);
            } else if (metric == "activation_sparsity" && !has(name + "_mean"))
                pull(act_, name);
            else if (metric == "live_connections") pull(live_, name);
            else if (metric == "temporal_sparsity" || metric == "spatial_sparsity") pull(act_, name);
        }
        showWeights(weight_->seriesCount() > 0 || live_->seriesCount() > 0 || act_->seriesCount() == 0);
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        // Layers with activations to histogram; the selected node wins.
        QStringList names;
        std::vector<NodeId> ids;
        for (const auto& n : snap->nodes)
            if (n.obs.arrays.count("activations")) {
                names << QString::fromStdString(n.name);
                ids.push_back(n.id);
            }
        QStringList cur;
        for (int i = 0; i < layer_->count(); ++i) cur << layer_->itemText(i);
        if (cur != names) {
            QSignalBlocker b(layer_);
            const QString keep = layer_->currentText();
            layer_->clear();
            for (std::size_t i = 0; i < ids.size(); ++i) layer_->addItem(names[int(i)], QVariant::fromValue<qulonglong>(ids[i]));
            layer_->setCurrentIndex(std::max(0, layer_->findText(keep)));
        }
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (ids[i] == session_->selectedNode() && layer_->currentIndex() != int(i)) {
                QSignalBlocker b(layer_);
                layer_->setCurrentIndex(int(i));
            }
        const NodeSnapshot* n = layer_->currentIndex() >= 0 ? snap->find(NodeId(layer_->currentData().toULongLong())) : nullptr;
        if (!n) {
            hist_->clear();
            return;
        }
        auto it = n->obs.arrays.find(which_->currentData().toString().toStdString());
        if (it == n->obs.arrays.end()) it = n->obs.arrays.find("activations");
        hist_->setTitle(QString::fromStdString(n->name));
        hist_->setValues(it->second.data(), std::size_t(it->second.size()));
    }

    Session* session_;
    MetricChart *weight_, *act_, *live_;
    QComboBox *layer_, *which_;
    ActivationHistogram* hist_;
    QWidget* histBox_ = nullptr;
    QGridLayout* grid_ = nullptr;
    bool wide_ = false;
    bool weightsShown_ = true;
    MetricFeed feed_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeSparsityView(Session* s, QWidget* parent) { return new SparsityView(s, parent); }

}  // namespace ganglion
