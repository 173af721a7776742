#include "views/view_registry.h"

#include "core/graph/graph.h"
#include "core/model/node_spec.h"

#include <algorithm>

namespace ganglion {

#define GANGLION_VIEW(fn, title, area) QWidget* fn(Session*, QWidget*);
#include "views/view_list.h"
#undef GANGLION_VIEW

const std::vector<ViewInfo>& allViews() {
    static const std::vector<ViewInfo> views = {
#define GANGLION_VIEW(fn, title, area) ViewInfo{QStringLiteral(title), area, &fn},
#include "views/view_list.h"
#undef GANGLION_VIEW
    };
    return views;
}

QStringList viewObservables(const QWidget* view) {
    return view ? view->property(kViewObservables).toStringList() : QStringList{};
}

bool nodeFeeds(const Node& node, const QStringList& observables) {
    const NodeSpec* spec = NodeRegistry::instance().find(node.type);
    if (!spec) return false;
    for (const QString& q : observables) {
        const std::string name = q.toStdString();
        if (std::find(spec->observables.begin(), spec->observables.end(), name) == spec->observables.end()) continue;
        const auto when = spec->observableWhen.find(name);
        if (when == spec->observableWhen.end()) return true;
        // published only while a boolean parameter is on (its default when the node leaves it out)
        const auto& params = node.params.has(when->second) ? node.params : ParamSet::defaults(spec->params);
        if (params.has(when->second) && params.getBool(when->second)) return true;
    }
    return false;
}

bool graphFeeds(const Graph& graph, const QStringList& observables) {
    const auto& nodes = graph.nodes();
    return std::any_of(nodes.begin(), nodes.end(), [&](const Node& n) { return nodeFeeds(n, observables); });
}

QString feederName(const Graph& graph, const QStringList& observables) {
    for (const auto& n : graph.nodes())
        if (nodeFeeds(n, observables)) return QString::fromStdString(n.name);
    return {};
}

}  // namespace ganglion
