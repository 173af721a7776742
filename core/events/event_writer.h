// Event-file writers: N-MNIST .bin, Prophesee .dat, Prophesee EVT 2.0/2.1 .raw and text. Streaming:
// open, write batches (sorted by time), close. Errors name the file and the offending event.
#pragma once

#include "core/events/event_reader.h"
#include "core/model/types.h"

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ganglion::events {

class EventWriter {
public:
    virtual ~EventWriter();
    /// Creates the file and writes the header for a width x height sensor.
    bool open(const std::string& path, int width, int height);
    /// Appends events. Returns false (and sets error()) for an event the format cannot hold.
    bool write(std::span<const Event> events);
    /// Flushes and closes; false if the data could not be written completely.
    bool close();
    const std::string& error() const { return error_; }
    virtual FileFormat format() const = 0;

protected:
    virtual bool writeHeader() = 0;
    virtual bool encode(std::span<const Event> events) = 0;
    bool put(const void* data, std::size_t n);
    bool fail(std::string msg) {
        error_ = std::move(msg);
        return false;
    }

    std::FILE* f_ = nullptr;
    int width_ = 0, height_ = 0;
    std::string path_;
    std::string error_;
    std::vector<std::uint8_t> buf_;
};

/// Writer for .bin, .dat, EVT 2.0/2.1 or text (nullptr for other formats).
/// textSeconds: text timestamps as seconds with 6 decimals instead of integer µs.
std::unique_ptr<EventWriter> makeWriter(FileFormat f, bool textSeconds = false);

/// Writes a whole packet (also event HDF5, with ms_to_idx: writeHdf5Events); false with *error on failure.
bool writeEvents(const std::string& path, FileFormat f, const EventPacket& packet,
                 std::string* error, bool textSeconds = false);

}  // namespace ganglion::events
