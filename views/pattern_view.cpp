// Patterns view: an associative memory recalling — the cue and the network state as images next
// to every stored pattern, the overlap of each as a bar (with the multitasking theory's amplitude
// by rank when the patterns are diluted), and the overlaps over steps. It shows any node that
// publishes "overlaps" with "memory_state" (the selected one first); no node type is named here.
// Clicking the cue erases a patch there: an undoable edit of the erase_x / erase_y parameters of
// the node feeding the memory's "cue" input (live, so the running engine makes the next cue).
#include "document/graph_commands.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/memory/pattern_panel.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include <map>

namespace ganglion {

namespace {

const Matrix* array(const NodeSnapshot& n, const char* key) {
    auto it = n.obs.arrays.find(key);
    return it == n.obs.arrays.end() ? nullptr : &it->second;
}

double scalar(const NodeSnapshot& n, const char* key, double fallback) {
    auto it = n.obs.scalars.find(key);
    return it == n.obs.scalars.end() ? fallback : it->second;
}

class PatternView : public QWidget {
public:
    PatternView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"overlaps"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        panel_ = new PatternPanel(this);
        status_ = new QLabel(this);
        status_->setWordWrap(true);
        history_ = new MetricChart(tr("Overlaps over steps"), tr("overlap m_μ"), this);
        history_->setFixedYRange(-1, 1);
        auto* tabs = new QTabWidget(this);
        tabs->addTab(panel_, tr("Recall"));
        tabs->addTab(history_, tr("Overlaps over steps"));
        lay->addWidget(tabs, 1);
        lay->addWidget(status_);
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        connect(panel_, &PatternPanel::cueClicked, this, [this](QPointF at) { eraseCueAt(at); });
        RefreshPacer::shared().whileVisible(this, 80, [this] { poll(); });
    }

private:
    void restart() {
        panel_->clear(tr("Add an associative memory (a Hopfield network or a CA3 memory) fed by a pattern source, and run, to see it."));
        history_->clear();
        fetched_.clear();
        status_->clear();
        node_.clear();
        id_ = 0;
    }

    /// The cue comes from the node wired into the memory's "cue" input: when that node places its
    /// erased fragment by erase_x / erase_y, the click sets them (and a fragment size if it had none).
    void eraseCueAt(QPointF at) {
        Graph& g = session_->graph();
        NodeId source = 0;
        for (const auto& e : g.edges())
            if (id_ && e.to.node == id_ && e.to.port == "cue") source = e.from.node;
        const Node* src = g.node(source);
        const NodeSpec* spec = src ? g.spec(source) : nullptr;
        if (!spec || !spec->param("erase_x") || !spec->param("erase_y") || !spec->param("erase")) {
            status_->setText(tr("The cue's source cannot place an erased fragment."));
            return;
        }
        auto* macro = new QUndoCommand(tr("Erase the cue of %1 at %2%, %3%")
                                           .arg(QString::fromStdString(src->name))
                                           .arg(std::lround(at.x() * 100))
                                           .arg(std::lround(at.y() * 100)));
        auto set = [&](const char* name, double v) {
            auto* c = new SetParamCommand(g, source, name, src->params.get(name), v, macro);
            c->setMergeable(false);
        };
        set("erase_x", std::clamp(at.x(), 0.0, 1.0));
        set("erase_y", std::clamp(at.y(), 0.0, 1.0));
        if (src->params.getFloat("erase") <= 0) set("erase", 0.15);
        session_->undoStack()->push(macro);
    }

    /// The memory to show: the selected node when it publishes one, else the first that does.
    const NodeSnapshot* pick(const Snapshot& snap) const {
        const NodeSnapshot* first = nullptr;
        for (const auto& n : snap.nodes) {
            if (!array(n, "overlaps") || !array(n, "memory_state")) continue;
            if (n.id == session_->selectedNode()) return &n;
            if (!first) first = &n;
        }
        return first;
    }

    void pullHistory(int patterns) {
        const auto& m = session_->metrics();
        if (m.generation() != generation_) {
            generation_ = m.generation();
            history_->clear();
            fetched_.clear();
        }
        for (int mu = 1; mu <= patterns; ++mu) {
            const std::string name = node_ + "/overlap_" + std::to_string(mu);
            const std::size_t from = fetched_[name];
            auto pts = m.series(name, from);
            if (pts.empty()) continue;
            fetched_[name] = from + pts.size();
            std::vector<QPointF> q;
            q.reserve(pts.size());
            for (const auto& p : pts) q.emplace_back(double(p.step), p.value);
            history_->appendPoints(tr("pattern %1/m").arg(mu), q);  // legend: "pattern μ"
        }
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        const NodeSnapshot* n = pick(*snap);
        if (!n) {
            if (!node_.empty()) restart();
            return;
        }
        if (n->name != node_) {
            restart();
            node_ = n->name;
        }
        id_ = n->id;
        PatternPanelData d;
        const Matrix* layout = array(*n, "memory_layout");
        if (layout && layout->size() == 2) {
            d.width = int((*layout)(0));
            d.height = int((*layout)(1));
        }
        d.state = array(*n, "memory_state")->col(0);
        if (const Matrix* c = array(*n, "memory_cue"); c && c->cols() && c->cwiseAbs().sum() > 0) d.cue = c->col(0);
        if (const Matrix* p = array(*n, "memory_patterns")) d.patterns = *p;
        d.overlaps = array(*n, "overlaps")->col(0);
        if (const Matrix* p = array(*n, "overlap_prediction"); p && p->cols()) d.predicted = p->col(0);
        d.dilution = scalar(*n, "dilution", 0.0);
        if (d.patterns.cols() != d.overlaps.size()) d.patterns.resize(0, 0);
        // the target: the pattern the retrieval accuracy is measured against (the closest when none)
        const double acc = scalar(*n, "retrieval_accuracy", -1);
        if (const Matrix* t = array(*n, "memory_target"); t && t->size()) d.target = int((*t)(0));
        const int k = int(d.overlaps.size());
        panel_->setData(std::move(d));
        // what the memory publishes says what the status line holds: a Hopfield network its energy
        // and sweeps, a spiking memory its phase and how much of the pattern recall added
        QStringList parts{tr("%1 · %2 neurons, %3 patterns").arg(QString::fromStdString(n->name))
                              .arg(panel_->data().state.size())
                              .arg(k)};
        if (auto phase = n->obs.get<std::string>("memory_phase")) parts << QString::fromStdString(*phase);
        if (n->obs.scalars.count("energy")) parts << tr("energy %1 per neuron").arg(scalar(*n, "energy", 0), 0, 'f', 3);
        if (n->obs.scalars.count("sweeps")) parts << tr("%1 sweeps since the cue").arg(scalar(*n, "sweeps", 0), 0, 'f', 1);
        if (acc >= 0) parts << tr("retrieval accuracy %1%").arg(acc * 100, 0, 'f', 1);
        if (n->obs.scalars.count("completion"))
            parts << tr("%1% of the erased units recalled, %2% of the active ones outside the pattern")
                         .arg(scalar(*n, "completion", 0) * 100, 0, 'f', 0)
                         .arg(scalar(*n, "spurious", 0) * 100, 0, 'f', 0);
        if (scalar(*n, "converged", 0) > 0) parts << tr("fixed point");
        status_->setText(parts.join(QStringLiteral(" · ")));
        pullHistory(k);
    }

    Session* session_;
    PatternPanel* panel_;
    QLabel* status_;
    MetricChart* history_;
    std::string node_;  ///< the memory shown (its metrics are "<name>/overlap_μ")
    NodeId id_ = 0;
    std::map<std::string, std::size_t> fetched_;
    std::uint64_t generation_ = ~0ull;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makePatternView(Session* s, QWidget* parent) { return new PatternView(s, parent); }

}  // namespace ganglion
