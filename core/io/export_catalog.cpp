#include "core/io/export_catalog.h"

#include "core/io/data_export.h"

#include <algorithm>
#include <set>

namespace ganglion::io {

std::vector<ExportItem> exportables(const MetricHistory& history, const Snapshot* snap) {
    std::vector<ExportItem> out;
    for (const auto& name : history.names()) {
        ExportItem it;
        it.name = name;
        it.kind = ExportItem::Kind::Series;
        it.points = history.size(name);
        out.push_back(it);
    }
    if (snap)
        for (const auto& n : snap->nodes)
            for (const auto& [key, m] : n.obs.arrays) {
                ExportItem it;
                it.name = n.name + "/" + key;
                it.kind = ExportItem::Kind::Array;
                it.rows = std::size_t(m.rows());
                it.cols = std::size_t(m.cols());
                out.push_back(it);
            }
    if (snap)
        for (const auto& n : snap->nodes)
            for (const auto& [key, value] : n.obs.extra)
                if (auto t = extraTable(value)) {
                    ExportItem it;
                    it.name = n.name + "/" + key;
                    it.kind = ExportItem::Kind::Table;
                    it.rows = t->rows.size();
                    it.cols = t->columns.size();
                    out.push_back(it);
                }
    return out;
}

std::string describeExportables(const std::vector<ExportItem>& items) {
    std::string s;
    for (const auto& it : items) {
        if (!s.empty()) s += ", ";
        s += it.name;
        if (it.kind == ExportItem::Kind::Series) s += " (series, " + std::to_string(it.points) + " points)";
        else s += std::string(it.kind == ExportItem::Kind::Array ? " (array " : " (table ") + std::to_string(it.rows) + "x" +
                  std::to_string(it.cols) + ")";
    }
    return s.empty() ? std::string("nothing") : s;
}

ExportData lookupExport(const std::string& name, const MetricHistory& history, const Snapshot* snap) {
    ExportData d;
    d.name = name;
    // Found directly (building every node's tables is left to the message below)
    const auto names = history.names();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
        d.points = history.series(name);
        return d;
    }
    if (snap)
        for (const auto& n : snap->nodes) {
            if (name.compare(0, n.name.size() + 1, n.name + "/") != 0) continue;
            const std::string key = name.substr(n.name.size() + 1);
            if (auto a = n.obs.arrays.find(key); a != n.obs.arrays.end()) {
                d.kind = ExportItem::Kind::Array;
                d.array = a->second;
                return d;
            }
            if (auto x = n.obs.extra.find(key); x != n.obs.extra.end())
                if (auto t = extraTable(x->second)) {
                    d.kind = ExportItem::Kind::Table;
                    d.table = std::move(*t);
                    return d;
                }
        }
    const auto items = exportables(history, snap);
    // Not found: say whether the node exists, and what there is.
    std::set<std::string> nodes;
    if (snap)
        for (const auto& n : snap->nodes) nodes.insert(n.name);
    for (const auto& it : items) nodes.insert(it.name.substr(0, it.name.rfind('/')));
    const auto slash = name.rfind('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == name.size())
        throw ExportLookupError("'" + name + "' is not NODE/METRIC; exportable: " + describeExportables(items));
    const std::string node = name.substr(0, slash);
    if (!nodes.count(node)) {
        std::string list;
        for (const auto& n : nodes) list += (list.empty() ? "" : ", ") + n;
        throw ExportLookupError("no node named '" + node + "'; nodes: " + (list.empty() ? "none" : list));
    }
    std::vector<ExportItem> own;
    for (const auto& it : items)
        if (it.name.compare(0, slash + 1, node + "/") == 0) own.push_back(it);
    throw ExportLookupError("node '" + node + "' publishes no series, array or table '" + name.substr(slash + 1) +
                            "'; it publishes: " + describeExportables(own));
}

void writeExport(const ExportData& data, const std::string& path, double dt) {
    if (data.kind == ExportItem::Kind::Series) {
        if (!hasExtension(path, ".csv"))
            throw std::runtime_error("cannot write " + path + ": the series " + data.name + " exports to a .csv file");
        writeFileAtomically(path, seriesCsv({{data.name, data.points}}, dt));
        return;
    }
    const bool table = data.kind == ExportItem::Kind::Table;
    if (hasExtension(path, ".npy")) writeFileAtomically(path, table ? tableNpy(data.table) : matrixNpy(data.array));
    else if (hasExtension(path, ".csv")) writeFileAtomically(path, table ? tableCsv(data.table) : matrixCsv(data.array));
    else
        throw std::runtime_error("cannot write " + path + ": the " + (table ? "table " : "array ") + data.name +
                                 " exports to .npy or .csv");
}

}  // namespace ganglion::io
