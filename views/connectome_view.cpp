// "Connectome" dock: the connectome network of the selected (or first) Connectome node drawn by
// class or force-directed, activity and stimulated cells highlighted live; click a cell to list
// its inputs and outputs and plot its trace.
#include "core/worm/connectome_table.h"
#include "core/worm/worm_observables.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/worm/connectome_graph_widget.h"
#include "widgets/worm/trace_strip.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ganglion {

namespace {

class ConnectomeView : public QWidget {
public:
    ConnectomeView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"connectome"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* bar = new QHBoxLayout;
        auto* layout = new QComboBox(this);
        layout->addItems({tr("Layout by class"), tr("Force-directed")});
        auto* edges = new QCheckBox(tr("All edges"), this);
        edges->setChecked(true);
        edges->setToolTip(tr("Off: only the selected cell's connections are drawn"));
        status_ = new QLabel(this);
        bar->addWidget(layout);
        bar->addWidget(edges);
        bar->addWidget(status_, 1);
        lay->addLayout(bar);
        auto* split = new QSplitter(Qt::Horizontal, this);
        graph_ = new ConnectomeGraphWidget(split);
        graph_->setObjectName("connectomeGraph");
        auto* side = new QWidget(split);
        auto* sl = new QVBoxLayout(side);
        sl->setContentsMargins(2, 0, 2, 0);
        cell_ = new QLabel(tr("Click a cell"), side);
        cell_->setWordWrap(true);
        inputs_ = new QListWidget(side);
        inputs_->setObjectName("cellInputs");
        outputs_ = new QListWidget(side);
        outputs_->setObjectName("cellOutputs");
        trace_ = new TraceStrip(side);
        sl->addWidget(cell_);
        sl->addWidget(new QLabel(tr("Inputs (from · type · synapses)"), side));
        sl->addWidget(inputs_, 1);
        sl->addWidget(new QLabel(tr("Outputs (to · type · synapses)"), side));
        sl->addWidget(outputs_, 1);
        sl->addWidget(trace_);
        split->addWidget(graph_);
        split->addWidget(side);
        split->setStretchFactor(0, 3);
        split->setStretchFactor(1, 1);
        lay->addWidget(split, 1);

        connect(layout, &QComboBox::currentIndexChanged, this, [this](int i) {
            graph_->setLayoutMode(i == 1 ? ConnectomeGraphWidget::Layout::ForceDirected
                                         : ConnectomeGraphWidget::Layout::ByClass);
        });
        connect(edges, &QCheckBox::toggled, graph_, &ConnectomeGraphWidget::setShowAllEdges);
        connect(graph_, &ConnectomeGraphWidget::neuronClicked, this, [this](int c) { showCell(c); });
        auto jump = [this](QListWidgetItem* item) {
            const int c = item->data(Qt::UserRole).toInt();
            graph_->setSelected(c);
            showCell(c);
        };
        connect(inputs_, &QListWidget::itemDoubleClicked, this, jump);
        connect(outputs_, &QListWidget::itemDoubleClicked, this, jump);
        connect(s, &Session::documentReplaced, this, [this] {
            graph_->setConnectome(nullptr);
            showCell(-1);
        });
        RefreshPacer::shared().whileVisible(this, 50, [this] { poll(); });
    }

private:
    void showCell(int c) {
        inputs_->clear();
        outputs_->clear();
        shown_ = c;
        const auto* info = graph_->connectome();
        if (!info || c < 0 || c >= int(info->names.size())) {
            cell_->setText(tr("Click a cell"));
            trace_->clear();
            return;
        }
        cell_->setText(tr("<b>%1</b> — %2 cell").arg(QString::fromStdString(info->names[c]),
                                                    QString::fromLatin1(worm::cellClassName(worm::CellClass(info->classes[c])))));
        auto add = [&](QListWidget* list, int other, const worm::ConnectomeInfo::Edge& e) {
            const QString type = e.electrical ? tr("gap") : e.inhibitory ? tr("chem −") : tr("chem +");
            auto* item = new QListWidgetItem(QStringLiteral("%1 · %2 · %3")
                                                 .arg(QString::fromStdString(info->names[other]), type)
                                                 .arg(e.count), list);
            item->setData(Qt::UserRole, other);
        };
        for (const auto& e : info->edges) {
            if (e.post == c) add(inputs_, e.pre, e);
            if (e.pre == c) add(outputs_, e.post, e);
            if (e.electrical && e.post == c && e.pre != c) add(outputs_, e.pre, e);  // gap junctions go both ways
            if (e.electrical && e.pre == c && e.post != c) add(inputs_, e.post, e);
        }
    }

    void poll() {
        SnapshotPtr snap = session_->snapshot();
        if (!snap) return;
        const NodeSnapshot* node = snap->find(session_->selectedNode());
        if (!node || !node->obs.get<worm::ConnectomeInfo>("connectome")) {
            node = nullptr;
            for (const auto& n : snap->nodes)
                if (n.obs.get<worm::ConnectomeInfo>("connectome")) {
                    node = &n;
                    break;
                }
        }
        if (!node) {
            if (graph_->connectome()) {
                graph_->setConnectome(nullptr);
                showCell(-1);
            }
            const QString feeder = feederName(session_->graph(), viewObservables(this));
            const QString error = session_->engineError().trimmed();
            if (feeder.isEmpty()) {
                graph_->setEmptyText(tr("No connectome in the graph.\nAdd a Connectome network node and choose its table file."));
                status_->setText(tr("no Connectome node in the graph"));
            } else if (!error.isEmpty()) {  // e.g. the table file is missing: say so where the user looks
                graph_->setEmptyText(tr("'%1' cannot run:\n%2").arg(feeder, error));
                status_->setText(tr("'%1' cannot run — fix it in the inspector").arg(feeder));
            } else {
                graph_->setEmptyText(tr("'%1' has not run yet: press Play or Step.").arg(feeder));
                status_->setText(tr("waiting for '%1'").arg(feeder));
            }
            return;
        }
        auto info = node->obs.get<worm::ConnectomeInfo>("connectome");
        if (info.get() != graph_->connectome()) {
            graph_->setConnectome(info);
            showCell(-1);
        }
        auto tr_ = node->obs.get<worm::ConnectomeTrace>("connectome_trace");
        if (!tr_) return;
        graph_->setActivity(tr_->activity, tr_->stimulated, tr_->stimulusOn);
        const int active = int((tr_->activity.array() > 0.5f).count());
        status_->setText(tr("%1 · %2 cells · t %3 s · %4 active%5")
                             .arg(QString::fromStdString(node->name))
                             .arg(info->names.size())
                             .arg(tr_->time, 0, 'f', 2)
                             .arg(active)
                             .arg(tr_->stimulusOn ? tr(" · stimulus ON") : QString()));
        if (shown_ >= 0 && shown_ < tr_->history.rows()) {
            TraceStrip::Series s;
            s.label = QString::fromStdString(info->names[shown_]);
            s.color = QColor(200, 60, 40);
            s.values.resize(size_t(tr_->history.cols()));
            for (Eigen::Index k = 0; k < tr_->history.cols(); ++k) s.values[size_t(k)] = tr_->history(shown_, k);
            trace_->setSeries({std::move(s)}, tr_->sampleDt);
        }
    }

    Session* session_;
    ConnectomeGraphWidget* graph_;
    QLabel *status_, *cell_;
    QListWidget *inputs_, *outputs_;
    TraceStrip* trace_;
    int shown_ = -1;
};

}  // namespace

QWidget* makeConnectomeView(Session* s, QWidget* parent) { return new ConnectomeView(s, parent); }

}  // namespace ganglion
