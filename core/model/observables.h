// What a node shows the outside world: published by the engine in snapshots, read by views.
#pragma once

#include "core/model/types.h"

#include <any>
#include <map>
#include <memory>
#include <string>

namespace ganglion {

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
