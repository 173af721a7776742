// Command line: `ganglion [FILE]` opens the workbench; `ganglion --headless GRAPH.json --steps N
// --report OUT.json` runs a graph without a display. `ganglion --help` lists every option.
#pragma once

#include "core/export/brian2_export.h"
#include "core/engine/metric_history.h"
#include "core/engine/snapshot.h"

#include <cstdint>
#include <string>

namespace ganglion {

class Engine;

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

/// What a headless run records for --export-series: the metric history (every scalar each node
/// publishes, every `every` steps and once more at the end, after the final evaluation) and the
/// final snapshot (the arrays the nodes publish).
struct HeadlessRecording {
    std::uint64_t every = 1;
    MetricHistory history;
    SnapshotPtr last;
    double dt = 0.0;  ///< step length of a graph that simulates time (CSV time_s column), else 0
};

/// Runs `graphPath` (seed overrides the file's when >= 0). A graph with a natural end (a node's
/// protocol, epochs or generations, or GraphSettings::stopAt) stops there unless `pastEnd`; the
/// report says whether it finished. `record`, when given, is filled as the run goes.
/// `importWeights`, when given, is a PyTorch state dict (.npz of an exported model) loaded before the
/// first step, all or nothing (ExitBadGraph naming each missing, extra or mis-shaped tensor). Never throws.
HeadlessResult runHeadless(const std::string& graphPath, HeadlessLength length, long long seed,
                           HeadlessRecording* record = nullptr, const std::string& importWeights = {});

/// `--export-torch GRAPH --out DIR`: model.py, weights.npz, train.py (core/export/torch_export.h),
/// after loading `importWeights` when given. ExitOk (the notes printed), ExitBadGraph (unreadable
/// graph, a node without a PyTorch equivalent — named) or ExitIo.
/// Loads and builds the graph an export command works on: ExitOk, or ExitBadGraph with the
/// problems printed to stderr (defined in app/cli_torch.cpp).
int buildGraphForExport(const std::string& graphPath, Engine& engine);
int exportTorchCommand(const std::string& graphPath, const std::string& outDir, const std::string& importWeights = {});

/// `--export-brian2 GRAPH --out DIR`: network.py and synapses.npz (core/export/brian2_export.h).
/// ExitOk, ExitBadGraph (unreadable graph, an element Brian2 cannot represent — named) or ExitIo.
int exportBrian2Command(const std::string& graphPath, const std::string& outDir, const Brian2Options& options);

}  // namespace ganglion
