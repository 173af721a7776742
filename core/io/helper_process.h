// Running a file parser in a separate helper process, so that a hostile input file (crash, hang,
// runaway allocation inside a third-party library such as libhdf5) cannot take the calling
// process down. No Qt, no fork(): the helper is started with posix_spawn (safe in a
// multithreaded program), its stdout and stderr are read through pipes with poll() against a
// wall-clock deadline, and it is killed (with its whole process group) when the deadline passes.
// The helper program applies its own memory and CPU-time limits (see core/helper/).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ganglion::io {

struct HelperLimits {
    double timeoutSeconds = 4.0;           ///< wall clock; the helper is killed after it
    std::size_t memoryMegabytes = 1024;    ///< passed to the helper (address-space limit)
    std::size_t maxOutputBytes = std::size_t(1) << 30;  ///< more stdout than this is an error
};

struct HelperResult {
    bool started = false;      ///< false: the program could not be started (see error)
    bool timedOut = false;     ///< killed at the deadline
    bool outputTooLarge = false;
    int exitCode = -1;         ///< exit status when it exited normally, else -1
    int signal = 0;            ///< the signal that ended it, else 0
    double seconds = 0;        ///< wall-clock run time
    std::string out;           ///< everything written to stdout
    std::string err;           ///< the last few kilobytes written to stderr
    std::string error;         ///< why it could not be started
};

/// Runs `program` with `args` (argv[1..]), stdin from /dev/null, and collects its output.
/// Never throws for a failing or misbehaving program; the result says what happened.
HelperResult runHelper(const std::string& program, const std::vector<std::string>& args, const HelperLimits& limits);

/// Finds a helper executable named `name`: the path in environment variable `envVar` when set
/// (then only there), else next to the running executable (/proc/self/exe), else `buildPath`
/// (the location CMake built it to). Returns the path, or "" with *tried listing the places.
std::string findHelper(const std::string& name, const char* envVar, const std::string& buildPath, std::string* tried);

/// "signal 11 (Segmentation fault)" style text for messages.
std::string describeSignal(int sig);

}  // namespace ganglion::io
