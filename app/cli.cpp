#include "app/cli.h"

#include "app/cli_export.h"
#include "app/workbench.h"
#include "core/engine/engine.h"
#include "core/engine/pace.h"
#include "core/export/torch_export.h"
#include "core/kan/kan_discover_engine.h"
#include "core/graph/json_io.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ganglion {

namespace {
nlohmann::json costJson(const NodeCost& c) {
    nlohmann::json j = {{"params", c.params}, {"forward_bytes", c.forwardBytes}, {"train_bytes", c.trainBytes},
                        {"counted", c.counted}};
    if (c.counted) {  // MACs of a kernel that does not count them are unknown, not zero
        j["forward_macs"] = c.forwardMacs;
        j["train_macs"] = c.trainMacs;
    }
    return j;
}
}  // namespace

HeadlessResult runHeadless(const std::string& graphPath, HeadlessLength length, long long seed, HeadlessRecording* record,
                           const std::string& importWeights) {
    HeadlessResult r;
    Graph g;
    try {
        g = loadGraphFile(graphPath);
    } catch (const std::exception& e) {
        r.exitCode = ExitBadGraph;
        r.message = std::string("cannot load graph: ") + e.what();
        return r;
    }
    if (seed >= 0) g.settings().seed = std::uint64_t(seed);
    Engine engine;
    auto issues = engine.build(g);
    if (!engine.ok()) {
        r.exitCode = ExitBadGraph;
        r.message = "invalid graph " + graphPath + ":\n" + formatIssues(issues);
        if (issues.empty()) r.message += engine.error();
        return r;
    }
    if (!importWeights.empty()) {
        try {
            const auto nodes = importTorchWeights(engine, importWeights);
            std::printf("imported %zu layers from %s\n", nodes.size(), importWeights.c_str());
        } catch (const std::exception& e) {
            r.exitCode = ExitBadGraph;
            r.message = "cannot import " + importWeights + ": " + e.what();
            return r;
        }
    }
    const bool hasEnd = engine.progress() >= 0;
    const long long steps = length.steps >= 0 ? length.steps : hasEnd && !length.pastEnd ? -1 : 1000;
    const auto t0 = std::chrono::steady_clock::now();
    bool diverged = false;
    for (long long i = 0; steps < 0 || i < steps; ++i) {
        if (hasEnd && !length.pastEnd && engine.finished()) break;
        // recorded before the next step, so the last step is recorded once, after the evaluation
        const std::uint64_t done = engine.stepCount();
        if (record && done > 0 && done % record->every == 0) engine.makeSnapshot(&record->history);
        if (!engine.step()) {
            diverged = true;
            break;
        }
    }
    if (!diverged) engine.evaluate();
    if (record) {
        record->dt = simulatesTime(g) ? g.settings().dt : 0.0;  // a time_s column only where time is simulated
        record->last = engine.makeSnapshot(&record->history);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [k, v] : engine.scalars())
        if (std::isfinite(v)) metrics[k] = v;
    nlohmann::json report = {{"graph", graphPath},
                             {"steps", engine.stepCount()},
                             {"seed", g.settings().seed},
                             {"seconds", seconds},
                             {"steps_per_second", seconds > 0 ? double(engine.stepCount()) / seconds : 0.0},
                             {"diverged", diverged},
                             {"finished", engine.finished()},
                             {"metrics", metrics}};
    engine.recountCost();
    nlohmann::json costNodes = nlohmann::json::object();
    for (const auto& [name, c] : engine.nodeCosts()) costNodes[name] = costJson(c);
    nlohmann::json total = costJson(engine.cost().total);
    total["uncounted_nodes"] = engine.cost().uncountedNodes;
    report["cost"] = {{"per", "sample"}, {"total", total}, {"nodes", costNodes}};
    if (!diverged) {
        // KANs fitting a formula end in pykan's symbolic workflow: the closed form of each output.
        nlohmann::json formulas = nlohmann::json::object(), r2 = nlohmann::json::object();
        for (const auto& chain : kanChains(engine)) {
            if (!fedByFormula(engine, chain)) continue;
            try {
                const KanChainFormula f = discoverChain(engine, chain);
                const auto& res = f.result;
                formulas[f.name] = res.formulas.size() == 1 ? nlohmann::json(res.formulas[0]) : nlohmann::json(res.formulas);
                r2[f.name] = res.r2.size() == 1 ? nlohmann::json(res.r2[0]) : nlohmann::json(res.r2);
            } catch (const std::exception& e) {
                formulas[engine.graph().node(chain.back())->name] = std::string("symbolic recovery failed: ") + e.what();
            }
        }
        if (!formulas.empty()) {
            report["formulas"] = formulas;
            report["formula_r2_test"] = r2;
        }
    }
    if (diverged) report["error"] = engine.error();
    r.reportJson = report.dump(2) + "\n";
    if (diverged) {
        r.exitCode = ExitDiverged;
        r.message = engine.error();
        return r;
    }
    r.message = "ran " + std::to_string(engine.stepCount()) + " steps in " + std::to_string(seconds) + " s";
    if (engine.finished()) r.message += " (the run reached its natural end)";
    for (const auto& [k, v] : metrics.items()) r.message += "\n  " + k + " = " + v.dump();
    return r;
}

namespace {

bool hasFlag(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], flag) == 0) return true;
    return false;
}

}  // namespace

void addCommandLineOptions(QCommandLineParser& p) {
    p.setApplicationDescription(
        "Ganglion — a workbench for bio-inspired neural networks.\n"
        "Without options it opens the workbench (on FILE when given, else the last document or the spiral example).");
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument("file", "Graph file (.json) to open in the workbench.", "[FILE]");
    p.addOption({"headless", "Run GRAPH without a window and exit (see --steps, --report, --seed).", "GRAPH"});
    p.addOption({"steps", "Headless: run at most N engine steps (default: until the graph's natural end — a protocol, "
                          "epochs, generations or its stopAt — or 1000 steps when it has none).", "N"});
    p.addOption({"past-end", "Headless: keep running past the graph's natural end (up to --steps)."});
    p.addOption({"report", "Headless: write the final metrics (loss, accuracy by node name) as JSON to OUT.", "OUT"});
    p.addOption({"seed", "Headless: override the graph's random seed.", "SEED"});
    p.addOption({"export-torch", "Write GRAPH as a PyTorch module: model.py, weights.npz and train.py (DDP-ready) into --out DIR, "
                                 "then exit. With --import-weights, the exported weights are those of FILE.", "GRAPH"});
    p.addOption({"export-brian2", "Write GRAPH (spiking populations, sources, projections) as a runnable Brian2 script: network.py "
                                  "and synapses.npz into --out DIR, then exit.", "GRAPH"});
    p.addOption({"duration", "--export-brian2: the script's default run length in simulated seconds (default 1).", "S", "1"});
    p.addOption({"brian2-target", "--export-brian2: the script's default Brian2 target: numpy (default), cython or cpp_standalone.",
                 "T", "numpy"});
    p.addOption({"import-weights", "Headless / --export-torch: load trained weights (a state dict .npz of an exported model, e.g. a "
                                   "train.py checkpoint) into the graph before running.", "FILE"});
    p.addOption({"node-docs", "Print the reference of every node type (Markdown, generated from the node specs) and exit."});
    p.addOption({"example", "Open the bundled example whose file name contains NAME.", "NAME"});
    p.addOption({"lesson", "Workbench: open the bundled lesson NAME (the example it goes with, e.g. spiral_classifier) or a "
                           "lesson file (.lesson.md, or a graph with a lesson inside) and start it.", "NAME|FILE"});
    p.addOption({"screenshot", "Workbench: run for a while, save a PNG of the window to PATH and exit.", "PATH"});
    p.addOption({"autosave", "Workbench: copy unsaved work aside every S seconds (default 30, at most 30).", "S", "30"});
    p.addOption({"recover", "Workbench: recover unsaved work an earlier run left behind without asking."});
    addExportOptions(p);
    p.addOption({"screenshot-steps", "With --screenshot or --export-view: engine steps to run before the capture (default 1500).", "N", "1500"});
}

int runGanglion(int argc, char** argv) {
    const bool headless = hasFlag(argc, argv, "--headless") || hasFlag(argc, argv, "--help") ||
                          hasFlag(argc, argv, "-h") || hasFlag(argc, argv, "--node-docs") ||
                          hasFlag(argc, argv, "--version") || hasFlag(argc, argv, "-v") ||
                          hasFlag(argc, argv, "--export-series") || hasFlag(argc, argv, "--export-torch") ||
                          hasFlag(argc, argv, "--export-brian2");
    if (!headless) return runWorkbench(argc, argv);

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("ganglion");
    QCoreApplication::setApplicationVersion(GANGLION_VERSION);
    QCommandLineParser p;
    addCommandLineOptions(p);
    p.process(app);  // handles --help / --version and exits on unknown options
    if (p.isSet("node-docs")) {
        std::fputs(NodeRegistry::instance().markdownReference().c_str(), stdout);
        return ExitOk;
    }
    if (p.isSet("export-torch")) {
        if (!p.isSet("out")) {
            std::fprintf(stderr, "ganglion: --export-torch needs --out DIR\n");
            return ExitUsage;
        }
        return exportTorchCommand(p.value("export-torch").toStdString(), p.value("out").toStdString(),
                                  p.value("import-weights").toStdString());
    }
    if (p.isSet("export-brian2")) {
        if (!p.isSet("out")) {
            std::fprintf(stderr, "ganglion: --export-brian2 needs --out DIR\n");
            return ExitUsage;
        }
        Brian2Options o;
        bool okDuration = false;
        o.duration = p.value("duration").toDouble(&okDuration);
        if (!okDuration || !(o.duration > 0)) {
            std::fprintf(stderr, "ganglion: --duration must be a positive number of seconds, not '%s'\n", qPrintable(p.value("duration")));
            return ExitUsage;
        }
        o.target = p.value("brian2-target").toStdString();
        if (o.target != "numpy" && o.target != "cython" && o.target != "cpp_standalone") {
            std::fprintf(stderr, "ganglion: --brian2-target must be numpy, cython or cpp_standalone, not '%s'\n", o.target.c_str());
            return ExitUsage;
        }
        return exportBrian2Command(p.value("export-brian2").toStdString(), p.value("out").toStdString(), o);
    }
    bool ok = true;
    HeadlessLength length;
    length.pastEnd = p.isSet("past-end");
    if (p.isSet("steps")) length.steps = p.value("steps").toLongLong(&ok);
    if (!ok || (p.isSet("steps") && length.steps < 0)) {
        std::fprintf(stderr, "ganglion: --steps expects a non-negative integer, got '%s'\n", qPrintable(p.value("steps")));
        return ExitUsage;
    }
    long long seed = -1;
    if (p.isSet("seed")) {
        seed = p.value("seed").toLongLong(&ok);
        if (!ok || seed < 0) {
            std::fprintf(stderr, "ganglion: --seed expects a non-negative integer, got '%s'\n", qPrintable(p.value("seed")));
            return ExitUsage;
        }
    }
    HeadlessRecording record;
    if (const int code = checkHeadlessExportOptions(p, record); code != ExitOk) return code;
    const bool exporting = p.isSet("export-series");
    auto r = runHeadless(p.value("headless").toStdString(), length, seed, exporting ? &record : nullptr,
                         p.value("import-weights").toStdString());
    if (r.exitCode == ExitOk) std::printf("%s\n", r.message.c_str());
    else std::fprintf(stderr, "ganglion: %s\n", r.message.c_str());
    if (p.isSet("report") && !r.reportJson.empty()) {
        QSaveFile f(p.value("report"));
        if (!f.open(QIODevice::WriteOnly) || f.write(r.reportJson.data(), qint64(r.reportJson.size())) < 0 || !f.commit()) {
            std::fprintf(stderr, "ganglion: cannot write report %s: %s\n", qPrintable(p.value("report")),
                         qPrintable(f.errorString()));
            return ExitIo;
        }
    }
    if (exporting && r.exitCode == ExitOk) return exportRecordedSeries(record, p.value("export-series"), p.value("out"));
    return r.exitCode;
}

}  // namespace ganglion
