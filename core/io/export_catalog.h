// What a run can export, from what its nodes publish (no list of type names): every scalar series
// in the metric history ("<node>/<scalar>"), every array a node publishes in its observables
// (Observables::arrays, as "<node>/<key>") and every typed observable a registered converter turns
// into a table (Observables::extra: spike rasters, membrane traces, events, …; extra_tables.h).
// Used by the headless CLI (--export-series) and the workbench's Export data… (no Qt).
#pragma once

#include "core/engine/metric_history.h"
#include "core/engine/snapshot.h"
#include "core/io/extra_tables.h"
#include "core/model/types.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion::io {

struct ExportItem {
    enum class Kind { Series, Array, Table };
    std::string name;  ///< "<node>/<scalar or array key>"
    Kind kind = Kind::Series;
    std::size_t points = 0;          ///< series: recorded points
    std::size_t rows = 0, cols = 0;  ///< array or table: shape
};

/// Every series of `history` (by name) and every array of `snap` (node by node, keys in order).
std::vector<ExportItem> exportables(const MetricHistory& history, const Snapshot* snap);

/// A name that is not exported by anything: the message names what exists.
class ExportLookupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ExportData {
    std::string name;
    ExportItem::Kind kind = ExportItem::Kind::Series;
    std::vector<MetricPoint> points;  ///< a series: every recorded point
    Matrix array;                     ///< an array
    ExtraTable table;                 ///< a table
};

/// The series or array named "NODE/NAME". Throws ExportLookupError when no node is called NODE
/// (listing the nodes) or NODE publishes no NAME (listing what it publishes).
ExportData lookupExport(const std::string& name, const MetricHistory& history, const Snapshot* snap);

/// Writes `data` to `path`: a series as CSV (step[,time_s],NAME; time_s when dt > 0); an array or
/// a table as .npy or .csv by the extension (a table's CSV header names its columns). Throws std::runtime_error naming the path and the problem.
void writeExport(const ExportData& data, const std::string& path, double dt = 0.0);

/// "Loss/loss (series, 120 points), Output/weights (array 2x16), …" for messages.
std::string describeExportables(const std::vector<ExportItem>& items);

}  // namespace ganglion::io
