// X-Y curves view: every node that publishes "xy_curves" (a list of titled panels of named x-y
// curves, core/model/xy_curves.h) gets its curves drawn in the panel of that title, overlaid with
// the curves other nodes publish under the same title (e.g. the ROC curves of several noise
// filters), one colour per node across all panels; an operating point is drawn as a ring on its
// curve. The first panel gets a row of its own. Nodes are found by what they publish, never by type.
#include "core/model/xy_curves.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/plots/xy_plot.h"

#include <QGridLayout>

#include <map>

namespace ganglion {

namespace {

QColor nodeColour(int i) {
    static const QColor colours[] = {QColor(214, 96, 40), QColor(40, 110, 190), QColor(40, 150, 80),
                                     QColor(150, 70, 170), QColor(180, 150, 30), QColor(90, 90, 90)};
    return colours[i % 6];
}

class XYCurvesView : public QWidget {
public:
    XYCurvesView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{kXYCurvesObservable});
        grid_ = new QGridLayout(this);
        grid_->setContentsMargins(2, 2, 2, 2);
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        RefreshPacer::shared().whileVisible(this, 200, [this] { poll(); });
    }

private:
    void restart() {
        for (auto& [title, plot] : plots_) delete plot;
        plots_.clear();
        order_.clear();
        last_ = nullptr;
    }

    XYPlot* plotFor(const XYPanel& panel) {
        const QString title = QString::fromStdString(panel.title);
        auto it = plots_.find(title);
        if (it != plots_.end()) return it->second;
        auto* plot = new XYPlot(XYPlot::Kind::Points, title, QString::fromStdString(panel.xLabel),
                                QString::fromStdString(panel.yLabel), this);
        plot->setConnected(true);
        if (!panel.diagonal.empty()) plot->setDiagonal(QString::fromStdString(panel.diagonal));
        if (panel.unitSquare) plot->setFixedYRange(0, 1);
        // the first panel gets a row of its own, the others two to a row
        const int i = int(order_.size());
        if (i == 0) grid_->addWidget(plot, 0, 0, 1, 2);
        else grid_->addWidget(plot, 1 + (i - 1) / 2, (i - 1) % 2);
        grid_->setRowStretch(i == 0 ? 0 : 1 + (i - 1) / 2, i == 0 ? 2 : 1);
        grid_->setColumnStretch(i == 0 ? 0 : (i - 1) % 2, 1);
        order_.push_back(title);
        plots_[title] = plot;
        return plot;
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        std::map<QString, QStringList> seen;  // plot title -> series drawn this time
        int index = 0;
        for (const auto& n : snap->nodes) {
            auto it = n.obs.extra.find(kXYCurvesObservable);
            if (it == n.obs.extra.end()) continue;
            const auto* panels = std::any_cast<std::shared_ptr<const std::vector<XYPanel>>>(&it->second);
            if (!panels || !*panels) continue;
            const QString node = QString::fromStdString(n.name);
            const QColor colour = nodeColour(index++);
            for (const XYPanel& panel : **panels) {
                XYPlot* plot = plotFor(panel);
                QStringList& names = seen[plot->title()];
                for (const XYCurve& c : panel.curves) {
                    const QString name = c.name.empty() ? node : node + " " + QString::fromStdString(c.name);
                    std::vector<QPointF> pts;
                    pts.reserve(c.points.size());
                    for (const auto& [x, y] : c.points) pts.emplace_back(x, y);
                    plot->setSeries(name, colour, pts);
                    plot->setMark(name, c.hasMark, QPointF(c.markX, c.markY));
                    names << name;
                }
            }
        }
        for (auto& [title, plot] : plots_) plot->removeSeriesNotIn(seen[title]);
    }

    Session* session_;
    QGridLayout* grid_ = nullptr;
    std::map<QString, XYPlot*> plots_;
    std::vector<QString> order_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeXYCurvesView(Session* s, QWidget* parent) { return new XYCurvesView(s, parent); }

}  // namespace ganglion
