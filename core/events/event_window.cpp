#include "core/events/event_window.h"

#include "core/io/extra_tables.h"

#include <algorithm>

namespace ganglion::events {

namespace {

// Export table: the window's events, one row each (t_us, x, y, polarity 1 = ON, 0 = OFF).
const bool kTableRegistered = io::registerExtraTable([](const std::any& v, io::ExtraTable* out) {
    auto w = std::any_cast<std::shared_ptr<const EventWindow>>(&v);
    if (!w || !*w) return false;
    if (!out) return true;  // asked only whether it converts
    io::ExtraTable& t = *out;
    t.columns = {"t_us", "x", "y", "polarity"};
    t.rows.reserve((*w)->size());
    (*w)->forEach([&](const Event& e) { t.rows.push_back({double(e.t), double(e.x), double(e.y), double(e.p)}); });
    return true;
});

}  // namespace


Matrix thumbnailFrame(const EventWindow& w, std::int64_t spanUs, int maxSide) {
    if (w.width <= 0 || w.height <= 0) return {};
    int f = 1;
    while ((w.width + f - 1) / f > maxSide || (w.height + f - 1) / f > maxSide) ++f;
    Matrix m = Matrix::Zero((w.height + f - 1) / f, (w.width + f - 1) / f);
    const std::int64_t from = w.tEnd - spanUs;
    // Newest chunks first; stop at the first chunk entirely older than the span.
    for (auto it = w.chunks.rbegin(); it != w.chunks.rend(); ++it) {
        const auto& c = **it;
        if (c.empty()) continue;
        for (const Event& e : c)
            if (e.t >= from && e.x < w.width && e.y < w.height) m(e.y / f, e.x / f) += e.p ? 1.f : -1.f;
        if (c.front().t < from) break;
    }
    return m;
}

void EventHistory::configure(int width, int height, std::int64_t windowUs, std::size_t maxEvents) {
    width_ = width;
    height_ = height;
    windowUs_ = std::max<std::int64_t>(1, windowUs);
    maxEvents_ = std::max<std::size_t>(1, maxEvents);
    clear();
}

void EventHistory::clear() {
    sealed_.clear();
    sealedCount_ = 0;
    open_.clear();
    tEnd_ = 0;
}

void EventHistory::seal() {
    if (open_.empty()) return;
    sealedCount_ += open_.size();
    sealed_.push_back(std::make_shared<const std::vector<Event>>(std::move(open_)));
    open_ = {};
    open_.reserve(8192);
}

void EventHistory::trim() {
    const std::int64_t from = tEnd_ - windowUs_;
    while (!sealed_.empty() && (sealed_.front()->back().t < from || sealedCount_ > maxEvents_)) {
        sealedCount_ -= sealed_.front()->size();
        sealed_.pop_front();
    }
}

void EventHistory::push(const std::vector<Event>& events, std::int64_t tEnd) {
    if (tEnd < tEnd_) clear();  // the stream went back in time (seek, loop): start afresh
    tEnd_ = tEnd;
    open_.insert(open_.end(), events.begin(), events.end());
    if (!open_.empty() && (open_.size() >= 8192 || open_.back().t - open_.front().t >= 5000)) seal();
    trim();
}

std::shared_ptr<const EventWindow> EventHistory::window() const {
    auto w = std::make_shared<EventWindow>();
    w->width = width_;
    w->height = height_;
    w->tEnd = tEnd_;
    w->tBegin = tEnd_ - windowUs_;
    w->chunks.reserve(sealed_.size() + 1);
    // Sealed chunks may start before the window; the partly-old first chunk is kept whole
    // (views clip by tBegin).
    for (const auto& c : sealed_) w->chunks.push_back(c);
    if (!open_.empty()) w->chunks.push_back(std::make_shared<const std::vector<Event>>(open_));
    return w;
}

}  // namespace ganglion::events
