// `ganglion --export-brian2 GRAPH --out DIR [--duration S] [--brian2-target T]` (see cli.h).
#include "app/cli.h"

#include "core/export/brian2_export.h"
#include "core/graph/json_io.h"

#include <cstdio>

namespace ganglion {

int exportBrian2Command(const std::string& graphPath, const std::string& outDir, const Brian2Options& options) {
    Engine engine;
    if (const int rc = buildGraphForExport(graphPath, engine); rc != ExitOk) return rc;
    Brian2Export x;
    try {
        x = exportBrian2(engine, options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: cannot export %s to Brian2: %s\n", graphPath.c_str(), e.what());
        return ExitBadGraph;
    }
    try {
        writeBrian2Export(x, outDir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ganglion: %s\n", e.what());
        return ExitIo;
    }
    std::printf("wrote %s/network.py and synapses.npz (%zu arrays); run: python3 %s/network.py\n", outDir.c_str(), x.arrays.size(),
                outDir.c_str());
    return ExitOk;
}

}  // namespace ganglion
