// Feeds a session's metric curves into charts incrementally: each pull appends only the points
// that arrived since the previous one; a cleared history (new run) starts the feed over.
#pragma once

#include "document/session.h"
#include "widgets/plots/metric_chart.h"

#include <map>
#include <string>
#include <vector>

namespace ganglion {

class MetricFeed {
public:
    explicit MetricFeed(Session* session) : session_(session) {}

    /// Appends the new points of metric `name` to `chart` (series named after the metric).
    void pull(MetricChart* chart, const std::string& name) {
        const std::size_t from = fetched_[name];
        const auto pts = session_->metrics().series(name, from);
        if (pts.empty()) return;
        fetched_[name] = from + pts.size();
        std::vector<QPointF> q;
        q.reserve(pts.size());
        for (const auto& p : pts) q.emplace_back(double(p.step), p.value);
        chart->appendPoints(QString::fromStdString(name), q);
    }

    /// True once per clear of the session's metrics (the caller then clears its charts); the
    /// feed forgets what it fetched.
    bool restarted() {
        const auto g = session_->metrics().generation();
        if (g == generation_) return false;
        generation_ = g;
        fetched_.clear();
        return true;
    }
    void reset() { fetched_.clear(); }

private:
    Session* session_;
    std::map<std::string, std::size_t> fetched_;
    std::uint64_t generation_ = ~0ull;
};

}  // namespace ganglion
