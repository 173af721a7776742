// Event HDF5 files (events/x, y, t, p, optional ms_to_idx) read through the ganglion-h5-reader
// helper: round trips against the writer with and without ms_to_idx (more than one helper chunk,
// seeks forwards and backwards), other integer widths with the sensor size inferred, files of
// other writers built here with the HDF5 C API, and malformed files rejected naming the dataset.
#include "core/events/event_hdf5.h"
#include "core/events/event_reader.h"
#include "core/events/event_writer.h"
#include "core/io/hdf5_handle.h"
#include "core/model/node_spec.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

using namespace ganglion;
using namespace ganglion::events;

namespace {

using H = io::H5Handle;

EventPacket randomPacket(std::size_t n, std::uint64_t seed) {
    EventPacket p;
    p.width = 346;
    p.height = 260;
    std::mt19937_64 rng(seed);
    std::int64_t t = 1000;
    for (std::size_t i = 0; i < n; ++i) {
        t += std::int64_t(rng() % 12);  // several events per µs now and then
        p.events.push_back({t, std::uint16_t(rng() % 346), std::uint16_t(rng() % 260), std::uint8_t(rng() & 1)});
    }
    return p;
}

/// One 1-D dataset written from int64 values converted to `type`.
struct Column {
    std::string name;
    hid_t type;
    std::vector<std::int64_t> values;
};

/// Writes `columns` (names may start with "events/") with the HDF5 C API, as other tools do.
void writeColumns(const std::string& path, const std::vector<Column>& columns) {
    io::silenceHdf5();
    H f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    QVERIFY(f.ok());
    H g(H5Gcreate2(f, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    for (const auto& c : columns) {
        const hsize_t n = c.values.size();
        H space(H5Screate_simple(1, &n, nullptr), H5Sclose);
        H d(H5Dcreate2(f, c.name.c_str(), c.type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        QVERIFY(d.ok());
        QVERIFY(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.values.data()) >= 0);
    }
}

std::vector<Column> columnsOf(const EventPacket& p) {
    std::vector<Column> c = {{"events/x", H5T_STD_I32LE, {}}, {"events/y", H5T_STD_U8LE, {}},
                             {"events/t", H5T_STD_U32LE, {}}, {"events/p", H5T_STD_I8LE, {}}};
    for (const Event& e : p.events) {
        c[0].values.push_back(e.x);
        c[1].values.push_back(e.y);
        c[2].values.push_back(e.t);
        c[3].values.push_back(e.p ? 1 : -1);  // some tools write polarity as -1/+1
    }
    return c;
}

bool sameEvents(const std::vector<Event>& a, const std::vector<Event>& b, std::size_t from = 0) {
    if (b.size() < from + a.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Event& x = a[i];
        const Event& y = b[from + i];
        if (x.t != y.t || x.x != y.x || x.y != y.y || x.p != y.p) return false;
    }
    return true;
}

}  // namespace

class TstEventHdf5 : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void roundTrip_data() {
        QTest::addColumn<bool>("msIndex");
        QTest::newRow("with ms_to_idx") << true;
        QTest::newRow("binary search on t") << false;
    }
    void roundTrip() {
        QFETCH(bool, msIndex);
        // More events than one helper request holds, so reading crosses a chunk boundary.
        const EventPacket p = randomPacket(std::size_t(kHdf5ChunkEvents) + 40000, 3);
        const std::string file = path(msIndex ? "indexed.h5" : "plain.h5");
        std::string err;
        QVERIFY2(writeHdf5Events(file, p, msIndex, &err), err.c_str());
        QCOMPARE(int(detectFormat(file)), int(FileFormat::Hdf5));
        auto r = openEventFile(file, &err);
        QVERIFY2(r, err.c_str());
        QCOMPARE(r->width(), 346);
        QCOMPARE(r->height(), 260);
        std::vector<Event> back;
        while (r->read(back, 100000) > 0) {
        }
        QVERIFY2(r->error().empty(), r->error().c_str());
        QCOMPARE(back.size(), p.events.size());
        QVERIFY(sameEvents(p.events, back));
        // Fresh reader: seeks land without reading the file up to there.
        r = openEventFile(file, &err);
        QVERIFY2(r, err.c_str());
        for (std::size_t k : {std::size_t(290000), std::size_t(17), std::size_t(150000), p.events.size() - 3}) {
            const std::int64_t t = p.events[k].t;
            std::size_t first = k;
            while (first > 0 && p.events[first - 1].t == t) --first;
            QCOMPARE(h5events::seek(file, t), std::uint64_t(first));  // what the helper answers
            r->seek(t);
            QCOMPARE(r->peekTime(), t);
            std::vector<Event> got;
            r->read(got, 3);
            QVERIFY(sameEvents(got, p.events, first));
        }
        r->seek(p.events.back().t + 1);
        QVERIFY(r->atEnd());
    }

    void inconsistentMsIndexIsNotTrusted() {
        // An ms_to_idx that points past the events it should (or before them) still seeks right.
        const EventPacket p = randomPacket(20000, 4);
        const std::string file = path("stale_index.h5");
        std::string err;
        QVERIFY2(writeHdf5Events(file, p, true, &err), err.c_str());
        {
            H f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
            H d(H5Dopen2(f, "ms_to_idx", H5P_DEFAULT), H5Dclose);
            H space(H5Dget_space(d), H5Sclose);
            std::vector<std::int64_t> idx(std::size_t(H5Sget_simple_extent_npoints(space)));
            for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = std::int64_t(k % 2 ? p.events.size() : 0);
            QVERIFY(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, idx.data()) >= 0);
        }
        for (std::size_t k : {std::size_t(5000), std::size_t(12345), std::size_t(19999)}) {
            std::size_t first = k;
            while (first > 0 && p.events[first - 1].t == p.events[k].t) --first;
            QCOMPARE(h5events::seek(file, p.events[k].t), std::uint64_t(first));
        }
    }

    void otherWritersAndInferredSize() {
        // Other integer widths, polarity -1/+1, no size attributes: the size is inferred.
        EventPacket p = randomPacket(5000, 9);
        for (auto& e : p.events) e.y = std::uint16_t(e.y % 200);
        const std::string file = path("other.hdf5");
        writeColumns(file, columnsOf(p));
        std::string err;
        EventPacket back;
        QVERIFY2(readAll(file, &back, &err), err.c_str());
        QVERIFY2(err.empty(), err.c_str());
        QVERIFY(sameEvents(p.events, back.events));
        int mx = 0, my = 0;
        for (const Event& e : p.events) {
            mx = std::max(mx, int(e.x));
            my = std::max(my, int(e.y));
        }
        QCOMPARE(back.width, mx + 1);
        QCOMPARE(back.height, my + 1);
    }

    void malformed_data() {
        QTest::addColumn<int>("fault");
        QTest::addColumn<QString>("named");
        QTest::newRow("missing p") << 0 << "'events/p' is missing";
        QTest::newRow("short y") << 1 << "'events/y' has 9 elements but 'events/x' has 10";
        QTest::newRow("float x") << 2 << "'events/x' does not hold integers";
        QTest::newRow("t decreases") << 3 << "'events/t' decreases at element 6";
        QTest::newRow("x negative") << 4 << "'events/x' element 2 is -4";
        QTest::newRow("2-D t") << 5 << "'events/t' is not one-dimensional";
    }
    void malformed() {
        QFETCH(int, fault);
        QFETCH(QString, named);
        EventPacket p = randomPacket(10, 1);
        auto cols = columnsOf(p);
        const std::string file = path(("bad" + std::to_string(fault) + ".h5").c_str());
        if (fault == 0) cols.pop_back();
        if (fault == 1) cols[1].values.pop_back();
        if (fault == 2) cols[0].type = H5T_IEEE_F32LE;
        if (fault == 3) cols[2].values[6] = cols[2].values[5] - 1;
        if (fault == 4) cols[0].values[2] = -4;
        if (fault == 5) cols.erase(cols.begin() + 2);
        writeColumns(file, cols);
        if (fault == 5) {  // t as a 2 x 5 matrix
            H f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
            const hsize_t dims[2] = {2, 5};
            H space(H5Screate_simple(2, dims, nullptr), H5Sclose);
            H d(H5Dcreate2(f, "events/t", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
            QVERIFY(d.ok());
        }
        std::string err;
        EventPacket back;
        // Structural faults stop opening; faults in the values stop decoding where they are.
        if (readAll(file, &back, &err)) QVERIFY(back.events.size() < p.events.size());
        QVERIFY2(err.find(named.toStdString()) != std::string::npos, err.c_str());
        QVERIFY2(err.find(file) != std::string::npos, err.c_str());
    }

    void damagedFiles() {
        const EventPacket p = randomPacket(3000, 5);
        const std::string good = path("good.h5");
        std::string err;
        QVERIFY2(writeHdf5Events(good, p, true, &err), err.c_str());
        const auto size = std::filesystem::file_size(good);
        // Truncated at several points, and the HDF5 signature alone: rejected, never a crash.
        for (const double keep : {0.1, 0.5, 0.9}) {
            const std::string cut = path(("cut" + std::to_string(int(keep * 10)) + ".h5").c_str());
            std::filesystem::copy_file(good, cut, std::filesystem::copy_options::overwrite_existing);
            std::filesystem::resize_file(cut, std::uintmax_t(double(size) * keep));
            EventPacket back;
            const bool opened = readAll(cut, &back, &err);
            QVERIFY2(!err.empty(), cut.c_str());
            QVERIFY2(err.find(cut) != std::string::npos, err.c_str());
            if (opened) QVERIFY(back.events.size() < p.events.size());
        }
        const std::string sig = path("signature.h5");
        std::ofstream(sig, std::ios::binary) << "\x89HDF\r\n\x1a\n";
        QVERIFY(!openEventFile(sig, &err));
        QVERIFY2(err.find("not an HDF5 file") != std::string::npos, err.c_str());
    }

    void replyFormatRejectsDamage() {
        const std::vector<Event> ev = {{5, 1, 2, 1}, {9, 3, 4, 0}};
        const std::string bytes = h5events::encodeEvents(ev);
        QVERIFY(sameEvents(ev, h5events::decodeEvents(bytes)));
        for (std::size_t cut : {std::size_t(3), std::size_t(10), bytes.size() - 1})
            QVERIFY_THROWS_EXCEPTION(Hdf5Error, h5events::decodeEvents(bytes.substr(0, cut)));
        QVERIFY_THROWS_EXCEPTION(Hdf5Error, h5events::decodeIndex(h5events::encodeInfo({})));
    }

    void formatListHasTheNewFormats() {
        const std::string list = eventFormatList(), patterns = eventFilePatterns();
        QVERIFY2(list.find("EVT 2.1") != std::string::npos && list.find("HDF5") != std::string::npos, list.c_str());
        QVERIFY2(patterns.find("*.h5") != std::string::npos, patterns.c_str());
        QCOMPARE(patterns.find("*.raw"), patterns.rfind("*.raw"));  // each extension once
        for (const auto& f : eventFormats()) QVERIFY(makeReader(f.format) != nullptr);
        // The EventFile node's help and its path's file dialog come from the same list.
        const NodeSpec* spec = NodeRegistry::instance().find("EventFile");
        QVERIFY(spec);
        QVERIFY2(spec->help.find(list) != std::string::npos, spec->help.c_str());
        QVERIFY(spec->param("path"));
        QVERIFY2(spec->param("path")->fileFilter.find(patterns) != std::string::npos, spec->param("path")->fileFilter.c_str());
    }
};

QTEST_GUILESS_MAIN(TstEventHdf5)
#include "tst_event_hdf5.moc"
