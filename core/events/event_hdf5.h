// Event HDF5 files as common event-vision datasets write them (DSEC, and the h5 exports of
// Tonic/event_utils): a group `events` with 1-D datasets `x`, `y`, `t` (µs), `p` of any integer
// type and equal length, t non-decreasing; optionally `ms_to_idx` (at the root or in `events`):
// entry k is the index of the first event with t >= 1000 k, used for seeking. The sensor size
// comes from integer attributes `width`/`height` on `events` or the root when present.
//
// libhdf5 is not hardened against corrupt files, so the workbench never parses one itself: the
// functions in namespace `h5events` run inside the ganglion-h5-reader helper process, one call
// per request, and the Hdf5 EventReader (reader_hdf5.cpp) talks to the helper:
//
//   ganglion-h5-reader events FILE info            header: count, sensor size, first/last t
//   ganglion-h5-reader events FILE read START N    events [START, START+N)
//   ganglion-h5-reader events FILE seek T          index of the first event with t >= T
//
// Each reply is binary (format in reader_hdf5.cpp); exit 2 with a message naming the dataset
// rejects the file. The reader asks for chunks of kHdf5ChunkEvents events, so one helper start
// (a few ms) is spread over a quarter million events. Writing (ours, not untrusted) is in-process.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion::events {

/// Events per helper request while streaming.
constexpr std::uint64_t kHdf5ChunkEvents = 1 << 18;

struct Hdf5Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Writes `packet` as events/x (u16), y (u16), t (i64), p (u8), width/height attributes on
/// `events`, and ms_to_idx when `msIndex`. Returns false with *error on failure.
bool writeHdf5Events(const std::string& path, const EventPacket& packet, bool msIndex, std::string* error);

namespace h5events {

struct Info {
    std::uint64_t count = 0;
    std::int32_t width = 0, height = 0;  ///< 0 when the file has no size attributes
    bool msIndex = false;
    std::int64_t tFirst = 0, tLast = 0;
};

/// In-process parsing (only inside the helper). Throw Hdf5Error naming the dataset at fault.
Info info(const std::string& path);
/// Events [start, start + n) (clipped at the end); checks t does not decrease, also against the
/// event before `start`.
std::vector<Event> read(const std::string& path, std::uint64_t start, std::uint64_t n);
/// Index of the first event with t >= t (count when none): ms_to_idx when present and
/// consistent, else a binary search on events/t.
std::uint64_t seek(const std::string& path, std::int64_t t);

/// Helper replies (bytes on stdout) and their decoding in the workbench (throw Hdf5Error).
std::string encodeInfo(const Info& i);
Info decodeInfo(const std::string& bytes);
std::string encodeEvents(const std::vector<Event>& ev);
std::vector<Event> decodeEvents(const std::string& bytes);
std::string encodeIndex(std::uint64_t i);
std::uint64_t decodeIndex(const std::string& bytes);

/// Runs the helper's `events` command for `path` (helper errors become Hdf5Error).
std::string runEventsHelper(const std::string& path, const std::vector<std::string>& request, double timeoutSeconds);

}  // namespace h5events
}  // namespace ganglion::events
