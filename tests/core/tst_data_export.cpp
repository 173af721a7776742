// Exporting recorded numbers (core/io/data_export.h, core/io/export_catalog.h): series CSV and
// array CSV / .npy read back to the same numbers, .npy has the published layout (version 1.0,
// '<f4', C order, 64-byte aligned data), names are resolved from what the nodes publish, and bad
// names and paths are refused with messages naming what is wrong; typed observables (spike rasters,
// event windows, …) export as tables whose CSV and .npy read back to the hand-made records.
#include "core/engine/engine.h"
#include "core/graph/json_io.h"
#include "core/io/data_export.h"
#include "core/events/event_window.h"
#include "core/io/export_catalog.h"
#include "core/io/extra_tables.h"
#include "core/snn/spike_history.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace ganglion;

namespace {

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    return cells;
}

std::vector<std::vector<std::string>> csvRows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) rows.push_back(split(line));
    return rows;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Matrix pattern(int rows, int cols) {
    Matrix m(rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) m(r, c) = float(r) * 100.f + float(c) + 1.f / 3.f;  // distinct, not exact in binary
    return m;
}

}  // namespace

class TestDataExport : public QObject {
    Q_OBJECT
private slots:
    void seriesCsvReadsBackExactly() {
        MetricHistory h;
        const double values[] = {0.1, 1.0 / 3.0, -2.5e-30, 12345.678901234567};
        for (int i = 0; i < 4; ++i) h.append("Loss/loss", std::uint64_t(i * 10), values[i]);
        h.append("Loss/test_loss", 10, 0.7);
        h.append("Loss/test_loss", 20, 0.5);
        h.append("Loss/test_loss", 20, 0.25);  // recorded twice at one step: a second row there
        h.append("Loss/test_loss", 35, 0.2);  // a step the other series has no point at
        const std::vector<io::NamedSeries> s = {{"Loss/loss", h.series("Loss/loss")}, {"Loss/test_loss", h.series("Loss/test_loss")}};
        const auto rows = csvRows(io::seriesCsv(s, 0.5));
        QCOMPARE(rows.front(), (std::vector<std::string>{"step", "time_s", "Loss/loss", "Loss/test_loss"}));
        QCOMPARE(rows.size(), std::size_t(1 + 6));  // steps 0, 10, 20, 20, 30, 35
        std::map<std::string, std::vector<MetricPoint>> back;
        for (std::size_t r = 1; r < rows.size(); ++r) {
            QCOMPARE(rows[r].size(), std::size_t(4));
            const auto step = std::stoull(rows[r][0]);
            QCOMPARE(std::stod(rows[r][1]), double(step) * 0.5);
            for (int c = 2; c < 4; ++c)
                if (!rows[r][c].empty()) back[rows.front()[c]].push_back({step, std::stod(rows[r][c])});
        }
        for (const auto& name : h.names()) {
            const auto want = h.series(name);
            QCOMPARE(back[name].size(), want.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
                QCOMPARE(back[name][i].step, want[i].step);
                QVERIFY(back[name][i].value == want[i].value);  // exactly: shortest round-trip form
            }
        }
        // without dt there is no time column
        QCOMPARE(csvRows(io::seriesCsv(s)).front().size(), std::size_t(3));
        // simulated time reads as a person would write it
        const auto timed = csvRows(io::seriesCsv({{"CUBA/rate", {{150, 1.0}}}}, 1e-4));
        QCOMPARE(timed[1][1], std::string("0.015"));
    }

    void arrayCsvReadsBack() {
        const Matrix m = pattern(3, 4);
        const auto rows = csvRows(io::matrixCsv(m));
        QCOMPARE(rows.front(), (std::vector<std::string>{"col_0", "col_1", "col_2", "col_3"}));
        QCOMPARE(rows.size(), std::size_t(4));
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c) QVERIFY(std::stof(rows[r + 1][c]) == m(r, c));
    }

    void npyRoundTrip_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::newRow("1x1") << 1 << 1;
        QTest::newRow("3x5") << 3 << 5;
        QTest::newRow("column 17x1") << 17 << 1;
        QTest::newRow("row 1x33") << 1 << 33;
        QTest::newRow("empty 0x4") << 0 << 4;
        QTest::newRow("weights 64x784") << 64 << 784;
    }

    void npyRoundTrip() {
        QFETCH(int, rows);
        QFETCH(int, cols);
        const Matrix m = pattern(rows, cols);
        const std::string bytes = io::matrixNpy(m);
        QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));  // version 1.0
        const std::size_t headerLen = std::size_t(static_cast<unsigned char>(bytes[8])) | std::size_t(static_cast<unsigned char>(bytes[9])) << 8;
        QCOMPARE((10 + headerLen) % 64, std::size_t(0));  // data aligned as the format asks
        QCOMPARE(bytes[10 + headerLen - 1], '\n');
        const io::NpyArray a = io::parseNpy(bytes);
        QCOMPARE(a.dtype, std::string("<f4"));
        QVERIFY(!a.fortranOrder);
        QCOMPARE(a.shape, (std::vector<std::size_t>{std::size_t(rows), std::size_t(cols)}));
        QCOMPARE(a.data.size(), std::size_t(rows) * std::size_t(cols));
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) QVERIFY(float(a.data[std::size_t(r) * std::size_t(cols) + std::size_t(c)]) == m(r, c));
    }

    void badNpyIsRefused_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("says");
        const std::string good = io::matrixNpy(pattern(2, 2));
        QTest::newRow("no magic") << QByteArray("hello world") << "no magic";
        QTest::newRow("truncated data") << QByteArray(good.data(), qsizetype(good.size() - 3)) << "header promises";
        std::string f8 = good;
        f8.replace(f8.find("<f4"), 3, "<i2");
        QTest::newRow("integer dtype") << QByteArray(f8.data(), qsizetype(f8.size())) << "not supported";
    }

    void badNpyIsRefused() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, says);
        try {
            io::parseNpy(bytes.toStdString());
            QFAIL("accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains(says), e.what());
        }
    }

    void unwritablePathIsNamed() {
        const std::string path = "/nonexistent-folder/out.csv";
        try {
            io::writeFileAtomically(path, "x");
            QFAIL("wrote into a missing folder");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
            QVERIFY2(QString(e.what()).contains("No such file"), e.what());
        }
    }

    // A real run: every series of the metric history and every array the nodes publish is
    // exportable by its name and writes the same numbers; unknown names list the alternatives.
    void runExportsWhatNodesPublish() {
        Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/spiral_classifier.json");
        Engine e;
        e.build(g);
        QVERIFY2(e.ok(), e.error().c_str());
        MetricHistory h;
        SnapshotPtr snap;
        for (int i = 0; i < 5; ++i) {
            for (int k = 0; k < 20; ++k) QVERIFY(e.step());
            snap = e.makeSnapshot(&h);
        }
        const auto items = io::exportables(h, snap.get());
        int series = 0, arrays = 0;
        QTemporaryDir dir;
        for (const auto& it : items) {
            const auto d = io::lookupExport(it.name, h, snap.get());
            QCOMPARE(int(d.kind), int(it.kind));
            if (it.kind == io::ExportItem::Kind::Series) {
                ++series;
                const std::string path = dir.filePath("s.csv").toStdString();
                io::writeExport(d, path, 0.0);
                const auto rows = csvRows(readAll(path));
                const auto want = h.series(it.name);
                QCOMPARE(rows.front(), (std::vector<std::string>{"step", it.name}));
                QCOMPARE(rows.size(), want.size() + 1);
                for (std::size_t i = 0; i < want.size(); ++i) {
                    QCOMPARE(std::stoull(rows[i + 1][0]), want[i].step);
                    QVERIFY(std::stod(rows[i + 1][1]) == want[i].value);
                }
            } else if (it.kind == io::ExportItem::Kind::Array) {
                ++arrays;
                const std::string path = dir.filePath("a.npy").toStdString();
                io::writeExport(d, path);
                const auto a = io::parseNpy(readAll(path));
                QCOMPARE(a.shape, (std::vector<std::size_t>{it.rows, it.cols}));
                QCOMPARE(a.data.size(), std::size_t(d.array.size()));
                for (std::size_t i = 0; i < a.data.size(); ++i)
                    QVERIFY(float(a.data[i]) == d.array(Eigen::Index(i / it.cols), Eigen::Index(i % it.cols)));
            }
        }
        QVERIFY(series >= 2);  // loss, test loss, accuracy…
        QVERIFY(arrays >= 3);  // the dense layers' weights at least
        QCOMPARE(io::lookupExport("Hidden 1/weights", h, snap.get()).array.rows(), Eigen::Index(16));

        try {
            io::lookupExport("Nope/loss", h, snap.get());
            QFAIL("unknown node accepted");
        } catch (const io::ExportLookupError& err) {
            const QString m = err.what();
            QVERIFY2(m.contains("no node named 'Nope'") && m.contains("Hidden 1") && m.contains("Loss"), err.what());
        }
        try {
            io::lookupExport("Loss/nope", h, snap.get());
            QFAIL("unknown metric accepted");
        } catch (const io::ExportLookupError& err) {
            const QString m = err.what();
            QVERIFY2(m.contains("'nope'") && m.contains("Loss/loss (series"), err.what());
            QVERIFY2(!m.contains("Hidden 1/weights"), err.what());  // only what that node publishes
        }
        try {  // a series goes to CSV
            io::writeExport(io::lookupExport("Loss/loss", h, snap.get()), dir.filePath("s.npy").toStdString());
            QFAIL("series written as .npy");
        } catch (const std::runtime_error& err) {
            QVERIFY2(QString(err.what()).contains(".csv"), err.what());
        }
    }

    void typedObservablesExportAsTables() {
        // A raster of two populations (exc 0-2, inh 3-4): one row per spike, its time after the step.
        snn::SpikeRecorder rec({"exc", "inh"}, {0, 3, 5}, 1e-3, 100);
        rec.beginStep(0);
        rec.add(0, {1});
        rec.add(1, {0});
        rec.endStep();
        rec.beginStep(1);
        rec.add(0, {2});
        rec.endStep();
        const auto raster = io::extraTable(std::any(rec.raster()));
        QVERIFY(raster);
        QCOMPARE(raster->columns, (std::vector<std::string>{"step", "time_s", "neuron", "population"}));
        QCOMPARE(raster->rows, (std::vector<std::vector<double>>{{0, 1e-3, 1, 0}, {0, 1e-3, 3, 1}, {1, 2e-3, 2, 0}}));

        // Events keep their microseconds exactly, also beyond float's 2^24.
        auto window = std::make_shared<events::EventWindow>();
        window->chunks.push_back(std::make_shared<const std::vector<Event>>(
            std::vector<Event>{{50'000'001, 3, 4, 1}, {50'000'017, 300, 200, 0}}));
        Snapshot snap;
        NodeSnapshot n;
        n.name = "Camera";
        n.obs.extra["events"] = std::shared_ptr<const events::EventWindow>(window);
        n.obs.extra["note"] = std::make_shared<const std::string>("not a table");
        snap.nodes.push_back(n);
        const MetricHistory none;
        const auto items = io::exportables(none, &snap);
        QCOMPARE(items.size(), std::size_t(1));  // the string converts to nothing
        QCOMPARE(int(items[0].kind), int(io::ExportItem::Kind::Table));
        QCOMPARE(items[0].rows, std::size_t(2));
        const auto d = io::lookupExport("Camera/events", none, &snap);
        QTemporaryDir dir;
        io::writeExport(d, dir.filePath("e.csv").toStdString());
        QCOMPARE(csvRows(readAll(dir.filePath("e.csv").toStdString())),
                 (std::vector<std::vector<std::string>>{{"t_us", "x", "y", "polarity"}, {"50000001", "3", "4", "1"}, {"50000017", "300", "200", "0"}}));
        io::writeExport(d, dir.filePath("e.npy").toStdString());
        const auto a = io::parseNpy(readAll(dir.filePath("e.npy").toStdString()));
        QCOMPARE(a.dtype, std::string("<f8"));
        QCOMPARE(a.shape, (std::vector<std::size_t>{2, 4}));
        QCOMPARE(a.data, (std::vector<double>{50000001, 3, 4, 1, 50000017, 300, 200, 0}));
        try {
            io::writeExport(d, dir.filePath("e.txt").toStdString());
            QFAIL("a table written as .txt");
        } catch (const std::runtime_error& err) {
            QVERIFY2(QString(err.what()).contains("table Camera/events") && QString(err.what()).contains(".npy or .csv"), err.what());
        }
    }

    void spikingRunExportsItsRaster() {
        Engine e;
        e.build(loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/snn_cuba.json"));
        QVERIFY2(e.ok(), e.error().c_str());
        MetricHistory h;
        for (int k = 0; k < 200; ++k) QVERIFY(e.step());
        const SnapshotPtr snap = e.makeSnapshot(&h);
        const auto raster = snap->nodes.at(0).obs.get<snn::SpikeRaster>("spikes");
        QVERIFY(raster && raster->spikeCount() > 100);
        const auto d = io::lookupExport(snap->nodes.at(0).name + "/spikes", h, snap.get());
        QCOMPARE(int(d.kind), int(io::ExportItem::Kind::Table));
        QCOMPARE(d.table.rows.size(), raster->spikeCount());
        QTemporaryDir dir;
        io::writeExport(d, dir.filePath("r.csv").toStdString());
        const auto rows = csvRows(readAll(dir.filePath("r.csv").toStdString()));
        QCOMPARE(rows.size(), raster->spikeCount() + 1);
        std::size_t k = 1;
        raster->forEach(raster->firstStep, raster->endStep, [&](std::uint64_t step, int neuron) {
            if (k < rows.size() && (std::stoull(rows[k][0]) != step || std::stoi(rows[k][2]) != neuron)) k = rows.size() + 1;
            ++k;
        });
        QCOMPARE(k, rows.size());  // every spike, in order
    }
};

QTEST_APPLESS_MAIN(TestDataExport)
#include "tst_data_export.moc"
