#include "core/g2g/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ganglion::g2g {

std::size_t IdxArray::itemSize() const {
    std::size_t n = 1;
    for (std::size_t i = 1; i < dims.size(); ++i) n *= dims[i];
    return n;
}

IdxArray parseIdx(const std::vector<std::uint8_t>& b, const std::string& name) {
    if (b.size() < 4)
        throw IdxError(name + ": truncated idx file (" + std::to_string(b.size()) +
                       " bytes, the header alone needs 4)");
    if (b[0] != 0 || b[1] != 0)
        throw IdxError(name + ": not an idx file (wrong magic number: first two bytes must be 0)");
    if (b[2] != 0x08)
        throw IdxError(name + ": unsupported idx element type 0x" +
                       std::to_string(int(b[2])) + " (only unsigned bytes, 0x08, are supported)");
    const int ndim = b[3];
    if (ndim < 1 || ndim > 4)
        throw IdxError(name + ": wrong magic number (dimension count " + std::to_string(ndim) +
                       " is not 1..4)");
    const std::size_t header = 4 + 4 * std::size_t(ndim);
    if (b.size() < header)
        throw IdxError(name + ": truncated idx file (header needs " + std::to_string(header) +
                       " bytes, file has " + std::to_string(b.size()) + ")");
    IdxArray a;
    // The product of the dimensions must neither overflow (4 x 65536 wraps a 64-bit product to
    // 0, which would read as a valid empty file) nor exceed the bytes present.
    const std::size_t available = b.size() - header;
    std::size_t total = 1;
    bool overflow = false;
    for (int d = 0; d < ndim; ++d) {
        const std::uint8_t* p = &b[4 + 4 * d];
        std::uint32_t v = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
                          (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
        a.dims.push_back(v);
        overflow = overflow || __builtin_mul_overflow(total, std::size_t(v), &total);
    }
    if (std::find(a.dims.begin(), a.dims.end(), 0u) != a.dims.end()) total = 0, overflow = false;
    if (overflow) {
        std::string shape;
        for (std::uint32_t v : a.dims) shape += (shape.empty() ? "" : " x ") + std::to_string(v);
        throw IdxError(name + ": corrupt idx file (dimensions " + shape + " need more data than the " +
                       std::to_string(available) + " bytes the file has)");
    }
    std::size_t item = 1;  // itemSize() must not overflow either (an empty array of huge items)
    for (std::size_t d = 1; d < a.dims.size(); ++d)
        if (__builtin_mul_overflow(item, std::size_t(a.dims[d]), &item))
            throw IdxError(name + ": corrupt idx file (the item dimensions overflow)");
    if (available < total)
        throw IdxError(name + ": truncated idx file (expected " + std::to_string(total) +
                       " data bytes, found " + std::to_string(b.size() - header) + ")");
    if (b.size() - header > total)
        throw IdxError(name + ": corrupt idx file (" + std::to_string(b.size() - header - total) +
                       " bytes beyond the declared data)");
    a.data.assign(b.begin() + std::ptrdiff_t(header), b.end());
    return a;
}

IdxArray readIdxFile(const std::string& path, const std::string& fixHint) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IdxError(path + ": file not found" + (fixHint.empty() ? "" : " (" + fixHint + ")"));
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw IdxError(path + ": cannot open for reading");
    std::vector<std::uint8_t> bytes;
    std::vector<std::uint8_t> chunk(1 << 20);
    for (;;) {
        int n = gzread(f, chunk.data(), unsigned(chunk.size()));
        if (n < 0) {
            int err = 0;
            std::string msg = gzerror(f, &err);
            gzclose(f);
            throw IdxError(path + ": corrupt gzip data (" + msg + ")");
        }
        if (n == 0) break;
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
    }
    // A gzip stream cut short reads as EOF without error in some zlib versions: check the state.
    int err = 0;
    const char* msg = gzerror(f, &err);
    if (err != Z_OK && err != Z_STREAM_END) {
        std::string m = msg ? msg : "";
        gzclose(f);
        throw IdxError(path + ": corrupt gzip data (" + m + ")");
    }
    int rc = gzclose(f);
    if (rc == Z_BUF_ERROR) throw IdxError(path + ": truncated gzip stream");
    return parseIdx(bytes, path);
}

}  // namespace ganglion::g2g
