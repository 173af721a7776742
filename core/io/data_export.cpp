#include "core/io/data_export.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

namespace ganglion::io {

static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian machine");

namespace {

template <class T>
void appendNumber(std::string& out, T v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
    if (ec != std::errc()) throw std::runtime_error("cannot format a number");
    out.append(buf, end);
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
std::string csvCell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + '"';
}

}  // namespace

std::string seriesCsv(const std::vector<NamedSeries>& series, double dt) {
    std::string out = "step";
    if (dt > 0) out += ",time_s";
    for (const auto& s : series) {
        out += ',';
        out += csvCell(s.name);
    }
    out += '\n';
    std::set<std::uint64_t> steps;
    for (const auto& s : series)
        for (const auto& p : s.points) steps.insert(p.step);
    std::vector<std::size_t> at(series.size(), 0);  // next point of each series
    for (std::uint64_t step : steps) {
        for (std::size_t i = 0; i < series.size(); ++i)
            while (at[i] < series[i].points.size() && series[i].points[at[i]].step < step) ++at[i];
        // a series recorded twice at one step (a pause, an evaluation) gets a second row there
        bool more = true;
        while (more) {
            more = false;
            appendNumber(out, step);
            if (dt > 0) {  // 12 significant digits: 0.015, not the product's 0.015000000000000001
                char buf[32];
                const int n = std::snprintf(buf, sizeof buf, ",%.12g", double(step) * dt);
                out.append(buf, std::size_t(n));
            }
            for (std::size_t i = 0; i < series.size(); ++i) {
                out += ',';
                const auto& pts = series[i].points;
                if (at[i] < pts.size() && pts[at[i]].step == step) appendNumber(out, pts[at[i]++].value);
                more = more || (at[i] < pts.size() && pts[at[i]].step == step);
            }
            out += '\n';
        }
    }
    return out;
}

std::string matrixCsv(const Matrix& m) {
    std::string out;
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
        out += c ? ",col_" : "col_";
        out += std::to_string(c);
    }
    out += '\n';
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            if (c) out += ',';
            appendNumber(out, m(r, c));
        }
        out += '\n';
    }
    return out;
}

namespace {
/// The .npy preamble for a header dictionary: magic (6) + version (2) + header length (2) + header,
/// padded with spaces and ended by '\n' so that the data starts at a multiple of 64 bytes.
std::string npyPreamble(std::string header) {
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    if (header.size() > 0xffff) throw std::runtime_error(".npy header too long");
    std::string out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    out += header;
    return out;
}
}  // namespace

std::string matrixNpy(const Matrix& m) {
    std::string out = npyPreamble("{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.rows()) +
                                  ", " + std::to_string(m.cols()) + "), }");
    const std::size_t n = std::size_t(m.size());
    const std::size_t start = out.size();
    out.resize(start + n * sizeof(float));
    char* dst = out.data() + start;
    for (Eigen::Index r = 0; r < m.rows(); ++r)  // C order: row by row (Eigen stores columns)
        for (Eigen::Index c = 0; c < m.cols(); ++c, dst += sizeof(float)) {
            const float v = m(r, c);
            std::memcpy(dst, &v, sizeof v);
        }
    return out;
}

namespace {

/// The value of `key` in a .npy header dictionary (the text after "'key':" up to its end).
std::string headerField(const std::string& h, const std::string& key) {
    const auto k = h.find("'" + key + "'");
    if (k == std::string::npos) throw std::runtime_error("not a .npy file: the header has no '" + key + "'");
    auto v = h.find(':', k);
    if (v == std::string::npos) throw std::runtime_error("not a .npy file: malformed '" + key + "'");
    ++v;
    while (v < h.size() && h[v] == ' ') ++v;
    if (v < h.size() && h[v] == '(') {
        const auto e = h.find(')', v);
        if (e == std::string::npos) throw std::runtime_error("not a .npy file: unterminated shape");
        return h.substr(v + 1, e - v - 1);
    }
    if (v < h.size() && h[v] == '\'') {
        const auto e = h.find('\'', v + 1);
        if (e == std::string::npos) throw std::runtime_error("not a .npy file: unterminated '" + key + "'");
        return h.substr(v + 1, e - v - 1);
    }
    const auto e = h.find_first_of(",}", v);
    return h.substr(v, e == std::string::npos ? std::string::npos : e - v);
}

}  // namespace

std::size_t npyDtypeWidth(const std::string& dtype) {
    if (dtype == "<f4" || dtype == "<i4") return 4;
    if (dtype == "<f8" || dtype == "<i8") return 8;
    if (dtype == "|b1") return 1;
    return 0;
}

NpyArray parseNpy(const std::string& bytes) {
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw std::runtime_error("not a .npy file (no magic)");
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLen = 0, offset = 0;
    if (major == 1) {
        headerLen = std::size_t(static_cast<unsigned char>(bytes[8])) | std::size_t(static_cast<unsigned char>(bytes[9])) << 8;
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw std::runtime_error("truncated .npy header");
        for (int i = 0; i < 4; ++i) headerLen |= std::size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
        offset = 12;
    } else {
        throw std::runtime_error(".npy format version " + std::to_string(major) + " is not supported");
    }
    if (bytes.size() < offset + headerLen) throw std::runtime_error("truncated .npy header");
    const std::string h = bytes.substr(offset, headerLen);
    NpyArray a;
    a.dtype = headerField(h, "descr");
    const std::string order = headerField(h, "fortran_order");
    if (order.find("True") != std::string::npos) a.fortranOrder = true;
    else if (order.find("False") == std::string::npos) throw std::runtime_error("not a .npy file: fortran_order is '" + order + "'");
    std::size_t count = 1;
    const std::string shape = headerField(h, "shape");
    for (std::size_t i = 0; i < shape.size();) {
        while (i < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
        if (i >= shape.size()) break;
        std::size_t d = 0;
        auto [end, ec] = std::from_chars(shape.data() + i, shape.data() + shape.size(), d);
        if (ec != std::errc()) throw std::runtime_error("not a .npy file: bad shape (" + shape + ")");
        a.shape.push_back(d);
        if (__builtin_mul_overflow(count, d, &count)) throw std::runtime_error("not a .npy file: shape (" + shape + ") overflows");
        i = std::size_t(end - shape.data());
    }
    const std::size_t width = npyDtypeWidth(a.dtype);
    if (width == 0)
        throw std::runtime_error(".npy dtype '" + a.dtype + "' is not supported (only <f4, <f8, <i8, <i4 and |b1)");
    const std::size_t start = offset + headerLen;
    if (count > (bytes.size() - start) / width || bytes.size() != start + count * width)
        throw std::runtime_error(".npy data holds " + std::to_string(bytes.size() - start) + " bytes, the header promises " +
                                 std::to_string(count * width));
    a.data.resize(count);
    const char* src = bytes.data() + start;
    for (std::size_t i = 0; i < count; ++i, src += width) {
        if (a.dtype == "<f4") {
            float f;
            std::memcpy(&f, src, 4);
            a.data[i] = f;
        } else if (a.dtype == "<f8") {
            std::memcpy(&a.data[i], src, 8);
        } else if (a.dtype == "<i8") {
            std::int64_t v;
            std::memcpy(&v, src, 8);
            a.data[i] = double(v);
        } else if (a.dtype == "<i4") {
            std::int32_t v;
            std::memcpy(&v, src, 4);
            a.data[i] = double(v);
        } else {
            a.data[i] = *src != 0 ? 1.0 : 0.0;
        }
    }
    return a;
}

std::string npyBytes(const NpyArray& a) {
    const std::size_t width = npyDtypeWidth(a.dtype);
    if (width == 0) throw std::runtime_error(".npy dtype '" + a.dtype + "' cannot be written (only <f4, <f8, <i8, <i4 and |b1)");
    std::size_t count = 1;
    std::string shape;
    for (std::size_t d : a.shape) {
        count *= d;
        shape += std::to_string(d) + (a.shape.size() == 1 ? "," : ", ");
    }
    if (!shape.empty() && a.shape.size() > 1) shape.resize(shape.size() - 2);
    if (count != a.data.size())
        throw std::runtime_error(".npy array of shape (" + shape + ") needs " + std::to_string(count) + " values, got " +
                                 std::to_string(a.data.size()));
    std::string out = npyPreamble("{'descr': '" + a.dtype + "', 'fortran_order': " + (a.fortranOrder ? "True" : "False") +
                                  ", 'shape': (" + shape + "), }");
    std::size_t pos = out.size();
    out.resize(pos + count * width);
    for (double v : a.data) {
        char* dst = out.data() + pos;
        if (a.dtype == "<f4") {
            const float f = float(v);
            std::memcpy(dst, &f, 4);
        } else if (a.dtype == "<f8") {
            std::memcpy(dst, &v, 8);
        } else if (a.dtype == "<i8") {
            const std::int64_t i = std::int64_t(v);
            std::memcpy(dst, &i, 8);
        } else if (a.dtype == "<i4") {
            const std::int32_t i = std::int32_t(v);
            std::memcpy(dst, &i, 4);
        } else {
            *dst = v != 0 ? 1 : 0;
        }
        pos += width;
    }
    return out;
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    if (path.empty()) throw std::runtime_error("cannot write: no file name given");
    const std::string tmp = path + ".tmp-export";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw std::runtime_error("cannot write " + path + ": write failed (disk full?)");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot write " + path + ": " + why);
    }
}

bool hasExtension(const std::string& path, const std::string& ext) {
    if (path.size() < ext.size()) return false;
    return std::equal(ext.rbegin(), ext.rend(), path.rbegin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); });
}

}  // namespace ganglion::io
