// Feeds a session's metric curves into charts incrementally: each pull appends only the points
// that arrived since the previous one; a cleared history (new run) starts the feed over. Given the
// view it feeds, it keeps the view's kViewSeries property naming what it plots (Export data…).
#pragma once

#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"

#include <QStringList>

#include <map>
#include <string>
#include <vector>

namespace ganglion {

class MetricFeed {
public:
    explicit MetricFeed(Session* session, QWidget* view = nullptr) : session_(session), view_(view) {}

    /// Appends the new points of metric `name` to `chart` (series named after the metric).
    void pull(MetricChart* chart, const std::string& name) {
        if (view_ && !plotted_.contains(QString::fromStdString(name))) {
            plotted_ << QString::fromStdString(name);
            view_->setProperty(kViewSeries, plotted_);
        }
        const auto pts = fresh(name);
        if (pts.empty()) return;
        std::vector<QPointF> q;
        q.reserve(pts.size());
        for (const auto& p : pts) q.emplace_back(double(p.step), p.value);
        chart->appendPoints(QString::fromStdString(name), q);
    }

    /// The points of metric `name` recorded since the last call (all of them after a reset).
    std::vector<MetricPoint> fresh(const std::string& name) {
        std::size_t& from = fetched_[name];
        auto pts = session_->metrics().series(name, from);
        from += pts.size();
        return pts;
    }

    /// True once per clear of the session's metrics (the caller then clears its charts); the
    /// feed forgets what it fetched.
    bool restarted() {
        const auto g = session_->metrics().generation();
        if (g == generation_) return false;
        generation_ = g;
        reset();
        return true;
    }
    void reset() {
        fetched_.clear();
        plotted_.clear();
        if (view_) view_->setProperty(kViewSeries, plotted_);
    }

private:
    Session* session_;
    QWidget* view_;
    QStringList plotted_;  ///< the metrics pulled since the last reset
    std::map<std::string, std::size_t> fetched_;
    std::uint64_t generation_ = ~0ull;
};

}  // namespace ganglion
