// Command line: `ganglion [FILE]` opens the workbench; `ganglion --headless GRAPH.json --steps N
// --report OUT.json` runs a graph without a display. `ganglion --help` lists every option.
#pragma once

#include <string>

namespace ganglion {

/// Exit codes of the headless runner.
enum ExitCode { ExitOk = 0, ExitUsage = 1, ExitBadGraph = 2, ExitDiverged = 3, ExitIo = 4 };

int runGanglion(int argc, char** argv);

struct HeadlessResult {
    int exitCode = ExitOk;
    std::string message;     ///< error text for stderr, or the summary
    std::string reportJson;  ///< the report (written to --report when given)
};

/// How long a headless run lasts.
struct HeadlessLength {
    long long steps = -1;  ///< at most this many steps; < 0: until the natural end, or 1000 without one
    bool pastEnd = false;  ///< keep stepping past the graph's natural end (GUI: Play after "finished")
};

/// Runs `graphPath` (seed overrides the file's when >= 0). A graph with a natural end (a node's
/// protocol, epochs or generations, or GraphSettings::stopAt) stops there unless `pastEnd`; the
/// report says whether it finished. Never throws.
HeadlessResult runHeadless(const std::string& graphPath, HeadlessLength length, long long seed);

}  // namespace ganglion
