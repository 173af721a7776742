// NIR interchange: HDF5 round trip (identical graph and identical spikes), every supported node
// type, malformed files rejected with a message naming the problem.
#include "core/snn/nir.h"
#include "nir_sample.h"

#include <QtTest>

#include <hdf5.h>

#include <random>

using namespace ganglion::nir;
using ganglion::nir::testing::sampleGraph;

namespace {

std::vector<std::vector<double>> runSpikes(const Graph& g, int steps) {
    Simulator sim(g, 1e-3);
    std::mt19937 rng(4);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<std::vector<double>> trace;
    for (int s = 0; s < steps; ++s) {
        std::vector<double> x(4);
        for (auto& v : x) v = u(rng);
        sim.step({{"in", x}});
        for (const auto& n : sim.spikingNodes()) trace.push_back(sim.output(n));
        trace.push_back(sim.output("li"));
    }
    return trace;
}

QString tmp(const char* name) { return QDir::temp().filePath(QString("ganglion_tst_nir_%1_%2").arg(QCoreApplication::applicationPid()).arg(name)); }

}  // namespace

class TestNir : public QObject {
    Q_OBJECT
private slots:
    void roundTripIdenticalGraphAndSpikes() {
        const Graph g = sampleGraph();
        validate(g);
        const auto path = tmp("rt.nir").toStdString();
        write(g, path);
        const Graph back = read(path);
        QCOMPARE(back.nodes.size(), g.nodes.size());
        for (const auto& [name, n] : g.nodes) {
            QVERIFY2(back.nodes.count(name), name.c_str());
            QVERIFY2(back.nodes.at(name).type == n.type, name.c_str());
            QVERIFY2(back.nodes.at(name) == n, name.c_str());
        }
        QVERIFY(back == g);
        const auto a = runSpikes(g, 300), b = runSpikes(back, 300);
        QVERIFY(a == b);
        double spikes = 0;
        for (size_t k = 0; k < a.size(); ++k)
            if (k % 5 != 4) for (double v : a[k]) spikes += v;
        QVERIFY2(spikes > 50, qPrintable(QString("only %1 spikes: test network too quiet").arg(spikes)));
        // Written again, the file reads back the same once more.
        write(back, path);
        QVERIFY(read(path) == g);
        QFile::remove(QString::fromStdString(path));
    }

    void lifClosedFormInSimulator() {
        Graph g;
        g.nodes["in"] = {"Input", {{"shape", Array::ints({1})}}};
        g.nodes["lif"] = {"LIF", {{"tau", Array::filled(1, 20e-3)}, {"r", Array::filled(1, 1.0)},
                                  {"v_leak", Array::filled(1, 0.0)}, {"v_threshold", Array::filled(1, 1.0)}}};
        g.edges = {{"in", "lif"}};
        Simulator sim(g, 1e-4);
        int first = -1;
        for (int s = 0; s < 1000 && first < 0; ++s) {
            sim.step({{"in", {1.5}}});
            if (sim.output("lif")[0] > 0) first = s + 1;
        }
        QCOMPARE(first, int(std::ceil(20e-3 * std::log(3.0) / 1e-4)));
    }

    void malformedFilesRejected_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("not hdf5") << "text" << "not an HDF5 file";
        QTest::newRow("no version") << "noversion" << "missing 'version'";
        QTest::newRow("unsupported type") << "conv" << "unsupported node type 'Conv3d'";
        QTest::newRow("missing param") << "noparam" << "missing parameter 'v_threshold'";
        QTest::newRow("bad edge") << "edge" << "unknown target node 'ghost'";
        QTest::newRow("size mismatch") << "size" << "produces 4 values but 'lif' expects 3";
        QTest::newRow("no nodes") << "nonodes" << "missing group 'node/nodes'";
    }
    void malformedFilesRejected() {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        const auto path = tmp(qPrintable(kind)).toStdString();
        if (kind == "text") {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"not\": \"nir\"}");
        } else if (kind == "noversion" || kind == "nonodes") {
            hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
            if (kind == "nonodes") {
                hid_t t = H5Tcopy(H5T_C_S1);
                H5Tset_size(t, 4);
                hid_t sp = H5Screate(H5S_SCALAR);
                hid_t d = H5Dcreate2(f, "version", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, "1.0");
                H5Dclose(d), H5Sclose(sp), H5Tclose(t);
                H5Gclose(H5Gcreate2(f, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            }
            H5Fclose(f);
        } else {
            // Write a valid file, then break it by editing the graph before writing with the raw API.
            Graph g;
            g.nodes["in"] = {"Input", {{"shape", Array::ints({kind == "size" ? 4.0 : 3.0})}}};
            g.nodes["lif"] = {"LIF", {{"tau", Array::filled(3, 0.01)}, {"r", Array::filled(3, 1)},
                                      {"v_leak", Array::filled(3, 0)}, {"v_threshold", Array::filled(3, 1)}}};
            g.edges = {{"in", "lif"}};
            if (kind == "size") g.edges.clear();
            if (kind == "edge") g.edges.clear();
            if (kind == "noparam") g.nodes["lif"].params["v_threshold"] = Array::filled(3, 1);
            write(g, path);
            hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
            hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, H5T_VARIABLE);
            if (kind == "conv" || kind == "noparam") {
                hid_t grp = H5Gopen2(f, "node/nodes/lif", H5P_DEFAULT);
                H5Ldelete(grp, kind == "conv" ? "type" : "v_threshold", H5P_DEFAULT);
                if (kind == "conv") {
                    hid_t sp = H5Screate(H5S_SCALAR);
                    hid_t d = H5Dcreate2(grp, "type", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                    const char* s = "Conv3d";
                    H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s);
                    H5Dclose(d), H5Sclose(sp);
                }
                H5Gclose(grp);
            } else {
                H5Ldelete(f, "node/edges", H5P_DEFAULT);
                hsize_t dims[2] = {1, 2};
                hid_t sp = H5Screate_simple(2, dims, nullptr);
                hid_t d = H5Dcreate2(f, "node/edges", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                const char* e[2] = {"in", kind == "edge" ? "ghost" : "lif"};
                H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, e);
                H5Dclose(d), H5Sclose(sp);
            }
            H5Tclose(t);
            H5Fclose(f);
        }
        try {
            read(path);
            QFAIL("malformed file accepted");
        } catch (const NirError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY(QString(e.what()).startsWith(QString::fromStdString(path)));
            QVERIFY2(QString(e.what()).contains("not a valid NIR file"), e.what());
        }
        QFile::remove(QString::fromStdString(path));
    }

    void validationMessages() {
        Graph g = sampleGraph();
        g.nodes["fc1"].params["bias"] = Array::filled(3, 0.0);
        try {
            validate(g);
            QFAIL("bad bias accepted");
        } catch (const NirError& e) {
            QVERIFY2(QString(e.what()).contains("'fc1'") && QString(e.what()).contains("bias has 3"), e.what());
        }
        g = sampleGraph();
        g.nodes["lif"].params["tau"] = Array::filled(5, -1.0);
        QVERIFY_THROWS_EXCEPTION(NirError, validate(g));
        QCOMPARE(supportedTypes().size(), std::size_t(19));  // every NIR primitive
    }

    void declaredSizesAreBounded() {
        const auto refused = [](const Graph& g, const char* what) {
            try {
                validate(g);
            } catch (const NirError& e) {
                return QString(e.what()).contains(what);
            }
            return false;
        };
        Graph g;
        g.nodes["in"] = {"Input", {{"shape", Array::ints({1e300})}}};
        QVERIFY(refused(g, "NIR node 'in' (Input): shape entry 1e+300 is not a whole number"));
        g.nodes["in"] = {"Input", {{"shape", Array::ints({2.5})}}};
        QVERIFY(refused(g, "shape entry 2.5 is not a whole number"));
        g.nodes["in"] = {"Input", {{"shape", Array::ints({4294967296.0, 4294967296.0})}}};
        QVERIFY(refused(g, "not a whole number in [0, 16777216]"));
        g.nodes["in"] = {"Input", {{"shape", Array::ints({65536, 65536})}}};
        QVERIFY(refused(g, "shape describes more than 16777216 values"));
        g.nodes["in"] = {"Input", {{"shape", Array::ints({4096, 4096})}}};
        validate(g);  // exactly kMaxValues
        // A weight declaring 2^40 rows and no data (shape product 0) is refused, not sized by its rows.
        Array w;
        w.shape = {std::size_t(1) << 40, 0};
        Graph lin;
        lin.nodes["fc"] = {"Linear", {{"weight", w}}};
        QVERIFY(refused(lin, "NIR node 'fc' (Linear): parameter 'weight' has more than 16777216 values"));
        // Many nodes each within bounds, together beyond them.
        Graph many;
        for (int i = 0; i < 8; ++i) many.nodes["in" + std::to_string(i)] = {"Input", {{"shape", Array::ints({double(1 << 22)})}}};
        QVERIFY(refused(many, "produce more than 16777216 values together"));
    }
};

QTEST_GUILESS_MAIN(TestNir)
#include "tst_nir.moc"
