// Continual-learning view: for every node that publishes a task accuracy matrix ("task_accuracy",
// acc[i][j] = accuracy on task i after training through task j, −1 = not yet), the matrix as a
// heat map with the percentages written in its cells, titled with the node's average accuracy over
// the tasks seen and its backward transfer; under them, when the dock is tall enough for them to be
// read, the test accuracy on task 1 over the steps (forgetting shows as its fall) and the average
// over the seen tasks, one curve per node. Nodes are found by what they publish, never by type.
#include "document/session.h"
#include "views/metric_feed.h"
#include "views/view_registry.h"
#include "widgets/plots/matrix_heatmap.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"

#include <QGridLayout>
#include <QResizeEvent>

#include <map>

namespace ganglion {

namespace {

QString percent(double v) { return QString::number(100.0 * v, 'f', 0) + QStringLiteral("%"); }
QString percentNumber(double v) { return QString::number(100.0 * v, 'f', 0); }

constexpr int kChartsFromHeight = 460;  // below this the heat maps take the whole dock

class ContinualView : public QWidget {
public:
    ContinualView(Session* s, QWidget* parent) : QWidget(parent), session_(s), feed_(s, this) {
        setProperty(kViewObservables, QStringList{"task_accuracy"});
        grid_ = new QGridLayout(this);
        grid_->setContentsMargins(2, 2, 2, 2);
        first_ = new MetricChart(tr("Accuracy on task 1 (test)"), tr("accuracy (fraction)"), this);
        first_->setFixedYRange(0, 1);
        average_ = new MetricChart(tr("Average accuracy over the tasks seen (test)"), tr("accuracy (fraction)"), this);
        average_->setFixedYRange(0, 1);
        grid_->setRowStretch(0, 3);
        grid_->setRowStretch(1, 2);
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        RefreshPacer::shared().whileVisible(this, 200, [this] { poll(); });
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        const bool charts = height() >= kChartsFromHeight;
        first_->setVisible(charts);
        average_->setVisible(charts);
        grid_->setRowStretch(1, charts ? 2 : 0);
    }

private:
    void restart() {
        first_->clear();
        average_->clear();
        feed_.reset();
        for (auto& [name, map] : maps_) delete map;
        maps_.clear();
        last_ = nullptr;
        place();
    }

    /// Heat maps in the first row, the two charts under them, each half of the width.
    void place() {
        for (QWidget* w : std::initializer_list<QWidget*>{first_, average_}) grid_->removeWidget(w);
        int column = 0;
        for (auto& [name, map] : maps_) {
            grid_->removeWidget(map);
            grid_->addWidget(map, 0, column++);
        }
        const int span = std::max(column, 2);
        grid_->addWidget(first_, 1, 0, 1, span / 2);
        grid_->addWidget(average_, 1, span / 2, 1, span - span / 2);
    }

    MatrixHeatmap* mapFor(const std::string& name) {
        auto it = maps_.find(name);
        if (it != maps_.end()) return it->second;
        auto* map = new MatrixHeatmap(this);
        map->setAxisTitles(tr("trained through task j"), tr("tested on task i"));
        map->setRange(0, 1);
        map->setMissingBelow(0);
        map->setFormat(percent);
        map->setCellFormat(percentNumber);  // the colour bar gives the unit
        maps_[name] = map;
        place();
        return map;
    }

    void poll() {
        if (feed_.restarted()) restart();
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        std::map<std::string, bool> present;
        for (const auto& n : snap->nodes) {
            const auto acc = n.obs.arrays.find("task_accuracy");
            if (acc == n.obs.arrays.end()) continue;
            present[n.name] = true;
            MatrixHeatmap* map = mapFor(n.name);
            map->setValues(acc->second);
            QString title = QString::fromStdString(n.name);
            const auto avg = n.obs.scalars.find("average_accuracy");
            const auto bwt = n.obs.scalars.find("backward_transfer");
            if (avg != n.obs.scalars.end()) title += tr(": average %1").arg(percent(avg->second));
            if (bwt != n.obs.scalars.end())
                title += tr(", BWT %1 points").arg(QString::number(100.0 * bwt->second, 'f', 1));
            map->setTitle(title);
            feed_.pull(first_, n.name + "/accuracy_task_1");
            feed_.pull(average_, n.name + "/average_accuracy");
        }
        bool removed = false;
        for (auto it = maps_.begin(); it != maps_.end();) {
            if (present.count(it->first)) {
                ++it;
                continue;
            }
            delete it->second;
            it = maps_.erase(it);
            removed = true;
        }
        if (removed) place();
    }

    Session* session_;
    MetricFeed feed_;
    QGridLayout* grid_ = nullptr;
    MetricChart *first_ = nullptr, *average_ = nullptr;
    std::map<std::string, MatrixHeatmap*> maps_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeContinualView(Session* s, QWidget* parent) { return new ContinualView(s, parent); }

}  // namespace ganglion
