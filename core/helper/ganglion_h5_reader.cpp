// ganglion-h5-reader: parses an HDF5-based input file in a process of its own, so that a corrupt
// or hostile file (libhdf5 is not hardened against them) can at worst end this process, never
// the workbench. Started by nir::read() and the event HDF5 reader through io::runHelper(); no Qt.
//
//   ganglion-h5-reader nir FILE [--max-memory-mb N] [--max-cpu-seconds N]
//   ganglion-h5-reader events FILE info|read START N|seek T [--max-memory-mb N] [--max-cpu-seconds N]
//
// It first limits itself: no core dumps, an address-space limit of N MB (default 1024; skipped
// in sanitizer builds, whose shadow memory needs terabytes of address space) and N seconds of
// CPU time (default 5; SIGXCPU, then SIGKILL one second later).
// Exit 0: stdout holds the parsed graph (nir::serialize) or the events reply (event_hdf5.h).
// Exit 2: stdout holds the reason the file was rejected. Exit 1: wrong usage (message on stderr).
#include "core/events/event_hdf5.h"
#include "core/snn/nir.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GANGLION_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define GANGLION_SANITIZED 1
#endif
#endif

namespace {

bool writeAll(const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(1, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += std::size_t(n);
    }
    return true;
}

void limit(int resource, rlim_t soft, rlim_t hard) {
    rlimit l{soft, hard};
    ::setrlimit(resource, &l);
}

int usage(const char* msg) {
    std::fprintf(stderr, "ganglion-h5-reader: %s\nusage: ganglion-h5-reader nir FILE | events FILE info|read START N|seek T  [--max-memory-mb N] [--max-cpu-seconds N]\n", msg);
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    limit(RLIMIT_CORE, 0, 0);
    if (argc < 3) return usage("missing arguments");
    const std::string kind = argv[1], path = argv[2];
    if (kind != "nir" && kind != "events") return usage(("unknown input kind '" + kind + "'").c_str());
    // events: the request (a command and its integer arguments) precedes the options.
    int first = 3;
    std::vector<std::string> request;
    if (kind == "events") {
        while (first < argc && std::string(argv[first]).rfind("--", 0) != 0) request.push_back(argv[first++]);
        const std::size_t want = request.empty() ? 0 : request[0] == "info" ? 1 : request[0] == "read" ? 3 : request[0] == "seek" ? 2 : 0;
        if (want == 0 || request.size() != want) return usage("events needs info, read START N or seek T");
    }
    std::vector<long long> numbers;
    for (std::size_t i = 1; i < request.size(); ++i) {
        char* end = nullptr;
        errno = 0;
        numbers.push_back(std::strtoll(request[i].c_str(), &end, 10));
        if (!end || *end || errno || (request[0] == "read" && numbers.back() < 0))
            return usage(("bad number '" + request[i] + "'").c_str());
    }
    long memoryMb = 1024, cpuSeconds = 5;
    for (int i = first; i < argc; i += 2) {
        const std::string opt = argv[i];
        if (i + 1 >= argc) return usage(("missing value for " + opt).c_str());
        char* end = nullptr;
        const long v = std::strtol(argv[i + 1], &end, 10);
        if (!end || *end || v < 1) return usage(("bad value for " + opt).c_str());
        if (opt == "--max-memory-mb") memoryMb = v;
        else if (opt == "--max-cpu-seconds") cpuSeconds = v;
        else return usage(("unknown option " + opt).c_str());
    }
#ifndef GANGLION_SANITIZED
    limit(RLIMIT_AS, rlim_t(memoryMb) << 20, rlim_t(memoryMb) << 20);
#endif
    limit(RLIMIT_CPU, rlim_t(cpuSeconds), rlim_t(cpuSeconds + 1));
    try {
        namespace h5 = ganglion::events::h5events;
        std::string reply;
        if (kind == "nir") reply = ganglion::nir::serialize(ganglion::nir::readInProcess(path));
        else if (request[0] == "info") reply = h5::encodeInfo(h5::info(path));
        else if (request[0] == "read") reply = h5::encodeEvents(h5::read(path, std::uint64_t(numbers[0]), std::uint64_t(numbers[1])));
        else reply = h5::encodeIndex(h5::seek(path, numbers[0]));
        return writeAll(reply) ? 0 : 1;
    } catch (const std::bad_alloc&) {
        writeAll(path + ": reading it needs more than " + std::to_string(memoryMb) + " MB of memory");
    } catch (const std::exception& e) {
        writeAll(e.what());
    }
    return 2;
}
