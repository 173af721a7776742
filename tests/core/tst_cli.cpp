// The headless command line: exit codes, report contents, messages for bad input.
// ctest-cost: 37 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/io/data_export.h"
#include "core/io/npz.h"

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

class TstCli : public QObject {
    Q_OBJECT

    struct Run {
        int code = -1;
        QString out, err;
    };
    Run run(const QStringList& args) {
        QProcess p;
        p.start(GANGLION_EXE, args);
        if (!p.waitForFinished(120000)) return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }
    QString example() const { return GANGLION_SOURCE_DIR "/resources/examples/spiral_classifier.json"; }

private slots:
    void helpListsEveryOption() {
        const Run r = run({"--help"});
        QCOMPARE(r.code, 0);
        for (const char* opt : {"--headless", "--steps", "--report", "--seed", "--node-docs", "--example", "--export-series",
                                "--export-view", "--out", "--scale", "--record-every", "--export-torch", "--import-weights",
                                "--export-brian2", "--duration", "--brian2-target"})
            QVERIFY2(r.out.contains(opt), opt);
    }

    void headlessRunWritesReport() {
        QTemporaryDir dir;
        const QString report = dir.filePath("report.json");
        const Run r = run({"--headless", example(), "--steps", "1500", "--report", report});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc["steps"].toInt(), 1500);
        const auto metrics = doc["metrics"].toObject();
        QVERIFY(metrics.contains("Loss/test_loss"));
        QVERIFY2(metrics["Accuracy/test_accuracy"].toDouble() > 0.9, qPrintable(QJsonDocument(metrics).toJson()));
    }

    // The report carries the model cost per sample. Spiral 2-16-16-2 ReLU, by hand:
    //   Hidden 1: 2·16 + 16 = 48 params, 32 MACs; ReLU 1: 16; Hidden 2: 16·16 + 16 = 272, 256;
    //   ReLU 2: 16; Output: 16·2 + 2 = 34, 32; Loss (2 classes): 2·2 = 4 → 354 params, 356 MACs;
    //   training 3·(32 + 256 + 32) + 2·(16 + 16) + (4 + 2) = 1030. The Classifier counts nothing.
    void headlessReportHasTheModelCost() {
        QTemporaryDir dir;
        const QString report = dir.filePath("report.json");
        const Run r = run({"--headless", example(), "--steps", "5", "--report", report});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto cost = QJsonDocument::fromJson(f.readAll()).object()["cost"].toObject();
        const auto total = cost["total"].toObject();
        QCOMPARE(total["params"].toDouble(), 354.0);
        QCOMPARE(total["forward_macs"].toDouble(), 356.0);
        QCOMPARE(total["train_macs"].toDouble(), 1030.0);
        QCOMPARE(total["uncounted_nodes"].toInt(), 1);
        const auto nodes = cost["nodes"].toObject();
        QCOMPARE(nodes["Hidden 2"].toObject()["params"].toDouble(), 272.0);
        QCOMPARE(nodes["Hidden 2"].toObject()["forward_macs"].toDouble(), 256.0);
        QVERIFY(nodes["Hidden 2"].toObject()["counted"].toBool());
        // a node whose kernel does not count MACs reports none rather than a made-up zero
        QVERIFY(!nodes["Accuracy"].toObject()["counted"].toBool());
        QVERIFY(!nodes["Accuracy"].toObject().contains("forward_macs"));
    }

    // pykan's tutorial as a headless run: the formula example trains in the engine, then the
    // report carries the recovered closed form of the loss's prediction (kan_discover.h).
    void headlessFormulaExampleRecoversTheFormula() {
        QTemporaryDir dir;
        const QString report = dir.filePath("report.json");
        const Run r = run({"--headless", GANGLION_SOURCE_DIR "/resources/examples/kan_formula.json", "--steps", "1500",
                           "--report", report});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc["formulas"].toObject()["MSE"].toString(), QString("exp(sin(3.1416*x1) + x2^2)"));
        QVERIFY(doc["formula_r2_test"].toObject()["MSE"].toDouble() >= 0.9999);
        // a graph without a formula data set has no formulas
        const QString other = dir.filePath("other.json");
        QCOMPARE(run({"--headless", example(), "--steps", "5", "--report", other}).code, 0);
        QFile g(other);
        QVERIFY(g.open(QIODevice::ReadOnly));
        QVERIFY(!QJsonDocument::fromJson(g.readAll()).object().contains("formulas"));
    }

    void sameSeedSameReport() {
        QTemporaryDir dir;
        auto metrics = [&](const QString& name, const QString& seed) {
            run({"--headless", example(), "--steps", "200", "--seed", seed, "--report", dir.filePath(name)});
            QFile f(dir.filePath(name));
            f.open(QIODevice::ReadOnly);
            return QJsonDocument::fromJson(f.readAll()).object()["metrics"].toObject();
        };
        QCOMPARE(metrics("a.json", "3"), metrics("b.json", "3"));
        QVERIFY(metrics("c.json", "4") != metrics("a.json", "3"));
    }

    void badInputExitCodes_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file") << QStringList{"--headless", "/nonexistent/g.json"} << 2 << "cannot open";
        QTest::newRow("bad steps") << QStringList{"--headless", "x.json", "--steps", "many"} << 1 << "--steps";
        QTest::newRow("bad seed") << QStringList{"--headless", "x.json", "--seed", "-3"} << 1 << "--seed";
    }
    void badInputExitCodes() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.code, code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void invalidGraphNamesNodeAndPort() {
        QTemporaryDir dir;
        QFile f(dir.filePath("bad.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format":"ganglion-graph","version":1,"nodes":[
            {"id":1,"type":"PlaygroundData","name":"Data"},{"id":2,"type":"Dense","name":"Layer"},
            {"id":3,"type":"Loss","name":"Objective"}],
            "edges":[{"id":4,"from":{"node":1,"port":"x"},"to":{"node":2,"port":"in"}},
                     {"id":5,"from":{"node":2,"port":"out"},"to":{"node":3,"port":"pred"}}]})");
        f.close();
        const Run r = run({"--headless", f.fileName(), "--steps", "10"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("'Objective'") && r.err.contains("'target'"), qPrintable(r.err));
    }

    void divergenceExitsWithThree() {
        QTemporaryDir dir;
        QFile in(example());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray text = in.readAll();
        text.replace(R"("optimizer": "adam", "learning_rate": 0.01)", R"("optimizer": "sgd", "learning_rate": 10.0, "momentum": 0.99)");
        text.replace(R"("function": "relu")", R"("function": "linear")");
        QFile out(dir.filePath("diverge.json"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        const Run r = run({"--headless", out.fileName(), "--steps", "3000", "--report", dir.filePath("r.json")});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("diverged"), qPrintable(r.err));
        QVERIFY(QFile::exists(dir.filePath("r.json")));  // the report says what happened
    }

    // A graph with a natural end (here stopAt) stops there headless as in the workbench, and the
    // report says so; --steps caps it, --past-end runs on.
    void headlessStopsAtTheNaturalEnd_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<int>("steps");
        QTest::addColumn<bool>("finished");
        QTest::newRow("until the end") << QStringList{} << 120 << true;
        QTest::newRow("steps cap it") << QStringList{"--steps", "40"} << 40 << false;
        QTest::newRow("steps beyond the end") << QStringList{"--steps", "500"} << 120 << true;
        QTest::newRow("past the end") << QStringList{"--steps", "200", "--past-end"} << 200 << true;
    }
    void headlessStopsAtTheNaturalEnd() {
        QFETCH(QStringList, extra);
        QFETCH(int, steps);
        QFETCH(bool, finished);
        QTemporaryDir dir;
        QFile in(example());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray text = in.readAll();
        QVERIFY(text.contains(R"("settings": {)"));
        text.replace(R"("settings": {)", R"("settings": {"stopAt": 120, )");
        QFile out(dir.filePath("ends.json"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        const Run r = run(QStringList{"--headless", out.fileName(), "--report", dir.filePath("r.json")} + extra);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(dir.filePath("r.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc["steps"].toInt(), steps);
        QCOMPARE(doc["finished"].toBool(), finished);
        QCOMPARE(r.out.contains("natural end"), finished);
    }

    void nodeDocs() {
        const Run r = run({"--node-docs"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("### Dense (`Dense`)"));
        QVERIFY(r.out.contains("| learning_rate |"));
    }

    // --export-series: a scalar series as CSV (every recorded point), an array as .npy; the last
    // point is the final value the report gives.
    void exportSeriesWritesTheRecordedPoints() {
        QTemporaryDir dir;
        const QString csv = dir.filePath("test_loss.csv"), report = dir.filePath("r.json");
        const Run r = run({"--headless", example(), "--steps", "300", "--record-every", "10", "--export-series",
                           "Loss/test_loss", "--out", csv, "--report", report});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(f.readLine()).trimmed(), QString("step,Loss/test_loss"));
        QList<qulonglong> steps;
        double last = 0;
        while (!f.atEnd()) {
            const QStringList cells = QString::fromUtf8(f.readLine()).trimmed().split(',');
            QCOMPARE(cells.size(), 2);
            steps << cells[0].toULongLong();
            last = cells[1].toDouble();
        }
        // every 10 steps from the first evaluation on (the example's evalEvery is 100), the last
        // step after the final evaluation
        QList<qulonglong> want;
        for (qulonglong s = 100; s <= 300; s += 10) want << s;
        QCOMPARE(steps, want);
        QFile rf(report);
        QVERIFY(rf.open(QIODevice::ReadOnly));
        const double reported = QJsonDocument::fromJson(rf.readAll()).object()["metrics"].toObject()["Loss/test_loss"].toDouble();
        QVERIFY2(last == reported, qPrintable(QString("%1 vs %2").arg(last, 0, 'g', 17).arg(reported, 0, 'g', 17)));
    }

    void exportSeriesWritesArraysAsNpy() {
        QTemporaryDir dir;
        const QString npy = dir.filePath("w.npy");
        const Run r = run({"--headless", example(), "--steps", "20", "--export-series", "Hidden 1/weights", "--out", npy});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(npy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        const auto a = ganglion::io::parseNpy(bytes.toStdString());
        QCOMPARE(a.dtype, std::string("<f4"));
        QCOMPARE(a.shape, (std::vector<std::size_t>{16, 2}));  // 16 units x 2 inputs
        double norm = 0;
        for (double v : a.data) norm += v * v;
        QVERIFY(norm > 0);
        const Run c = run({"--headless", example(), "--steps", "20", "--export-series", "Hidden 1/weights", "--out",
                           dir.filePath("w.csv")});
        QVERIFY2(c.code == 0, qPrintable(c.err));
        QFile fc(dir.filePath("w.csv"));
        QVERIFY(fc.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(fc.readLine()).trimmed(), QString("col_0,col_1"));
        for (std::size_t row = 0; row < 16; ++row) {
            const QStringList cells = QString::fromUtf8(fc.readLine()).trimmed().split(',');
            QCOMPARE(cells.size(), 2);
            for (std::size_t col = 0; col < 2; ++col) QVERIFY(cells[int(col)].toFloat() == float(a.data[row * 2 + col]));
        }
    }

    void exportSeriesNamesWhatExists_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("unknown node") << "Nope/loss" << QStringList{"no node named 'Nope'", "Hidden 1", "Loss"};
        QTest::newRow("unknown metric") << "Loss/nope" << QStringList{"'nope'", "Loss/loss (series", "Loss/test_loss"};
        QTest::newRow("no slash") << "loss" << QStringList{"NODE/METRIC", "Hidden 1/weights (array 16x2)"};
    }

    void exportSeriesNamesWhatExists() {
        QFETCH(QString, name);
        QFETCH(QStringList, says);
        QTemporaryDir dir;
        const Run r = run({"--headless", example(), "--steps", "5", "--export-series", name, "--out", dir.filePath("x.csv")});
        QCOMPARE(r.code, 2);
        for (const QString& s : says) QVERIFY2(r.err.contains(s), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath("x.csv")));
    }

    void exportSeriesBadOptions() {
        QTemporaryDir dir;
        Run r = run({"--headless", example(), "--steps", "5", "--export-series", "Loss/loss"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--out"), qPrintable(r.err));
        r = run({"--export-series", "Loss/loss", "--out", dir.filePath("x.csv")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--headless"), qPrintable(r.err));
        r = run({"--headless", example(), "--steps", "5", "--export-series", "Loss/loss", "--out", "/nonexistent-folder/x.csv"});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains("/nonexistent-folder/x.csv"), qPrintable(r.err));
        r = run({"--headless", example(), "--steps", "5", "--export-series", "Loss/loss", "--out", dir.filePath("x.npy")});
        QCOMPARE(r.code, 4);
        QVERIFY2(r.err.contains(".csv"), qPrintable(r.err));
    }

    // --export-torch writes the PyTorch files; --import-weights loads a state dict back, refusing
    // (exit 2, every tensor named) one that does not match.
    void exportTorchAndImportWeights() {
        QTemporaryDir dir;
        const QString out = dir.filePath("torch");
        Run r = run({"--export-torch", example(), "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* f : {"model.py", "train.py", "weights.npz", "data.npz"}) QVERIFY2(QFile::exists(out + "/" + f), f);
        auto weights = ganglion::io::readNpz((out + "/weights.npz").toStdString());
        r = run({"--headless", example(), "--import-weights", out + "/weights.npz", "--steps", "0"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("imported 6 layers"), qPrintable(r.out));
        weights.erase("Hidden_2.bias");
        const QString bad = dir.filePath("bad.npz");
        ganglion::io::writeNpz(bad.toStdString(), ganglion::io::NpzArrays(weights.begin(), weights.end()));
        r = run({"--headless", example(), "--import-weights", bad, "--steps", "0"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("missing tensor 'Hidden_2.bias'"), qPrintable(r.err));
        r = run({"--export-torch", example()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--out"), qPrintable(r.err));
        r = run({"--export-torch", GANGLION_SOURCE_DIR "/resources/examples/snn_stdp.json", "--out", dir.filePath("snn")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("cannot export"), qPrintable(r.err));
    }

    // --export-brian2 writes the script and its arrays with the chosen defaults; a graph with a
    // node Brian2 cannot represent exits 2 naming it; bad options exit 1.
    void exportBrian2() {
        QTemporaryDir dir;
        const QString out = dir.filePath("brian2");
        Run r = run({"--export-brian2", GANGLION_SOURCE_DIR "/resources/examples/snn_populations.json", "--out", out, "--duration", "0.25",
                     "--brian2-target", "cpp_standalone"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile py(out + "/network.py");
        QVERIFY(py.open(QIODevice::ReadOnly));
        const QString text = py.readAll();
        for (const char* s : {"DURATION = 0.25", "TARGET = 'cpp_standalone'", "PoissonGroup(400", "NeuronGroup(800", "'S_Excitatory_exc'"})
            QVERIFY2(text.contains(s), s);
        const auto arrays = ganglion::io::readNpz((out + "/synapses.npz").toStdString());
        QVERIFY(arrays.count("S_Excitatory_exc_i") && arrays.count("S_Excitatory_exc_delay"));
        QCOMPARE(arrays.at("S_Excitatory_exc_w").shape, std::vector<std::size_t>{32000});  // 800 neurons x in-degree 40
        r = run({"--export-brian2", example(), "--out", dir.filePath("spiral")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("node 'Spiral' (PlaygroundData) has no Brian2 equivalent"), qPrintable(r.err));
        r = run({"--export-brian2", example(), "--out", out, "--duration", "-1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("--duration"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
