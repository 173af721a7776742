// NIR import through the helper process (nir::read), and the binary form the helper sends back.
//
// Wire format (little-endian, as produced on this machine by the helper built with it):
//   "GNIR3\n"  magic
//   str version; graph; u32 noteCount, str notes[noteCount] (the top-level graph's Graph::notes)
// graph: u32 nodeCount; per node: str name, str type, u32 paramCount,
//     per parameter: str name, u8 integer, u32 rank, u64 dims[rank], u64 count, f64 data[count]
//     u8 hasSubgraph, [graph] (nested at most kMaxDepth deep)
//   u32 edgeCount; per edge: str source, str target
// where str is u32 length + bytes. Doubles are copied bit for bit, so the round trip is exact.
#include "core/io/byte_codec.h"
#include "core/snn/nir.h"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>

#ifndef GANGLION_H5_READER_BUILD_PATH
#define GANGLION_H5_READER_BUILD_PATH ""
#endif

namespace ganglion::nir {

namespace {

constexpr char kMagic[] = "GNIR3\n";
constexpr const char* kHelperName = "ganglion-h5-reader";
constexpr const char* kHelperEnv = "GANGLION_H5_READER";

using io::put;
using io::putStr;
using io::oneLine;
using Reader = io::ByteReader<NirError>;

std::string helperPath() {
    std::string tried;
    const std::string p = io::findHelper(kHelperName, kHelperEnv, GANGLION_H5_READER_BUILD_PATH, &tried);
    if (p.empty())
        throw NirError(std::string("the NIR/HDF5 reader program '") + kHelperName + "' was not found (looked in " + tried +
                       "); reinstall Ganglion or point $" + kHelperEnv + " at it");
    return p;
}

}  // namespace

namespace {

void putGraph(std::string& out, const Graph& g) {
    put<std::uint32_t>(out, std::uint32_t(g.nodes.size()));
    for (const auto& [name, n] : g.nodes) {
        putStr(out, name);
        putStr(out, n.type);
        put<std::uint32_t>(out, std::uint32_t(n.params.size()));
        for (const auto& [pname, a] : n.params) {
            putStr(out, pname);
            put<std::uint8_t>(out, a.integer ? 1 : 0);
            put<std::uint32_t>(out, std::uint32_t(a.shape.size()));
            for (std::size_t d : a.shape) put<std::uint64_t>(out, d);
            put<std::uint64_t>(out, a.data.size());
            const std::size_t at = out.size();
            out.resize(at + a.data.size() * sizeof(double));
            if (!a.data.empty()) std::memcpy(out.data() + at, a.data.data(), a.data.size() * sizeof(double));
        }
        put<std::uint8_t>(out, n.subgraph.empty() ? 0 : 1);
        if (!n.subgraph.empty()) putGraph(out, n.subgraph[0]);
    }
    put<std::uint32_t>(out, std::uint32_t(g.edges.size()));
    for (const auto& [a, b] : g.edges) {
        putStr(out, a);
        putStr(out, b);
    }
}

Graph getGraph(Reader& r, int depth) {
    if (depth > kMaxDepth) throw NirError("reader output: subgraphs nested more than " + std::to_string(kMaxDepth) + " deep");
    Graph g;
    const std::size_t nodes = r.count(r.get<std::uint32_t>(), 13);
    for (std::size_t i = 0; i < nodes; ++i) {
        std::string name = r.str();
        Node n;
        n.type = r.str();
        const std::size_t params = r.count(r.get<std::uint32_t>(), 17);
        for (std::size_t k = 0; k < params; ++k) {
            std::string pname = r.str();
            Array a;
            a.integer = r.get<std::uint8_t>() != 0;
            const std::size_t rank = r.count(r.get<std::uint32_t>(), 8);
            for (std::size_t d = 0; d < rank; ++d) a.shape.push_back(std::size_t(r.get<std::uint64_t>()));
            const std::size_t count = r.count(std::size_t(r.get<std::uint64_t>()), sizeof(double));
            a.data.resize(count);
            for (auto& v : a.data) v = r.get<double>();
            n.params[pname] = std::move(a);
        }
        if (r.get<std::uint8_t>() != 0) n.subgraph.push_back(getGraph(r, depth + 1));
        g.nodes[name] = std::move(n);
    }
    const std::size_t edges = r.count(r.get<std::uint32_t>(), 8);
    for (std::size_t i = 0; i < edges; ++i) {
        std::string a = r.str();
        g.edges.emplace_back(std::move(a), r.str());
    }
    return g;
}

}  // namespace

std::string serialize(const Graph& g) {
    std::string out(kMagic);
    putStr(out, g.version);
    putGraph(out, g);
    put<std::uint32_t>(out, std::uint32_t(g.notes.size()));
    for (const auto& n : g.notes) putStr(out, n);
    return out;
}

Graph deserialize(const std::string& bytes) {
    Reader r(bytes, "reader output");
    r.expect(kMagic, sizeof(kMagic) - 1);
    const std::string version = r.str();
    Graph g = getGraph(r, 0);
    g.version = version;
    const std::size_t notes = r.count(r.get<std::uint32_t>(), 4);
    for (std::size_t i = 0; i < notes; ++i) g.notes.push_back(r.str());
    r.end();
    return g;
}

Graph read(const std::string& path) { return read(path, io::HelperLimits{}); }

Graph read(const std::string& path, const io::HelperLimits& limits) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw NirError(path + (std::filesystem::exists(path, ec) ? ": not a regular file" : ": file not found"));
    const std::string helper = helperPath();
    const io::HelperResult res = io::runHelper(
        helper, {"nir", path, "--max-memory-mb", std::to_string(limits.memoryMegabytes),
                 "--max-cpu-seconds", std::to_string(int(std::max(1.0, limits.timeoutSeconds + 1)))},
        limits);
    const std::string invalid = path + ": not a valid NIR file";
    if (!res.started) throw NirError(path + ": cannot read (" + res.error + ")");
    if (res.timedOut) {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%g", limits.timeoutSeconds);
        throw NirError(invalid + " (reading it did not finish within " + secs + " s and was stopped)");
    }
    if (res.outputTooLarge) throw NirError(invalid + " (the graph it describes is too large)");
    if (res.signal == SIGXCPU || res.signal == SIGKILL)
        throw NirError(invalid + " (reading it exceeded the reader's time or memory limit and was stopped)");
    if (res.signal != 0) throw NirError(invalid + " (the HDF5 reader crashed on it: " + io::describeSignal(res.signal) + ")");
    // Exit 2: the helper's own message (the in-process reader's, which starts with the path).
    if (res.exitCode == 2) {
        std::string why = oneLine(res.out);
        if (why.rfind(path + ": ", 0) == 0) why = why.substr(path.size() + 2);
        throw NirError(invalid + ": " + why);
    }
    if (res.exitCode != 0)
        throw NirError(invalid + " (the reader ended with status " + std::to_string(res.exitCode) +
                       (res.err.empty() ? std::string() : ": " + oneLine(res.err)) + ")");
    try {
        Graph g = deserialize(res.out);
        validate(g);
        return g;
    } catch (const NirError& e) {
        throw NirError(invalid + " (" + e.what() + ")");
    }
}

}  // namespace ganglion::nir
