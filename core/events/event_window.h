// What event nodes publish for views: the recent events as immutable shared chunks, so a
// snapshot never deep-copies a million events. EventHistory builds it on the engine side.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace ganglion::events {

using EventChunk = std::shared_ptr<const std::vector<Event>>;

/// Observables key "events" (and "events_before" on filters): std::shared_ptr<const EventWindow>.
struct EventWindow {
    int width = 0, height = 0;
    std::int64_t tBegin = 0;  ///< window start, µs (events older than this were dropped)
    std::int64_t tEnd = 0;    ///< stream time the window reaches, µs
    std::vector<EventChunk> chunks;  ///< time-ordered
    std::size_t size() const {
        std::size_t n = 0;
        for (const auto& c : chunks) n += c->size();
        return n;
    }
    template <class F>
    void forEach(F&& f) const {
        for (const auto& c : chunks)
            for (const Event& e : *c) f(e);
    }
};

/// Signed event frame of the newest `spanUs` of a window (ON +1, OFF -1 per event), downsampled
/// so neither side exceeds maxSide: height x width. Published as the "activations" array, which
/// the canvas draws as the node's thumbnail (positive orange, negative blue).
Matrix thumbnailFrame(const EventWindow& w, std::int64_t spanUs = 30000, int maxSide = 48);

class EventHistory {
public:
    /// windowUs: how much stream time to keep; maxEvents: hard cap (oldest chunks dropped).
    void configure(int width, int height, std::int64_t windowUs, std::size_t maxEvents);
    void clear();
    /// Appends a packet covering up to tEnd (events sorted by time).
    void push(const std::vector<Event>& events, std::int64_t tEnd);
    std::shared_ptr<const EventWindow> window() const;
    std::int64_t windowUs() const { return windowUs_; }

private:
    void seal();
    void trim();
    int width_ = 0, height_ = 0;
    std::int64_t windowUs_ = 100000;
    std::size_t maxEvents_ = 2000000;
    std::deque<EventChunk> sealed_;
    std::size_t sealedCount_ = 0;
    std::vector<Event> open_;  ///< chunk being filled (sealed at 8192 events or 5 ms)
    std::int64_t tEnd_ = 0;
};

}  // namespace ganglion::events
