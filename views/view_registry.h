// Every dock view, from the one list in views/view_list.h.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace ganglion {

class Graph;
struct Node;
class Session;

struct ViewInfo {
    QString title;
    Qt::DockWidgetArea area;
    QWidget* (*create)(Session* session, QWidget* parent);
};

const std::vector<ViewInfo>& allViews();

/// The property in which a view names the observables it draws (QStringList of NodeSpec::observables
/// names, e.g. {"spikes"}); a view without it is never hidden or raised for a document.
inline constexpr char kViewObservables[] = "ganglionObservables";

/// The property in which a view names the metric-history series it plots (QStringList of
/// "<node>/<scalar>" names, kept current as it polls): the dock's Export data… writes them as CSV.
inline constexpr char kViewSeries[] = "ganglionSeries";

/// The observables `view` draws (its kViewObservables property).
QStringList viewObservables(const QWidget* view);

/// True when `node`'s type publishes (NodeSpec::observables) one of `observables`.
bool nodeFeeds(const Node& node, const QStringList& observables);

/// True when some node type in `graph` publishes (NodeSpec::observables) one of `observables`:
/// the view drawing them has something to show for this document.
bool graphFeeds(const Graph& graph, const QStringList& observables);

/// The name of the first node in `graph` that publishes one of `observables`, or "" when none:
/// a view with nothing to draw says which node it waits for (and why, when the engine failed).
QString feederName(const Graph& graph, const QStringList& observables);

}  // namespace ganglion
