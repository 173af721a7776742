// Loader entry points for the fuzz harnesses and the regression replay (see fuzz_targets.h).
#include "tests/fuzz/fuzz_targets.h"

#include "core/events/event_hdf5.h"
#include "core/events/event_reader.h"
#include "core/g2g/idx_reader.h"
#include "core/io/npz.h"
#include "core/graph/json_io.h"
#include "core/snn/nir.h"
#include "core/snn/nir_convert.h"
#include "core/worm/connectome_table.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>

namespace ganglion::fuzz {

namespace {

using Bytes = const std::uint8_t*;

void require(bool ok, const std::string& what) {
    if (!ok) throw FuzzContractError(what);
}

/// The bytes as a file for loaders that read from a path: one file per process and extension,
/// in /dev/shm when available (fast), removed at exit.
class TempFile {
public:
    explicit TempFile(const char* extension) {
        const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : nullptr;
        const std::string dir = base ? base : std::filesystem::temp_directory_path().string();
        path_ = dir + "/ganglion-fuzz-" + std::to_string(::getpid()) + extension;
    }
    ~TempFile() { std::remove(path_.c_str()); }
    const std::string& write(Bytes data, std::size_t size) {
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        require(f != nullptr, "cannot create " + path_);
        const bool ok = std::fwrite(data, 1, size, f) == size;
        require(std::fclose(f) == 0 && ok, "cannot write " + path_);
        return path_;
    }

private:
    std::string path_;
};

const std::string& asFile(const char* extension, Bytes data, std::size_t size) {
    // One TempFile per extension for the life of the process (the harness calls this millions of times).
    static std::vector<std::pair<std::string, std::unique_ptr<TempFile>>> files;
    for (auto& [ext, f] : files)
        if (ext == extension) return f->write(data, size);
    files.emplace_back(extension, std::make_unique<TempFile>(extension));
    return files.back().second->write(data, size);
}

Outcome rejected(const std::exception& e, const char* loader) {
    require(e.what() && *e.what(), std::string(loader) + " threw its error type with an empty message");
    return Outcome::Rejected;
}

// --- graph JSON: load; what loads must save and load again to the same text ---------------------
Outcome graphJson(Bytes data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    Graph g;
    try {
        g = graphFromJson(text);
    } catch (const GraphFormatError& e) {
        return rejected(e, "graphFromJson");
    }
    const std::string saved = graphToJson(g);
    std::string again;
    try {
        again = graphToJson(graphFromJson(saved));
    } catch (const GraphFormatError& e) {
        throw FuzzContractError(std::string("a loaded graph saved to JSON that does not load: ") + e.what());
    }
    require(again == saved, "graph JSON round trip is not exact");
    return Outcome::Loaded;
}

// --- event files: decode everything, seek into the middle, rewind and decode again ----------------
constexpr std::size_t kMaxEvents = 1 << 20;  // the fuzzer's inputs are small; bounds a decoding loop

Outcome eventFile(events::FileFormat format, const char* extension, Bytes data, std::size_t size) {
    const std::string& path = asFile(extension, data, size);
    auto reader = events::makeReader(format);
    require(reader != nullptr, "no reader for this format");
    if (!reader->open(path)) {
        require(!reader->error().empty(), "open failed without a message");
        return Outcome::Rejected;
    }
    require(reader->width() >= 0 && reader->height() >= 0, "negative sensor size");
    std::vector<Event> first;
    std::size_t total = 0;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    std::vector<Event> chunk;
    while (total < kMaxEvents) {
        chunk.clear();
        const std::size_t n = reader->read(chunk, 4096);
        require(n == chunk.size() && n <= 4096, "read() returned a count that differs from the events appended");
        if (n == 0) break;
        for (const Event& e : chunk) {
            lo = std::min(lo, e.t);
            hi = std::max(hi, e.t);
        }
        if (first.size() < 256) first.insert(first.end(), chunk.begin(), chunk.begin() + std::ptrdiff_t(std::min<std::size_t>(n, 256 - first.size())));
        total += n;
    }
    const bool clean = reader->error().empty();
    if (total > 0) {
        reader->seek(std::midpoint(lo, hi));  // no overflow for times far apart
        chunk.clear();
        reader->read(chunk, 1024);
    }
    reader->rewind();
    chunk.clear();
    reader->read(chunk, first.size());
    require(chunk.size() == first.size(), "rewind does not reproduce the events read first");
    for (std::size_t i = 0; i < first.size(); ++i)
        require(chunk[i].t == first[i].t && chunk[i].x == first[i].x && chunk[i].y == first[i].y && chunk[i].p == first[i].p,
                "rewind does not reproduce the events read first");
    return clean ? Outcome::Loaded : Outcome::Rejected;
}

template <events::FileFormat F>
Outcome eventTarget(Bytes data, std::size_t size);
#define GANGLION_EVENT_TARGET(F, EXT) \
    template <>                         \
    Outcome eventTarget<events::FileFormat::F>(Bytes d, std::size_t n) { return eventFile(events::FileFormat::F, EXT, d, n); }
GANGLION_EVENT_TARGET(NMnistBin, ".bin")
GANGLION_EVENT_TARGET(PropheseeDat, ".dat")
GANGLION_EVENT_TARGET(Evt2, ".raw")
GANGLION_EVENT_TARGET(Evt21, ".raw")
GANGLION_EVENT_TARGET(Evt3, ".raw")
GANGLION_EVENT_TARGET(Aedat2, ".aedat")
GANGLION_EVENT_TARGET(Aedat4, ".aedat4")
GANGLION_EVENT_TARGET(Text, ".txt")
#undef GANGLION_EVENT_TARGET

// --- NIR, HDF5 layer: the parser the ganglion-h5-reader helper runs, in this process --------------
// The workbench never runs it in its own process (nir::read starts the helper, which contains a
// crash, hang or allocation inside libhdf5); in-process it gives the fuzzer coverage. Findings
// whose stack is in libhdf5 first are reported apart by ./ganglion.sh fuzz (libhdf5 1.10 is not
// hardened against hostile files); anything in our reading code is a finding like any other.
Outcome nirHdf5(Bytes data, std::size_t size) {
    const std::string& path = asFile(".nir", data, size);
    try {
        nir::readInProcess(path);
    } catch (const nir::NirError& e) {
        return rejected(e, "nir::readInProcess");
    }
    return Outcome::Loaded;
}

// --- event HDF5: the helper's parser in this process (contained by the helper in the workbench) ----
// info, a read from the start and a seek into the middle; what loads must come back through the
// helper's reply encoding unchanged.
Outcome eventsHdf5(Bytes data, std::size_t size) {
    const std::string& path = asFile(".h5", data, size);
    namespace h5 = events::h5events;
    try {
        const h5::Info info = h5::info(path);
        require(h5::decodeInfo(h5::encodeInfo(info)).count == info.count, "event HDF5 info reply round trip");
        const std::vector<Event> ev = h5::read(path, 0, 4096);
        require(ev.size() == std::min<std::uint64_t>(info.count, 4096), "event HDF5 read returned a wrong count");
        require(h5::decodeEvents(h5::encodeEvents(ev)).size() == ev.size(), "event HDF5 events reply round trip");
        const std::uint64_t at = h5::seek(path, std::midpoint(info.tFirst, info.tLast));
        require(at <= info.count, "event HDF5 seek past the end");
    } catch (const events::Hdf5Error& e) {
        return rejected(e, "h5events");
    }
    return Outcome::Loaded;
}

// --- NIR, our layer: what the workbench does with the helper's answer -----------------------------
// The helper's output (nir::serialize) decoded, validated, sized and simulated as the NIRModel
// node does, and taken apart into a LIF chain as File > Import NIR does. Bounded declared sizes
// are part of the contract: validate() must refuse what the simulator could not allocate.
constexpr std::size_t kMaxSimulatedValues = 1 << 16;  // larger valid graphs are not stepped (speed)

Outcome nirGraph(Bytes data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    nir::Graph g;
    try {
        g = nir::deserialize(bytes);
        nir::validate(g);
    } catch (const nir::NirError& e) {
        return rejected(e, "nir::deserialize/validate");
    }
    require(nir::deserialize(nir::serialize(g)) == g, "NIR graph serialisation round trip is not exact");
    std::size_t total = 0;
    std::map<std::string, std::vector<double>> feed;
    for (const auto& [name, shape] : nir::outputShapes(nir::flatten(g))) {  // subgraphs inlined
        std::size_t values = 1;
        for (auto d : shape) values *= d;
        total += values;
        if (g.nodes.count(name) && g.nodes.at(name).type == "Input") {
            require(values == nir::outputSize(g, name), "NIR Input size differs once subgraphs are inlined");
            feed[name].assign(values, 1.0);
        }
    }
    try {
        if (total <= kMaxSimulatedValues) {
            nir::Simulator sim(g, 1e-3);
            sim.spikingNodes();
            for (int i = 0; i < 3; ++i) sim.step(feed);
        }
    } catch (const nir::NirError& e) {
        return rejected(e, "nir::Simulator");
    }
    try {
        nir::importLifChain(g, 1e-3, 10);
    } catch (const nir::NirError& e) {
        // A valid graph that is not a LIF chain: the import refuses it by name, the file loaded.
        rejected(e, "nir::importLifChain");
    }
    return Outcome::Loaded;
}

// --- idx: in memory, or through the gzip file reader when the bytes are gzip ----------------------
Outcome idxFile(Bytes data, std::size_t size) {
    g2g::IdxArray a;
    try {
        if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
            a = g2g::readIdxFile(asFile(".idx.gz", data, size));
        else
            a = g2g::parseIdx(std::vector<std::uint8_t>(data, data + size), "fuzz.idx");
    } catch (const g2g::IdxError& e) {
        return rejected(e, "idx reader");
    }
    // An array with a zero dimension is empty whatever the others say (the reader accepts it,
    // as numpy does); otherwise the product of the dimensions must not overflow.
    const bool empty = std::find(a.dims.begin(), a.dims.end(), 0u) != a.dims.end();
    std::size_t product = 1;
    for (std::uint32_t d : a.dims)
        require(empty || !__builtin_mul_overflow(product, std::size_t(d), &product), "idx dimensions overflow and still loaded");
    if (empty) product = 0;
    require(!a.dims.empty() && a.data.size() == product, "idx data size is not the product of its dimensions");
    return Outcome::Loaded;
}

// --- npz: a state dict as --import-weights / File > Import trained weights read it --------------
Outcome npzFile(Bytes data, std::size_t size) {
    std::map<std::string, io::NpyArray> arrays;
    try {
        arrays = io::parseNpz(std::string(reinterpret_cast<const char*>(data), size));
    } catch (const std::runtime_error& e) {
        return rejected(e, "npz reader");
    }
    for (const auto& [name, a] : arrays) {
        std::size_t product = 1;
        for (std::size_t d : a.shape) require(!__builtin_mul_overflow(product, d, &product), "npy dimensions overflow and still loaded");
        require(a.data.size() == product, "npy data size is not the product of its shape");
        if (product > 0 && product < (std::size_t(1) << 24)) io::matrixFromNpy(a);
    }
    return Outcome::Loaded;
}

// --- connectome table: every row refers to a listed cell, every problem names its line -----------
Outcome connectome(Bytes data, std::size_t size) {
    const worm::ConnectomeTable t = worm::parseConnectomeText(std::string(reinterpret_cast<const char*>(data), size));
    require(t.classes.size() == t.cells.size(), "one class per cell");
    for (const auto& r : t.rows)
        require(r.pre >= 0 && r.post >= 0 && std::size_t(r.pre) < t.cells.size() && std::size_t(r.post) < t.cells.size() && r.line > 0,
                "a row refers to a cell that is not listed");
    for (const auto& p : t.problems) require(p.line >= 0 && !p.message.empty(), "a problem without a message");
    for (const auto type : {worm::SynapseType::Chemical, worm::SynapseType::Electrical}) {
        t.countRows(type);
        t.countSynapses(type);
    }
    t.presynapticCells();
    t.problemSummary();
    return t.errorCount() == 0 ? Outcome::Loaded : Outcome::Rejected;
}

}  // namespace

const std::vector<Target>& targets() {
    using F = events::FileFormat;
    static const std::vector<Target> all = {
        {"graph_json", graphJson},
        {"events_nmnist_bin", eventTarget<F::NMnistBin>},
        {"events_prophesee_dat", eventTarget<F::PropheseeDat>},
        {"events_evt2", eventTarget<F::Evt2>},
        {"events_evt21", eventTarget<F::Evt21>},
        {"events_evt3", eventTarget<F::Evt3>},
        {"events_aedat2", eventTarget<F::Aedat2>},
        {"events_aedat4", eventTarget<F::Aedat4>},
        {"events_text", eventTarget<F::Text>},
        {"events_hdf5", eventsHdf5},
        {"nir", nirHdf5},
        {"nir_graph", nirGraph},
        {"idx", idxFile},
        {"connectome", connectome},
        {"npz", npzFile},
    };
    return all;
}

const Target* findTarget(const std::string& name) {
    for (const auto& t : targets())
        if (name == t.name) return &t;
    return nullptr;
}

}  // namespace ganglion::fuzz
