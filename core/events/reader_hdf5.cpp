// Event HDF5 reader for the workbench: every access to the file goes through the ganglion-h5-reader
// helper process (see event_hdf5.h), which sends these replies on stdout (little-endian):
//   info:   "GEVI1\n" u64 count, i32 width, i32 height, u8 msIndex, i64 tFirst, i64 tLast
//   read:   "GEVE1\n" u64 n, i64 t[n], u16 x[n], u16 y[n], u8 p[n]
//   seek:   "GEVS1\n" u64 index
// A checkpoint's `offset` is an event index (not a byte offset) for this reader.
#include "core/events/event_hdf5.h"
#include "core/events/event_reader.h"
#include "core/io/byte_codec.h"
#include "core/io/helper_process.h"

#include <csignal>
#include <cstring>

#ifndef GANGLION_H5_READER_BUILD_PATH
#define GANGLION_H5_READER_BUILD_PATH ""
#endif

namespace ganglion::events {

namespace {

constexpr char kInfoMagic[] = "GEVI1\n";
constexpr char kEventsMagic[] = "GEVE1\n";
constexpr char kIndexMagic[] = "GEVS1\n";
constexpr std::size_t kMagicLen = 6;

using io::put;
using io::oneLine;

/// Bounds-checked reading of a helper reply that starts with `magic`.
struct Reply : io::ByteReader<Hdf5Error> {
    Reply(const std::string& s, const char* magic) : io::ByteReader<Hdf5Error>(s, "reply of the HDF5 reader") {
        expect(magic, kMagicLen);
    }
};

class Hdf5Reader final : public EventReader {
public:
    FileFormat format() const override { return FileFormat::Hdf5; }

protected:
    bool openImpl() override {
        try {
            info_ = h5events::decodeInfo(h5events::runEventsHelper(path_, {"info"}, kInfoTimeout));
        } catch (const Hdf5Error& e) {
            return fail(e.what(), 0);
        }
        if (info_.width > 0 && info_.height > 0) setSensor(info_.width, info_.height);
        next_ = 0;
        return true;
    }
    bool decodeChunk(std::vector<Event>& out) override {
        if (next_ >= info_.count) return false;
        try {
            const auto ev = h5events::decodeEvents(h5events::runEventsHelper(
                path_, {"read", std::to_string(next_), std::to_string(kHdf5ChunkEvents)}, kReadTimeout));
            if (ev.empty()) return fail(path_ + ": the HDF5 reader returned no events at index " + std::to_string(next_), next_);
            out.insert(out.end(), ev.begin(), ev.end());
            next_ += ev.size();
        } catch (const Hdf5Error& e) {
            return fail(e.what(), next_);
        }
        return next_ < info_.count;
    }
    Checkpoint checkpoint() const override {
        Checkpoint c;
        c.offset = next_;
        return c;
    }
    void restore(const Checkpoint& c) override { next_ = c.offset; }
    bool locate(std::int64_t t, Checkpoint* c) override {
        if (info_.count == 0 || t <= info_.tFirst) return false;
        try {
            c->offset = h5events::decodeIndex(h5events::runEventsHelper(path_, {"seek", std::to_string(t)}, kReadTimeout));
        } catch (const Hdf5Error&) {
            return false;  // decoding from the last checkpoint reports the problem
        }
        c->t = t;
        return c->offset <= info_.count;
    }

private:
    static constexpr double kInfoTimeout = 10.0, kReadTimeout = 10.0;
    h5events::Info info_;
    std::uint64_t next_ = 0;  ///< index of the next event to ask for
};

}  // namespace

std::unique_ptr<EventReader> makeHdf5Reader() { return std::make_unique<Hdf5Reader>(); }

namespace h5events {

std::string encodeInfo(const Info& i) {
    std::string out(kInfoMagic);
    put<std::uint64_t>(out, i.count);
    put<std::int32_t>(out, i.width);
    put<std::int32_t>(out, i.height);
    put<std::uint8_t>(out, i.msIndex ? 1 : 0);
    put<std::int64_t>(out, i.tFirst);
    put<std::int64_t>(out, i.tLast);
    return out;
}

Info decodeInfo(const std::string& bytes) {
    Reply r(bytes, kInfoMagic);
    Info i;
    i.count = r.get<std::uint64_t>();
    i.width = r.get<std::int32_t>();
    i.height = r.get<std::int32_t>();
    i.msIndex = r.get<std::uint8_t>() != 0;
    i.tFirst = r.get<std::int64_t>();
    i.tLast = r.get<std::int64_t>();
    r.end();
    return i;
}

std::string encodeEvents(const std::vector<Event>& ev) {
    std::string out(kEventsMagic);
    put<std::uint64_t>(out, ev.size());
    out.reserve(out.size() + ev.size() * 13);
    for (const Event& e : ev) put<std::int64_t>(out, e.t);
    for (const Event& e : ev) put<std::uint16_t>(out, e.x);
    for (const Event& e : ev) put<std::uint16_t>(out, e.y);
    for (const Event& e : ev) put<std::uint8_t>(out, e.p);
    return out;
}

std::vector<Event> decodeEvents(const std::string& bytes) {
    Reply r(bytes, kEventsMagic);
    const std::uint64_t n = r.get<std::uint64_t>();
    r.count(n, 13);
    std::vector<Event> ev(static_cast<std::size_t>(n));
    for (auto& e : ev) e.t = r.get<std::int64_t>();
    for (auto& e : ev) e.x = r.get<std::uint16_t>();
    for (auto& e : ev) e.y = r.get<std::uint16_t>();
    for (auto& e : ev) e.p = r.get<std::uint8_t>();
    r.end();
    return ev;
}

std::string encodeIndex(std::uint64_t i) {
    std::string out(kIndexMagic);
    put<std::uint64_t>(out, i);
    return out;
}

std::uint64_t decodeIndex(const std::string& bytes) {
    Reply r(bytes, kIndexMagic);
    const auto i = r.get<std::uint64_t>();
    r.end();
    return i;
}

std::string runEventsHelper(const std::string& path, const std::vector<std::string>& request, double timeoutSeconds) {
    std::string tried;
    const std::string helper =
        io::findHelper("ganglion-h5-reader", "GANGLION_H5_READER", GANGLION_H5_READER_BUILD_PATH, &tried);
    if (helper.empty())
        throw Hdf5Error("the HDF5 reader program 'ganglion-h5-reader' was not found (looked in " + tried +
                        "); reinstall Ganglion or point $GANGLION_H5_READER at it");
    io::HelperLimits limits;
    limits.timeoutSeconds = timeoutSeconds;
    std::vector<std::string> args = {"events", path};
    args.insert(args.end(), request.begin(), request.end());
    args.insert(args.end(), {"--max-memory-mb", std::to_string(limits.memoryMegabytes), "--max-cpu-seconds",
                             std::to_string(int(timeoutSeconds + 1))});
    const io::HelperResult res = io::runHelper(helper, args, limits);
    const std::string bad = path + ": not a readable event HDF5 file";
    if (!res.started) throw Hdf5Error(path + ": cannot read (" + res.error + ")");
    if (res.timedOut) throw Hdf5Error(bad + " (reading it did not finish in time and was stopped)");
    if (res.outputTooLarge) throw Hdf5Error(bad + " (the reader's reply is too large)");
    if (res.signal == SIGXCPU || res.signal == SIGKILL)
        throw Hdf5Error(bad + " (reading it exceeded the reader's time or memory limit and was stopped)");
    if (res.signal != 0) throw Hdf5Error(bad + " (the HDF5 reader crashed on it: " + io::describeSignal(res.signal) + ")");
    if (res.exitCode == 2) throw Hdf5Error(oneLine(res.out));
    if (res.exitCode != 0)
        throw Hdf5Error(bad + " (the reader ended with status " + std::to_string(res.exitCode) +
                        (res.err.empty() ? std::string() : ": " + oneLine(res.err)) + ")");
    return res.out;
}

}  // namespace h5events
}  // namespace ganglion::events
