// Event-file readers on hand-built byte sequences (incl. timestamp wraps and time-high words),
// writer round trips with seek, truncated/garbage files, and the real samples when present.
#include "core/events/event_reader.h"
#include "core/events/event_writer.h"
#include "event_file_bytes.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace ganglion;
using namespace ganglion::events;
using namespace ganglion::testing;

namespace {

std::string save(const QTemporaryDir& dir, const char* name, const Bytes& b) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    return path;
}
std::vector<Event> readEvents(const std::string& path, std::string* error = nullptr, int* w = nullptr, int* h = nullptr) {
    EventPacket p;
    std::string err;
    if (!readAll(path, &p, &err)) {
        if (error) *error = err;
        return {};
    }
    if (error) *error = err;
    if (w) *w = p.width;
    if (h) *h = p.height;
    return p.events;
}
bool same(const Event& a, std::int64_t t, int x, int y, int p) {
    return a.t == t && a.x == x && a.y == y && a.p == p;
}
#define CHECK_EVENT(E, T, X, Y, P)                                                         \
    QVERIFY2(same(E, T, X, Y, P), qPrintable(QString("got t=%1 x=%2 y=%3 p=%4")          \
                                                 .arg((E).t).arg((E).x).arg((E).y).arg(int((E).p))))

std::vector<Event> randomEvents(int n, int w, int h, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Event> ev(static_cast<std::size_t>(n));
    std::int64_t t = 5;
    for (auto& e : ev) {
        t += std::int64_t(rng() % 200);  // gaps up to 200 µs, several TIME_HIGH changes
        e.t = t;
        e.x = std::uint16_t(rng() % std::uint64_t(w));
        e.y = std::uint16_t(rng() % std::uint64_t(h));
        e.p = std::uint8_t(rng() & 1);
    }
    return ev;
}

}  // namespace

class TstEventIo : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void nmnistBytes() {
        Bytes b = {3, 7, 0x80 | 0x00, 0x01, 0x02,   // x3 y7 ON t=0x000102
                   33, 0, 0x7F, 0xFF, 0xF0,         // OFF t=0x7FFFF0
                   1, 2, 0x80, 0x00, 0x10};         // ON t wraps -> 2^23 + 16
        const auto ev = readEvents(save(dir_, "a.bin", b));
        QCOMPARE(ev.size(), std::size_t(3));
        CHECK_EVENT(ev[0], 0x102, 3, 7, 1);
        CHECK_EVENT(ev[1], 0x7FFFF0, 33, 0, 0);
        CHECK_EVENT(ev[2], (1 << 23) + 16, 1, 2, 1);
    }

    void datBytes() {
        Bytes b;
        append(b, "% Data file containing Event2D events.\n% Version 2\n% Width 304\n% Height 240\n");
        b.push_back(0);
        b.push_back(8);
        appendLE<std::uint32_t>(b, 100);
        appendLE<std::uint32_t>(b, 5u | (9u << 14) | (1u << 28));
        appendLE<std::uint32_t>(b, 0xFFFFFF00u);
        appendLE<std::uint32_t>(b, 303u | (239u << 14));
        appendLE<std::uint32_t>(b, 0x10u);  // 32-bit wrap
        appendLE<std::uint32_t>(b, 0u);
        int w = 0, h = 0;
        const auto ev = readEvents(save(dir_, "a.dat", b), nullptr, &w, &h);
        QCOMPARE(w, 304);
        QCOMPARE(h, 240);
        QCOMPARE(ev.size(), std::size_t(3));
        CHECK_EVENT(ev[0], 100, 5, 9, 1);
        CHECK_EVENT(ev[1], 0xFFFFFF00ll, 303, 239, 0);
        CHECK_EVENT(ev[2], (1ll << 32) + 0x10, 0, 0, 0);
    }

    void evt2Bytes() {
        Bytes b;
        append(b, "% evt 2.0\n% format EVT2;height=720;width=1280\n% end\n");
        appendLE<std::uint32_t>(b, (0x8u << 28) | 5u);                                  // TIME_HIGH 5
        appendLE<std::uint32_t>(b, (1u << 28) | (3u << 22) | (1279u << 11) | 719u);       // ON
        appendLE<std::uint32_t>(b, (0xAu << 28) | 123u);                                // trigger: skipped
        appendLE<std::uint32_t>(b, (0u << 28) | (63u << 22) | (2u << 11) | 4u);           // OFF
        appendLE<std::uint32_t>(b, (0x8u << 28) | 0x0FFFFFFFu);                         // high max
        appendLE<std::uint32_t>(b, (1u << 28) | (1u << 22) | (7u << 11) | 8u);
        appendLE<std::uint32_t>(b, (0x8u << 28) | 2u);                                  // wraps
        appendLE<std::uint32_t>(b, (1u << 28) | (0u << 22) | (9u << 11) | 10u);
        int w = 0, h = 0;
        const auto ev = readEvents(save(dir_, "a.raw", b), nullptr, &w, &h);
        QCOMPARE(w, 1280);
        QCOMPARE(h, 720);
        QCOMPARE(ev.size(), std::size_t(4));
        CHECK_EVENT(ev[0], (5 << 6) | 3, 1279, 719, 1);
        CHECK_EVENT(ev[1], (5 << 6) | 63, 2, 4, 0);
        CHECK_EVENT(ev[2], (0x0FFFFFFFll << 6) | 1, 7, 8, 1);
        CHECK_EVENT(ev[3], ((0x10000000ll + 2) << 6), 9, 10, 1);
    }

    void evt21Bytes_data() {
        QTest::addColumn<bool>("legacy");
        QTest::newRow("little-endian") << false;
        QTest::newRow("legacy halves") << true;
    }
    void evt21Bytes() {
        QFETCH(bool, legacy);
        Bytes b;
        append(b, std::string("% evt 2.1\n% format EVT21;height=720;width=1280") + (legacy ? ";endianness=legacy" : "") + "\n% end\n");
        auto w64 = [&](std::uint64_t w) { appendLE<std::uint64_t>(b, legacy ? (w << 32) | (w >> 32) : w); };
        auto cd = [](std::uint64_t type, std::uint64_t tLow, std::uint64_t x, std::uint64_t y, std::uint32_t mask) {
            return (type << 60) | (tLow << 54) | (x << 43) | (y << 32) | mask;
        };
        w64((0x8ull << 60) | (5ull << 32));                 // TIME_HIGH 5
        w64(cd(1, 3, 64, 719, 0x80000005u));                // ON at x 64, 66, 95
        w64((0xAull << 60) | 123);                          // trigger: skipped
        w64(cd(0, 63, 1248, 2, 0xFFFFFFFFu));               // OFF, all 32 of 1248..1279
        w64((0x8ull << 60) | (0x0FFFFFFFull << 32));        // high max
        w64(cd(1, 1, 0, 8, 1u));
        w64((0x8ull << 60) | (2ull << 32));                 // wraps
        w64(cd(0, 0, 32, 10, 0x10u));                       // x = 36
        int w = 0, h = 0;
        const auto ev = readEvents(save(dir_, legacy ? "legacy.raw" : "a21.raw", b), nullptr, &w, &h);
        QCOMPARE(w, 1280);
        QCOMPARE(h, 720);
        QCOMPARE(ev.size(), std::size_t(3 + 32 + 2));
        CHECK_EVENT(ev[0], (5 << 6) | 3, 64, 719, 1);
        CHECK_EVENT(ev[1], (5 << 6) | 3, 66, 719, 1);
        CHECK_EVENT(ev[2], (5 << 6) | 3, 95, 719, 1);
        for (int i = 0; i < 32; ++i) CHECK_EVENT(ev[std::size_t(3 + i)], (5 << 6) | 63, 1248 + i, 2, 0);
        CHECK_EVENT(ev[35], (0x0FFFFFFFll << 6) | 1, 0, 8, 1);
        CHECK_EVENT(ev[36], ((0x10000000ll + 2) << 6), 36, 10, 0);
    }

    void evt21VectorsRoundTrip() {
        // Dense rows (many bits per vector word) and a wrap of the 28-bit TIME_HIGH counter.
        EventPacket p;
        p.width = 1280;
        p.height = 720;
        std::mt19937_64 rng(11);
        std::int64_t t = (0x0FFFFFFFll << 6) - 20000;
        for (int burst = 0; burst < 400; ++burst) {
            t += std::int64_t(rng() % 150);
            const auto y = std::uint16_t(rng() % 720);
            const auto pol = std::uint8_t(rng() & 1);
            const int x0 = int(rng() % 1200), len = 1 + int(rng() % 70);
            for (int x = x0; x < x0 + len; ++x)
                if (rng() % 4) p.events.push_back({t, std::uint16_t(x), y, pol});
        }
        QVERIFY(p.events.back().t > (0x10000000ll << 6));  // crossed the wrap
        const std::string path = dir_.filePath("vectors.raw").toStdString();
        std::string err;
        QVERIFY2(writeEvents(path, FileFormat::Evt21, p, &err), err.c_str());
        const auto words = std::filesystem::file_size(path) / 8;  // header included: an upper bound
        QVERIFY2(words < p.events.size() / 4, "the writer packs rows into vector words");
        auto r = openEventFile(path, &err);
        QVERIFY2(r, err.c_str());
        QCOMPARE(int(r->format()), int(FileFormat::Evt21));
        std::vector<Event> back;
        while (r->read(back, 1000) > 0) {
        }
        QVERIFY2(r->error().empty(), r->error().c_str());
        QCOMPARE(back.size(), p.events.size());
        for (std::size_t i = 0; i < back.size(); ++i)
            if (!same(back[i], p.events[i].t, p.events[i].x, p.events[i].y, p.events[i].p))
                QFAIL(qPrintable(QString("event %1 differs").arg(i)));
        for (std::size_t k : {p.events.size() - 5, std::size_t(10), p.events.size() / 2, std::size_t(0)}) {
            std::size_t first = k;
            while (first > 0 && p.events[first - 1].t == p.events[k].t) --first;
            r->seek(p.events[k].t);
            std::vector<Event> got;
            r->read(got, 5);
            QCOMPARE(got.size(), std::size_t(5));
            for (std::size_t i = 0; i < 5; ++i)
                QVERIFY(same(got[i], p.events[first + i].t, p.events[first + i].x, p.events[first + i].y, p.events[first + i].p));
        }
    }

    void evt3Bytes() {
        Bytes b;
        append(b, "% evt 3.0\n% format EVT3;height=480;width=640\n% end\n");
        auto w16 = [&](unsigned type, unsigned payload) { appendLE<std::uint16_t>(b, std::uint16_t((type << 12) | payload)); };
        w16(0x8, 3);               // TIME_HIGH 3
        w16(0x6, 0x10);            // TIME_LOW 16 -> t = 3*4096+16
        w16(0x0, 100);             // y = 100
        w16(0x2, (1 << 11) | 50);  // ON at x=50
        w16(0x3, (0 << 11) | 200); // base x 200, OFF
        w16(0x4, 0b100000000101);  // x = 200, 202, 211 ; base -> 212
        w16(0x5, 0b00000011);      // x = 212, 213 ; base -> 220
        w16(0xA, 0);               // trigger: skipped
        w16(0x8, 0xFFF);           // TIME_HIGH max
        w16(0x6, 1);
        w16(0x2, 7);               // OFF at x=7
        w16(0x8, 1);               // wraps
        w16(0x6, 2);
        w16(0x2, (1 << 11) | 8);
        int w = 0, h = 0;
        const auto ev = readEvents(save(dir_, "b.raw", b), nullptr, &w, &h);
        QCOMPARE(w, 640);
        QCOMPARE(h, 480);
        QCOMPARE(ev.size(), std::size_t(8));
        const std::int64_t t0 = 3 * 4096 + 16;
        CHECK_EVENT(ev[0], t0, 50, 100, 1);
        CHECK_EVENT(ev[1], t0, 200, 100, 0);
        CHECK_EVENT(ev[2], t0, 202, 100, 0);
        CHECK_EVENT(ev[3], t0, 211, 100, 0);
        CHECK_EVENT(ev[4], t0, 212, 100, 0);
        CHECK_EVENT(ev[5], t0, 213, 100, 0);
        CHECK_EVENT(ev[6], 0xFFFll * 4096 + 1, 7, 100, 0);
        CHECK_EVENT(ev[7], (0x1000ll + 1) * 4096 + 2, 8, 100, 1);
    }

    void aedat2Bytes() {
        Bytes b;
        append(b, "#!AER-DAT2.0\r\n# This is a raw AE data file\r\n");
        appendBE32(b, (17u << 22) | (42u << 12) | (1u << 11));  // DAVIS DVS ON
        appendBE32(b, 1000);
        appendBE32(b, 0x80000000u | 5u);                        // APS sample: skipped
        appendBE32(b, 1001);
        appendBE32(b, (3u << 22) | (4u << 12) | 0x400u);         // external event: skipped
        appendBE32(b, 1002);
        appendBE32(b, (179u << 22) | (239u << 12));              // OFF
        appendBE32(b, 0xFFFFFFF0u);
        appendBE32(b, (1u << 22) | (2u << 12));
        appendBE32(b, 5);                                       // 32-bit wrap
        const auto ev = readEvents(save(dir_, "a.aedat", b));
        QCOMPARE(ev.size(), std::size_t(3));
        CHECK_EVENT(ev[0], 1000, 42, 17, 1);
        CHECK_EVENT(ev[1], 0xFFFFFFF0ll, 239, 179, 0);
        CHECK_EVENT(ev[2], (1ll << 32) + 5, 2, 1, 0);

        Bytes d;
        append(d, "#!AER-DAT2.0\r\n# HardwareInterface: DVS128\r\n");
        appendBE32(d, (100u << 8) | (20u << 1) | 1u);
        appendBE32(d, 77);
        int w = 0, h = 0;
        const auto ev2 = readEvents(save(dir_, "b.aedat", d), nullptr, &w, &h);
        QCOMPARE(ev2.size(), std::size_t(1));
        CHECK_EVENT(ev2[0], 77, 20, 100, 1);
        QCOMPARE(w, 128);
        QCOMPARE(h, 128);
    }

    void aedat4RejectsAHugeDeclaredZstdSize() {
        // a Zstd frame whose header declares 0x204b00000000 bytes (a fuzz finding): the reader
        // refuses it by name instead of trying to allocate that much
        const std::string info =
            "<dv version=\"2.0\"><node name=\"outInfo\" path=\"/outInfo/\"><node name=\"1\" path=\"/outInfo/1/\">"
            "<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr></node></node></dv>";
        const Bytes hdr = ioHeader(3, info);
        Bytes b;
        append(b, "#!AER-DAT4.0\r\n");
        appendLE<std::int32_t>(b, std::int32_t(hdr.size()));
        b.insert(b.end(), hdr.begin(), hdr.end());
        // magic, descriptor (8-byte content size, single segment), the size, one empty raw last block
        Bytes frame = {0x28, 0xB5, 0x2F, 0xFD, 0xE0};
        appendLE<std::uint64_t>(frame, 0x204B00000000ull);
        frame.insert(frame.end(), {0x01, 0x00, 0x00});
        appendLE<std::int32_t>(b, 1);
        appendLE<std::int32_t>(b, std::int32_t(frame.size()));
        b.insert(b.end(), frame.begin(), frame.end());
        std::string err;
        const auto ev = readEvents(save(dir_, "huge.aedat4", b), &err);
        QVERIFY(ev.empty());
        QVERIFY2(err.find("more than a packet may hold") != std::string::npos, err.c_str());
    }

    void aedat4_data() {
        QTest::addColumn<int>("compression");
        QTest::addColumn<bool>("sizePrefixed");
        QTest::newRow("none") << 0 << false;
        QTest::newRow("none-size-prefixed") << 0 << true;
        QTest::newRow("lz4") << 1 << true;
        QTest::newRow("zstd") << 3 << true;
    }
    void aedat4() {
        QFETCH(int, compression);
        QFETCH(bool, sizePrefixed);
        const std::string info =
            "<dv version=\"2.0\"><node name=\"outInfo\" path=\"/outInfo/\"><node name=\"1\" path=\"/outInfo/1/\">"
            "<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr><node name=\"info\" path=\"/outInfo/1/info/\">"
            "<attr key=\"sizeX\" type=\"int\">346</attr><attr key=\"sizeY\" type=\"int\">260</attr></node></node></node></dv>";
        const Bytes hdr = ioHeader(compression, info);
        Bytes b;
        append(b, "#!AER-DAT4.0\r\n");
        appendLE<std::int32_t>(b, std::int32_t(hdr.size()));
        b.insert(b.end(), hdr.begin(), hdr.end());
        const auto evA = randomEvents(300, 346, 260, 1);
        auto evB = randomEvents(200, 346, 260, 2);
        for (auto& e : evB) e.t += evA.back().t;
        auto packet = [&](std::int32_t stream, const Bytes& body) {
            appendLE<std::int32_t>(b, stream);
            appendLE<std::int32_t>(b, std::int32_t(body.size()));
            b.insert(b.end(), body.begin(), body.end());
        };
        packet(1, compress(eventPacketFB(evA, sizePrefixed), compression));
        packet(0, compress(Bytes(40, 0xAB), compression));  // another stream (frames): skipped
        packet(1, compress(eventPacketFB(evB, sizePrefixed), compression));
        int w = 0, h = 0;
        std::string err;
        const auto ev = readEvents(save(dir_, "a.aedat4", b), &err, &w, &h);
        QVERIFY2(err.empty(), err.c_str());
        QCOMPARE(w, 346);
        QCOMPARE(h, 260);
        QCOMPARE(ev.size(), evA.size() + evB.size());
        for (std::size_t i = 0; i < evA.size(); ++i) CHECK_EVENT(ev[i], evA[i].t, evA[i].x, evA[i].y, evA[i].p);
        const Event& last = ev.back();
        CHECK_EVENT(last, evB.back().t, evB.back().x, evB.back().y, evB.back().p);
    }

    void textFormats() {
        Bytes s;
        append(s, "# width 40 height 30\n0.000010 1 2 1\n0.5 3 4 -1\n1.25e0 5 6 0\n");
        int w = 0, h = 0;
        const auto ev = readEvents(save(dir_, "s.txt", s), nullptr, &w, &h);
        QCOMPARE(ev.size(), std::size_t(3));
        QCOMPARE(w, 40);
        QCOMPARE(h, 30);
        CHECK_EVENT(ev[0], 10, 1, 2, 1);
        CHECK_EVENT(ev[1], 500000, 3, 4, 0);
        CHECK_EVENT(ev[2], 1250000, 5, 6, 0);
        Bytes u;
        append(u, "10,1,2,1\r\n20\t3\t4\t0\n\n30 5 6 1");  // µs, mixed separators, no final newline
        const auto ev2 = readEvents(save(dir_, "u.txt", u), nullptr, &w, &h);
        QCOMPARE(ev2.size(), std::size_t(3));
        CHECK_EVENT(ev2[1], 20, 3, 4, 0);
        CHECK_EVENT(ev2[2], 30, 5, 6, 1);
        QCOMPARE(w, 6);  // inferred from the largest x
        QCOMPARE(h, 7);
    }

    void roundTrip_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("seconds");
        QTest::addColumn<int>("width");
        QTest::newRow("n-mnist") << int(FileFormat::NMnistBin) << false << 34;
        QTest::newRow("dat") << int(FileFormat::PropheseeDat) << false << 304;
        QTest::newRow("evt2") << int(FileFormat::Evt2) << false << 1280;
        QTest::newRow("evt21") << int(FileFormat::Evt21) << false << 1280;
        QTest::newRow("text-us") << int(FileFormat::Text) << false << 640;
        QTest::newRow("text-s") << int(FileFormat::Text) << true << 640;
    }
    void roundTrip() {
        QFETCH(int, format);
        QFETCH(bool, seconds);
        QFETCH(int, width);
        const auto fmt = FileFormat(format);
        EventPacket p;
        p.width = width;
        p.height = width * 3 / 4;
        p.events = randomEvents(50000, p.width, p.height, 7);
        const std::string path = dir_.filePath(QString("rt%1%2").arg(format).arg(seconds)).toStdString() +
                                 (fmt == FileFormat::NMnistBin ? ".bin" : fmt == FileFormat::PropheseeDat ? ".dat"
                                  : fmt == FileFormat::Evt2 || fmt == FileFormat::Evt21 ? ".raw" : ".txt");
        std::string err;
        QVERIFY2(writeEvents(path, fmt, p, &err, seconds), err.c_str());
        QCOMPARE(int(detectFormat(path)), format);
        auto r = openEventFile(path, &err);
        QVERIFY2(r, err.c_str());
        if (fmt != FileFormat::NMnistBin) {  // .bin has no header: size is inferred
            QCOMPARE(r->width(), p.width);
            QCOMPARE(r->height(), p.height);
        }
        std::vector<Event> back;
        while (r->read(back, 4096) > 0) {
        }
        QVERIFY2(r->error().empty(), r->error().c_str());
        QCOMPARE(back.size(), p.events.size());
        for (std::size_t i = 0; i < back.size(); ++i)
            if (!same(back[i], p.events[i].t, p.events[i].x, p.events[i].y, p.events[i].p))
                QFAIL(qPrintable(QString("event %1 differs").arg(i)));
        // Seek forwards and backwards by time.
        for (std::size_t k : {std::size_t(40000), std::size_t(123), std::size_t(25000), std::size_t(0)}) {
            const std::int64_t t = p.events[k].t;
            std::size_t first = k;
            while (first > 0 && p.events[first - 1].t == t) --first;
            r->seek(t);
            QCOMPARE(r->peekTime(), t);
            std::vector<Event> got;
            r->read(got, 10);
            QCOMPARE(got.size(), std::size_t(10));
            for (std::size_t i = 0; i < 10; ++i) QCOMPARE(got[i].t, p.events[first + i].t);
        }
        // readUntil gives exactly the events before a time.
        r->rewind();
        std::vector<Event> part;
        r->readUntil(part, p.events[1000].t);
        std::size_t expect = 1000;
        while (expect > 0 && p.events[expect - 1].t == p.events[1000].t) --expect;
        QCOMPARE(part.size(), expect);
    }

    void truncatedFiles_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("chop");
        QTest::newRow("n-mnist") << int(FileFormat::NMnistBin) << 3;
        QTest::newRow("dat") << int(FileFormat::PropheseeDat) << 5;
        QTest::newRow("evt2") << int(FileFormat::Evt2) << 2;
        QTest::newRow("evt21") << int(FileFormat::Evt21) << 3;
    }
    void truncatedFiles() {
        QFETCH(int, format);
        QFETCH(int, chop);
        EventPacket p;
        p.width = p.height = 34;
        p.events = randomEvents(20000, 34, 34, 3);
        const std::string path = dir_.filePath(QString("tr%1").arg(format)).toStdString() +
                                 (format == int(FileFormat::NMnistBin) ? ".bin" : format == int(FileFormat::PropheseeDat) ? ".dat" : ".raw");
        std::string err;
        QVERIFY(writeEvents(path, FileFormat(format), p, &err));
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - std::uintmax_t(chop));
        const auto ev = readEvents(path, &err);
        QVERIFY2(err.find("truncated") != std::string::npos, err.c_str());
        QVERIFY2(err.find("offset") != std::string::npos, err.c_str());
        QCOMPARE(ev.size(), p.events.size() - 1);  // the valid prefix
        QCOMPARE(ev.back().t, p.events[p.events.size() - 2].t);
    }

    void garbageFiles() {
        std::mt19937 rng(5);
        Bytes junk(5000);
        for (auto& c : junk) c = std::uint8_t(rng());
        std::string err;
        QVERIFY(!openEventFile(save(dir_, "junk.xyz", junk), &err));
        QVERIFY2(err.find("not a recognised event file") != std::string::npos, err.c_str());
        QVERIFY(!openEventFile(dir_.filePath("missing.raw").toStdString(), &err));
        QVERIFY2(err.find("cannot open") != std::string::npos, err.c_str());

        Bytes raw;
        append(raw, "% evt 2.0\n% end\n");
        appendLE<std::uint32_t>(raw, (1u << 28) | (1u << 11) | 1u);
        appendLE<std::uint32_t>(raw, 0x3u << 28);  // no such EVT 2.0 type
        appendLE<std::uint32_t>(raw, (1u << 28) | (2u << 11) | 2u);
        const auto ev = readEvents(save(dir_, "bad.raw", raw), &err);
        QCOMPARE(ev.size(), std::size_t(1));
        QVERIFY2(err.find("unknown word type 0x3 at byte offset 20") != std::string::npos, err.c_str());

        Bytes dat;
        append(dat, "% Data file\n");
        dat.push_back(0);
        dat.push_back(16);  // unsupported event size
        QVERIFY(!openEventFile(save(dir_, "bad.dat", dat), &err));
        QVERIFY2(err.find("event size 16") != std::string::npos, err.c_str());

        Bytes txt;
        append(txt, "1 2 3 1\n2 3 4 1\nhello world\n4 5 6 1\n");
        const auto tev = readEvents(save(dir_, "bad.txt", txt), &err);
        QCOMPARE(tev.size(), std::size_t(2));
        QVERIFY2(err.find("line 3") != std::string::npos, err.c_str());
        // a time in seconds beyond what int64 microseconds hold is a bad line, not a wrapped time
        Bytes far;
        append(far, "0.5 1 1 1\n1e300 2 2 1\n");
        const auto fev = readEvents(save(dir_, "far.txt", far), &err);
        QCOMPARE(fev.size(), std::size_t(1));
        QVERIFY2(err.find("line 2") != std::string::npos, err.c_str());
        // an integer beyond its type's range (time, x, polarity) is a bad line, not a value left unset
        for (const char* bad : {"9223372036854775808 2 2 1", "20 4294967296 2 1", "20 2 2 6666666660"}) {
            Bytes big;
            append(big, std::string("10 1 1 1\n") + bad + "\n30 3 3 1\n");
            const auto bev = readEvents(save(dir_, "big.txt", big), &err);
            QCOMPARE(bev.size(), std::size_t(1));
            QVERIFY2(err.find("line 2") != std::string::npos, err.c_str());
        }

        Bytes a4;
        append(a4, "#!AER-DAT4.0\r\n");
        appendLE<std::int32_t>(a4, 1 << 30);
        QVERIFY(!openEventFile(save(dir_, "bad.aedat4", a4), &err));
        QVERIFY2(err.find("header length") != std::string::npos, err.c_str());
    }

    void realNMnist() {
        const QString path = QString(GANGLION_SHARED_DIR) + "/data/events/sample_nmnist.bin";
        if (!QFile::exists(path)) QSKIP(qPrintable("real sample absent: " + path));
        std::string err;
        auto r = openEventFile(path.toStdString(), &err);
        QVERIFY2(r, err.c_str());
        QCOMPARE(int(r->format()), int(FileFormat::NMnistBin));
        QCOMPARE(r->width(), 34);
        QCOMPARE(r->height(), 34);
        std::vector<Event> ev;
        while (r->read(ev, 1000) > 0) {
        }
        QVERIFY2(r->error().empty(), r->error().c_str());
        QCOMPARE(ev.size(), std::size_t(4325));
        for (std::size_t i = 1; i < ev.size(); ++i) QVERIFY(ev[i].t >= ev[i - 1].t);
        CHECK_EVENT(ev[0], (0x02 << 8) | 0x8e, 7, 15, 1);  // first bytes 07 0f 80 02 8e
    }

    void realNCars() {
        const QString path = QString(GANGLION_SHARED_DIR) + "/data/events/sample_ncars.dat";
        if (!QFile::exists(path)) QSKIP(qPrintable("real sample absent: " + path));
        std::string err;
        auto r = openEventFile(path.toStdString(), &err);
        QVERIFY2(r, err.c_str());
        QCOMPARE(int(r->format()), int(FileFormat::PropheseeDat));
        std::vector<Event> ev;
        while (r->read(ev, 1000) > 0) {
        }
        QVERIFY2(r->error().empty(), r->error().c_str());
        QCOMPARE(ev.size(), std::size_t(2009));
        QVERIFY(r->width() > 0 && r->width() <= 120);
        QVERIFY(r->height() > 0 && r->height() <= 100);
        for (const auto& e : ev) QVERIFY(e.p <= 1);
    }
};

QTEST_GUILESS_MAIN(TstEventIo)
#include "tst_event_io.moc"
