#include "core/engine/metric_history.h"

namespace ganglion {

void MetricHistory::append(const std::string& name, std::uint64_t step, double value) {
    std::lock_guard lock(mutex_);
    auto& s = series_[name];
    s.push_back({step, value});
    if (s.size() > kMaxPoints) {
        // Thin the older half: keep every other point so the curve keeps its whole span.
        std::vector<MetricPoint> thinned;
        thinned.reserve(s.size() * 3 / 4 + 1);
        const std::size_t half = s.size() / 2;
        for (std::size_t i = 0; i < half; i += 2) thinned.push_back(s[i]);
        for (std::size_t i = half; i < s.size(); ++i) thinned.push_back(s[i]);
        s.swap(thinned);
        ++generation_;  // indices changed: readers must refetch
    }
}

std::vector<std::string> MetricHistory::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [k, v] : series_) out.push_back(k);
    return out;
}

std::vector<MetricPoint> MetricHistory::series(const std::string& name, std::size_t from) const {
    std::lock_guard lock(mutex_);
    auto it = series_.find(name);
    if (it == series_.end() || from >= it->second.size()) return {};
    return {it->second.begin() + std::ptrdiff_t(from), it->second.end()};
}

std::size_t MetricHistory::size(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = series_.find(name);
    return it == series_.end() ? 0 : it->second.size();
}

std::uint64_t MetricHistory::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

void MetricHistory::clear() {
    std::lock_guard lock(mutex_);
    series_.clear();
    ++generation_;
}

}  // namespace ganglion
