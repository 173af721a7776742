// Writes the fuzz seed corpus: `fuzz_make_seeds <dir>` creates <dir>/<harness>/<seed> for every
// harness, each a tiny valid file written by the project's own writers where one exists (graph
// JSON, N-MNIST .bin, Prophesee .dat, EVT 2.0/2.1, event HDF5, text, NIR and its serialised form) and hand-built bytes otherwise (EVT 3.0,
// AEDAT 2.0/4.0, idx, connectome). The checked-in tests/fuzz/corpus was made with it.
#include "core/events/event_writer.h"
#include "core/graph/json_io.h"
#include "core/io/npz.h"
#include "core/snn/nir.h"
#include "tests/core/event_file_bytes.h"
#include "tests/core/nir_sample.h"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

fs::path folder(const fs::path& root, const char* harness) {
    fs::create_directories(root / harness);
    return root / harness;
}
void save(const fs::path& path, const Bytes& b) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}
void save(const fs::path& path, const std::string& s) { save(path, Bytes(s.begin(), s.end())); }

EventPacket someEvents(int width, int height) {
    EventPacket p;
    p.width = width;
    p.height = height;
    for (int i = 0; i < 12; ++i)
        p.events.push_back({std::int64_t(100 + 37 * i), std::uint16_t((i * 7) % width), std::uint16_t((i * 5) % height), std::uint8_t(i % 2)});
    return p;
}

void writeEvents(const fs::path& root, const char* harness, const char* name, events::FileFormat f, bool seconds = false) {
    std::string err;
    if (!events::writeEvents((folder(root, harness) / name).string(), f, someEvents(34, 34), &err, seconds))
        throw std::runtime_error(err);
}

void graphSeeds(const fs::path& root) {
    for (const char* example : {"spiral_classifier", "snn_cuba", "worm_touch", "events_rotating_dot"}) {
        const Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR "/resources/examples/") + example + ".json");
        save(folder(root, "graph_json") / (std::string(example) + ".json"), graphToJson(g));
    }
}

void eventSeeds(const fs::path& root) {
    using F = events::FileFormat;
    writeEvents(root, "events_nmnist_bin", "twelve.bin", F::NMnistBin);
    writeEvents(root, "events_prophesee_dat", "twelve.dat", F::PropheseeDat);
    writeEvents(root, "events_evt2", "twelve.raw", F::Evt2);
    writeEvents(root, "events_evt21", "twelve.raw", F::Evt21);
    writeEvents(root, "events_hdf5", "twelve.h5", F::Hdf5);
    {  // vector words with many bits set: a row of 40 pixels at one time, both polarities
        EventPacket p;
        p.width = p.height = 64;
        for (int pol = 0; pol < 2; ++pol)
            for (int x = 3; x < 43; ++x) p.events.push_back({std::int64_t(70), std::uint16_t(x), std::uint16_t(9), std::uint8_t(pol)});
        std::string err;
        if (!events::writeEvents((folder(root, "events_evt21") / "vectors.raw").string(), F::Evt21, p, &err))
            throw std::runtime_error(err);
    }
    writeEvents(root, "events_text", "twelve_us.txt", F::Text);
    writeEvents(root, "events_text", "twelve_s.txt", F::Text, true);

    Bytes evt3;
    append(evt3, "% evt 3.0\n% format EVT3;height=48;width=64\n% end\n");
    auto w16 = [&](unsigned type, unsigned payload) { appendLE<std::uint16_t>(evt3, std::uint16_t((type << 12) | payload)); };
    w16(0x8, 3);               // TIME_HIGH
    w16(0x6, 0x10);            // TIME_LOW
    w16(0x0, 10);              // y
    w16(0x2, (1 << 11) | 5);   // single event
    w16(0x3, (0 << 11) | 20);  // base x
    w16(0x4, 0b100000000101);  // 12-bit validity vector
    w16(0x5, 0b00000011);      // 8-bit validity vector
    w16(0xA, 0);               // trigger
    w16(0x8, 0xFFF);
    w16(0x6, 1);
    w16(0x2, 7);
    save(folder(root, "events_evt3") / "eight.raw", evt3);

    Bytes a2;
    append(a2, "#!AER-DAT2.0\r\n# This is a raw AE data file\r\n");
    appendBE32(a2, (17u << 22) | (42u << 12) | (1u << 11));  // DAVIS DVS event
    appendBE32(a2, 1000);
    appendBE32(a2, 0x80000000u | 5u);                        // APS sample
    appendBE32(a2, 1001);
    appendBE32(a2, (79u << 22) | (139u << 12));
    appendBE32(a2, 1002);
    save(folder(root, "events_aedat2") / "davis.aedat", a2);
    Bytes d2;
    append(d2, "#!AER-DAT2.0\r\n# HardwareInterface: DVS128\r\n");
    appendBE32(d2, (100u << 8) | (20u << 1) | 1u);
    appendBE32(d2, 77);
    save(folder(root, "events_aedat2") / "dvs128.aedat", d2);

    const std::string info =
        "<dv version=\"2.0\"><node name=\"outInfo\" path=\"/outInfo/\"><node name=\"1\" path=\"/outInfo/1/\">"
        "<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr><node name=\"info\" path=\"/outInfo/1/info/\">"
        "<attr key=\"sizeX\" type=\"int\">34</attr><attr key=\"sizeY\" type=\"int\">34</attr></node></node></node></dv>";
    for (const auto& [compression, name] : {std::pair{0, "plain.aedat4"}, {1, "lz4.aedat4"}, {3, "zstd.aedat4"}}) {
        const Bytes hdr = ioHeader(compression, info);
        Bytes b;
        append(b, "#!AER-DAT4.0\r\n");
        appendLE<std::int32_t>(b, std::int32_t(hdr.size()));
        b.insert(b.end(), hdr.begin(), hdr.end());
        const Bytes body = compress(eventPacketFB(someEvents(34, 34).events, compression != 0), compression);
        appendLE<std::int32_t>(b, 1);  // stream id
        appendLE<std::int32_t>(b, std::int32_t(body.size()));
        b.insert(b.end(), body.begin(), body.end());
        save(folder(root, "events_aedat4") / name, b);
    }
}

nir::Graph affineLif() {
    using nir::Array;
    nir::Graph g;
    g.nodes["in"] = {"Input", {{"shape", Array::ints({2})}}};
    g.nodes["fc"] = {"Affine", {{"weight", Array::matrix(2, 2, {1.0, -0.5, 0.25, 2.0})}, {"bias", Array::filled(2, 0.1)}}};
    g.nodes["lif"] = {"LIF", {{"tau", Array::filled(2, 0.02)}, {"r", Array::filled(2, 1.0)},
                              {"v_leak", Array::filled(2, 0.0)}, {"v_threshold", Array::filled(2, 1.0)}}};
    g.nodes["out"] = {"Output", {{"shape", Array::ints({2})}}};
    g.edges = {{"in", "fc"}, {"fc", "lif"}, {"lif", "out"}};
    return g;
}

void nirSeeds(const fs::path& root) {
    nir::write(affineLif(), (folder(root, "nir") / "affine_lif.nir").string());
    nir::write(nir::testing::sampleTensorGraph(), (folder(root, "nir") / "tensor_subgraph.nir").string());
    // The helper's answer (nir::serialize) for the same graphs and for one using every neuron type.
    save(folder(root, "nir_graph") / "affine_lif.bin", nir::serialize(affineLif()));
    save(folder(root, "nir_graph") / "every_type.bin", nir::serialize(nir::testing::sampleGraph()));
    save(folder(root, "nir_graph") / "tensor_subgraph.bin", nir::serialize(nir::testing::sampleTensorGraph()));
}

void idxSeeds(const fs::path& root) {
    Bytes b = {0, 0, 0x08, 3};
    for (std::uint32_t d : {2u, 3u, 3u}) appendBE32(b, d);
    for (int i = 0; i < 18; ++i) b.push_back(std::uint8_t(i * 14));
    save(folder(root, "idx") / "images.idx", b);
    Bytes labels = {0, 0, 0x08, 1};
    appendBE32(labels, 4);
    for (std::uint8_t v : {3, 1, 4, 1}) labels.push_back(v);
    save(folder(root, "idx") / "labels.idx", labels);
    const std::string gz = (folder(root, "idx") / "images.idx.gz").string();
    gzFile f = gzopen(gz.c_str(), "wb9");
    if (!f || gzwrite(f, b.data(), unsigned(b.size())) != int(b.size()) || gzclose(f) != Z_OK)
        throw std::runtime_error("cannot write " + gz);
}

void npzSeeds(const fs::path& root) {
    io::NpzArrays arrays = {{"layer.weight", io::NpyArray{{2, 3}, "<f4", false, {1, -2, 3, 0.5, 0, 7}}},
                            {"layer.bias", io::NpyArray{{2}, "<f8", false, {0.25, -1}}},
                            {"mask", io::NpyArray{{3}, "|b1", false, {1, 0, 1}}},
                            {"steps", io::NpyArray{{1}, "<i8", false, {42}}}};
    save(folder(root, "npz") / "state_dict.npz", io::npzBytes(arrays));
}

void connectomeSeeds(const fs::path& root) {
    save(folder(root, "connectome") / "openworm.csv",
         "Origin,Target,Type,Number of Connections\nADAL,ADAR,GapJunction,1\nAVAL,VA1,Send,6\nAVBR,DB3,Send,2\n"
         "# comment\n\nPVDL,AVAL,chemical,3\nDD1,VB1,Send,4\nMDL05,AVAL,Send,1\n");
    save(folder(root, "connectome") / "tabbed.tsv", "pre\tpost\ttype\tcount\nALML\tAVDR\telectrical\t2\nVB3\tDB2\tchemical\t5\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_make_seeds <corpus-dir>\n";
        return 1;
    }
    try {
        const fs::path root = argv[1];
        graphSeeds(root);
        eventSeeds(root);
        nirSeeds(root);
        idxSeeds(root);
        connectomeSeeds(root);
        npzSeeds(root);
    } catch (const std::exception& e) {
        std::cerr << "fuzz_make_seeds: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
