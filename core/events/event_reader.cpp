#include "core/events/event_reader.h"

#include <algorithm>
#include <cstring>

namespace ganglion::events {

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kInferEvents = 1 << 20;

std::string lower(std::string s) {
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string extensionOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    const auto dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
    return lower(path.substr(dot + 1));
}
}  // namespace

// --- ByteSource ---------------------------------------------------------------------------

ByteSource::~ByteSource() {
    if (f_) std::fclose(f_);
}

bool ByteSource::open(const std::string& path, std::string* error) {
    if (f_) std::fclose(f_);
    f_ = std::fopen(path.c_str(), "rb");
    if (!f_) {
        if (error) *error = "cannot open '" + path + "': " + std::strerror(errno);
        return false;
    }
    std::fseek(f_, 0, SEEK_END);
    size_ = std::uint64_t(std::ftell(f_));
    std::fseek(f_, 0, SEEK_SET);
    // No larger than the file (require() grows it when a reader asks for more): opening a small
    // file does not allocate and clear the whole buffer.
    buf_.resize(std::size_t(std::min<std::uint64_t>(kBufferBytes, std::max<std::uint64_t>(size_, 1))));
    buf_.shrink_to_fit();
    pos_ = end_ = 0;
    offset_ = 0;
    return true;
}

void ByteSource::seek(std::uint64_t offset) {
    // Stay inside the buffer when possible (cheap backward/forward moves within a chunk).
    const std::uint64_t bufStart = offset_ - pos_;
    if (offset >= bufStart && offset <= bufStart + end_) {
        pos_ = std::size_t(offset - bufStart);
        offset_ = offset;
        return;
    }
    std::fseek(f_, long(offset), SEEK_SET);
    pos_ = end_ = 0;
    offset_ = offset;
}

std::size_t ByteSource::require(std::size_t n) {
    if (end_ - pos_ >= n || !f_) return end_ - pos_;
    // Move the unread tail to the front, then top up from the file.
    const std::size_t tail = end_ - pos_;
    if (n > buf_.size()) buf_.resize(n);
    std::memmove(buf_.data(), buf_.data() + pos_, tail);
    pos_ = 0;
    end_ = tail;
    std::fseek(f_, long(offset_ + tail), SEEK_SET);
    while (end_ < buf_.size()) {
        const std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, f_);
        if (got == 0) break;
        end_ += got;
    }
    return end_ - pos_;
}

// --- header helpers -----------------------------------------------------------------------

std::vector<std::string> readHeaderLines(ByteSource& src, char marker) {
    std::vector<std::string> lines;
    for (;;) {
        const std::size_t avail = src.require(4096);
        if (avail == 0 || src.data()[0] != std::uint8_t(marker)) break;
        const auto* d = reinterpret_cast<const char*>(src.data());
        const void* nl = std::memchr(d, '\n', avail);
        if (!nl) break;  // binary data that happens to start with the marker byte
        const std::size_t len = std::size_t(static_cast<const char*>(nl) - d) + 1;
        std::string line(d + 1, len - 1);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        src.consume(len);
        const bool end = line == " end" || line == "end";
        lines.push_back(std::move(line));
        if (end) break;
    }
    return lines;
}

int headerInt(const std::vector<std::string>& lines, const char* key) {
    const std::size_t klen = std::strlen(key);
    for (const auto& l : lines) {
        std::size_t i = 0;
        while (i < l.size() && l[i] == ' ') ++i;
        if (l.compare(i, klen, key) == 0) {
            const char* rest = l.c_str() + i + klen;
            char* endp = nullptr;
            const long v = std::strtol(rest, &endp, 10);
            if (endp != rest) return int(v);
        }
    }
    return 0;
}

bool headerSensorSize(const std::vector<std::string>& lines, int* w, int* h) {
    int gw = 0, gh = 0;
    for (const auto& l : lines) {
        if (std::sscanf(l.c_str(), " geometry %dx%d", &gw, &gh) == 2 && gw > 0 && gh > 0) {
            *w = gw;
            *h = gh;
            return true;
        }
        const auto f = lower(l);
        const auto hp = f.find("height="), wp = f.find("width=");
        if (f.find("format") != std::string::npos && hp != std::string::npos &&
            wp != std::string::npos) {
            gh = std::atoi(f.c_str() + hp + 7);
            gw = std::atoi(f.c_str() + wp + 6);
            if (gw > 0 && gh > 0) {
                *w = gw;
                *h = gh;
                return true;
            }
        }
    }
    gw = headerInt(lines, "Width");
    gh = headerInt(lines, "Height");
    if (gw > 0 && gh > 0) {
        *w = gw;
        *h = gh;
        return true;
    }
    return false;
}

// --- EventReader --------------------------------------------------------------------------

bool EventReader::open(const std::string& path) {
    path_ = path;
    error_.clear();
    index_.clear();
    pending_.clear();
    pendingPos_ = 0;
    ended_ = false;
    width_ = height_ = 0;
    if (!src_.open(path, &error_)) return false;
    if (!openImpl()) return false;
    start_ = checkpoint();
    if (width_ <= 0 || height_ <= 0) inferSensorSize();
    return true;
}

bool EventReader::fail(std::string message, std::uint64_t offset) {
    error_ = std::move(message);
    errorOffset_ = offset;
    return false;
}

void EventReader::inferSensorSize() {
    std::vector<Event> tmp;
    int mx = -1, my = -1;
    std::size_t n = 0;
    while (n < kInferEvents) {
        tmp.clear();
        const bool more = decodeChunk(tmp);
        for (const auto& e : tmp) {
            mx = std::max(mx, int(e.x));
            my = std::max(my, int(e.y));
        }
        n += tmp.size();
        if (!more) break;
    }
    width_ = mx + 1;
    height_ = my + 1;
    adjustInferredSize(width_, height_);
    error_.clear();  // reported again when the caller reaches that point
    restore(start_);
}

bool EventReader::fill() {
    pending_.clear();
    pendingPos_ = 0;
    while (pending_.empty() && !ended_) {
        Checkpoint c = checkpoint();
        const bool more = decodeChunk(pending_);
        if (!pending_.empty()) {
            for (const Event& e : pending_) maxSeen_ = std::max(maxSeen_, e.t);
            c.t = pending_.front().t;
            if (index_.empty() || c.offset > index_.back().offset) index_.push_back(c);
        }
        if (!more) ended_ = true;
    }
    return !pending_.empty();
}

std::size_t EventReader::read(std::vector<Event>& out, std::size_t maxEvents) {
    std::size_t n = 0;
    while (n < maxEvents) {
        if (pendingPos_ >= pending_.size() && !fill()) break;
        const std::size_t take = std::min(maxEvents - n, pending_.size() - pendingPos_);
        out.insert(out.end(), pending_.begin() + std::ptrdiff_t(pendingPos_),
                   pending_.begin() + std::ptrdiff_t(pendingPos_ + take));
        pendingPos_ += take;
        n += take;
    }
    return n;
}

std::size_t EventReader::readUntil(std::vector<Event>& out, std::int64_t tEnd) {
    std::size_t n = 0;
    for (;;) {
        if (pendingPos_ >= pending_.size() && !fill()) break;
        std::size_t i = pendingPos_;
        while (i < pending_.size() && pending_[i].t < tEnd) ++i;
        out.insert(out.end(), pending_.begin() + std::ptrdiff_t(pendingPos_),
                   pending_.begin() + std::ptrdiff_t(i));
        n += i - pendingPos_;
        pendingPos_ = i;
        if (i < pending_.size()) break;
    }
    return n;
}

void EventReader::seek(std::int64_t t) {
    // Resume from the last checkpoint whose first event is strictly before t.
    const Checkpoint* from = &start_;
    for (auto it = index_.rbegin(); it != index_.rend(); ++it)
        if (it->t < t) {
            from = &*it;
            break;
        }
    Checkpoint located;
    if (t != INT64_MIN && locate(t, &located) && located.offset > from->offset) from = &located;
    restore(*from);
    error_.clear();
    ended_ = false;
    pending_.clear();
    pendingPos_ = 0;
    while (fill()) {
        while (pendingPos_ < pending_.size() && pending_[pendingPos_].t < t) ++pendingPos_;
        if (pendingPos_ < pending_.size()) return;
    }
}

bool EventReader::atEnd() {
    return pendingPos_ >= pending_.size() && !fill();
}

std::int64_t EventReader::peekTime() {
    if (atEnd()) return INT64_MAX;
    return pending_[pendingPos_].t;
}

// --- format detection and factory ---------------------------------------------------------

std::unique_ptr<EventReader> makeNMnistReader();
std::unique_ptr<EventReader> makeDatReader();
std::unique_ptr<EventReader> makeAedat2Reader();
std::unique_ptr<EventReader> makeEvt2Reader();
std::unique_ptr<EventReader> makeEvt21Reader();
std::unique_ptr<EventReader> makeEvt3Reader();
std::unique_ptr<EventReader> makeAedat4Reader();
std::unique_ptr<EventReader> makeHdf5Reader();
std::unique_ptr<EventReader> makeTextReader();

const std::vector<FormatInfo>& eventFormats() {
    static const std::vector<FormatInfo> formats = {
        {FileFormat::NMnistBin, "N-MNIST .bin", "bin", makeNMnistReader},
        {FileFormat::PropheseeDat, "Prophesee .dat", "dat", makeDatReader},
        {FileFormat::Evt2, "Prophesee EVT 2.0", "raw", makeEvt2Reader},
        {FileFormat::Evt21, "Prophesee EVT 2.1", "raw", makeEvt21Reader},
        {FileFormat::Evt3, "Prophesee EVT 3.0", "raw", makeEvt3Reader},
        {FileFormat::Aedat2, "AEDAT 2.0", "aedat", makeAedat2Reader},
        {FileFormat::Aedat4, "AEDAT 4.0", "aedat4", makeAedat4Reader},
        {FileFormat::Hdf5, "event HDF5", "h5 hdf5", makeHdf5Reader},
        {FileFormat::Text, "text (t x y p)", "txt csv", makeTextReader},
    };
    return formats;
}

std::string eventFormatList() {
    std::string s;
    for (const auto& f : eventFormats()) s += (s.empty() ? "" : ", ") + std::string(f.name);
    return s;
}

std::string eventFilePatterns() {
    std::vector<std::string> seen;
    std::string s;
    for (const auto& f : eventFormats()) {
        const std::string exts = f.extensions;
        std::size_t i = 0;
        while (i < exts.size()) {
            std::size_t j = exts.find(' ', i);
            if (j == std::string::npos) j = exts.size();
            const std::string e = exts.substr(i, j - i);
            if (std::find(seen.begin(), seen.end(), e) == seen.end()) {
                seen.push_back(e);
                s += (s.empty() ? "*." : " *.") + e;
            }
            i = j + 1;
        }
    }
    return s;
}

const char* formatName(FileFormat f) {
    for (const auto& info : eventFormats())
        if (info.format == f) return info.name;
    return "unknown";
}

FileFormat detectFormat(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return FileFormat::Unknown;
    char head[4096] = {};
    const std::size_t n = std::fread(head, 1, sizeof(head) - 1, f);
    std::fclose(f);
    const std::string h(head, n);
    const std::string hl = lower(h);
    const std::string ext = extensionOf(path);
    if (h.rfind("#!AER-DAT4", 0) == 0) return FileFormat::Aedat4;
    if (h.rfind("#!AER-DAT2", 0) == 0 || h.rfind("#!AER-DAT1", 0) == 0) return FileFormat::Aedat2;
    if (h.rfind("#!AER-DAT", 0) == 0) return FileFormat::Unknown;  // AEDAT 3.x: not supported
    if (h.rfind("\x89HDF\r\n\x1a\n", 0) == 0) return FileFormat::Hdf5;
    if (!h.empty() && h[0] == '%') {
        if (hl.find("evt 3.0") != std::string::npos || hl.find("format evt3") != std::string::npos)
            return FileFormat::Evt3;
        // Before EVT 2.0: "format evt21" also contains "format evt2".
        if (hl.find("evt 2.1") != std::string::npos || hl.find("format evt21") != std::string::npos)
            return FileFormat::Evt21;
        if (hl.find("evt 2.0") != std::string::npos || hl.find("format evt2") != std::string::npos)
            return FileFormat::Evt2;
        if (ext == "dat" || hl.find("data file containing") != std::string::npos)
            return FileFormat::PropheseeDat;
        if (ext == "raw") return FileFormat::Evt2;
    }
    if (ext == "bin") return FileFormat::NMnistBin;
    if (ext == "dat") return FileFormat::PropheseeDat;
    if (ext == "raw") return FileFormat::Evt2;
    if (ext == "aedat4") return FileFormat::Aedat4;
    if (ext == "aedat") return FileFormat::Aedat2;
    if (ext == "h5" || ext == "hdf5") return FileFormat::Hdf5;
    if (ext == "txt" || ext == "csv") return FileFormat::Text;
    // Sniff: text files are printable ASCII starting with a digit or a comment.
    bool printable = n > 0;
    for (std::size_t i = 0; i < n && printable; ++i) {
        const unsigned char c = static_cast<unsigned char>(head[i]);
        printable = c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127);
    }
    if (printable && (std::isdigit(static_cast<unsigned char>(head[0])) || head[0] == '#'))
        return FileFormat::Text;
    return FileFormat::Unknown;
}

std::unique_ptr<EventReader> makeReader(FileFormat f) {
    for (const auto& info : eventFormats())
        if (info.format == f) return info.makeReader();
    return nullptr;
}

std::unique_ptr<EventReader> openEventFile(const std::string& path, std::string* error) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        if (error) *error = "cannot open '" + path + "': " + std::strerror(errno);
        return nullptr;
    }
    std::fclose(f);
    const FileFormat fmt = detectFormat(path);
    auto reader = makeReader(fmt);
    if (!reader) {
        if (error)
            *error = "'" + path + "' is not a recognised event file (expected one of: " + eventFormatList() + ")";
        return nullptr;
    }
    if (!reader->open(path)) {
        if (error) *error = reader->error();
        return nullptr;
    }
    return reader;
}

bool readAll(const std::string& path, EventPacket* out, std::string* error) {
    auto r = openEventFile(path, error);
    if (!r) return false;
    out->events.clear();
    while (r->read(out->events, 1 << 16) > 0) {
    }
    out->width = r->width();
    out->height = r->height();
    out->tBegin = out->events.empty() ? 0 : out->events.front().t;
    out->tEnd = out->events.empty() ? 0 : out->events.back().t + 1;
    if (error) *error = r->error();
    return true;
}

}  // namespace ganglion::events
