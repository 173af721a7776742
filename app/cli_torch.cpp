// `ganglion --export-torch GRAPH --out DIR [--import-weights FILE]` (see cli.h).
#include "app/cli.h"

#include "core/export/torch_export.h"
#include "core/graph/json_io.h"

#include <cstdio>

namespace ganglion {

int buildGraphForExport(const std::string& graphPath, Engine& engine) {
    try {
        const Graph g = loadGraphFile(graphPath);
        const auto issues = engine.build(g);
        if (!engine.ok()) {
            std::fprintf(stderr, "ganglion: invalid graph %s:\n%s%s\n", graphPath.c_str(), formatIssues(issues).c_str(),
                         issues.empty() ? engine.error().c_str() : "");
            return ExitBadGraph;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: cannot load graph: %s\n", e.what());
        return ExitBadGraph;
    }
    return ExitOk;
}

int exportTorchCommand(const std::string& graphPath, const std::string& outDir, const std::string& importWeights) {
    Engine engine;
    if (const int rc = buildGraphForExport(graphPath, engine); rc != ExitOk) return rc;
    TorchExport x;
    try {
        if (!importWeights.empty()) importTorchWeights(engine, importWeights);
        x = exportTorch(engine);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: cannot export %s to PyTorch: %s\n", graphPath.c_str(), e.what());
        return ExitBadGraph;
    }
    try {
        writeTorchExport(x, outDir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: %s\n", e.what());
        return ExitIo;
    }
    std::printf("wrote %s/model.py, weights.npz (%zu tensors), train.py%s\n", outDir.c_str(), x.weights.size(),
                x.data.empty() ? "" : ", data.npz");
    for (const std::string& n : x.notes) std::printf("note: %s\n", n.c_str());
    return ExitOk;
}

}  // namespace ganglion
