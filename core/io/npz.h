// NumPy .npz archives (what numpy.savez / numpy.load and torch users exchange arrays in): a zip
// file holding one "<name>.npy" member per array. Written uncompressed ("stored", as numpy.savez
// does), read stored or deflated (numpy.savez_compressed), every member's CRC-32 checked.
//
// Why our own ~200 lines rather than minizip: an .npz is a flat zip of a few members without
// folders, encryption, zip64 or multi-disk parts; zlib (already linked) gives the CRC-32 and the
// inflate, and a dependency would add nothing but a package to install.
#pragma once

#include "core/io/data_export.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ganglion::io {

/// Named arrays in the order they are written (numpy.load lists them in file order).
using NpzArrays = std::vector<std::pair<std::string, NpyArray>>;

/// The .npz bytes of `arrays` (member "<name>.npy" each). Throws std::runtime_error naming an
/// array that cannot be written (unsupported dtype, data not filling its shape, over 4 GiB).
std::string npzBytes(const NpzArrays& arrays);
/// Parses .npz bytes into name → array (".npy" dropped from member names). Throws
/// std::runtime_error naming the member at fault: a corrupt or truncated archive, a CRC
/// mismatch, a compression method other than stored/deflate, or a member that is not a valid .npy.
std::map<std::string, NpyArray> parseNpz(const std::string& bytes);

/// File versions: writeNpz writes atomically; readNpz throws "cannot read <path>: …" when the file
/// cannot be opened and "<path>: …" for parse errors.
void writeNpz(const std::string& path, const NpzArrays& arrays);
std::map<std::string, NpyArray> readNpz(const std::string& path);

/// A matrix as an array of the given shape (C order; the product of `shape` must be rows·cols,
/// values taken row by row). An empty shape means (rows, cols).
NpyArray npyFromMatrix(const Matrix& m, std::vector<std::size_t> shape = {});
/// An array as a matrix: 1-D (n) → n x 1, 2-D (r, c) → r x c, N-D → shape[0] x (the rest), values
/// in C order (Fortran-order files are reordered).
Matrix matrixFromNpy(const NpyArray& a);

}  // namespace ganglion::io
