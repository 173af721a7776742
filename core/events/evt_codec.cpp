#include "core/events/evt_codec.h"

namespace ganglion::events {

namespace {
/// TIME_HIGH: `raw` is the 28-bit counter of t >> 6; returns the unwrapped t with low bits 0.
std::int64_t unwrapTimeHigh(Evt2State& s, std::int64_t raw) {
    if (s.lastRaw >= 0 && raw < s.lastRaw - (std::int64_t(1) << 27)) ++s.wraps;
    s.lastRaw = raw;
    return (raw + (s.wraps << 28)) << 6;
}

/// The end of an EVT 2.x decode: after `words` words (`badType` set when a word of an unknown
/// type stopped it there), with the time base kept for the next call.
DecodeResult finish(Evt2State& s, std::int64_t high, std::size_t words, std::size_t events, int badType = -1) {
    DecodeResult r;
    s.timeHigh = high;
    r.words = words;
    r.events = events;
    if (badType >= 0) {
        r.bad = true;
        r.badType = unsigned(badType);
    }
    return r;
}
}  // namespace

DecodeResult decodeEvt2(const std::uint32_t* words, std::size_t n, Evt2State& s, Event* out) {
    Event* o = out;
    std::int64_t high = s.timeHigh;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t w = words[i];
        const unsigned type = w >> 28;
        if (type <= 1) {  // CD_OFF / CD_ON
            o->t = high | ((w >> 22) & 0x3F);
            o->x = std::uint16_t((w >> 11) & 0x7FF);
            o->y = std::uint16_t(w & 0x7FF);
            o->p = std::uint8_t(type);
            ++o;
        } else if (type == 0x8) {  // EVT_TIME_HIGH: bits 27..0 are t >> 6
            high = unwrapTimeHigh(s, w & 0x0FFFFFFF);
        } else if (type == 0xA || type == 0xE || type == 0xF) {
            // EXT_TRIGGER, OTHERS, CONTINUED: not camera events
        } else {
            return finish(s, high, i, std::size_t(o - out), int(type));
        }
    }
    return finish(s, high, n, std::size_t(o - out));
}

DecodeResult decodeEvt21(const std::uint64_t* words, std::size_t n, Evt2State& s, Event* out) {
    Event* o = out;
    std::int64_t high = s.timeHigh;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t w = words[i];
        const unsigned type = unsigned(w >> 60);
        if (type <= 1) {  // EVT_NEG / EVT_POS: up to 32 events
            const std::int64_t t = high | std::int64_t((w >> 54) & 0x3F);
            const unsigned x = unsigned((w >> 43) & 0x7FF);
            const auto y = std::uint16_t((w >> 32) & 0x7FF);
            for (std::uint32_t mask = std::uint32_t(w); mask; mask &= mask - 1) {
                o->t = t;
                o->x = std::uint16_t(x + unsigned(__builtin_ctz(mask)));
                o->y = y;
                o->p = std::uint8_t(type);
                ++o;
            }
        } else if (type == 0x8) {
            high = unwrapTimeHigh(s, std::int64_t((w >> 32) & 0x0FFFFFFF));
        } else if (type == 0xA || type == 0xE || type == 0xF) {
            // EXT_TRIGGER, OTHERS, CONTINUED: not camera events
        } else {
            return finish(s, high, i, std::size_t(o - out), int(type));
        }
    }
    return finish(s, high, n, std::size_t(o - out));
}

DecodeResult decodeEvt3(const std::uint16_t* words, std::size_t n, Evt3State& s, Event* out) {
    DecodeResult r;
    Event* o = out;
    auto now = [&s] { return (s.timeHigh << 12) | s.timeLow; };
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint16_t w = words[i];
        switch (w >> 12) {
        case 0x0:  // EVT_ADDR_Y
            s.y = w & 0x7FF;
            break;
        case 0x2:  // EVT_ADDR_X: one event
            o->t = now();
            o->x = std::uint16_t(w & 0x7FF);
            o->y = std::uint16_t(s.y);
            o->p = std::uint8_t((w >> 11) & 1);
            ++o;
            break;
        case 0x3:  // VECT_BASE_X
            s.baseX = w & 0x7FF;
            s.polarity = (w >> 11) & 1;
            break;
        case 0x4:    // VECT_12
        case 0x5: {  // VECT_8
            const int bits = (w >> 12) == 0x4 ? 12 : 8;
            const std::int64_t t = now();
            for (int b = 0; b < bits; ++b)
                if (w & (1u << b)) {
                    o->t = t;
                    o->x = std::uint16_t(s.baseX + b);
                    o->y = std::uint16_t(s.y);
                    o->p = std::uint8_t(s.polarity);
                    ++o;
                }
            s.baseX += bits;
            break;
        }
        case 0x6:  // EVT_TIME_LOW
            s.timeLow = w & 0xFFF;
            break;
        case 0x8: {  // EVT_TIME_HIGH: 12-bit counter of t >> 12
            const std::int64_t raw = w & 0xFFF;
            if (s.lastRaw >= 0 && raw < s.lastRaw - 2048) ++s.wraps;
            s.lastRaw = raw;
            s.timeHigh = raw + (s.wraps << 12);
            break;
        }
        case 0x7: case 0xA: case 0xE: case 0xF:  // CONTINUED_4, EXT_TRIGGER, OTHERS, CONTINUED_12
            break;
        default:
            r.words = i;
            r.bad = true;
            r.badType = unsigned(w >> 12);
            r.events = std::size_t(o - out);
            return r;
        }
    }
    r.words = n;
    r.events = std::size_t(o - out);
    return r;
}

}  // namespace ganglion::events
