// Time series of every scalar observable, appended by the engine thread at publish time and
// read by views (curves). Thread-safe; reads copy only what was asked for.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ganglion {

struct MetricPoint {
    std::uint64_t step = 0;
    double value = 0.0;
};

class MetricHistory {
public:
    /// Series are named "<node name>/<scalar name>", e.g. "Loss/loss", "Accuracy/test_accuracy".
    void append(const std::string& series, std::uint64_t step, double value);
    std::vector<std::string> names() const;
    /// Points from index `from` on (so a view can fetch only what is new).
    std::vector<MetricPoint> series(const std::string& name, std::size_t from = 0) const;
    std::size_t size(const std::string& name) const;
    /// Increments on every clear(): a view seeing a new generation restarts its curves.
    std::uint64_t generation() const;
    void clear();

    /// Longest series kept; older points are thinned (every other point dropped) beyond this.
    static constexpr std::size_t kMaxPoints = 20000;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<MetricPoint>> series_;
    std::uint64_t generation_ = 0;
};

}  // namespace ganglion
