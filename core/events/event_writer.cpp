#include "core/events/event_writer.h"
#include "core/events/event_hdf5.h"

#include "core/events/evt_codec.h"

#include <cerrno>
#include <cstring>

namespace ganglion::events {

namespace {

std::string describe(const Event& e) {
    return "(t=" + std::to_string(e.t) + " x=" + std::to_string(e.x) + " y=" + std::to_string(e.y) + ")";
}

// N-MNIST: 5 bytes, x and y in one byte each, 23-bit timestamps (wrap every 8.39 s).
class NMnistWriter final : public EventWriter {
public:
    FileFormat format() const override { return FileFormat::NMnistBin; }

protected:
    bool writeHeader() override {
        if (width_ > 256 || height_ > 256)
            return fail("N-MNIST .bin holds sensors up to 256x256, not " + std::to_string(width_) + "x" +
                        std::to_string(height_));
        return true;
    }
    bool encode(std::span<const Event> ev) override {
        buf_.resize(ev.size() * 5);
        std::uint8_t* p = buf_.data();
        for (const Event& e : ev) {
            if (e.x > 255 || e.y > 255 || e.t < 0)
                return fail("event " + describe(e) + " does not fit N-MNIST .bin (x, y < 256, t >= 0)");
            const std::uint32_t t = std::uint32_t(e.t & 0x7FFFFF);
            p[0] = std::uint8_t(e.x);
            p[1] = std::uint8_t(e.y);
            p[2] = std::uint8_t((e.p ? 0x80 : 0) | (t >> 16));
            p[3] = std::uint8_t(t >> 8);
            p[4] = std::uint8_t(t);
            p += 5;
        }
        return put(buf_.data(), buf_.size());
    }
};

// Prophesee .dat: '%' header, type 0x00 (CD), size 8, then {uint32 t, uint32 x|y<<14|p<<28}.
class DatWriter final : public EventWriter {
public:
    FileFormat format() const override { return FileFormat::PropheseeDat; }

protected:
    bool writeHeader() override {
        const std::string h = "% Data file containing Event2D events.\n% Version 2\n% Width " +
                              std::to_string(width_) + "\n% Height " + std::to_string(height_) + "\n";
        const std::uint8_t typeSize[2] = {0, 8};
        return put(h.data(), h.size()) && put(typeSize, 2);
    }
    bool encode(std::span<const Event> ev) override {
        buf_.resize(ev.size() * 8);
        std::uint8_t* p = buf_.data();
        for (const Event& e : ev) {
            if (e.x >= 1 << 14 || e.y >= 1 << 14 || e.t < 0)
                return fail("event " + describe(e) + " does not fit .dat (x, y < 16384, t >= 0)");
            const std::uint32_t t = std::uint32_t(e.t);
            const std::uint32_t d = std::uint32_t(e.x) | (std::uint32_t(e.y) << 14) | (std::uint32_t(e.p ? 1 : 0) << 28);
            std::memcpy(p, &t, 4);
            std::memcpy(p + 4, &d, 4);
            p += 8;
        }
        return put(buf_.data(), buf_.size());
    }
};

/// Prophesee .raw: EVT 2.0 (32-bit words) or EVT 2.1 (64-bit vector words, little-endian).
template <class Word>
class RawWriter final : public EventWriter {
public:
    FileFormat format() const override { return sizeof(Word) == 4 ? FileFormat::Evt2 : FileFormat::Evt21; }

protected:
    const char* name() const { return sizeof(Word) == 4 ? "EVT 2.0" : "EVT 2.1"; }
    bool writeHeader() override {
        const std::string h = std::string("% evt ") + (sizeof(Word) == 4 ? "2.0" : "2.1") + "\n% format " +
                              (sizeof(Word) == 4 ? "EVT2" : "EVT21") + ";height=" + std::to_string(height_) +
                              ";width=" + std::to_string(width_) + "\n% geometry " + std::to_string(width_) +
                              "x" + std::to_string(height_) + "\n% generator Ganglion\n% end\n";
        return put(h.data(), h.size());
    }
    bool encode(std::span<const Event> ev) override {
        words_.clear();
        for (const Event& e : ev)
            if (e.x >= 2048 || e.y >= 2048 || e.t < 0)
                return fail("event " + describe(e) + " does not fit " + name() + " (x, y < 2048, t >= 0)");
        if constexpr (sizeof(Word) == 4)
            encodeEvt2(ev.data(), ev.size(), lastHigh_, words_);
        else
            encodeEvt21(ev.data(), ev.size(), lastHigh_, words_);
        return put(words_.data(), words_.size() * sizeof(Word));
    }

private:
    std::vector<Word> words_;
    std::int64_t lastHigh_ = -1;
};

class TextWriter final : public EventWriter {
public:
    explicit TextWriter(bool seconds) : seconds_(seconds) {}
    FileFormat format() const override { return FileFormat::Text; }

protected:
    bool writeHeader() override {
        const std::string h = std::string("# t") + (seconds_ ? "[s]" : "[us]") + " x y p; width " +
                              std::to_string(width_) + " height " + std::to_string(height_) + "\n";
        return put(h.data(), h.size());
    }
    bool encode(std::span<const Event> ev) override {
        std::string s;
        s.reserve(ev.size() * 24);
        char line[96];
        for (const Event& e : ev) {
            int n;
            if (seconds_)
                n = std::snprintf(line, sizeof line, "%lld.%06lld %u %u %u\n", (long long)(e.t / 1000000),
                                  (long long)(e.t % 1000000), e.x, e.y, unsigned(e.p));
            else
                n = std::snprintf(line, sizeof line, "%lld %u %u %u\n", (long long)e.t, e.x, e.y, unsigned(e.p));
            if (seconds_ && e.t < 0) return fail("event " + describe(e) + ": negative time in seconds text");
            s.append(line, std::size_t(n));
        }
        return put(s.data(), s.size());
    }

private:
    bool seconds_;
};

}  // namespace

EventWriter::~EventWriter() {
    if (f_) std::fclose(f_);
}

bool EventWriter::open(const std::string& path, int width, int height) {
    path_ = path;
    width_ = width;
    height_ = height;
    error_.clear();
    if (width <= 0 || height <= 0) return fail("sensor size " + std::to_string(width) + "x" + std::to_string(height) + " is invalid");
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) return fail("cannot create '" + path + "': " + std::strerror(errno));
    return writeHeader();
}

bool EventWriter::write(std::span<const Event> events) {
    if (!f_) return fail("writer is not open");
    for (const Event& e : events)
        if (e.x >= width_ || e.y >= height_)
            return fail("event " + describe(e) + " lies outside the " + std::to_string(width_) + "x" +
                        std::to_string(height_) + " sensor");
    return encode(events);
}

bool EventWriter::close() {
    if (!f_) return error_.empty();
    const bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok) return fail("error closing '" + path_ + "'");
    return error_.empty();
}

bool EventWriter::put(const void* data, std::size_t n) {
    if (n && std::fwrite(data, 1, n, f_) != n) return fail("write error on '" + path_ + "': " + std::strerror(errno));
    return true;
}

std::unique_ptr<EventWriter> makeWriter(FileFormat f, bool textSeconds) {
    switch (f) {
    case FileFormat::NMnistBin: return std::make_unique<NMnistWriter>();
    case FileFormat::PropheseeDat: return std::make_unique<DatWriter>();
    case FileFormat::Evt2: return std::make_unique<RawWriter<std::uint32_t>>();
    case FileFormat::Evt21: return std::make_unique<RawWriter<std::uint64_t>>();
    case FileFormat::Text: return std::make_unique<TextWriter>(textSeconds);
    default: return nullptr;
    }
}

bool writeEvents(const std::string& path, FileFormat f, const EventPacket& packet, std::string* error,
                 bool textSeconds) {
    if (f == FileFormat::Hdf5) return writeHdf5Events(path, packet, true, error);
    auto w = makeWriter(f, textSeconds);
    if (!w) {
        if (error) *error = std::string("no writer for ") + formatName(f);
        return false;
    }
    const bool ok = w->open(path, packet.width, packet.height) && w->write(packet.events) && w->close();
    if (!ok && error) *error = w->error();
    return ok;
}

}  // namespace ganglion::events
