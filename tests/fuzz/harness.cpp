// libFuzzer entry point, compiled once per loader with GANGLION_FUZZ_TARGET set to the harness name
// (see tests/fuzz/CMakeLists.txt and fuzz_targets.h).
#include "tests/fuzz/fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

namespace {
const ganglion::fuzz::Target& target() {
    static const ganglion::fuzz::Target* t = ganglion::fuzz::findTarget(GANGLION_FUZZ_TARGET);
    if (!t) {
        std::fprintf(stderr, "no fuzz target named '%s'\n", GANGLION_FUZZ_TARGET);
        std::abort();
    }
    return *t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        target().run(data, size);
    } catch (const std::exception& e) {
        // Not the loader's documented error (those are handled in the target): a finding.
        std::fprintf(stderr, "fuzz target '%s': %s\n", GANGLION_FUZZ_TARGET, e.what());
        std::abort();
    }
    return 0;
}
