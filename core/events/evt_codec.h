// Prophesee EVT 2.0 (32-bit words), EVT 2.1 (64-bit vectorised words) and EVT 3.0 (16-bit words)
// decoders as plain functions over word arrays, used by the file readers and the benchmark. State
// carries across calls so a stream can be decoded in chunks of any size.
//
// EVT 2.1 (Prophesee, "EVT 2.1 Format", docs.prophesee.ai/stable/data/encoding_formats/evt21.html):
// the 4 most significant bits of each 64-bit word give its type.
//   EVT_NEG 0x0 / EVT_POS 0x1: [59:54] time LSBs (t & 63), [53:43] x of the first pixel of a
//     32-pixel group, [42:32] y, [31:0] validity mask: bit i set = an event at (x + i, y).
//   EVT_TIME_HIGH 0x8: [59:32] t >> 6 (28-bit counter that wraps), low 32 bits unused.
//   EXT_TRIGGER 0xA, OTHERS 0xE, CONTINUED 0xF: not camera events (skipped).
// Files store each word little-endian; recordings of IMX636-based cameras marked
// "endianness=legacy" in the header store the upper 32-bit half first (see swapEvt21Halves).
#pragma once

#include "core/model/types.h"

#include <cstddef>
#include <cstdint>

namespace ganglion::events {

struct Evt2State {
    std::int64_t timeHigh = 0;  ///< unwrapped TIME_HIGH (already shifted left by 6)
    std::int64_t wraps = 0;     ///< times the 28-bit TIME_HIGH counter wrapped
    std::int64_t lastRaw = -1;  ///< last raw TIME_HIGH value
};

struct DecodeResult {
    std::size_t words = 0;   ///< words consumed
    std::size_t events = 0;  ///< events written
    bool bad = false;        ///< stopped at a word of an unknown type (at index `words`)
    unsigned badType = 0;
};

/// Decodes up to n words; `out` must have room for n events. Stops at an unknown word type.
DecodeResult decodeEvt2(const std::uint32_t* words, std::size_t n, Evt2State& s, Event* out);

/// Decodes up to n 64-bit EVT 2.1 words; `out` must have room for 32 * n events. The time state
/// is the one of EVT 2.0 (same TIME_HIGH counter).
DecodeResult decodeEvt21(const std::uint64_t* words, std::size_t n, Evt2State& s, Event* out);

/// The word with its two 32-bit halves exchanged (legacy IMX636 EVT 2.1 byte order).
inline std::uint64_t swapEvt21Halves(std::uint64_t w) { return (w << 32) | (w >> 32); }

struct Evt3State {
    std::int64_t timeHigh = 0;  ///< unwrapped TIME_HIGH (12-bit counter, not shifted)
    std::int64_t lastRaw = -1;
    std::int64_t wraps = 0;
    std::int32_t timeLow = 0;
    std::int32_t y = 0;
    std::int32_t baseX = 0;
    std::int32_t polarity = 0;
};

/// Decodes up to n 16-bit words; `out` must have room for 12 * n events (vector words).
DecodeResult decodeEvt3(const std::uint16_t* words, std::size_t n, Evt3State& s, Event* out);

/// Encodes events (sorted by time) as EVT 2.0 words: a TIME_HIGH word whenever t >> 6 changes,
/// then one CD word per event. Appends to `words`; `lastHigh` carries across calls (start -1).
template <class Vec>
void encodeEvt2(const Event* ev, std::size_t n, std::int64_t& lastHigh, Vec& words) {
    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = ev[i];
        const std::int64_t high = e.t >> 6;
        if (high != lastHigh) {
            words.push_back(std::uint32_t(0x8u << 28) | std::uint32_t(high & 0x0FFFFFFF));
            lastHigh = high;
        }
        words.push_back(std::uint32_t((e.p ? 1u : 0u) << 28) |
                        std::uint32_t((e.t & 0x3F) << 22) | (std::uint32_t(e.x & 0x7FF) << 11) |
                        std::uint32_t(e.y & 0x7FF));
    }
}

/// Encodes events (sorted by time) as EVT 2.1 words: a TIME_HIGH word whenever t >> 6 changes;
/// consecutive events of the same time, polarity, row and 32-pixel group (x increasing) share one
/// vector word. Appends to `words`; `lastHigh` carries across calls (start -1).
template <class Vec>
void encodeEvt21(const Event* ev, std::size_t n, std::int64_t& lastHigh, Vec& words) {
    std::size_t i = 0;
    while (i < n) {
        const Event& e = ev[i];
        const std::int64_t high = e.t >> 6;
        if (high != lastHigh) {
            words.push_back((std::uint64_t(0x8) << 60) | (std::uint64_t(high & 0x0FFFFFFF) << 32));
            lastHigh = high;
        }
        const std::uint32_t base = e.x & ~31u;
        std::uint64_t mask = std::uint64_t(1) << (e.x & 31);
        std::size_t j = i + 1;
        while (j < n && ev[j].t == e.t && ev[j].p == e.p && ev[j].y == e.y && (ev[j].x & ~31u) == base &&
               ev[j].x > ev[j - 1].x) {
            mask |= std::uint64_t(1) << (ev[j].x & 31);
            ++j;
        }
        words.push_back((std::uint64_t(e.p ? 1 : 0) << 60) | (std::uint64_t(e.t & 0x3F) << 54) |
                        (std::uint64_t(base & 0x7FF) << 43) | (std::uint64_t(e.y & 0x7FF) << 32) | mask);
        i = j;
    }
}

}  // namespace ganglion::events
