#include "core/io/npz.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace ganglion::io {

namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;

void put16(std::string& o, std::uint32_t v) {
    o += char(v & 0xff);
    o += char((v >> 8) & 0xff);
}
void put32(std::string& o, std::uint32_t v) {
    put16(o, v & 0xffff);
    put16(o, v >> 16);
}
std::uint32_t get16(const std::string& s, std::size_t p) {
    return std::uint32_t(static_cast<unsigned char>(s[p])) | std::uint32_t(static_cast<unsigned char>(s[p + 1])) << 8;
}
std::uint32_t get32(const std::string& s, std::size_t p) { return get16(s, p) | get16(s, p + 2) << 16; }

std::uint32_t crcOf(const char* data, std::size_t n) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {  // zlib takes uInt lengths
        const uInt chunk = uInt(std::min<std::size_t>(n, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
        data += chunk;
        n -= chunk;
    }
    return std::uint32_t(crc);
}

std::string inflateRaw(const char* data, std::size_t n, std::size_t expected, const std::string& member) {
    std::string out(expected, '\0');
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw std::runtime_error("member '" + member + "': cannot start inflate");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    zs.avail_in = uInt(n);
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(expected);
    const int rc = inflate(&zs, Z_FINISH);
    const std::size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != expected)
        throw std::runtime_error("member '" + member + "': corrupt deflate data");
    return out;
}

}  // namespace

std::string npzBytes(const NpzArrays& arrays) {
    std::string out, central;
    for (const auto& [name, array] : arrays) {
        std::string data;
        try {
            data = npyBytes(array);
        } catch (const std::exception& e) {
            throw std::runtime_error("array '" + name + "': " + e.what());
        }
        const std::string member = name + ".npy";
        if (data.size() >= 0xffffffffu || out.size() >= 0xffffffffu || member.size() > 0xffff)
            throw std::runtime_error("array '" + name + "': too large for a .npz without zip64");
        const std::uint32_t crc = crcOf(data.data(), data.size()), offset = std::uint32_t(out.size());
        auto common = [&](std::string& o) {
            put16(o, 20);  // version needed: 2.0
            put16(o, 0);   // flags
            put16(o, 0);   // method: stored
            put16(o, 0);   // time
            put16(o, 0x21);  // date: 1980-01-01
            put32(o, crc);
            put32(o, std::uint32_t(data.size()));
            put32(o, std::uint32_t(data.size()));
            put16(o, std::uint32_t(member.size()));
            put16(o, 0);  // extra length
        };
        put32(out, kLocalSig);
        common(out);
        out += member;
        out += data;
        put32(central, kCentralSig);
        put16(central, 20);  // version made by
        common(central);
        put16(central, 0);  // comment length
        put16(central, 0);  // disk
        put16(central, 0);  // internal attributes
        put32(central, 0);  // external attributes
        put32(central, offset);
        central += member;
    }
    if (arrays.size() > 0xffff || out.size() >= 0xffffffffu) throw std::runtime_error(".npz too large without zip64");
    const std::uint32_t cdOffset = std::uint32_t(out.size());
    out += central;
    put32(out, kEndSig);
    put16(out, 0);
    put16(out, 0);
    put16(out, std::uint32_t(arrays.size()));
    put16(out, std::uint32_t(arrays.size()));
    put32(out, std::uint32_t(central.size()));
    put32(out, cdOffset);
    put16(out, 0);  // comment length
    return out;
}

std::map<std::string, NpyArray> parseNpz(const std::string& s) {
    // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes at the end.
    if (s.size() < 22) throw std::runtime_error("not a .npz file (too short for a zip archive)");
    std::size_t end = std::string::npos;
    const std::size_t lowest = s.size() > 22 + 0xffff ? s.size() - 22 - 0xffff : 0;
    for (std::size_t p = s.size() - 22 + 1; p-- > lowest;)
        if (get32(s, p) == kEndSig) {
            end = p;
            break;
        }
    if (end == std::string::npos) throw std::runtime_error("not a .npz file (no zip directory)");
    const std::size_t count = get16(s, end + 10), cdSize = get32(s, end + 12), cdOffset = get32(s, end + 16);
    if (cdOffset > end || cdSize > end - cdOffset) throw std::runtime_error("corrupt .npz: the zip directory lies outside the file");
    std::map<std::string, NpyArray> out;
    std::size_t p = cdOffset;
    for (std::size_t i = 0; i < count; ++i) {
        if (p + 46 > cdOffset + cdSize || get32(s, p) != kCentralSig)
            throw std::runtime_error("corrupt .npz: zip directory entry " + std::to_string(i) + " is damaged");
        const std::uint32_t flags = get16(s, p + 8), method = get16(s, p + 10), crc = get32(s, p + 16);
        const std::size_t csize = get32(s, p + 20), usize = get32(s, p + 24);
        const std::size_t nameLen = get16(s, p + 28), extraLen = get16(s, p + 30), commentLen = get16(s, p + 32);
        const std::size_t local = get32(s, p + 42);
        if (p + 46 + nameLen > cdOffset + cdSize) throw std::runtime_error("corrupt .npz: zip directory entry " + std::to_string(i) + " is truncated");
        const std::string member = s.substr(p + 46, nameLen);
        p += 46 + nameLen + extraLen + commentLen;
        if (csize == 0xffffffffu || usize == 0xffffffffu || local == 0xffffffffu)
            throw std::runtime_error("member '" + member + "': zip64 archives are not supported");
        if (flags & 1u) throw std::runtime_error("member '" + member + "': encrypted");
        if (local + 30 > s.size() || get32(s, local) != kLocalSig)
            throw std::runtime_error("member '" + member + "': its local header is missing or damaged");
        const std::size_t data = local + 30 + get16(s, local + 26) + get16(s, local + 28);
        if (data > s.size() || csize > s.size() - data) throw std::runtime_error("member '" + member + "': truncated data");
        std::string bytes;
        if (method == 0) {
            if (csize != usize) throw std::runtime_error("member '" + member + "': stored sizes disagree");
            bytes = s.substr(data, csize);
        } else if (method == 8) {
            if (usize / 1032 > csize + 1)  // deflate expands at most ~1032:1: a larger size is a lie
                throw std::runtime_error("member '" + member + "': corrupt sizes (" + std::to_string(csize) + " bytes cannot inflate to " +
                                         std::to_string(usize) + ")");
            bytes = inflateRaw(s.data() + data, csize, usize, member);
        } else {
            throw std::runtime_error("member '" + member + "': compression method " + std::to_string(method) +
                                     " is not supported (only stored and deflate)");
        }
        if (crcOf(bytes.data(), bytes.size()) != crc) throw std::runtime_error("member '" + member + "': CRC-32 mismatch (corrupt data)");
        std::string name = member;
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) name.resize(name.size() - 4);
        try {
            out[name] = parseNpy(bytes);
        } catch (const std::exception& e) {
            throw std::runtime_error("member '" + member + "': " + e.what());
        }
    }
    return out;
}

void writeNpz(const std::string& path, const NpzArrays& arrays) { writeFileAtomically(path, npzBytes(arrays)); }

std::map<std::string, NpyArray> readNpz(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parseNpz(bytes);
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

NpyArray npyFromMatrix(const Matrix& m, std::vector<std::size_t> shape) {
    NpyArray a;
    a.shape = shape.empty() ? std::vector<std::size_t>{std::size_t(m.rows()), std::size_t(m.cols())} : std::move(shape);
    std::size_t count = 1;
    for (std::size_t d : a.shape) count *= d;
    if (count != std::size_t(m.size())) throw std::runtime_error("npyFromMatrix: the shape does not hold the matrix");
    a.data.reserve(count);
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c) a.data.push_back(double(m(r, c)));
    return a;
}

Matrix matrixFromNpy(const NpyArray& a) {
    const std::size_t rows = a.shape.empty() ? 1 : a.shape[0];
    std::size_t cols = 1;
    for (std::size_t i = 1; i < a.shape.size(); ++i) cols *= a.shape[i];
    if (rows * cols != a.data.size()) throw std::runtime_error("array data does not fill its shape");
    Matrix m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    if (!a.fortranOrder || a.shape.size() < 2) {
        for (std::size_t r = 0, k = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c, ++k) m(Eigen::Index(r), Eigen::Index(c)) = float(a.data[k]);
        return m;
    }
    // Fortran order: the first index varies fastest. Walk the file in order, tracking the index.
    std::vector<std::size_t> idx(a.shape.size(), 0);
    for (double v : a.data) {
        std::size_t c = 0;
        for (std::size_t d = 1; d < a.shape.size(); ++d) c = c * a.shape[d] + idx[d];
        m(Eigen::Index(idx[0]), Eigen::Index(c)) = float(v);
        for (std::size_t d = 0; d < idx.size() && ++idx[d] == a.shape[d]; ++d) idx[d] = 0;
    }
    return m;
}

}  // namespace ganglion::io
