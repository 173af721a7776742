// Streaming event-file readers: decode a recording chunk by chunk (never the whole file), seek by
// time, and report where and why decoding stopped on a truncated or corrupt file.
// Formats (one list: eventFormats()): N-MNIST/N-Caltech101 .bin, Prophesee .dat (Event2D/CD),
// Prophesee .raw EVT 2.0, 2.1 and 3.0, iniVation AEDAT 2.0 and AEDAT 4.0 (uncompressed, LZ4, Zstd),
// event HDF5 (events/x, y, t, p; parsed in the ganglion-h5-reader process), text "t x y p".
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace ganglion::events {

enum class FileFormat : std::uint8_t { Unknown, NMnistBin, PropheseeDat, Evt2, Evt3, Aedat2, Aedat4, Text, Evt21, Hdf5 };

class EventReader;

/// One readable format: everything else (detection results, the reader factory, messages, the
/// file-dialog filter, node help) is derived from the list of these.
struct FormatInfo {
    FileFormat format;
    const char* name;        ///< "Prophesee EVT 2.1"
    const char* extensions;  ///< file name extensions without dots, space separated
    std::unique_ptr<EventReader> (*makeReader)();
};
/// Every format the readers understand.
const std::vector<FormatInfo>& eventFormats();
/// "N-MNIST .bin, Prophesee .dat, ..." for messages and help texts.
std::string eventFormatList();
/// "*.bin *.dat ..." (each extension once) for file-open dialogs.
std::string eventFilePatterns();

const char* formatName(FileFormat f);
/// From the extension and the first bytes of the file (header keywords, magic numbers).
FileFormat detectFormat(const std::string& path);

/// Decoder state from which decoding can resume (for seek). Meaning of the fields is reader
/// specific; `offset` is a byte offset in the file, `t` the time of the first event after it.
struct Checkpoint {
    std::uint64_t offset = 0;
    std::int64_t t = 0;
    std::int64_t state[4] = {0, 0, 0, 0};
};

/// Buffered sequential file access with absolute byte offsets (shared by the readers).
class ByteSource {
public:
    ~ByteSource();
    bool open(const std::string& path, std::string* error);
    void seek(std::uint64_t offset);
    /// Makes at least `n` bytes available at data() unless the file ends first; returns how many
    /// are available (may be < n at the end of the file).
    std::size_t require(std::size_t n);
    const std::uint8_t* data() const { return buf_.data() + pos_; }
    std::size_t available() const { return end_ - pos_; }
    void consume(std::size_t n) { pos_ += n; offset_ += n; }
    std::uint64_t offset() const { return offset_; }
    std::uint64_t fileSize() const { return size_; }

private:
    std::FILE* f_ = nullptr;
    std::vector<std::uint8_t> buf_;
    std::size_t pos_ = 0, end_ = 0;
    std::uint64_t offset_ = 0;  ///< file offset of data()
    std::uint64_t size_ = 0;
};

/// Reads consecutive header lines starting with `marker` (e.g. '%' or '#'), returns them without
/// the marker and line end, and leaves `src` after the header. Stops after a line "<marker> end".
std::vector<std::string> readHeaderLines(ByteSource& src, char marker);
/// Integer after `key` in a header line such as "% Width 304" (0 when absent).
int headerInt(const std::vector<std::string>& lines, const char* key);
/// Sensor size from Prophesee-style header lines ("geometry WxH", "format EVT3;height=H;width=W",
/// "Width W"/"Height H"). Returns false when none is given.
bool headerSensorSize(const std::vector<std::string>& lines, int* w, int* h);

class EventReader {
public:
    virtual ~EventReader() = default;

    /// Opens and reads the header; infers the sensor size when the header has none.
    /// On failure returns false and error() says why.
    bool open(const std::string& path);
    virtual FileFormat format() const = 0;

    int width() const { return width_; }
    int height() const { return height_; }
    /// Appends up to maxEvents events to out; returns how many (0 at the end or after an error).
    std::size_t read(std::vector<Event>& out, std::size_t maxEvents);
    /// Appends every event with t < tEnd; returns how many.
    std::size_t readUntil(std::vector<Event>& out, std::int64_t tEnd);
    /// Positions so that the next event read is the first with t >= t.
    void seek(std::int64_t t);
    void rewind() { seek(INT64_MIN); }
    bool atEnd();
    /// Time of the next event to be read (INT64_MAX at the end).
    std::int64_t peekTime();

    /// Largest event time decoded so far (INT64_MIN before any); after seek(INT64_MAX) it is the
    /// recording's last event time.
    std::int64_t lastTimeSeen() const { return maxSeen_; }
    std::uint64_t fileSize() const { return src_.fileSize(); }
    /// Empty while the file decodes cleanly; otherwise why decoding stopped (names the offset).
    const std::string& error() const { return error_; }
    /// Byte offset where decoding stopped on an error (valid when error() is not empty); for event
    /// HDF5, whose errors name the dataset, the index of the first event of the failed request.
    std::uint64_t errorOffset() const { return errorOffset_; }
    const std::string& path() const { return path_; }

protected:
    /// Parse the header; position at the first event. Return false with fail() on error.
    virtual bool openImpl() = 0;
    /// Decode one chunk of events (a few thousand) appended to out. Return false at the end of
    /// the data or on an error (after fail()).
    virtual bool decodeChunk(std::vector<Event>& out) = 0;
    virtual Checkpoint checkpoint() const = 0;
    virtual void restore(const Checkpoint& c) = 0;
    /// Readers whose file has an index (event HDF5) fill *c with a checkpoint at or before the first
    /// event with time >= t and return true; seek() then skips decoding the file up to there.
    virtual bool locate(std::int64_t /*t*/, Checkpoint* /*c*/) { return false; }

    /// Called after the sensor size was inferred from the largest coordinates (formats without
    /// a header); a reader may round it up to the sensor its format implies.
    virtual void adjustInferredSize(int& /*w*/, int& /*h*/) const {}
    bool fail(std::string message, std::uint64_t offset);
    void setSensor(int w, int h) { width_ = w; height_ = h; }

    ByteSource src_;
    std::string path_;

private:
    bool fill();
    void inferSensorSize();

    int width_ = 0, height_ = 0;
    std::vector<Event> pending_;
    std::size_t pendingPos_ = 0;
    bool ended_ = false;
    std::int64_t maxSeen_ = INT64_MIN;
    std::string error_;
    std::uint64_t errorOffset_ = 0;
    std::vector<Checkpoint> index_;  ///< checkpoints at chunk starts, increasing offset
    Checkpoint start_;
};

/// Creates the reader for `path` (format detected) and opens it. Returns nullptr and sets
/// *error when the file cannot be opened or its format is not recognised.
std::unique_ptr<EventReader> openEventFile(const std::string& path, std::string* error);
std::unique_ptr<EventReader> makeReader(FileFormat f);

/// Reads a whole file (tests, small samples). Returns false with *error on open failure;
/// decoding errors leave the valid prefix in *out and the message in *error.
bool readAll(const std::string& path, EventPacket* out, std::string* error);

}  // namespace ganglion::events
