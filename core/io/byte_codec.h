// The binary replies of the helper processes (ganglion-h5-reader, see helper_process.h): values
// appended raw in host byte order (writer and reader are the same build on the same machine),
// read back with every length checked, so a truncated or damaged reply is an error, never an
// out-of-bounds read. `Error` is the exception type the caller reports (constructible from a
// std::string).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace ganglion::io {

template <typename T>
void put(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

/// A length-prefixed string (uint32 length, then the bytes).
inline void putStr(std::string& out, const std::string& s) {
    put<std::uint32_t>(out, std::uint32_t(s.size()));
    out += s;
}

template <typename Error>
class ByteReader {
public:
    /// `what` names the reply in the error ("reply of the HDF5 reader").
    ByteReader(const std::string& s, const char* what) : s_(s), what_(what) {}
    template <typename T>
    T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, s_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string str() {
        const std::size_t n = get<std::uint32_t>();
        need(n);
        std::string v = s_.substr(pos_, n);
        pos_ += n;
        return v;
    }
    /// A count of items that each take at least `minBytes`: rejects counts the data cannot hold.
    std::size_t count(std::size_t n, std::size_t minBytes) {
        if (n > (s_.size() - pos_) / std::max<std::size_t>(minBytes, 1)) fail();
        return n;
    }
    void need(std::size_t n) const {
        if (n > s_.size() - pos_) fail();
    }
    /// Consumes `magic` (the reply's first bytes) or fails.
    void expect(const char* magic, std::size_t len) {
        need(len);
        if (s_.compare(pos_, len, magic, len) != 0) fail();
        pos_ += len;
    }
    const char* at() const { return s_.data() + pos_; }
    void skip(std::size_t n) {
        need(n);
        pos_ += n;
    }
    bool atEnd() const { return pos_ == s_.size(); }
    void end() const {
        if (!atEnd()) fail();
    }
    [[noreturn]] void fail() const { throw Error(std::string("truncated or malformed ") + what_); }

private:
    const std::string& s_;
    const char* what_;
    std::size_t pos_ = 0;
};

/// A helper's message on one line (newlines as spaces, at most 500 characters) for an error text.
inline std::string oneLine(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s.size() > 500 ? s.substr(0, 500) + "..." : s;
}

}  // namespace ganglion::io
