// E/I balance view: for every node that publishes per-neuron excitatory and inhibitory input
// ("ei_input") and rates against targets ("rate_target"), one coloured cloud per node in two
// scatter plots (the diagonal marks balance, and rate = target), the task score over steps
// ("memory_capacity" or "nrmse") and the readout's r² per delay ("r2_per_target") as grouped bars.
// Nodes are found by what they publish, never by type.
#include "document/session.h"
#include "views/four_panels.h"
#include "views/metric_feed.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/plots/xy_plot.h"

#include <QGridLayout>
#include <QResizeEvent>

#include <algorithm>

namespace ganglion {

namespace {

QColor seriesColour(int i) {
    static const QColor colours[] = {QColor(214, 96, 40), QColor(40, 110, 190), QColor(40, 150, 80),
                                     QColor(150, 70, 170), QColor(180, 150, 30), QColor(90, 90, 90)};
    return colours[i % 6];
}

class EIBalanceView : public QWidget {
public:
    EIBalanceView(Session* s, QWidget* parent) : QWidget(parent), session_(s), feed_(s, this) {
        setProperty(kViewObservables, QStringList{"ei_input", "rate_target"});
        grid_ = new QGridLayout(this);
        grid_->setContentsMargins(2, 2, 2, 2);
        ei_ = new XYPlot(XYPlot::Kind::Points, tr("Excitation vs inhibition per neuron"),
                         tr("excitation E (drive, a.u.)"), tr("inhibition g·I (drive, a.u.)"), this);
        ei_->setDiagonal(tr("balance: g·I = E"));
        rate_ = new XYPlot(XYPlot::Kind::Points, tr("Rate vs target per neuron"), tr("target rate ρ (a.u.)"),
                           tr("mean rate (a.u.)"), this);
        rate_->setDiagonal(tr("rate = target"));
        score_ = new MetricChart(tr("Task score (held-out)"), tr("capacity Σ r²"), this);
        r2_ = new XYPlot(XYPlot::Kind::Bars, tr("Recall per delay (held-out)"), tr("delay k (steps)"),
                         tr("r² of the readout"), this);
        r2_->setFixedYRange(0, 1);
        arrange(false);
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        RefreshPacer::shared().whileVisible(this, 150, [this] { poll(); });
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        arrange(width() > 2 * height());
    }

private:
    void arrange(bool wide) { arrangeFourPanels(grid_, {ei_, rate_, score_, r2_}, wide, wide_); }

    void restart() {
        ei_->clear();
        rate_->clear();
        r2_->clear();
        score_->clear();
        feed_.reset();
        last_ = nullptr;
    }

    void pullScores() {
        std::vector<std::string> capacity, nrmse;
        for (const auto& name : session_->metrics().names()) {
            const auto slash = name.rfind('/');
            const std::string metric = slash == std::string::npos ? name : name.substr(slash + 1);
            if (metric == "memory_capacity") capacity.push_back(name);
            else if (metric == "nrmse") nrmse.push_back(name);
        }
        // a delay-line task reports capacity, a prediction task its error; capacity wins in a mix
        const bool useCapacity = !capacity.empty() || nrmse.empty();
        const QString label = useCapacity ? tr("capacity Σ r²") : tr("NRMSE");
        if (label != scoreLabel_) {
            scoreLabel_ = label;
            score_->setYLabel(label);
        }
        for (const auto& name : useCapacity ? capacity : nrmse) feed_.pull(score_, name);
    }

    void poll() {
        if (feed_.restarted()) restart();
        pullScores();
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        QStringList names;
        int index = 0;
        for (const auto& n : snap->nodes) {
            const auto ei = n.obs.arrays.find("ei_input");
            const auto rt = n.obs.arrays.find("rate_target");
            if (ei == n.obs.arrays.end() || rt == n.obs.arrays.end()) continue;
            const QString name = QString::fromStdString(n.name);
            const QColor c = seriesColour(index++);
            names << name;
            ei_->setSeries(name, c, columnsAsPoints(ei->second));
            // rate_target rows: rate, target; drawn as (target, rate)
            std::vector<QPointF> pts;
            if (rt->second.rows() == 2)
                for (Eigen::Index j = 0; j < rt->second.cols(); ++j) pts.emplace_back(rt->second(1, j), rt->second(0, j));
            rate_->setSeries(name, c, pts);
            const auto r2 = n.obs.arrays.find("r2_per_target");
            if (r2 != n.obs.arrays.end()) {
                std::vector<QPointF> bars;
                for (Eigen::Index k = 0; k < r2->second.size(); ++k) bars.emplace_back(double(k + 1), r2->second(k));
                r2_->setSeries(name, c, bars);
            }
        }
        ei_->removeSeriesNotIn(names);
        rate_->removeSeriesNotIn(names);
        r2_->removeSeriesNotIn(names);
    }

    /// A 2 x n array as n points (row 0 = x, row 1 = y).
    static std::vector<QPointF> columnsAsPoints(const Matrix& m) {
        std::vector<QPointF> pts;
        if (m.rows() != 2) return pts;
        pts.reserve(std::size_t(m.cols()));
        for (Eigen::Index j = 0; j < m.cols(); ++j) pts.emplace_back(m(0, j), m(1, j));
        return pts;
    }

    Session* session_;
    MetricFeed feed_;
    QGridLayout* grid_ = nullptr;
    XYPlot *ei_, *rate_, *r2_;
    MetricChart* score_;
    QString scoreLabel_;
    bool wide_ = false;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeEIBalanceView(Session* s, QWidget* parent) { return new EIBalanceView(s, parent); }

}  // namespace ganglion
