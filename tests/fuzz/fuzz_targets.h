// The loaders under fuzzing, one entry per harness: each takes the raw bytes of a file, runs them
// through the loader the way the workbench does, and returns normally when the bytes loaded or were
// rejected with the loader's documented error (a non-empty message). Anything else — another
// exception type, a broken invariant of the loaded data — throws FuzzContractError, which the
// fuzz harness turns into a crash and the regression test into a failure. Shared by the libFuzzer
// harnesses (tests/fuzz/harness.cpp) and the replay test of the normal suite
// (tests/core/tst_fuzz_regressions.cpp). No Qt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganglion::fuzz {

struct FuzzContractError : std::logic_error {
    using std::logic_error::logic_error;
};

enum class Outcome { Loaded, Rejected };

struct Target {
    const char* name;  ///< harness name = folder under tests/fuzz/corpus and tests/fuzz/regressions
    Outcome (*run)(const std::uint8_t* data, std::size_t size);
};

const std::vector<Target>& targets();
/// nullptr when no target has that name.
const Target* findTarget(const std::string& name);

}  // namespace ganglion::fuzz
