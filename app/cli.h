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

/// Runs `graphPath` for `steps` steps (seed overrides the file's when >= 0). Never throws.
HeadlessResult runHeadless(const std::string& graphPath, long long steps, long long seed);

}  // namespace ganglion
