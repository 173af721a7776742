// Test helpers for the exports checked in Python (PyTorch: core/export/torch_export.h, Brian2:
// core/export/brian2_export.h): running Debian's python3 on an exported folder, reading what it
// wrote, and the verdict on a run.
#pragma once

#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ganglion::testing {

/// Debian's interpreter (where python3-torch lives): $GANGLION_PYTHON, else /usr/bin/python3.
inline std::string pythonInterpreter() {
    if (const char* p = std::getenv("GANGLION_PYTHON"); p && *p) return p;
    return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

/// Runs `command` with its output into `log`; returns the exit status (-1 when it did not run).
inline int runLogged(const std::string& command, const std::string& log) {
    const int rc = std::system((command + " > '" + log + "' 2>&1").c_str());
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The last `n` characters of a log (where a Python traceback ends with the error).
inline std::string tail(const std::string& text, std::size_t n = 1500) {
    return text.size() <= n ? text : "…" + text.substr(text.size() - n);
}

/// Exit status of the Python helpers when `import torch` fails.
constexpr int kNoTorch = 77;

}  // namespace ganglion::testing

/// The verdict on a Python run (status `rc`, output in the file `log`) inside a test function:
/// skipped, with the interpreter's message, when it exited with `missingStatus` (its module is
/// not installed: `install` says which Debian package brings it); any other non-zero status
/// fails the test with the end of the traceback (the whole of it goes to stderr, as QtTest
/// shortens messages).
#define GANGLION_VERIFY_PYTHON_RUN(rc, log, missingStatus, install)                                                \
    do {                                                                                                          \
        const std::string pyOut_ = ::ganglion::testing::readText(log);                                           \
        if ((rc) == (missingStatus)) QSKIP((std::string(install) + " is not installed (apt-get install " + install + "): " + pyOut_).c_str()); \
        if ((rc) != 0) std::fputs(pyOut_.c_str(), stderr);                                                      \
        QVERIFY2((rc) == 0, ::ganglion::testing::tail(pyOut_, 600).c_str());                                     \
    } while (false)
