// Time-constant view: for every node that learns its units' time constants (it publishes "tau",
// in steps, while its learning parameter is on: a LIF layer's decay β as τ = −1/ln β, a τ-RNN's
// τ), the histogram of τ now over the one of all units at the start of the run, and beside it
// (when the dock has the height) the mean τ over training steps — or, when a task's difficulty N
// changes ("task_n", the N-parity curriculum), the mean τ at each N, the paper's figure. Nodes are found by what they publish, never by type.
#include "document/session.h"
#include "views/metric_feed.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/plots/xy_plot.h"

#include <QGridLayout>
#include <QResizeEvent>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ganglion {

namespace {

/// The curves' colours in the order the mean-τ chart gives its series (widgets/plots/metric_chart),
/// so a node has one colour in both plots.
QColor seriesColour(int i) {
    static const QColor colours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                     QColor(214, 39, 40), QColor(148, 103, 189)};
    return colours[i % 5];
}

const QColor kStartColour(120, 120, 120);

class TimeConstantsView : public QWidget {
public:
    TimeConstantsView(Session* s, QWidget* parent) : QWidget(parent), session_(s), feed_(s, this), byNFeed_(s) {
        setProperty(kViewObservables, QStringList{"tau"});
        grid_ = new QGridLayout(this);
        grid_->setContentsMargins(2, 2, 2, 2);
        hist_ = new XYPlot(XYPlot::Kind::Histogram, tr("Time constant per unit"),
                           tr("time constant τ (steps)"), tr("units"), this);
        mean_ = new MetricChart(tr("Mean τ"), tr("mean τ (steps)"), this);
        mean_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);  // as wide as the plots beside it
        byNPlot_ = new XYPlot(XYPlot::Kind::Points, tr("Mean τ at each task N"),
                          tr("task N (steps to remember)"), tr("mean τ (steps)"), this);
        byNPlot_->setConnected(true);
        // In the short dock a trained document leaves it, the histogram draws compressed rather
        // than being cut by the dock's scroll area.
        hist_->setMinimumHeight(110);
        arrange();
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        RefreshPacer::shared().whileVisible(this, 150, [this] { poll(); });
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        arrange();
    }

private:
    /// Two plots: the histogram and, beside it (or under it in a tall, narrow dock), the mean τ at
    /// each task N when a curriculum changes N, the mean τ over training steps otherwise.
    void arrange() {
        const bool wide = width() >= 420 || width() > 2 * height();
        std::set<double> ns;
        for (const auto& [step, n] : taskN_) ns.insert(n);
        const bool withN = ns.size() > 1;  // a curriculum, not one fixed N
        // A short dock (a document read on its training curves) keeps the histogram alone, at full
        // width so its legend stays on one line; the mean τ is in the curves' metric menu too.
        const bool meanToo = !withN && height() >= 220;
        if (wide == wide_ && withN == withN_ && meanToo == meanToo_ && grid_->count() > 0) return;
        wide_ = wide;
        withN_ = withN;
        meanToo_ = meanToo;
        QWidget* second = withN ? static_cast<QWidget*>(byNPlot_) : meanToo ? static_cast<QWidget*>(mean_) : nullptr;
        for (QWidget* w : {static_cast<QWidget*>(hist_), static_cast<QWidget*>(mean_), static_cast<QWidget*>(byNPlot_)})
            grid_->removeWidget(w);
        byNPlot_->setVisible(withN);
        mean_->setVisible(meanToo);
        grid_->addWidget(hist_, 0, 0);
        if (second) grid_->addWidget(second, wide ? 0 : 1, wide ? 1 : 0);
        for (int i = 0; i < 2; ++i) {
            grid_->setColumnStretch(i, (wide && second) || i == 0 ? 1 : 0);
            grid_->setRowStretch(i, !wide || i == 0 ? 1 : 0);
        }
    }

    void restart() {
        hist_->clear();
        mean_->clear();
        byNPlot_->clear();
        feed_.reset();
        byNFeed_.reset();
        start_.clear();
        taskN_.clear();
        taskSeries_.clear();
        byN_.clear();
        last_ = nullptr;
        arrange();
    }

    /// The mean τ of each learning node against the task's N, averaged over the steps at each N
    /// (only the points recorded since the last poll are read).
    void pullByN(const QStringList& nodes) {
        if (taskSeries_.empty()) {
            for (const auto& name : session_->metrics().names())
                if (name.size() > 7 && name.compare(name.size() - 7, 7, "/task_n") == 0) taskSeries_ = name;
            if (taskSeries_.empty()) return;
        }
        for (const auto& p : byNFeed_.fresh(taskSeries_)) taskN_[p.step] = p.value;
        arrange();
        int index = 0;
        const std::uint64_t lastN = taskN_.empty() ? 0 : taskN_.rbegin()->first;
        for (const QString& node : nodes) {
            ByN& by = byN_[node.toStdString()];
            auto pts = byNFeed_.fresh(node.toStdString() + "/tau_mean");
            pts.insert(pts.begin(), by.pending.begin(), by.pending.end());
            by.pending.clear();
            bool changed = false;
            for (const auto& p : pts) {
                const auto n = taskN_.find(p.step);
                if (n == taskN_.end()) {
                    if (p.step > lastN) by.pending.push_back(p);  // its N is not recorded yet
                    continue;
                }
                by.atN[n->second].first += p.value;
                by.atN[n->second].second += 1;
                changed = true;
            }
            if (!changed) {
                ++index;
                continue;
            }
            std::vector<QPointF> curve;
            for (const auto& [n, sc] : by.atN) curve.emplace_back(n, sc.first / sc.second);
            byNPlot_->setSeries(node, seriesColour(index++), curve);
        }
    }

    void poll() {
        if (feed_.restarted()) restart();
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        // the nodes that learn their time constants (their parameter on), in graph order
        QStringList nodes;
        std::vector<const Matrix*> taus;
        for (const auto& n : snap->nodes) {
            const auto tau = n.obs.arrays.find("tau");
            if (tau == n.obs.arrays.end()) continue;
            const auto g = std::find_if(session_->graph().nodes().begin(), session_->graph().nodes().end(),
                                        [&](const Node& gn) { return gn.name == n.name; });
            if (g == session_->graph().nodes().end() || !nodeFeeds(*g, {"tau"})) continue;
            nodes << QString::fromStdString(n.name);
            taus.push_back(&tau->second);
            start_.emplace(n.name, tau->second);  // the first τ seen in this run
        }
        if (nodes.isEmpty()) return;
        // one axis for all: from 0 to the 95th percentile (a few units with β near 1 have huge τ;
        // they count in the last bin)
        std::vector<float> all;
        Matrix start;
        for (std::size_t k = 0; k < taus.size(); ++k) {
            const Matrix& s0 = start_.at(nodes[int(k)].toStdString());
            all.insert(all.end(), taus[k]->data(), taus[k]->data() + taus[k]->size());
            all.insert(all.end(), s0.data(), s0.data() + s0.size());
            Matrix joined(start.size() + s0.size(), 1);
            joined << start.reshaped(), s0.reshaped();
            start = joined;
        }
        if (all.empty()) return;
        const std::size_t q = std::min(all.size() - 1, all.size() * 95 / 100);
        std::nth_element(all.begin(), all.begin() + std::ptrdiff_t(q), all.end());
        const double lo = std::min(0.0, double(*std::min_element(all.begin(), all.end())));
        double hi = all[q];
        if (!(hi > lo)) hi = lo + 1;
        hi *= 1.05;
        QStringList shown{tr("all at the start")};
        const auto bins = [&](const Matrix& m) { return histogramBins({m.data(), std::size_t(m.size())}, lo, hi, 24); };
        hist_->setSeries(shown.front(), kStartColour, bins(start));
        for (std::size_t k = 0; k < taus.size(); ++k) {
            hist_->setSeries(nodes[int(k)], seriesColour(int(k)), bins(*taus[k]));
            shown << nodes[int(k)];
            feed_.pull(mean_, nodes[int(k)].toStdString() + "/tau_mean");
        }
        hist_->removeSeriesNotIn(shown);
        pullByN(nodes);
    }

    Session* session_;
    MetricFeed feed_;
    MetricFeed byNFeed_;  ///< the points pullByN has read (apart from the mean τ chart's)
    QGridLayout* grid_ = nullptr;
    XYPlot *hist_, *byNPlot_;
    MetricChart* mean_;
    bool wide_ = false, withN_ = false, meanToo_ = false;
    std::map<std::string, Matrix> start_;
    std::map<std::uint64_t, double> taskN_;
    std::string taskSeries_;                                          ///< "<node>/task_n" of the curriculum
    struct ByN {
        std::map<double, std::pair<double, int>> atN;  ///< N → (Σ mean τ, count)
        std::vector<MetricPoint> pending;              ///< points whose step's N is not read yet
    };
    std::map<std::string, ByN> byN_;  ///< per learning node
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeTimeConstantsView(Session* s, QWidget* parent) { return new TimeConstantsView(s, parent); }

}  // namespace ganglion
