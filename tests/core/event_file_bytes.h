// Hand-built event-file bytes shared by the event reader tests and the fuzz seed generator:
// little/big-endian appends and minimal AEDAT 4.0 FlatBuffers (layouts hand-computed; see
// reader_aedat4.cpp), optionally LZ4- or Zstd-compressed. No Qt.
#pragma once

#include "core/model/types.h"

#include <lz4frame.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ganglion::testing {

using Bytes = std::vector<std::uint8_t>;

inline void append(Bytes& b, const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }
template <class T>
inline void appendLE(Bytes& b, T v) {
    std::uint8_t tmp[sizeof(T)];
    std::memcpy(tmp, &v, sizeof(T));
    b.insert(b.end(), tmp, tmp + sizeof(T));
}
inline void appendBE32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}
// Minimal FlatBuffers for AEDAT 4.0 (layouts hand-computed; see reader_aedat4.cpp).
inline Bytes ioHeader(std::int32_t compression, const std::string& info) {
    Bytes b;
    appendLE<std::uint32_t>(b, 16);  // root table at 16
    appendLE<std::uint16_t>(b, 10);  // vtable (at 4): size, table size, 3 field offsets
    appendLE<std::uint16_t>(b, 20);
    appendLE<std::uint16_t>(b, 4);
    appendLE<std::uint16_t>(b, 8);
    appendLE<std::uint16_t>(b, 16);
    b.resize(16, 0);
    appendLE<std::int32_t>(b, 12);  // table: soffset to vtable (16 - 4)
    appendLE<std::int32_t>(b, compression);
    appendLE<std::int64_t>(b, -1);         // dataTablePosition: none
    appendLE<std::uint32_t>(b, 36 - 32);   // infoNode string at 36
    appendLE<std::uint32_t>(b, std::uint32_t(info.size()));
    append(b, info);
    b.push_back(0);
    return b;
}
inline Bytes eventPacketFB(const std::vector<Event>& ev, bool sizePrefixed) {
    Bytes b;
    appendLE<std::uint32_t>(b, 16);  // root table
    append(b, "EVTS");
    appendLE<std::uint16_t>(b, 6);   // vtable at 8
    appendLE<std::uint16_t>(b, 8);
    appendLE<std::uint16_t>(b, 4);
    b.resize(16, 0);
    appendLE<std::int32_t>(b, 8);    // table at 16 -> vtable at 8
    appendLE<std::uint32_t>(b, 8);   // field 0 at 20 -> vector at 28
    b.resize(28, 0);
    appendLE<std::uint32_t>(b, std::uint32_t(ev.size()));
    for (const auto& e : ev) {
        appendLE<std::int64_t>(b, e.t);
        appendLE<std::int16_t>(b, std::int16_t(e.x));
        appendLE<std::int16_t>(b, std::int16_t(e.y));
        b.push_back(e.p);
        b.insert(b.end(), 3, 0);
    }
    if (sizePrefixed) {
        Bytes s;
        appendLE<std::uint32_t>(s, std::uint32_t(b.size()));
        s.insert(s.end(), b.begin(), b.end());
        return s;
    }
    return b;
}
inline Bytes compress(const Bytes& b, int compression) {
    if (compression == 1) {
        Bytes out(LZ4F_compressFrameBound(b.size(), nullptr));
        out.resize(LZ4F_compressFrame(out.data(), out.size(), b.data(), b.size(), nullptr));
        return out;
    }
    if (compression == 3) {
        Bytes out(ZSTD_compressBound(b.size()));
        out.resize(ZSTD_compress(out.data(), out.size(), b.data(), b.size(), 3));
        return out;
    }
    return b;
}

}  // namespace ganglion::testing
