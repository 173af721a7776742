// Prophesee .raw readers: EVT 2.0, EVT 2.1 and EVT 3.0 ('%' header lines ending with "% end").
// Word layouts: evt_codec.h.
#include "core/events/event_reader.h"
#include "core/events/evt_codec.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace ganglion::events {

namespace {

constexpr std::size_t kChunkWords = 16384;

std::string hex(unsigned v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%X", v);
    return b;
}

template <class Word>
class RawReader : public EventReader {
protected:
    bool openImpl() override {
        const auto lines = readHeaderLines(src_, '%');
        int w = 0, h = 0;
        if (headerSensorSize(lines, &w, &h)) setSensor(w, h);
        headerRead(lines);
        return true;
    }
    /// For readers whose decoding depends on header keywords.
    virtual void headerRead(const std::vector<std::string>& /*lines*/) {}
    /// Decode `n` aligned words into out (room for maxEventsPerWord * n); returns the result.
    virtual DecodeResult decodeWords(const Word* words, std::size_t n, Event* out) = 0;
    virtual std::size_t maxEventsPerWord() const = 0;
    /// Room decoding `n` words needs (cleared before decoding, so vector formats count exactly).
    virtual std::size_t eventsAtMost(const Word* /*words*/, std::size_t n) const { return n * maxEventsPerWord(); }
    virtual const char* name() const = 0;

    bool decodeChunk(std::vector<Event>& out) override {
        const std::size_t avail = src_.require(kChunkWords * sizeof(Word));
        const std::size_t n = avail / sizeof(Word);
        words_.resize(n);
        if (n) std::memcpy(words_.data(), src_.data(), n * sizeof(Word));
        const std::size_t base = out.size();
        out.resize(base + eventsAtMost(words_.data(), n));
        const DecodeResult r = decodeWords(words_.data(), n, out.data() + base);
        out.resize(base + r.events);
        const std::uint64_t at = src_.offset() + r.words * sizeof(Word);
        src_.consume(r.words * sizeof(Word));
        if (r.bad)
            return fail(std::string("corrupt ") + name() + " data: unknown word type " +
                            hex(r.badType) + " at byte offset " + std::to_string(at),
                        at);
        if (n < kChunkWords) {
            const std::size_t rest = avail - n * sizeof(Word);
            if (rest)
                return fail("truncated file: " + std::to_string(rest) + " trailing bytes at offset " +
                                std::to_string(src_.offset()) + " do not form a whole " + name() +
                                " word",
                            src_.offset());
            return false;
        }
        return true;
    }

    std::vector<Word> words_;
};

/// Time state checkpoint shared by the EVT 2.0 and 2.1 readers.
Checkpoint evt2Checkpoint(const ByteSource& src, const Evt2State& s) {
    Checkpoint c;
    c.offset = src.offset();
    c.state[0] = s.wraps;
    c.state[1] = s.lastRaw;
    c.state[2] = s.timeHigh;
    return c;
}
void evt2Restore(ByteSource& src, Evt2State& s, const Checkpoint& c) {
    src.seek(c.offset);
    s.wraps = c.state[0];
    s.lastRaw = c.state[1];
    s.timeHigh = c.state[2];
}

class Evt2Reader final : public RawReader<std::uint32_t> {
public:
    FileFormat format() const override { return FileFormat::Evt2; }

protected:
    DecodeResult decodeWords(const std::uint32_t* w, std::size_t n, Event* out) override {
        return decodeEvt2(w, n, state_, out);
    }
    std::size_t maxEventsPerWord() const override { return 1; }
    const char* name() const override { return "EVT 2.0"; }
    Checkpoint checkpoint() const override { return evt2Checkpoint(src_, state_); }
    void restore(const Checkpoint& c) override { evt2Restore(src_, state_, c); }

private:
    Evt2State state_;
};

class Evt21Reader final : public RawReader<std::uint64_t> {
public:
    FileFormat format() const override { return FileFormat::Evt21; }

protected:
    void headerRead(const std::vector<std::string>& lines) override {
        legacy_ = std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
            return l.find("endianness=legacy") != std::string::npos;
        });
    }
    DecodeResult decodeWords(const std::uint64_t* w, std::size_t n, Event* out) override {
        if (!legacy_) return decodeEvt21(w, n, state_, out);
        swapped_.resize(n);
        for (std::size_t i = 0; i < n; ++i) swapped_[i] = swapEvt21Halves(w[i]);
        return decodeEvt21(swapped_.data(), n, state_, out);
    }
    std::size_t maxEventsPerWord() const override { return 32; }
    std::size_t eventsAtMost(const std::uint64_t* w, std::size_t n) const override {
        // One event per set validity bit of a CD word; counting the mask half of every word
        // bounds it (typically far below 32 per word).
        std::size_t k = 0;
        for (std::size_t i = 0; i < n; ++i)
            k += std::size_t(__builtin_popcountll(legacy_ ? (w[i] >> 32) : (w[i] & 0xFFFFFFFFu)));
        return k;
    }
    const char* name() const override { return "EVT 2.1"; }
    Checkpoint checkpoint() const override { return evt2Checkpoint(src_, state_); }
    void restore(const Checkpoint& c) override { evt2Restore(src_, state_, c); }

private:
    Evt2State state_;
    bool legacy_ = false;
    std::vector<std::uint64_t> swapped_;
};

class Evt3Reader final : public RawReader<std::uint16_t> {
public:
    FileFormat format() const override { return FileFormat::Evt3; }

protected:
    DecodeResult decodeWords(const std::uint16_t* w, std::size_t n, Event* out) override {
        return decodeEvt3(w, n, state_, out);
    }
    std::size_t maxEventsPerWord() const override { return 12; }
    const char* name() const override { return "EVT 3.0"; }
    Checkpoint checkpoint() const override {
        Checkpoint c;
        c.offset = src_.offset();
        c.state[0] = state_.timeHigh;
        c.state[1] = state_.lastRaw;
        c.state[2] = state_.wraps;
        c.state[3] = std::int64_t(state_.timeLow) | (std::int64_t(state_.y) << 12) |
                     (std::int64_t(state_.baseX) << 24) | (std::int64_t(state_.polarity) << 40);
        return c;
    }
    void restore(const Checkpoint& c) override {
        src_.seek(c.offset);
        state_.timeHigh = c.state[0];
        state_.lastRaw = c.state[1];
        state_.wraps = c.state[2];
        state_.timeLow = std::int32_t(c.state[3] & 0xFFF);
        state_.y = std::int32_t((c.state[3] >> 12) & 0xFFF);
        state_.baseX = std::int32_t((c.state[3] >> 24) & 0xFFFF);
        state_.polarity = std::int32_t((c.state[3] >> 40) & 1);
    }

private:
    Evt3State state_;
};

}  // namespace

std::unique_ptr<EventReader> makeEvt2Reader() { return std::make_unique<Evt2Reader>(); }
std::unique_ptr<EventReader> makeEvt21Reader() { return std::make_unique<Evt21Reader>(); }
std::unique_ptr<EventReader> makeEvt3Reader() { return std::make_unique<Evt3Reader>(); }

}  // namespace ganglion::events
