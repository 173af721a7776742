// Spiking activity of the selected spiking node (or the first one): live raster coloured by
// population with zoom/pan/pause-and-scrub, population rates and silent fraction over the visible
// window, and membrane traces of neurons picked by clicking the raster.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/snn/nir_convert.h"
#include "core/snn/snn_nodes.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/raster/raster_widget.h"
#include "widgets/raster/trace_widget.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QMenu>
#include <QPointer>
#include <QToolButton>
#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace ganglion {

/// Writes the running engine's SpikeEncoder → LIFLayer chain (trained weights) as a NIR file.
/// Runs on the engine thread; `done(message, ok)` is called on the GUI thread.
void exportNirFile(Session* session, const QString& path, std::function<void(QString, bool)> done) {
    QPointer<QObject> guard(session);
    session->runner().post([path, done, guard](Engine& e) {
        QString msg;
        bool ok = false;
        try {
            const nir::Graph g =
                nir::exportGraph(e.graph(), [&e](NodeId id) -> const Kernel* { return e.kernel(id); }, e.saveState(), e.options().dt);
            nir::write(g, path.toStdString());
            msg = QObject::tr("Exported %1 NIR nodes to %2").arg(g.nodes.size()).arg(path);
            ok = true;
        } catch (const std::exception& ex) {
            msg = QString::fromStdString(ex.what());
        }
        QMetaObject::invokeMethod(qApp, [guard, done, msg, ok] { if (guard) done(msg, ok); }, Qt::QueuedConnection);
    });
}

/// Replaces the document with the LIF chain read from a NIR file (weights loaded into the
/// engine after its rebuild). A NIR graph that is no such chain (convolutions, pooling, delays,
/// subgraphs, …) opens as one NIRModel node running the file. Returns false with *error set when
/// the file cannot be used.
bool importNirFile(Session* session, const QString& path, QString* error) {
    try {
        const nir::Graph ng = nir::read(path.toStdString());
        constexpr double dt = 1e-3;
        nir::ImportedChain imp;
        try {
            imp = nir::importLifChain(ng, dt, 10);
            imp.graph.settings().description =
                "LIF layers imported from a NIR file. Connect a data set to the encoder and a Loss/Classifier to the readout to evaluate or fine-tune.";
        } catch (const nir::NirError& notAChain) {
            const NodeId id = imp.graph.addNode("NIRModel");
            if (auto bad = imp.graph.setParam(id, "file", path.toStdString())) throw std::runtime_error(*bad);
            imp.graph.settings().description =
                "The NIR graph runs in one NIRModel node (it is not a chain of LIF layers that could become trainable layers: " +
                std::string(notAChain.what()) + "). Connect an input of the size of its NIR Input to drive it.";
        }
        for (const auto& note : ng.notes) imp.graph.settings().description += " Repaired on import: " + note + ".";
        imp.graph.settings().dt = dt;
        imp.graph.settings().title = "Imported from " + QFileInfo(path).fileName().toStdString();
        const QString tmp = QDir::temp().filePath(QString("ganglion_nir_import_%1.json").arg(QCoreApplication::applicationPid()));
        saveGraphFile(imp.graph, tmp.toStdString());
        const bool ok = session->open(tmp, error, true);
        QFile::remove(tmp);
        if (!ok) return false;
        // The weights go into the engine the session builds for the imported graph, or, while
        // it cannot run (nothing feeds the encoder yet), into the first build that succeeds.
        session->carryStateIntoRebuild(std::move(imp.state));
        return true;
    } catch (const std::exception& ex) {
        if (error) *error = QString::fromStdString(ex.what());
        return false;
    }
}

namespace {

class SpikingView : public QWidget {
public:
    SpikingView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* bar = new QHBoxLayout;
        pause_ = new QPushButton(tr("Pause view"), this);
        pause_->setCheckable(true);
        pause_->setToolTip(tr("Freeze the raster (the simulation keeps running) and scrub through recent history"));
        window_ = new QComboBox(this);
        for (double w : {0.1, 0.25, 0.5, 1.0, 2.0}) window_->addItem(tr("%1 s").arg(w), w);
        window_->setCurrentIndex(3);
        info_ = new QLabel(this);
        auto* nirButton = new QToolButton(this);
        nirButton->setText(tr("NIR"));
        nirButton->setToolTip(tr("Exchange spiking layers with snnTorch, Norse, Lava, Rockpool, Sinabs… through NIR files"));
        nirButton->setPopupMode(QToolButton::InstantPopup);
        auto* menu = new QMenu(nirButton);
        menu->addAction(tr("Export trained LIF layers…"), this, [this] {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export NIR"), QString(), tr("NIR graphs (*.nir *.h5)"));
            if (path.isEmpty()) return;
            exportNirFile(session_, path, [this](QString msg, bool) { info_->setText(msg); });
        });
        menu->addAction(tr("Import NIR…"), this, [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Import NIR"), QString(), tr("NIR graphs (*.nir *.h5 *.hdf5)"));
            if (path.isEmpty()) return;
            QString err;
            info_->setText(importNirFile(session_, path, &err) ? tr("Imported %1").arg(path) : err);
        });
        nirButton->setMenu(menu);
        bar->addWidget(nirButton);
        bar->addWidget(pause_);
        bar->addWidget(new QLabel(tr("Window"), this));
        bar->addWidget(window_);
        bar->addWidget(info_, 1);
        lay->addLayout(bar);
        // raster first; rates over membrane traces beside it in a wide, short dock (the bottom
        // area), below it otherwise, so no panel is squeezed out of sight
        split_ = new QSplitter(Qt::Vertical, this);
        raster_ = new RasterWidget(split_);
        auto* side = new QSplitter(Qt::Vertical, split_);
        rates_ = new RateWidget(side);
        traces_ = new MembraneTraceWidget(side);
        side->addWidget(rates_);
        side->addWidget(traces_);
        split_->addWidget(raster_);
        split_->addWidget(side);
        split_->setStretchFactor(0, 3);
        split_->setStretchFactor(1, 2);
        lay->addWidget(split_, 1);
        connect(pause_, &QPushButton::toggled, raster_, &RasterWidget::setPaused);
        connect(raster_, &RasterWidget::pausedChanged, pause_, [this](bool p) {
            QSignalBlocker b(pause_);
            pause_->setChecked(p);
            refreshRates();
        });
        connect(raster_, &RasterWidget::viewChanged, this, [this] { refreshRates(); });
        connect(window_, &QComboBox::currentIndexChanged, this, [this] {
            raster_->setWindow(window_->currentData().toDouble());
            traces_->setWindow(window_->currentData().toDouble());
        });
        connect(raster_, &RasterWidget::neuronClicked, this, [this](int n) { probe(n); });
        connect(s, &Session::documentReplaced, this, [this] {
            node_ = 0;
            picked_.clear();
        });
        RefreshPacer::shared().whileVisible(this, 33, [this] { poll(); });
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        const Qt::Orientation o = width() > 2 * height() ? Qt::Horizontal : Qt::Vertical;
        if (o == split_->orientation()) return;
        split_->setOrientation(o);
        const int along = o == Qt::Horizontal ? width() : height();
        split_->setSizes({along * 3 / 5, along * 2 / 5});
    }

private:
    const NodeSnapshot* pick(const Snapshot& snap) const {
        if (const auto* sel = snap.find(session_->selectedNode()); sel && sel->obs.extra.count("spikes")) return sel;
        if (const auto* cur = snap.find(node_); cur && cur->obs.extra.count("spikes")) return cur;
        for (const auto& n : snap.nodes)
            if (n.obs.extra.count("spikes")) return &n;
        return nullptr;
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || (snap->step == lastStep_ && snap->buildId == lastBuild_ && snap->find(node_) &&
                      session_->selectedNode() == lastSelected_))
            return;
        lastStep_ = snap->step;
        lastBuild_ = snap->buildId;
        lastSelected_ = session_->selectedNode();
        const NodeSnapshot* n = pick(*snap);
        if (!n) {
            if (!info_->text().startsWith(tr("Export")) && !info_->text().startsWith(tr("Import")))
                info_->setText(tr("No spiking node: add a Spiking network or LIF population and press Run."));
            return;
        }
        if (n->id != node_) picked_.clear();
        node_ = n->id;
        if (raster_->isPaused()) return;  // frozen picture; history stays scrubbable
        raster_->setRaster(n->obs.get<snn::SpikeRaster>("spikes"));
        traces_->setTraces(n->obs.get<snn::MembraneTraces>("membrane"));
        refreshRates();
        auto sc = [&](const char* k) {
            auto it = n->obs.scalars.find(k);
            return it == n->obs.scalars.end() ? 0.0 : it->second;
        };
        // simulations report rate (Hz) and sparsity; a surrogate-gradient layer reports spikes per
        // sequence step and its raster strings the first sample of each batch together
        const auto raster = raster_->raster();
        const bool perSample = !n->obs.scalars.count("rate") && n->obs.scalars.count("spike_rate");
        const double rate = perSample && raster && raster->dt > 0 ? sc("spike_rate") / raster->dt : sc("rate");
        const double silent = perSample ? sc("spike_sparsity") : sc("sparsity");
        const double t = perSample && raster ? double(raster->endStep) * raster->dt : snap->simTime;
        info_->setText(tr("%1%2 · t = %3 s · %4 Hz · silent %5")
                           .arg(QString::fromStdString(n->name))
                           .arg(perSample ? tr(" (first sample of each batch)") : QString())
                           .arg(t, 0, 'f', 3)
                           .arg(rate, 0, 'f', 2)
                           .arg(silent, 0, 'f', 3));  // steps/s: the status bar's, one figure
    }

    void refreshRates() {
        const auto r = raster_->raster();
        if (!r) return;
        rates_->setSeries(computeRates(*r, raster_->viewEndStep(), raster_->window(), 0.005), r->populations);
    }

    void probe(int neuron) {
        picked_.erase(std::remove(picked_.begin(), picked_.end(), neuron), picked_.end());
        picked_.insert(picked_.begin(), neuron);
        if (picked_.size() > 4) picked_.resize(4);
        const NodeId id = node_;
        const std::vector<int> probes = picked_;
        session_->runner().post([id, probes](Engine& e) {
            if (auto* t = dynamic_cast<ProbeTarget*>(e.kernel(id))) t->setProbes(probes);
        });
    }

    Session* session_;
    QSplitter* split_;
    RasterWidget* raster_;
    RateWidget* rates_;
    MembraneTraceWidget* traces_;
    QPushButton* pause_;
    QComboBox* window_;
    QLabel* info_;
    NodeId node_ = 0, lastSelected_ = 0;
    std::uint64_t lastStep_ = ~0ull, lastBuild_ = ~0ull;
    std::vector<int> picked_;
};

}  // namespace

QWidget* makeSpikingView(Session* session, QWidget* parent) {
    auto* v = new SpikingView(session, parent);
    v->setProperty(kViewObservables, QStringList{"spikes"});
    return v;
}

}  // namespace ganglion
