// Text events: one "t x y p" per line (spaces, tabs or commas). t in seconds when the first
// timestamp has a decimal point or exponent, else integer microseconds. p is 0/1 or -1/1.
// Lines starting with '#' or '%' are comments; "# width W height H" gives the sensor size.
#include "core/events/event_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <string>

namespace ganglion::events {

namespace {

constexpr std::size_t kChunkLines = 8192;
enum Unit : std::int64_t { UnitUnknown = 0, UnitMicro = 1, UnitSeconds = 2 };

bool isSep(char c) { return c == ' ' || c == '\t' || c == ',' || c == ';'; }

/// The whole token [b, e) as an integer of type T. A number beyond T's range is refused: from_chars
/// then leaves `v` unchanged and still moves past the digits, so checking the end alone would let
/// an uninitialised value through (a fuzz finding: polarity 6666666660 decoded to whatever the
/// stack held, differently on the first read and after rewind).
template <typename T>
bool parseInteger(const char* b, const char* e, T& v) {
    const auto [ptr, ec] = std::from_chars(b, e, v);
    return ec == std::errc() && ptr == e;
}

class TextReader final : public EventReader {
public:
    FileFormat format() const override { return FileFormat::Text; }

protected:
    bool openImpl() override {
        // Sensor size from leading comments; the position stays at the start of the file.
        const std::size_t avail = src_.require(65536);
        const std::string head(reinterpret_cast<const char*>(src_.data()), avail);
        std::size_t lineStart = 0;
        while (lineStart < head.size() && (head[lineStart] == '#' || head[lineStart] == '%')) {
            const auto nl = head.find('\n', lineStart);
            const std::string line = head.substr(lineStart, nl == std::string::npos ? std::string::npos : nl - lineStart);
            int w = 0, h = 0;
            const auto wp = line.find("width"), hp = line.find("height");
            if (wp != std::string::npos && hp != std::string::npos) {
                w = std::atoi(line.c_str() + wp + 5);
                h = std::atoi(line.c_str() + hp + 6);
                if (w > 0 && h > 0) setSensor(w, h);
            }
            if (nl == std::string::npos) break;
            lineStart = nl + 1;
        }
        return true;
    }

    bool decodeChunk(std::vector<Event>& out) override {
        for (std::size_t n = 0; n < kChunkLines; ++n) {
            std::size_t avail = src_.require(4096);
            if (avail == 0) return false;
            const char* d = reinterpret_cast<const char*>(src_.data());
            const char* nl = static_cast<const char*>(std::memchr(d, '\n', avail));
            if (!nl && avail >= 4096)
                return fail("line " + std::to_string(line_ + 1) + " is longer than 4096 characters", src_.offset());
            const std::size_t len = nl ? std::size_t(nl - d) : avail;  // last line may lack '\n'
            const std::uint64_t at = src_.offset();
            ++line_;
            if (!parseLine(d, len, out))
                return fail("text line " + std::to_string(line_) + " (byte offset " + std::to_string(at) +
                                ") is not 't x y p': '" + std::string(d, std::min<std::size_t>(len, 60)) + "'",
                            at);
            src_.consume(nl ? len + 1 : len);
        }
        return true;
    }

    Checkpoint checkpoint() const override {
        Checkpoint c;
        c.offset = src_.offset();
        c.state[0] = unit_;
        c.state[1] = line_;
        return c;
    }
    void restore(const Checkpoint& c) override {
        src_.seek(c.offset);
        unit_ = c.state[0];
        line_ = c.state[1];
    }

private:
    bool parseLine(const char* d, std::size_t len, std::vector<Event>& out) {
        const char* p = d;
        const char* end = d + len;
        while (p < end && (isSep(*p) || *p == '\r')) ++p;
        if (p == end || *p == '#' || *p == '%') return true;  // blank or comment
        const char* tokStart[4];
        const char* tokEnd[4];
        int k = 0;
        while (p < end && k < 4) {
            tokStart[k] = p;
            while (p < end && !isSep(*p) && *p != '\r') ++p;
            tokEnd[k++] = p;
            while (p < end && (isSep(*p) || *p == '\r')) ++p;
        }
        if (k < 4 || p != end) return false;
        if (unit_ == UnitUnknown) {
            unit_ = UnitMicro;
            for (const char* c = tokStart[0]; c < tokEnd[0]; ++c)
                if (*c == '.' || *c == 'e' || *c == 'E') unit_ = UnitSeconds;
        }
        Event e;
        if (unit_ == UnitSeconds) {
            char buf[64];
            const std::size_t l = std::min<std::size_t>(std::size_t(tokEnd[0] - tokStart[0]), 63);
            std::memcpy(buf, tokStart[0], l);
            buf[l] = 0;
            char* ep = nullptr;
            const double s = std::strtod(buf, &ep);
            if (ep != buf + l || !std::isfinite(s) || std::abs(s) > 9e12) return false;  // beyond int64 µs
            e.t = std::llround(s * 1e6);
        } else if (!parseInteger(tokStart[0], tokEnd[0], e.t)) {
            return false;
        }
        int x = 0, y = 0, pol = 0;
        if (!parseInteger(tokStart[1], tokEnd[1], x) || x < 0 || x > 65535) return false;
        if (!parseInteger(tokStart[2], tokEnd[2], y) || y < 0 || y > 65535) return false;
        if (!parseInteger(tokStart[3], tokEnd[3], pol)) return false;
        e.x = std::uint16_t(x);
        e.y = std::uint16_t(y);
        e.p = pol > 0 ? 1 : 0;
        out.push_back(e);
        return true;
    }

    std::int64_t unit_ = UnitUnknown;
    std::int64_t line_ = 0;
};

}  // namespace

std::unique_ptr<EventReader> makeTextReader() { return std::make_unique<TextReader>(); }

}  // namespace ganglion::events
