// Reader for the idx file format used by MNIST / Fashion-MNIST (optionally gzip-compressed).
// Format: 4-byte magic (0, 0, type code, number of dimensions), the dimensions as big-endian
// uint32, then the data (row-major). Only unsigned-byte data (type 0x08) is accepted.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion::g2g {

/// Thrown for missing, truncated or malformed files; the message starts with the file path.
struct IdxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;  ///< row-major, product(dims) bytes
    std::size_t count() const { return dims.empty() ? 0 : dims[0]; }
    std::size_t itemSize() const;    ///< product of dims[1..]
};

/// Parses idx bytes already in memory; `name` is used in error messages.
IdxArray parseIdx(const std::vector<std::uint8_t>& bytes, const std::string& name);
/// Reads a file (gzip or plain: zlib detects it) and parses it. `fixHint` is appended to the
/// message when the file does not exist (e.g. which package to install).
IdxArray readIdxFile(const std::string& path, const std::string& fixHint = {});

}  // namespace ganglion::g2g
