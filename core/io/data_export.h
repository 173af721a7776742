// Writing recorded numbers out for Python users (no Qt): metric series as CSV, arrays as CSV or
// NumPy .npy.
//
// Series CSV ("wide", what pandas.read_csv(path, index_col="step") expects): a header
//   step[,time_s],<series 1>,<series 2>,…
// then one row per step at which any series has a point, in increasing step order; a series
// without a point at that step has an empty cell (NaN in pandas), a series recorded twice at one
// step (e.g. before and after an evaluation) has its second point on a second row of that step. `step` counts engine steps,
// `time_s` is simulated seconds (step × dt, written when dt > 0); metric columns are named as in
// the metric history, "<node>/<scalar>".
//
// Array CSV: a header col_0,…,col_{n-1}, then row i of the file is row i of the array, so
// numpy.loadtxt(path, delimiter=",", skiprows=1, ndmin=2) returns it with its shape.
//
// .npy: NumPy format version 1.0, dtype '<f4' (little-endian float32, as the engine computes),
// C order, shape (rows, cols) from the matrix; numpy.load(path) reads it.
//
// Numbers are written in their shortest form that reads back to the same value (time_s with 12
// significant digits).
#pragma once

#include "core/engine/metric_history.h"
#include "core/model/types.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ganglion::io {

struct NamedSeries {
    std::string name;                 ///< column header, e.g. "Loss/test_loss"
    std::vector<MetricPoint> points;  ///< in increasing step order
};

/// The series as one wide CSV table (see above). dt > 0 adds a time_s column.
std::string seriesCsv(const std::vector<NamedSeries>& series, double dt = 0.0);
/// A matrix as CSV (header col_0…; row i of the file is row i of the matrix).
std::string matrixCsv(const Matrix& m);
/// A matrix as a NumPy .npy file (version 1.0, '<f4', C order).
std::string matrixNpy(const Matrix& m);

/// A parsed .npy file (versions 1.0–3.0, dtypes '<f4', '<f8', '<i8', '<i4' and '|b1' (bool), C or
/// Fortran order), or one to write.
struct NpyArray {
    std::vector<std::size_t> shape;
    std::string dtype = "<f4"; ///< as in the header, e.g. "<f4"
    bool fortranOrder = false;
    std::vector<double> data;  ///< the values in file order (integers and bools as exact doubles)
};
/// Bytes per value of a supported dtype, 0 for any other.
std::size_t npyDtypeWidth(const std::string& dtype);
/// Parses .npy bytes; throws std::runtime_error naming what is wrong.
NpyArray parseNpy(const std::string& bytes);
/// An array as a .npy file (version 1.0, its dtype and order); throws std::runtime_error when the
/// dtype is not supported or the data does not fill the shape.
std::string npyBytes(const NpyArray& a);

/// Writes `bytes` to `path` atomically (a temporary file beside it, then renamed). Throws
/// std::runtime_error "cannot write <path>: <reason>" (a missing folder, no permission…).
void writeFileAtomically(const std::string& path, const std::string& bytes);

/// True when `path` ends in `ext` (".npy", ".csv"), ignoring case.
bool hasExtension(const std::string& path, const std::string& ext);

}  // namespace ganglion::io
