// Prophesee EVT 2.0 (32-bit words) and EVT 3.0 (16-bit words) decoders as plain functions over
// word arrays, used by the file readers and the benchmark. State carries across calls so a
// stream can be decoded in chunks of any size.
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

}  // namespace ganglion::events
