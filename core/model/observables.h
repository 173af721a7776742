// What a node shows the outside world: published by the engine in snapshots, read by views.
#pragma once

#include "core/model/types.h"

#include <any>
#include <map>
#include <memory>
#include <string>

namespace ganglion {

/// Arrays named "through_time:<what>" are features x steps: the first sample of the last batch,
/// step by step (the "Activity through time" view draws them; a node type that publishes them
/// lists the observable "through_time"). The engine publishes every sequence-valued output port
/// of a node under its port name, "through_time:<port>", unless the kernel published its own.
inline constexpr char kThroughTime[] = "through_time:";

/// True when `key` names a through-time array.
inline bool isThroughTime(const std::string& key) { return key.rfind(kThroughTime, 0) == 0; }

/// The first sample of a time-major sequence tensor ((steps·features) x batch) as features x steps.
inline Matrix firstSampleThroughTime(const Matrix& seq, int features, int steps) {
    if (features <= 0 || steps <= 0 || seq.cols() < 1 || seq.rows() != Eigen::Index(features) * steps) return {};
    return seq.col(0).reshaped(features, steps);
}

struct Observables {
    /// Named numbers: "loss", "accuracy", "test_accuracy", "activation_sparsity", …
    /// Every scalar is also appended to the engine's metric history (curves).
    std::map<std::string, double> scalars;
    /// Named arrays: "activations" (features x samples, a thumbnail batch), "field", …
    std::map<std::string, Matrix> arrays;
    /// Domain-specific immutable data (spike history, event packets, spline samples…).
    /// Store std::shared_ptr<const T> so copying a snapshot never deep-copies.
    std::map<std::string, std::any> extra;

    template <class T>
    std::shared_ptr<const T> get(const std::string& key) const {
        auto it = extra.find(key);
        if (it == extra.end()) return {};
        if (auto p = std::any_cast<std::shared_ptr<const T>>(&it->second)) return *p;
        return {};
    }
};

}  // namespace ganglion
