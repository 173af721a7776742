// JSON save/load of graphs (nlohmann::json). Format:
// {
//   "format": "ganglion-graph", "version": 1,
//   "settings": {"title": "...", "description": "...", "seed": 1, "evalEvery": 100,
//                "dt": 0.0001, "gridSize": 48, "stepsPerSecond": 200, "realTime": 0,
//                "stopAt": 0, "watch": "test_loss",                 // see GraphSettings
//                "family": "Playground", "level": "starter", "order": 10,    // gallery place, examples only
//                "lesson": "# Title\n## Step\n…"},   // an embedded lesson (core/lesson/lesson.h), when set
//   "nodes": [{"id": 1, "type": "SpiralData", "name": "Spiral", "x": 0, "y": 0,
//              "params": {"noise": 0.1, ...}}],          // omitted params take defaults
//   "edges": [{"id": 7, "from": {"node": 1, "port": "x"}, "to": {"node": 2, "port": "in"}}]
// }
// Round trip is exact (doubles are written shortest-exact). Errors name the line/column for
// syntax and the field path (e.g. nodes[2].params.units) for content.
#pragma once

#include "core/graph/graph.h"

#include <stdexcept>
#include <string>

namespace ganglion {

struct GraphFormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr int kGraphFormatVersion = 1;

std::string graphToJson(const Graph& g);
/// Throws GraphFormatError with a message naming the line/column or field.
Graph graphFromJson(const std::string& text);
/// Reads a file; the message starts with the path. Throws GraphFormatError.
Graph loadGraphFile(const std::string& path);
/// Writes via a temporary file and rename (atomic). Throws std::runtime_error on I/O failure.
void saveGraphFile(const Graph& g, const std::string& path);

}  // namespace ganglion
