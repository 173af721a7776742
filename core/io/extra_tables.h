// Tables from the typed observables nodes publish (Observables::extra: spike rasters, membrane
// traces, event windows, swimmer trails, NCAP traces, KAN edge functions, G2G connections), so
// that each exports as CSV or .npy like a series or an array. A module that defines such a type
// registers, beside it, the function that turns a value of that type into a table; the export
// catalog (export_catalog.h) asks every registered function, and no list of types is kept here.
#pragma once

#include <any>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ganglion::io {

/// Named columns (the unit in the name: "time_s", "x_m", "t_us"), one row per record. Values are
/// doubles, so microsecond timestamps and indices stay exact.
struct ExtraTable {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;  ///< each of columns.size() values
};

/// Returns true when `value` holds the converter's type, and then fills *table unless it is null
/// (null: the caller only asks whether the value converts, which costs nothing).
using ExtraTableFn = std::function<bool(const std::any& value, ExtraTable* table)>;

/// Adds a converter; returns true, so a module can register at static initialisation:
///   const bool registered = io::registerExtraTable(...);
bool registerExtraTable(ExtraTableFn fn);

/// The table of `value`, when a registered converter knows its type.
std::optional<ExtraTable> extraTable(const std::any& value);
/// Whether extraTable(value) would give a table, without building it.
bool hasExtraTable(const std::any& value);

/// The table as CSV: a header of the column names, then one line per row (numbers in their
/// shortest exact form).
std::string tableCsv(const ExtraTable& t);
/// The table as a .npy file: float64, shape (rows, columns), C order.
std::string tableNpy(const ExtraTable& t);

}  // namespace ganglion::io
