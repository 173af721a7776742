// Event-camera graph nodes (sources, filters, representations, spikes). Kernels that play a
// stream implement EventPlayback so views can scrub: post a lambda to the engine thread,
// dynamic_cast the node's kernel to EventPlayback and call seekTo().
#pragma once

#include "core/events/event_window.h"
#include "core/model/kernel.h"

#include <cstdint>
#include <string>

namespace ganglion::events {

class EventPlayback {
public:
    virtual ~EventPlayback() = default;
    virtual void seekTo(std::int64_t tUs) = 0;
    virtual std::int64_t position() const = 0;  ///< stream time reached, µs
    /// [begin, end) of the recording in µs; end <= begin when unbounded (generators).
    virtual std::int64_t streamBegin() const = 0;
    virtual std::int64_t streamEnd() const = 0;
};

/// Resolves a data path: as given if it exists; else relative to $GANGLION_RESOURCES and to the
/// source tree's resources/ folder (bundled samples). Returns the input when nothing matches.
std::string resolveDataPath(const std::string& path);

/// Parameters shared by every node that publishes an EventWindow.
constexpr const char* kHistoryParam = "history";

/// The shape of an event port: a w x h sensor.
inline Shape sensorShape(int w, int h) {
    Shape s;
    s.features = w * h;
    s.width = w;
    s.height = h;
    return s;
}

/// Makes `out` an empty event packet covering the same sensor and time window as `src` (what a
/// node that passes, drops or adds events starts from) and returns it.
inline EventPacket& emptyPacketLike(const EventPacket& src, Value& out) {
    out.type = PortType::Events;
    EventPacket& dst = out.events;
    dst.width = src.width;
    dst.height = src.height;
    dst.tBegin = src.tBegin;
    dst.tEnd = src.tEnd;
    dst.events.clear();
    return dst;
}

/// Node type names that filter events (for views that compare before/after).
bool isEventFilterType(const std::string& type);

}  // namespace ganglion::events
