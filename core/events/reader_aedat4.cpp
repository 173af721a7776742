// iniVation AEDAT 4.0: "#!AER-DAT4.0\r\n", int32 header length, an IOHeader FlatBuffer
// (compression, dataTablePosition, infoNode XML naming the streams), then packets of
// int32 stream id, int32 size and a body (uncompressed, LZ4 frame or Zstd) holding a
// (size-prefixed) FlatBuffer EventPacket: a vector of 16-byte {int64 t, int16 x, int16 y, bool on}.
// FlatBuffers are read here with bounds checks, without the flatbuffers library.
#include "core/events/event_reader.h"

#include <lz4frame.h>
#include <zstd.h>

#include <cstring>
#include <string>

namespace ganglion::events {

namespace {

/// The most a decompressed packet may hold (a packet is at most a few MB of events in practice).
constexpr std::size_t kMaxPacketBytes = std::size_t(256) << 20;

/// Bounds-checked FlatBuffer table access over a byte span.
struct FlatView {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;

    template <class T>
    bool get(std::size_t at, T* v) const {
        if (at + sizeof(T) > size || at + sizeof(T) < at) return false;
        std::memcpy(v, data + at, sizeof(T));
        return true;
    }
    /// Position of the root table (after an optional size prefix and file identifier).
    bool root(std::size_t start, std::size_t* table) const {
        std::uint32_t off;
        if (!get(start, &off)) return false;
        *table = start + off;
        return *table < size;
    }
    /// Absolute position of field `index` in `table`, 0 when the field is absent.
    bool field(std::size_t table, int index, std::size_t* pos) const {
        std::int32_t soff;
        if (!get(table, &soff)) return false;
        const std::int64_t vt = std::int64_t(table) - soff;
        std::uint16_t vtSize, fieldOff = 0;
        if (vt < 0 || !get(std::size_t(vt), &vtSize)) return false;
        const std::size_t slot = 4 + 2 * std::size_t(index);
        if (slot + 2 <= vtSize && !get(std::size_t(vt) + slot, &fieldOff)) return false;
        *pos = fieldOff ? table + fieldOff : 0;
        return true;
    }
    /// Follows the uoffset stored at `pos` (vectors, strings, sub-tables).
    bool follow(std::size_t pos, std::size_t* target) const {
        std::uint32_t off;
        if (!get(pos, &off)) return false;
        *target = pos + off;
        return *target < size;
    }
};

std::string xmlAttr(const std::string& xml, std::size_t from, const char* key) {
    const std::string tag = std::string("key=\"") + key + "\"";
    const auto k = xml.find(tag, from);
    if (k == std::string::npos) return {};
    const auto gt = xml.find('>', k);
    const auto lt = xml.find('<', gt);
    if (gt == std::string::npos || lt == std::string::npos) return {};
    return xml.substr(gt + 1, lt - gt - 1);
}

class Aedat4Reader final : public EventReader {
public:
    ~Aedat4Reader() override {
        if (lz4_) LZ4F_freeDecompressionContext(lz4_);
    }
    FileFormat format() const override { return FileFormat::Aedat4; }

protected:
    bool openImpl() override {
        static const char magic[] = "#!AER-DAT4.0\r\n";
        const std::size_t mlen = sizeof(magic) - 1;
        if (src_.require(mlen + 4) < mlen + 4 || std::memcmp(src_.data(), magic, mlen) != 0)
            return fail("'" + path_ + "' does not start with the AEDAT 4.0 magic #!AER-DAT4.0", 0);
        std::int32_t hlen;
        std::memcpy(&hlen, src_.data() + mlen, 4);
        src_.consume(mlen + 4);
        if (hlen <= 0 || std::uint64_t(hlen) > src_.fileSize())
            return fail("AEDAT 4.0 header length " + std::to_string(hlen) + " is invalid", mlen);
        if (src_.require(std::size_t(hlen)) < std::size_t(hlen))
            return fail("AEDAT 4.0 header is truncated", src_.offset());
        const FlatView fv{src_.data(), std::size_t(hlen)};
        std::size_t table, pos;
        std::int32_t comp = 0;
        std::int64_t dataTable = -1;
        if (!fv.root(0, &table)) return fail("AEDAT 4.0 header is not a FlatBuffer", src_.offset());
        if (fv.field(table, 0, &pos) && pos) fv.get(pos, &comp);
        if (fv.field(table, 1, &pos) && pos) fv.get(pos, &dataTable);
        std::string info;
        std::size_t str;
        if (fv.field(table, 2, &pos) && pos && fv.follow(pos, &str)) {
            std::uint32_t len = 0;
            if (fv.get(str, &len) && str + 4 + len <= fv.size)
                info.assign(reinterpret_cast<const char*>(fv.data + str + 4), len);
        }
        if (comp < 0 || comp > 4)
            return fail("AEDAT 4.0 compression type " + std::to_string(comp) + " is unknown",
                        src_.offset());
        compression_ = comp;
        src_.consume(std::size_t(hlen));
        dataEnd_ = dataTable > 0 ? std::uint64_t(dataTable) : src_.fileSize();
        // Find the event stream ("EVTS") in the info XML, and its sensor size.
        const auto ti = info.find(">EVTS<");
        if (ti != std::string::npos) {
            const auto node = info.rfind("<node name=\"", ti);
            if (node != std::string::npos) streamId_ = std::atoi(info.c_str() + node + 12);
            const int w = std::atoi(xmlAttr(info, ti, "sizeX").c_str());
            const int h = std::atoi(xmlAttr(info, ti, "sizeY").c_str());
            if (w > 0 && h > 0) setSensor(w, h);
        }
        if (comp == 1 || comp == 2) {
            if (LZ4F_isError(LZ4F_createDecompressionContext(&lz4_, LZ4F_VERSION)))
                return fail("cannot create an LZ4 decompression context", 0);
        }
        return true;
    }

    bool decodeChunk(std::vector<Event>& out) override {
        for (;;) {
            const std::uint64_t at = src_.offset();
            if (at >= dataEnd_) return false;
            if (src_.require(8) < 8)
                return fail("truncated AEDAT 4.0 packet header at offset " + std::to_string(at), at);
            std::int32_t stream, size;
            std::memcpy(&stream, src_.data(), 4);
            std::memcpy(&size, src_.data() + 4, 4);
            if (size < 0 || at + 8 + std::uint64_t(size) > src_.fileSize())
                return fail("truncated AEDAT 4.0 packet at offset " + std::to_string(at) +
                                ": body of " + std::to_string(size) + " bytes runs past the end",
                            at);
            src_.consume(8);
            if (stream != streamId_) {
                src_.seek(src_.offset() + std::uint64_t(size));
                continue;
            }
            if (src_.require(std::size_t(size)) < std::size_t(size))
                return fail("cannot read AEDAT 4.0 packet at offset " + std::to_string(at), at);
            std::string why;
            const bool ok = decodePacket(src_.data(), std::size_t(size), out, &why);
            src_.consume(std::size_t(size));
            if (!ok) return fail("corrupt AEDAT 4.0 packet at offset " + std::to_string(at) + ": " + why, at);
            return true;
        }
    }

    Checkpoint checkpoint() const override {
        Checkpoint c;
        c.offset = src_.offset();
        return c;
    }
    void restore(const Checkpoint& c) override { src_.seek(c.offset); }

private:
    bool decompress(const std::uint8_t* p, std::size_t n, std::string* why) {
        if (compression_ == 1 || compression_ == 2) {
            LZ4F_resetDecompressionContext(lz4_);
            plain_.resize(std::max<std::size_t>(n * 4, 1 << 16));
            std::size_t inPos = 0, outPos = 0;
            for (;;) {
                std::size_t inLen = n - inPos, outLen = plain_.size() - outPos;
                const std::size_t r =
                    LZ4F_decompress(lz4_, plain_.data() + outPos, &outLen, p + inPos, &inLen, nullptr);
                if (LZ4F_isError(r)) {
                    *why = std::string("LZ4: ") + LZ4F_getErrorName(r);
                    return false;
                }
                inPos += inLen;
                outPos += outLen;
                if (r == 0) break;
                if (inPos >= n && outLen == 0) {
                    *why = "LZ4 frame is incomplete";
                    return false;
                }
                if (outPos == plain_.size()) {
                    if (plain_.size() >= kMaxPacketBytes) {
                        *why = "LZ4 frame expands beyond what a packet may hold (" + std::to_string(kMaxPacketBytes) + " bytes)";
                        return false;
                    }
                    plain_.resize(std::min<std::size_t>(plain_.size() * 2, kMaxPacketBytes));
                }
            }
            plain_.resize(outPos);
            return true;
        }
        // Zstd
        const unsigned long long sz = ZSTD_getFrameContentSize(p, n);
        if (sz == ZSTD_CONTENTSIZE_ERROR) {
            *why = "not a Zstd frame";
            return false;
        }
        // the frame header's declared size comes from the file: a packet holds at most
        // kMaxPacketBytes, so a hostile header cannot make us allocate terabytes
        if (sz != ZSTD_CONTENTSIZE_UNKNOWN && sz > kMaxPacketBytes) {
            *why = "Zstd frame declares " + std::to_string(sz) + " bytes, more than a packet may hold (" +
                   std::to_string(kMaxPacketBytes) + ")";
            return false;
        }
        plain_.resize(sz == ZSTD_CONTENTSIZE_UNKNOWN ? n * 8 : std::size_t(sz));
        const std::size_t r = ZSTD_decompress(plain_.data(), plain_.size(), p, n);
        if (ZSTD_isError(r)) {
            *why = std::string("Zstd: ") + ZSTD_getErrorName(r);
            return false;
        }
        plain_.resize(r);
        return true;
    }

    bool decodePacket(const std::uint8_t* p, std::size_t n, std::vector<Event>& out, std::string* why) {
        if (compression_ != 0) {
            if (!decompress(p, n, why)) return false;
            p = plain_.data();
            n = plain_.size();
        }
        const FlatView fv{p, n};
        // Size-prefixed buffers carry the identifier at 8, plain ones at 4.
        std::size_t start = 0;
        std::uint32_t prefix = 0;
        if (n >= 12 && std::memcmp(p + 8, "EVTS", 4) == 0) start = 4;
        else if (n >= 8 && std::memcmp(p + 4, "EVTS", 4) == 0) start = 0;
        else if (fv.get(0, &prefix) && prefix + 4 == n) start = 4;
        const FlatView body{p + start, n - start};
        std::size_t table, pos, vec;
        std::uint32_t count;
        if (!body.root(0, &table) || !body.field(table, 0, &pos)) {
            *why = "EventPacket table is out of bounds";
            return false;
        }
        if (!pos) return true;  // empty packet
        if (!body.follow(pos, &vec) || !body.get(vec, &count) || vec + 4 + std::size_t(count) * 16 > body.size) {
            *why = "event vector is out of bounds";
            return false;
        }
        const std::uint8_t* e = body.data + vec + 4;
        out.reserve(out.size() + count);
        for (std::uint32_t i = 0; i < count; ++i, e += 16) {
            Event ev;
            std::int16_t x, y;
            std::memcpy(&ev.t, e, 8);
            std::memcpy(&x, e + 8, 2);
            std::memcpy(&y, e + 10, 2);
            ev.x = std::uint16_t(x);
            ev.y = std::uint16_t(y);
            ev.p = e[12] ? 1 : 0;
            out.push_back(ev);
        }
        return true;
    }

    int compression_ = 0;
    int streamId_ = 0;
    std::uint64_t dataEnd_ = 0;
    LZ4F_dctx* lz4_ = nullptr;
    std::vector<std::uint8_t> plain_;
};

}  // namespace

std::unique_ptr<EventReader> makeAedat4Reader() { return std::make_unique<Aedat4Reader>(); }

}  // namespace ganglion::events
