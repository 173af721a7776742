// Readers for fixed-size records: N-MNIST .bin, Prophesee .dat (Event2D/CD), AEDAT 2.0.
// All three store short timestamps that wrap; a backward jump by more than half the range is
// taken as a wrap (recordings are monotonic in time).
#include "core/events/event_reader.h"

#include <cstring>
#include <string>

namespace ganglion::events {

namespace {

constexpr std::size_t kChunkEvents = 8192;

/// Unwraps a `bits`-wide timestamp counter into a 64-bit time.
struct Unwrapper {
    int bits = 32;
    std::int64_t wraps = 0;
    std::int64_t last = -1;
    std::int64_t operator()(std::int64_t raw) {
        const std::int64_t range = std::int64_t(1) << bits;
        if (last >= 0 && raw < last - range / 2) ++wraps;
        last = raw;
        return raw + wraps * range;
    }
};

/// Common skeleton: header of `headerBytes_`, then records of `recordBytes_`.
class FixedRecordReader : public EventReader {
protected:
    virtual bool decodeRecord(const std::uint8_t* p, Event& e) = 0;  ///< false = skip record

    bool decodeChunk(std::vector<Event>& out) override {
        const std::size_t want = kChunkEvents * recordBytes_;
        const std::size_t avail = src_.require(want);
        const std::size_t n = avail / recordBytes_;
        const std::uint8_t* p = src_.data();
        out.reserve(out.size() + n);
        Event e;
        for (std::size_t i = 0; i < n; ++i, p += recordBytes_)
            if (decodeRecord(p, e)) out.push_back(e);
        src_.consume(n * recordBytes_);
        if (n * recordBytes_ < want) {  // end of file reached
            const std::size_t rest = avail - n * recordBytes_;
            if (rest > 0)
                return fail("truncated file: " + std::to_string(rest) + " trailing bytes at offset " +
                                std::to_string(src_.offset()) + " do not form a whole " +
                                std::to_string(recordBytes_) + "-byte event",
                            src_.offset());
            return false;
        }
        return true;
    }
    Checkpoint checkpoint() const override {
        Checkpoint c;
        c.offset = src_.offset();
        c.state[0] = unwrap_.wraps;
        c.state[1] = unwrap_.last;
        return c;
    }
    void restore(const Checkpoint& c) override {
        src_.seek(c.offset);
        unwrap_.wraps = c.state[0];
        unwrap_.last = c.state[1];
    }

    std::size_t recordBytes_ = 8;
    Unwrapper unwrap_;
};

// N-MNIST / N-Caltech101: 5 bytes, big-endian bit fields, 23-bit µs timestamps.
class NMnistReader final : public FixedRecordReader {
public:
    FileFormat format() const override { return FileFormat::NMnistBin; }

protected:
    bool openImpl() override {
        recordBytes_ = 5;
        unwrap_ = Unwrapper{23};
        return true;
    }
    /// N-MNIST recordings come from a 34x34 crop of the ATIS sensor: a recording whose events
    /// all fall inside it is taken as 34x34 (larger ones, e.g. N-Caltech101, keep the inferred size).
    void adjustInferredSize(int& w, int& h) const override {
        if (w <= 34 && h <= 34) w = h = 34;
    }
    bool decodeRecord(const std::uint8_t* p, Event& e) override {
        e.x = p[0];
        e.y = p[1];
        e.p = std::uint8_t(p[2] >> 7);
        e.t = unwrap_((std::int64_t(p[2] & 0x7f) << 16) | (std::int64_t(p[3]) << 8) | p[4]);
        return true;
    }
};

// Prophesee .dat: '%' header lines, event type byte, event size byte, 8-byte LE events.
class DatReader final : public FixedRecordReader {
public:
    FileFormat format() const override { return FileFormat::PropheseeDat; }

protected:
    bool openImpl() override {
        unwrap_ = Unwrapper{32};
        const auto lines = readHeaderLines(src_, '%');
        int w = 0, h = 0;
        if (headerSensorSize(lines, &w, &h)) setSensor(w, h);
        if (src_.require(2) < 2)
            return fail("'" + path_ + "': .dat header is not followed by the event type/size bytes",
                        src_.offset());
        const int type = src_.data()[0], size = src_.data()[1];
        if (size != 8)
            return fail("'" + path_ + "': .dat event size " + std::to_string(size) + " (type " +
                            std::to_string(type) + ") is not supported; only 8-byte CD events",
                        src_.offset());
        src_.consume(2);
        recordBytes_ = 8;
        return true;
    }
    bool decodeRecord(const std::uint8_t* p, Event& e) override {
        std::uint32_t ts, data;
        std::memcpy(&ts, p, 4);
        std::memcpy(&data, p + 4, 4);
        e.t = unwrap_(ts);
        e.x = std::uint16_t(data & 0x3FFF);
        e.y = std::uint16_t((data >> 14) & 0x3FFF);
        e.p = (data >> 28) ? 1 : 0;
        return true;
    }
};

// AEDAT 2.0 (jAER): '#' header lines, then 8-byte big-endian (address, timestamp) records.
// DAVIS layout: bit 31 = APS/IMU sample (skipped), y = bits 30..22, x = bits 21..12,
// polarity = bit 11, bit 10 = external event (skipped). DVS128 layout (header names DVS128 or
// Tmpdiff128): x = bits 7..1, y = bits 14..8, polarity = bit 0, 128x128.
class Aedat2Reader final : public FixedRecordReader {
public:
    FileFormat format() const override { return FileFormat::Aedat2; }

protected:
    bool openImpl() override {
        unwrap_ = Unwrapper{32};
        recordBytes_ = 8;
        const auto lines = readHeaderLines(src_, '#');
        if (lines.empty() || lines[0].rfind("!AER-DAT", 0) != 0)
            return fail("'" + path_ + "' does not start with the #!AER-DAT header line", 0);
        for (const auto& l : lines)
            if (l.find("DVS128") != std::string::npos || l.find("Tmpdiff128") != std::string::npos)
                dvs128_ = true;
        if (dvs128_) setSensor(128, 128);
        return true;
    }
    bool decodeRecord(const std::uint8_t* p, Event& e) override {
        const std::uint32_t addr = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
                                   (std::uint32_t(p[2]) << 8) | p[3];
        const std::uint32_t ts = (std::uint32_t(p[4]) << 24) | (std::uint32_t(p[5]) << 16) |
                                 (std::uint32_t(p[6]) << 8) | p[7];
        const std::int64_t t = unwrap_(ts);
        if (dvs128_) {
            e.x = std::uint16_t((addr >> 1) & 0x7F);
            e.y = std::uint16_t((addr >> 8) & 0x7F);
            e.p = std::uint8_t(addr & 1);
        } else {
            if (addr & 0x80000000u) return false;  // APS or IMU sample
            if (addr & 0x400u) return false;       // external (trigger) event
            e.x = std::uint16_t((addr >> 12) & 0x3FF);
            e.y = std::uint16_t((addr >> 22) & 0x1FF);
            e.p = std::uint8_t((addr >> 11) & 1);
        }
        e.t = t;
        return true;
    }

private:
    bool dvs128_ = false;
};

}  // namespace

std::unique_ptr<EventReader> makeNMnistReader() { return std::make_unique<NMnistReader>(); }
std::unique_ptr<EventReader> makeDatReader() { return std::make_unique<DatReader>(); }
std::unique_ptr<EventReader> makeAedat2Reader() { return std::make_unique<Aedat2Reader>(); }

}  // namespace ganglion::events
