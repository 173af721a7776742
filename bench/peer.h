// Runs a peer benchmark script (Python: NumPy, PyTorch, Brian2) in the same process tree as the
// benchmark, echoes its output indented, and returns its `figure: NAME=VALUE` lines by NAME.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

namespace ganglion::bench {

/// The interpreter for peers: $GANGLION_PYTHON, else Debian's /usr/bin/python3 (where
/// python3-numpy and python3-torch live; a python3 earlier on PATH may lack them).
inline std::string peerPython() {
    if (const char* p = std::getenv("GANGLION_PYTHON")) return p;
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/// Runs `script args` (with `env`, e.g. "OPENBLAS_NUM_THREADS=1 ", in front); empty when the
/// script is missing or cannot start.
inline std::map<std::string, double> runPeerScript(const std::string& script, const std::string& args,
                                                   const std::string& env = {}) {
    std::map<std::string, double> figs;
    if (!std::filesystem::exists(script)) {
        std::printf("peer: %s not found\n", script.c_str());
        return figs;
    }
    const std::string cmd = env + peerPython() + " " + script + " " + args + " 2>&1";
    std::printf("peer: %s\n", cmd.c_str());
    std::fflush(stdout);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return figs;
    char line[4096];
    while (std::fgets(line, sizeof line, p)) {
        std::printf("  | %s", line);
        if (std::strncmp(line, "figure: ", 8) == 0)
            if (const char* eq = std::strchr(line, '=')) figs[std::string(line + 8, std::size_t(eq - line - 8))] = std::atof(eq + 1);
    }
    pclose(p);
    return figs;
}

}  // namespace ganglion::bench
