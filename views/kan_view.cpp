// KAN view: the spline network of the selected chain of nodes that publish a KAN layer ("kan":
// KanLayer, and SKanLayer whose nodes are coloured by the basis they select) (pykan-style plot,
// live; crowded layers as their strongest edges), an input-importance map when a layer's inputs
// are an image, a ranked strip of the most important edges, a detail plot of the clicked edge with its symbolic candidates, and the KAN
// operations (prune, auto-snap, accept a candidate, grid update/extension, network formula; on
// KanLayer chains only) and freezing S-KAN choices, all run on the engine thread through
// EngineRunner::post.
#include "core/kan/kan_net.h"
#include "core/kan/kan_node.h"
#include "core/kan/skan_node.h"
#include "document/graph_commands.h"
#include "document/session.h"
#include "views/kan_model_edits.h"
#include "views/view_registry.h"
#include "widgets/kan/kan_edge_plot.h"
#include "widgets/kan/kan_edge_strip.h"
#include "widgets/kan/kan_importance_panel.h"
#include "widgets/kan/kan_network_widget.h"
#include "widgets/plots/refresh_pacer.h"

#include <QApplication>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <functional>

namespace ganglion {

namespace {

/// Ids of the nodes that publish a KAN layer ("kan"), in feed order: the chain containing `prefer`, else the first chain found.
std::vector<NodeId> kanChain(const Graph& g, NodeId prefer) {
    auto isKan = [&](NodeId id) {
        const Node* n = g.node(id);
        return n && nodeFeeds(*n, {QStringLiteral("kan")});  // a node type that publishes a KAN layer
    };
    auto pred = [&](NodeId id) -> NodeId {
        for (const Edge* e : g.edgesInto(id))
            if (isKan(e->from.node)) return e->from.node;
        return 0;
    };
    auto succ = [&](NodeId id) -> NodeId {
        for (const Edge* e : g.edgesFrom(id))
            if (isKan(e->to.node)) return e->to.node;
        return 0;
    };
    std::vector<std::vector<NodeId>> chains;
    for (const Node& n : g.nodes()) {
        if (!isKan(n.id) || pred(n.id)) continue;
        std::vector<NodeId> c;
        for (NodeId id = n.id; id && c.size() < 64; id = succ(id)) c.push_back(id);
        chains.push_back(std::move(c));
    }
    for (const auto& c : chains)
        if (std::find(c.begin(), c.end(), prefer) != c.end()) return c;
    return chains.empty() ? std::vector<NodeId>{} : chains.front();
}

QString fitText(const kan::SymbolicFit& f) {
    const auto& fn = kan::symbolicLibrary()[size_t(f.fn)];
    return QString("%1   R² %2   complexity %3   %4")
        .arg(QString::fromStdString(fn.name), -8)
        .arg(f.r2, 0, 'f', 5)
        .arg(fn.complexity)
        .arg(QString::fromStdString(kan::symbolicText(f, "x")));
}

class KanView : public QWidget {
public:
    KanView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"kan"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* bar = new QHBoxLayout;
        auto* prune = new QPushButton(tr("Prune"), this);
        prune->setToolTip(tr("Remove edges whose attribution is below the threshold"));
        auto* pruneNodes = new QPushButton(tr("Prune nodes"), this);
        pruneNodes->setToolTip(tr("Remove hidden nodes whose incoming and outgoing attributions are all below the "
                                  "threshold (pykan prune_node); narrows the layers, keeps what they learned, undoable"));
        pruneTh_ = new QDoubleSpinBox(this);
        pruneTh_->setDecimals(4);
        pruneTh_->setRange(0, 100);
        pruneTh_->setSingleStep(0.005);
        pruneTh_->setValue(0.01);
        auto* snap = new QPushButton(tr("Auto-snap"), this);
        snap->setToolTip(tr("Replace every edge whose best symbolic candidate reaches R² by it"));
        r2_ = new QDoubleSpinBox(this);
        r2_->setDecimals(4);
        r2_->setRange(0, 1);
        r2_->setSingleStep(0.001);
        r2_->setValue(0.99);
        auto* upd = new QPushButton(tr("Update grid"), this);
        auto* ext = new QPushButton(tr("Extend grid to"), this);
        grid_ = new QSpinBox(this);
        grid_->setRange(1, 100);
        grid_->setValue(10);
        auto* formula = new QPushButton(tr("Formula"), this);
        formula->setToolTip(tr("The network as an expression (edges still splines appear as phi[layer,in,out])"));
        auto* discover = new QPushButton(tr("Discover formula"), this);
        discover->setToolTip(tr("pykan's workflow in one step: prune nodes and edges, retrain, snap every edge, refine "
                                "the constants and simplify (needs a formula data set); undoable"));
        auto* freeze = new QPushButton(tr("Freeze choices"), this);
        freeze->setToolTip(tr("S-KAN layers: fix every node to the basis it currently leads with"));
        // two rows, so the dock stays usable at a third of the window's width
        for (QWidget* w : std::initializer_list<QWidget*>{prune, pruneNodes, pruneTh_, snap, r2_}) bar->addWidget(w);
        bar->addStretch(1);
        lay->addLayout(bar);
        auto* bar2 = new QHBoxLayout;
        for (QWidget* w : std::initializer_list<QWidget*>{upd, ext, grid_, formula, discover, freeze}) bar2->addWidget(w);
        bar2->addStretch(1);
        lay->addLayout(bar2);

        auto* split = new QSplitter(Qt::Vertical, this);
        auto* top = new QSplitter(Qt::Horizontal, split);
        importance_ = new KanImportancePanel(top);
        importance_->setObjectName("kanImportance");
        importance_->hide();  // shown when a layer's inputs are an image
        net_ = new KanNetworkWidget(top);
        top->addWidget(importance_);
        top->addWidget(net_);
        top->setStretchFactor(0, 1);
        top->setStretchFactor(1, 1);
        strip_ = new KanEdgeStrip(split);
        strip_->setObjectName("kanEdgeStrip");
        auto* detail = new QWidget(split);
        auto* dl = new QHBoxLayout(detail);
        dl->setContentsMargins(0, 0, 0, 0);
        plot_ = new KanEdgePlot(detail);
        dl->addWidget(plot_, 3);
        auto* side = new QVBoxLayout;
        candidates_ = new QListWidget(detail);
        candidates_->setToolTip(tr("Symbolic candidates for the clicked edge, best first"));
        side->addWidget(candidates_, 1);
        auto* row = new QHBoxLayout;
        auto* accept = new QPushButton(tr("Accept"), detail);
        auto* revert = new QPushButton(tr("Numeric"), detail);
        revert->setToolTip(tr("Return the edge to its learned spline"));
        row->addWidget(accept);
        row->addWidget(revert);
        side->addLayout(row);
        dl->addLayout(side, 2);
        split->addWidget(top);
        split->addWidget(strip_);
        split->addWidget(detail);
        split->setStretchFactor(0, 3);
        split->setStretchFactor(1, 0);
        split->setStretchFactor(2, 1);
        lay->addWidget(split, 1);
        status_ = new QLabel(this);
        status_->setWordWrap(true);
        status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
        lay->addWidget(status_);

        connect(net_, &KanNetworkWidget::edgeClicked, this, [this](int l, int i, int o) { selectEdge(l, i, o); });
        connect(strip_, &KanEdgeStrip::edgeClicked, this, [this](int l, int i, int o) { selectEdge(l, i, o); });
        connect(prune, &QPushButton::clicked, this, [this] { edit(pruneEdgesEdit(float(pruneTh_->value())), tr("Prune")); });
        connect(pruneNodes, &QPushButton::clicked, this,
                [this] { edit(pruneNodesEdit(float(pruneTh_->value())), tr("Prune nodes")); });
        connect(snap, &QPushButton::clicked, this, [this] { edit(autoSnapEdit(r2_->value()), tr("Auto-snap")); });
        connect(discover, &QPushButton::clicked, this, [this] {
            if (!splineChain(tr("Discover formula"))) return;
            status_->setText(tr("Discovering the formula (prune, retrain, snap, refine)…"));
            edit(discoverEdit(), tr("Discover formula"));
        });
        connect(upd, &QPushButton::clicked, this, [this] {
            run([](std::vector<KanLayerKernel*>& ks) {
                double err = 0;
                for (auto* k : ks) err = std::max(err, k->updateGrid());
                return QString("Grid refitted to the data (max change %1).").arg(err, 0, 'g', 3);
            }, tr("Update grid"));
        });
        connect(ext, &QPushButton::clicked, this, [this] { extendGrid(grid_->value()); });
        connect(formula, &QPushButton::clicked, this, [this] {
            run([](std::vector<KanLayerKernel*>&) { return QString(); }, tr("Formula"));
        });
        connect(freeze, &QPushButton::clicked, this, [this] { freezeChoices(); });
        connect(accept, &QPushButton::clicked, this, [this] {
            const int row = candidates_->currentRow();
            if (row < 0 || row >= int(fits_.size()) || !edge_.valid()) return;
            const auto f = fits_[size_t(row)];
            const auto e = edge_;
            run([f, e](std::vector<KanLayerKernel*>& ks) {
                ks[size_t(e.layer)]->snap(e.in, e.out, f);
                return QString("Edge accepted as %1.").arg(QString::fromStdString(kan::symbolicText(f, "x")));
            }, tr("Accept"));
        });
        connect(revert, &QPushButton::clicked, this, [this] {
            const auto e = edge_;
            if (!e.valid()) return;
            run([e](std::vector<KanLayerKernel*>& ks) {
                ks[size_t(e.layer)]->unsnap(e.in, e.out);
                return QString("Edge back to its spline.");
            }, tr("Numeric"));
        });
        connect(s, &Session::documentReplaced, this, [this] {
            net_->setLayers({});
            strip_->setItems({});
            importance_->setLayer(nullptr, {});
            importance_->hide();
            plot_->clear();
            candidates_->clear();
            edge_ = {};
        });
        RefreshPacer::shared().whileVisible(this, 33, [this] { poll(); });  // live at the snapshot rate
    }

private:
    using Action = std::function<QString(std::vector<KanLayerKernel*>&)>;

    /// The operations on one spline per edge (pruning, grid changes, symbolic fits, the network
    /// formula) need plain KAN layers: a layer that selects among bases per node (it publishes a
    /// "choice") has several. False, with a message naming those layers, when the chain has one.
    bool splineChain(const QString& what) {
        QStringList selecting;
        for (NodeId id : chain_) {
            const Node* n = session_->graph().node(id);
            if (n && nodeFeeds(*n, {QStringLiteral("choice")})) selecting << QString::fromStdString(n->name);
        }
        if (selecting.isEmpty()) return true;
        status_->setText(tr("%1 needs KAN layers with one spline per edge, but %2 (S-KAN) mixes several bases per "
                            "node. Select a node of a KanLayer chain to use it.")
                             .arg(what, selecting.join(", ")));
        return false;
    }

    /// Runs `fn` on the engine thread with the chain's kernels, then shows its message and the
    /// network formula.
    void run(Action fn, const QString& what) {
        const auto ids = chain_;
        if (ids.empty() || !splineChain(what)) return;
        QPointer<KanView> self(this);
        session_->runner().post([ids, fn, self](Engine& e) {
            std::vector<KanLayerKernel*> ks;
            for (NodeId id : ids)
                if (auto* k = dynamic_cast<KanLayerKernel*>(e.kernel(id))) ks.push_back(k);
            if (ks.size() != ids.size()) return;  // engine not built
            QString msg = fn(ks);
            kan::Net net;
            for (auto* k : ks) net.layers.push_back(k->layer());
            QStringList lines;
            for (const auto& f : net.formula()) lines << QString::fromStdString(f);
            QMetaObject::invokeMethod(qApp, [self, msg, lines] {
                if (self) self->status_->setText((msg.isEmpty() ? QString() : msg + "\n") + "y = " + lines.join("\ny = "));
            }, Qt::QueuedConnection);
        });
    }

    /// An undoable edit of the chain (kan_model_edits.h); its message goes to the status line.
    void edit(KanEdit e, const QString& what) {
        if (chain_.empty() || !splineChain(what)) return;
        QPointer<KanView> self(this);
        postKanEdit(session_, chain_, std::move(e), this, [self](const QString& msg) {
            if (self && !msg.isEmpty()) self->status_->setText(msg);
        });
    }

    /// Fixes every node of the chain's S-KAN layers to its leading basis (on the engine thread).
    void freezeChoices() {
        const auto ids = chain_;
        QPointer<KanView> self(this);
        session_->runner().post([ids, self](Engine& e) {
            int layers = 0, nodes = 0;
            for (NodeId id : ids)
                if (auto* k = dynamic_cast<SKanLayerKernel*>(e.kernel(id))) {
                    ++layers;
                    nodes += k->freezeAll();
                }
            QMetaObject::invokeMethod(qApp, [self, layers, nodes] {
                if (!self) return;
                self->status_->setText(layers == 0 ? tr("No S-KAN layer in this chain: only they select (and freeze) a basis per node.")
                                                   : tr("Froze %n node(s) to their leading basis.", nullptr, nodes));
            }, Qt::QueuedConnection);
        });
    }

    /// Grid extension is an edit of each layer's (live) "grid" parameter: one undo step, the
    /// graph stays in step with the running model, and the engine refits the splines.
    void extendGrid(int g) {
        if (!splineChain(tr("Extend grid"))) return;
        auto* macro = new QUndoCommand(tr("Extend KAN grid to G = %1").arg(g));
        for (NodeId id : chain_) {
            const Node* n = session_->graph().node(id);
            if (!n || n->params.getInt("grid") == g) continue;
            auto* c = new SetParamCommand(session_->graph(), id, "grid", n->params.get("grid"), std::int64_t(g), macro);
            c->setMergeable(false);
        }
        if (macro->childCount() == 0) {
            delete macro;
            status_->setText(tr("The grid already has G = %1.").arg(g));
            return;
        }
        session_->undoStack()->push(macro);  // the live edits reach the engine before this:
        run([g](std::vector<KanLayerKernel*>& ks) {
            double err = 0;
            for (auto* k : ks) err = std::max(err, k->lastGridError());
            return QString("Grid extended to G = %1 (max refit error %2).").arg(g).arg(err, 0, 'g', 3);
        }, tr("Extend grid"));
    }

    void selectEdge(int l, int i, int o) {
        edge_ = {l, i, o};
        net_->setSelectedEdge(edge_);
        candidates_->clear();
        fits_.clear();
        updateDetail();
        if (l < 0 || l >= int(chain_.size())) return;
        const NodeId id = chain_[size_t(l)];
        if (const Node* n = session_->graph().node(id); n && nodeFeeds(*n, {QStringLiteral("choice")})) {
            candidates_->addItem(tr("(symbolic fits: KanLayer edges only; this S-KAN edge mixes several bases)"));
            return;
        }
        candidates_->addItem(tr("fitting…"));
        QPointer<KanView> self(this);
        const auto e = edge_;
        session_->runner().post([id, e, self](Engine& eng) {
            auto* k = dynamic_cast<KanLayerKernel*>(eng.kernel(id));
            if (!k) return;
            auto fits = k->suggest(e.in, e.out);
            QMetaObject::invokeMethod(qApp, [self, e, fits] {
                if (!self || self->edge_.layer != e.layer || self->edge_.in != e.in || self->edge_.out != e.out) return;
                self->fits_ = fits;
                self->candidates_->clear();
                for (const auto& f : fits) self->candidates_->addItem(fitText(f));
                if (fits.empty()) self->candidates_->addItem(tr("(no inputs seen yet: train first)"));
                else self->candidates_->setCurrentRow(0);
            }, Qt::QueuedConnection);
        });
    }

    void updateDetail() {
        const auto& layers = net_->layers();
        if (!edge_.valid() || edge_.layer >= int(layers.size()) || !layers[size_t(edge_.layer)]) {
            plot_->clear();
            return;
        }
        const auto& L = *layers[size_t(edge_.layer)];
        const KanEdgeSamples* e = L.edge(edge_.in, edge_.out);
        if (!e) {
            plot_->clear();
            return;
        }
        KanEdgeDetail d;
        d.edge = *e;
        d.knots = L.knots[size_t(edge_.in)];
        d.histogram = L.histogram[size_t(edge_.in)];
        d.lo = L.lo[size_t(edge_.in)];
        d.hi = L.hi[size_t(edge_.in)];
        d.title = QString("layer %1: x%2 → %3").arg(edge_.layer).arg(edge_.in + 1).arg(edge_.out + 1);
        plot_->setDetail(d);
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        chain_ = kanChain(session_->graph(), session_->selectedNode());
        std::vector<KanNetworkWidget::LayerPtr> layers;
        for (NodeId id : chain_) {
            const NodeSnapshot* n = snap->find(id);
            layers.push_back(n ? n->obs.get<KanLayerSamples>("kan") : nullptr);
        }
        if (chain_.empty()) status_->setText(tr("Add KAN layers (and run) to see their learned functions."));
        showWide(layers);
        net_->setLayers(std::move(layers));
        updateDetail();
    }

    /// The importance map of the first layer whose inputs are an image, and the ranked strip of
    /// the chain's most important edges: each layer publishes its best ones with their curves and
    /// contributes an equal share of the plots that fit, so that a wide layer's pixel edges are not crowded out by the
    /// larger functions of a narrow layer after it.
    void showWide(const std::vector<KanNetworkWidget::LayerPtr>& layers) {
        std::vector<KanEdgeStrip::Item> items;
        int image = -1;
        for (size_t l = 0; l < layers.size(); ++l) {
            if (!layers[l]) continue;
            if (image < 0 && layers[l]->imageWidth > 0) image = int(l);
            const size_t share = std::max<size_t>(1, size_t(strip_->capacity()) / layers.size());
            for (size_t k = 0; k < layers[l]->top.size() && k < share; ++k)
                items.push_back({int(l), layers[l]->imageWidth, layers[l]->top[k]});
        }
        strip_->setItems(std::move(items));
        if (image < 0) {
            importance_->hide();
            return;
        }
        const Node* n = session_->graph().node(chain_[size_t(image)]);
        importance_->setLayer(layers[size_t(image)], n ? QString::fromStdString(n->name) : tr("layer %1").arg(image + 1));
        importance_->show();
    }

    Session* session_;
    KanImportancePanel* importance_;
    KanEdgeStrip* strip_;
    KanNetworkWidget* net_;
    KanEdgePlot* plot_;
    QListWidget* candidates_;
    QLabel* status_;
    QDoubleSpinBox *pruneTh_, *r2_;
    QSpinBox* grid_;
    SnapshotPtr last_;
    std::vector<NodeId> chain_;
    KanNetworkWidget::EdgeRef edge_;
    std::vector<kan::SymbolicFit> fits_;
};

}  // namespace

QWidget* makeKanView(Session* session, QWidget* parent) { return new KanView(session, parent); }

}  // namespace ganglion
