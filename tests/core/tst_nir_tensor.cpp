// NIR's tensor and structural primitives: Conv1d/Conv2d (stride, padding, dilation, groups),
// SumPool2d/AvgPool2d and Delay against values computed by hand or by a naive formula here; a
// convolutional spiking network and a graph with a nested subgraph round-trip through HDF5 with
// identical spikes; a Sinabs-style CNN runs on a 2 x 34 x 34 event frame; bad convolutions,
// strides and subgraph edges are refused naming the node; an edge naming a node by a shorter name
// is repaired when only one node fits, with a note.
#include "core/engine/engine.h"
#include "core/snn/nir.h"
#include "core/snn/nir_convert.h"
#include "kernel_harness.h"
#include "nir_sample.h"

#include <QtTest>

#include <hdf5.h>

#include <numeric>
#include <random>

using namespace ganglion::nir;

namespace {

Array randomArray(Dims shape, unsigned seed, double lo, double hi) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    Array a;
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    for (std::size_t i = 0; i < n; ++i) a.data.push_back(double(float(u(g))));  // float32: exact round trip
    a.shape = std::move(shape);
    return a;
}

Array shaped(Dims shape, double value) {
    Array a = randomArray(shape, 0, 0, 0);
    for (auto& v : a.data) v = value;
    return a;
}

Node conv2d(Array weight, std::vector<double> stride, std::vector<double> pad, std::vector<double> dil, double groups,
            std::vector<double> inputShape) {
    Node n{"Conv2d", {{"weight", weight}, {"bias", Array::filled(weight.shape[0], 0.0)}, {"stride", Array::ints(stride)},
                      {"padding", Array::ints(pad)}, {"dilation", Array::ints(dil)}, {"groups", Array::ints({groups})}}};
    if (!inputShape.empty()) n.params["input_shape"] = Array::ints(inputShape);
    return n;
}

Node ifNeurons(Dims shape, double r, double threshold) {
    return {"IF", {{"r", shaped(shape, r)}, {"v_threshold", shaped(shape, threshold)}}};
}

/// Input "in" of `shape` → node "op" → Output "out"; one step with x, returns op's output.
std::vector<double> forward(const Node& op, Dims inShape, Dims outShape, const std::vector<double>& x) {
    Graph g;
    std::vector<double> is(inShape.begin(), inShape.end()), os(outShape.begin(), outShape.end());
    g.nodes["in"] = {"Input", {{"shape", Array::ints(is)}}};
    g.nodes["op"] = op;
    g.nodes["out"] = {"Output", {{"shape", Array::ints(os)}}};
    g.edges = {{"in", "op"}, {"op", "out"}};
    Simulator sim(g, 1e-3);
    sim.step({{"in", x}});
    return sim.output("op");
}

/// Naive convolution, written independently of the simulator: pad the input explicitly, then
/// correlate each output position with the dilated kernel of its group.
std::vector<double> naiveConv2d(const std::vector<double>& x, std::size_t C, std::size_t H, std::size_t W, const Array& w,
                                const std::vector<double>& bias, std::size_t s, std::size_t p, std::size_t d, std::size_t groups) {
    const std::size_t O = w.shape[0], Cg = w.shape[1], K = w.shape[2];
    const std::size_t Hp = H + 2 * p, Wp = W + 2 * p;
    std::vector<double> padded(C * Hp * Wp, 0.0);
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t i = 0; i < H; ++i)
            for (std::size_t j = 0; j < W; ++j) padded[(c * Hp + i + p) * Wp + j + p] = x[(c * H + i) * W + j];
    const std::size_t Ho = (Hp - d * (K - 1) - 1) / s + 1, Wo = (Wp - d * (K - 1) - 1) / s + 1;
    std::vector<double> y;
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t i = 0; i < Ho; ++i)
            for (std::size_t j = 0; j < Wo; ++j) {
                double acc = bias[o];
                const std::size_t g = o / (O / groups);
                for (std::size_t c = 0; c < Cg; ++c)
                    for (std::size_t a = 0; a < K; ++a)
                        for (std::size_t b = 0; b < K; ++b)
                            acc += w.data[((o * Cg + c) * K + a) * K + b] * padded[((g * Cg + c) * Hp + i * s + a * d) * Wp + j * s + b * d];
                y.push_back(acc);
            }
    return y;
}

QString tmp(const char* name) {
    return QDir::temp().filePath(QString("ganglion_tst_nir_tensor_%1_%2").arg(QCoreApplication::applicationPid()).arg(name));
}

/// Spikes of every spiking node over `steps` steps of random binary input to "in".
std::vector<std::vector<double>> spikeTrace(const Graph& g, std::size_t inputs, int steps, double density) {
    Simulator sim(g, 1e-3);
    std::mt19937 rng(9);
    std::bernoulli_distribution on(density);
    std::vector<std::vector<double>> trace;
    for (int s = 0; s < steps; ++s) {
        std::vector<double> x(inputs);
        for (auto& v : x) v = on(rng) ? 1.0 : 0.0;
        sim.step({{"in", x}});
        for (const auto& n : sim.spikingNodes()) trace.push_back(sim.output(n));
    }
    return trace;
}

double total(const std::vector<std::vector<double>>& t) {
    double s = 0;
    for (const auto& v : t)
        for (double x : v) s += x;
    return s;
}

QString refusal(const Graph& g) {
    try {
        validate(g);
    } catch (const NirError& e) {
        return e.what();
    }
    return {};
}

/// Input(2x8x8) → Conv2d(4) → IF → SumPool2d → Flatten → Affine(10) → LIF → Output.
Graph convNet() {
    Graph g;
    g.nodes["in"] = {"Input", {{"shape", Array::ints({2, 8, 8})}}};
    Node conv = conv2d(randomArray({4, 2, 3, 3}, 1, -0.3, 1.0), {1, 1}, {1, 1}, {1, 1}, 1, {8, 8});
    conv.params["bias"] = randomArray({4}, 2, 0.0, 0.2);
    g.nodes["conv"] = conv;
    g.nodes["if"] = ifNeurons({4, 8, 8}, 1000.0, 1.0);
    g.nodes["pool"] = {"SumPool2d", {{"kernel_size", Array::ints({2, 2})}, {"stride", Array::ints({2, 2})}, {"padding", Array::ints({0, 0})}}};
    g.nodes["flat"] = {"Flatten", {{"start_dim", Array::ints({0})}, {"end_dim", Array::ints({-1})}, {"input_type", Array::ints({4, 4, 4})}}};
    g.nodes["fc"] = {"Affine", {{"weight", randomArray({10, 64}, 3, -0.5, 2.0)}, {"bias", Array::filled(10, 0.5)}}};
    g.nodes["lif"] = {"LIF", {{"tau", Array::filled(10, 5e-3)}, {"r", Array::filled(10, 1.0)}, {"v_leak", Array::filled(10, 0.0)},
                              {"v_threshold", Array::filled(10, 1.0)}, {"v_reset", Array::filled(10, 0.0)}}};
    g.nodes["out"] = {"Output", {{"shape", Array::ints({10})}}};
    g.edges = {{"in", "conv"}, {"conv", "if"}, {"if", "pool"}, {"pool", "flat"}, {"flat", "fc"}, {"fc", "lif"}, {"lif", "out"}};
    return g;
}

Node cubaLif(std::size_t n) {
    return {"CubaLIF", {{"tau_syn", Array::filled(n, 4e-3)}, {"tau_mem", Array::filled(n, 10e-3)}, {"r", Array::filled(n, 3.0)},
                        {"v_leak", Array::filled(n, 0.0)}, {"v_threshold", Array::filled(n, 0.4)}, {"w_in", Array::filled(n, 1.0)}}};
}

/// Input(6) → Affine → subgraph "rec" {input → CubaLIF ↔ Linear, CubaLIF → output} → Affine → LIF → Output.
/// With `nested` false the same network without the subgraph (the recurrent layer inline).
Graph recurrentNet(bool nested) {
    Graph g;
    g.nodes["in"] = {"Input", {{"shape", Array::ints({6})}}};
    g.nodes["fc1"] = {"Affine", {{"weight", randomArray({5, 6}, 4, -0.5, 3.0)}, {"bias", Array::filled(5, 0.1)}}};
    g.nodes["fc2"] = {"Linear", {{"weight", randomArray({3, 5}, 5, -0.5, 2.0)}}};
    g.nodes["lif"] = {"LIF", {{"tau", Array::filled(3, 5e-3)}, {"r", Array::filled(3, 4.0)}, {"v_leak", Array::filled(3, 0.0)},
                              {"v_threshold", Array::filled(3, 0.2)}}};
    g.nodes["out"] = {"Output", {{"shape", Array::ints({3})}}};
    const Array rec = randomArray({5, 5}, 6, -1.0, 1.0);
    if (nested) {
        Graph sub;
        sub.nodes["input"] = {"Input", {{"shape", Array::ints({5})}}};
        sub.nodes["cuba"] = cubaLif(5);
        sub.nodes["lin"] = {"Linear", {{"weight", rec}}};
        sub.nodes["output"] = {"Output", {{"shape", Array::ints({5})}}};
        sub.edges = {{"input", "cuba"}, {"cuba", "lin"}, {"lin", "cuba"}, {"cuba", "output"}};
        g.nodes["rec"] = {"NIRGraph", {}, {sub}};
        // Into the subgraph by its only Input, out of it by naming its Output.
        g.edges = {{"in", "fc1"}, {"fc1", "rec"}, {"rec.output", "fc2"}, {"fc2", "lif"}, {"lif", "out"}};
    } else {
        // The names the simulator gives the inlined nodes, so both list their spiking nodes alike.
        g.nodes["rec.cuba"] = cubaLif(5);
        g.nodes["rec.lin"] = {"Linear", {{"weight", rec}}};
        g.edges = {{"in", "fc1"}, {"fc1", "rec.cuba"}, {"rec.cuba", "rec.lin"}, {"rec.lin", "rec.cuba"}, {"rec.cuba", "fc2"},
                   {"fc2", "lif"}, {"lif", "out"}};
    }
    return g;
}

}  // namespace

class TestNirTensor : public QObject {
    Q_OBJECT
private slots:
    void conv2dStridePaddingDilationGroups() {
        // 4 channels of 5 x 5 in two groups; kernel 3, stride 2, padding 1, dilation 2 → 4 x 2 x 2.
        std::vector<double> x(4 * 25);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = double(i);  // x[c][i][j] = 25c + 5i + j
        // All-ones kernel, by hand: output (0,0) sees rows/cols {-1, 1, 3} of which 1 and 3 exist, so
        // per channel c: sum over i, j in {1, 3} of 25c + 5i + j = 100c + 48; group 0 has c = 0, 1.
        const auto ones = forward(conv2d(shaped({4, 2, 3, 3}, 1.0), {2, 2}, {1, 1}, {2, 2}, 2, {5, 5}), {4, 5, 5}, {4, 2, 2}, x);
        QCOMPARE(ones.size(), std::size_t(16));
        QCOMPARE(ones[0], 48.0 + 148.0);
        QCOMPARE(ones[2 * 4], 248.0 + 348.0);  // channel 2, first position: group 1 (c = 2, 3)
        // Output (0,1): rows {1, 3} and columns {1, 3, 5} of which 1 and 3 exist: the same taps again;
        // output (1,0) likewise (row 5 is outside the 5 x 5 input).
        QCOMPARE(ones[1], ones[0]);
        QCOMPARE(ones[2], ones[0]);
        // Random kernel and bias against the naive formula.
        const Array w = randomArray({4, 2, 3, 3}, 7, -1.0, 1.0);
        const std::vector<double> bias{0.5, -0.25, 1.0, 0.0};
        Node n = conv2d(w, {2, 2}, {1, 1}, {2, 2}, 2, {5, 5});
        n.params["bias"] = Array::vector(bias);
        const auto y = forward(n, {4, 5, 5}, {4, 2, 2}, x);
        const auto ref = naiveConv2d(x, 4, 5, 5, w, bias, 2, 1, 2, 2);
        QCOMPARE(y.size(), ref.size());
        for (std::size_t i = 0; i < y.size(); ++i) QVERIFY2(std::abs(y[i] - ref[i]) < 1e-9, qPrintable(QString::number(i)));
        // Without input_shape the shape comes from the source.
        n.params.erase("input_shape");
        QCOMPARE(forward(n, {4, 5, 5}, {4, 2, 2}, x), y);
    }

    void conv1d() {
        // 1 channel of 6, kernel [1, -1], stride 2, no padding: differences of pairs.
        Node n{"Conv1d", {{"weight", Array{{1.0, -1.0}, {1, 1, 2}}}, {"bias", Array::filled(1, 0.5)}, {"stride", Array::ints({2})},
                          {"padding", Array::ints({0})}, {"dilation", Array::ints({1})}, {"groups", Array::ints({1})},
                          {"input_shape", Array::ints({6})}}};
        const auto y = forward(n, {1, 6}, {1, 3}, {1, 4, 9, 16, 25, 36});
        QCOMPARE(y, (std::vector<double>{1 - 4 + 0.5, 9 - 16 + 0.5, 25 - 36 + 0.5}));
    }

    void sumAndAvgPool() {
        std::vector<double> x(16);
        for (std::size_t i = 0; i < 16; ++i) x[i] = double(i + 1);
        Node sum{"SumPool2d", {{"kernel_size", Array::ints({2, 2})}, {"stride", Array::ints({2, 2})}, {"padding", Array::ints({0, 0})}}};
        QCOMPARE(forward(sum, {1, 4, 4}, {1, 2, 2}, x), (std::vector<double>{14, 22, 46, 54}));
        Node avg = sum;
        avg.type = "AvgPool2d";
        QCOMPARE(forward(avg, {1, 4, 4}, {1, 2, 2}, x), (std::vector<double>{3.5, 5.5, 11.5, 13.5}));
        // Padding 1 on a 3 x 3 input: the corner window holds x[0][0] = 1 and three zeros (the average
        // counts the padding, as PyTorch's default).
        avg.params["padding"] = Array::ints({1, 1});
        const auto p = forward(avg, {1, 3, 3}, {1, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
        QCOMPARE(p, (std::vector<double>{0.25, (2 + 3) / 4.0, (4 + 7) / 4.0, (5 + 6 + 8 + 9) / 4.0}));
        // Channels pool separately.
        QCOMPARE(forward(sum, {2, 2, 2}, {2, 1, 1}, {1, 2, 3, 4, 10, 20, 30, 40}), (std::vector<double>{10, 100}));
    }

    void delayOfTwoSteps() {
        Graph g;
        g.nodes["in"] = {"Input", {{"shape", Array::ints({2})}}};
        g.nodes["d"] = {"Delay", {{"delay", Array::vector({2e-3, 0.0})}}};
        g.edges = {{"in", "d"}};
        Simulator sim(g, 1e-3);
        std::vector<std::vector<double>> out;
        for (int s = 0; s < 5; ++s) {
            sim.step({{"in", {s == 0 ? 5.0 : 0.0, double(s + 1)}}});
            out.push_back(sim.output("d"));
        }
        // Element 0: the impulse of step 0 two steps later; element 1 (no delay): the input itself.
        QCOMPARE(out, (std::vector<std::vector<double>>{{0, 1}, {0, 2}, {5, 3}, {0, 4}, {0, 5}}));
        sim.reset();
        sim.step({{"in", {0.0, 0.0}}});
        QCOMPARE(sim.output("d"), (std::vector<double>{0, 0}));
        // A delay the buffers cannot hold is refused naming the node.
        g.nodes["d"].params["delay"] = Array::vector({1e6, 0.0});
        try {
            Simulator big(g, 1e-3);
            QFAIL("unbounded delay accepted");
        } catch (const NirError& e) {
            QVERIFY2(QString(e.what()).contains("NIR node 'd' (Delay)"), e.what());
        }
    }

    void cubaLiExactUpdate() {
        // Input held over each step: I' = w x + (I - w x) e^(-dt/tau_syn), then
        // v' = v_inf + (v - v_inf) e^(-dt/tau_mem) with v_inf = v_leak + r I'.
        Node n{"CubaLI", {{"tau_syn", Array::filled(1, 2e-3)}, {"tau_mem", Array::filled(1, 10e-3)}, {"r", Array::filled(1, 2.0)},
                          {"v_leak", Array::filled(1, 0.1)}, {"w_in", Array::filled(1, 3.0)}}};
        const double ps = std::exp(-1e-3 / 2e-3), pm = std::exp(-1e-3 / 10e-3);
        const double i1 = 3.0 * 0.5 * (1 - ps), vinf = 0.1 + 2.0 * i1, v1 = vinf + (0.0 - vinf) * pm;
        const auto y = forward(n, {1}, {1}, {0.5});
        QCOMPARE(y.size(), std::size_t(1));
        QVERIFY2(std::abs(y[0] - v1) < 1e-12, qPrintable(QString("%1 vs %2").arg(y[0]).arg(v1)));
    }

    void convolutionalNetworkRoundTrip() {
        const Graph g = convNet();
        QCOMPARE(outputShapes(g).at("pool"), (Dims{4, 4, 4}));
        QCOMPARE(outputShapes(g).at("flat"), (Dims{64}));
        const auto path = tmp("conv.nir").toStdString();
        write(g, path);
        const Graph back = read(path);
        QFile::remove(QString::fromStdString(path));
        QVERIFY(back == g);
        const auto a = spikeTrace(g, 128, 40, 0.3), b = spikeTrace(back, 128, 40, 0.3);
        QVERIFY(a == b);
        QVERIFY2(total(a) > 20, qPrintable(QString("only %1 spikes").arg(total(a))));
        // The readout fires too: activity crosses conv, pooling and flatten.
        double readout = 0;
        for (std::size_t k = 1; k < a.size(); k += 2) readout += std::accumulate(a[k].begin(), a[k].end(), 0.0);
        QVERIFY2(readout > 0, "no readout spikes");
    }

    void nestedSubgraphRoundTrip() {
        const Graph g = recurrentNet(true);
        validate(g);
        const auto path = tmp("sub.nir").toStdString();
        write(g, path);
        const Graph back = read(path);
        QFile::remove(QString::fromStdString(path));
        QVERIFY(back == g);
        QCOMPARE(back.nodes.at("rec").subgraph.at(0).nodes.size(), std::size_t(4));
        const auto a = spikeTrace(g, 6, 200, 0.5), b = spikeTrace(back, 6, 200, 0.5);
        QVERIFY(a == b);
        QVERIFY2(total(a) > 20, qPrintable(QString("only %1 spikes").arg(total(a))));
        // Inlined, the subgraph behaves as the same layer written without one.
        const auto flat = spikeTrace(recurrentNet(false), 6, 200, 0.5);
        QCOMPARE(a.size(), flat.size());
        QVERIFY(a == flat);
        Simulator sim(g, 1e-3);
        QCOMPARE(sim.spikingNodes(), (std::vector<std::string>{"lif", "rec.cuba"}));
        QCOMPARE(outputSize(g, "rec"), std::size_t(5));
    }

    void edgeNamingARenamedNodeIsRepairedWithANote() {
        // The paper folder's 03_rnn/extras files: subgraph 'lif1' holds node 'lif1', its edges say
        // 'lif'. Here: subgraph 'rec' holds 'cuba1', its edges say 'cuba'.
        const Graph g = recurrentNet(true);
        const auto path = tmp("misnamed.nir").toStdString();
        write(g, path);
        hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        QVERIFY(f >= 0);
        QVERIFY(H5Lmove(f, "node/nodes/rec/nodes/cuba", f, "node/nodes/rec/nodes/cuba1", H5P_DEFAULT, H5P_DEFAULT) >= 0);
        H5Fclose(f);
        const Graph back = read(path);
        QCOMPARE(back.notes.size(), std::size_t(1));
        const QString note = QString::fromStdString(back.notes[0]);
        QVERIFY2(note.contains("subgraph 'rec'") && note.contains("4 edge ends named 'cuba'") && note.contains("read as 'cuba1'"),
                 qPrintable(note));
        const Graph& sub = back.nodes.at("rec").subgraph.at(0);
        QCOMPARE(sub.edges.front(), (std::pair<std::string, std::string>{"input", "cuba1"}));
        QVERIFY(spikeTrace(back, 6, 200, 0.5) == spikeTrace(g, 6, 200, 0.5));
        // Run by a NIRModel node and exported from the graph holding it: the repaired graph.
        ganglion::Graph holder;
        const ganglion::NodeId id = holder.addNode("NIRModel");
        QVERIFY(!holder.setParam(id, "file", path));
        ganglion::Engine e;
        e.build(holder);
        QVERIFY2(e.ok(), e.error().c_str());
        for (int s = 0; s < 20; ++s) e.step();
        const Graph exported = exportGraph(
            e.graph(), [&e](ganglion::NodeId k) -> const ganglion::Kernel* { return e.kernel(k); }, e.saveState(), 1e-3);
        QVERIFY(exported == back);
        QVERIFY(exported.notes.empty());
        // Written back, the repaired graph reads again without anything to repair.
        write(back, path);
        const Graph again = read(path);
        QVERIFY(again == back);
        QVERIFY(again.notes.empty());

        // Two nodes that could be meant: nothing is guessed, the edge is reported.
        write(g, path);
        f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        QVERIFY(H5Lmove(f, "node/nodes/rec/nodes/cuba", f, "node/nodes/rec/nodes/cuba1", H5P_DEFAULT, H5P_DEFAULT) >= 0);
        QVERIFY(H5Ocopy(f, "node/nodes/rec/nodes/cuba1", f, "node/nodes/rec/nodes/cuba2", H5P_DEFAULT, H5P_DEFAULT) >= 0);
        H5Fclose(f);
        try {
            read(path);
            QFAIL("an edge that could mean two nodes was accepted");
        } catch (const NirError& e) {
            QVERIFY2(QString(e.what()).contains("'cuba'"), e.what());
        }
        QFile::remove(QString::fromStdString(path));
    }

    void sinabsStyleCnnOnEventFrame() {
        // The structure of the Sinabs CNN in NIR's paper folder (02_cnn): nodes "0".."12".
        Graph g;
        g.nodes["input"] = {"Input", {{"shape", Array::ints({2, 34, 34})}}};
        g.nodes["0"] = conv2d(randomArray({16, 2, 5, 5}, 10, -0.1, 0.4), {2, 2}, {1, 1}, {1, 1}, 1, {34, 34});
        g.nodes["1"] = ifNeurons({16, 16, 16}, 1000.0, 1.0);
        g.nodes["2"] = conv2d(randomArray({16, 16, 3, 3}, 11, -0.1, 0.3), {1, 1}, {1, 1}, {1, 1}, 1, {16, 16});
        g.nodes["3"] = ifNeurons({16, 16, 16}, 1000.0, 1.0);
        g.nodes["4"] = {"SumPool2d", {{"kernel_size", Array::ints({2, 2})}, {"stride", Array::ints({2, 2})}, {"padding", Array::ints({0, 0})}}};
        g.nodes["5"] = conv2d(randomArray({8, 16, 3, 3}, 12, -0.1, 0.3), {1, 1}, {1, 1}, {1, 1}, 1, {8, 8});
        g.nodes["6"] = ifNeurons({8, 8, 8}, 1000.0, 1.0);
        g.nodes["7"] = g.nodes["4"];
        g.nodes["8"] = {"Flatten", {{"start_dim", Array::ints({0})}, {"end_dim", Array::ints({-1})}, {"input_type", Array::ints({8, 4, 4})}}};
        g.nodes["9"] = {"Affine", {{"weight", randomArray({256, 128}, 13, -0.1, 0.3)}, {"bias", Array::filled(256, 0.0)}}};
        g.nodes["10"] = ifNeurons({256}, 1000.0, 1.0);
        g.nodes["11"] = {"Affine", {{"weight", randomArray({10, 256}, 14, -0.1, 0.3)}, {"bias", Array::filled(10, 0.0)}}};
        g.nodes["12"] = ifNeurons({10}, 1000.0, 1.0);
        g.nodes["output"] = {"Output", {{"shape", Array::ints({10})}}};
        g.edges = {{"input", "0"}, {"0", "1"}, {"1", "2"}, {"2", "3"}, {"3", "4"}, {"4", "5"}, {"5", "6"},
                   {"6", "7"}, {"7", "8"}, {"8", "9"}, {"9", "10"}, {"10", "11"}, {"11", "12"}, {"12", "output"}};
        validate(g);
        const auto shapes = outputShapes(g);
        QCOMPARE(shapes.at("0"), (Dims{16, 16, 16}));
        QCOMPARE(shapes.at("4"), (Dims{16, 8, 8}));
        QCOMPARE(shapes.at("7"), (Dims{8, 4, 4}));
        QCOMPARE(shapes.at("12"), (Dims{10}));
        // An event frame: sparse ON/OFF events on 2 x 34 x 34 pixels, a few per step.
        Simulator sim(g, 1e-3);
        std::mt19937 rng(3);
        std::uniform_int_distribution<std::size_t> pixel(0, 2 * 34 * 34 - 1);
        double outSpikes = 0;
        for (int s = 0; s < 20; ++s) {
            std::vector<double> frame(2 * 34 * 34, 0.0);
            for (int e = 0; e < 300; ++e) frame[pixel(rng)] = 1.0;
            sim.step({{"input", frame}});
            const auto& out = sim.output("output");
            QCOMPARE(out.size(), std::size_t(10));  // the declared Output shape
            outSpikes += std::accumulate(out.begin(), out.end(), 0.0);
        }
        QVERIFY2(outSpikes > 0, "no output spikes: the event frame does not reach the readout");
    }

    void badConvolutionsAndSubgraphEdgesNamed() {
        Graph g = convNet();
        // Weight for 3 input channels per group x 2 groups = 6 channels, fed 2 x 8 x 8.
        g.nodes["conv"] = conv2d(shaped({4, 3, 3, 3}, 0.1), {1, 1}, {1, 1}, {1, 1}, 2, {8, 8});
        QString why = refusal(g);
        QVERIFY2(why.contains("NIR node 'conv' (Conv2d)") && why.contains("[2, 8, 8]") && why.contains("[6, 8, 8]"), qPrintable(why));
        g.nodes["conv"] = conv2d(shaped({3, 2, 3, 3}, 0.1), {1, 1}, {1, 1}, {1, 1}, 2, {8, 8});
        why = refusal(g);
        QVERIFY2(why.contains("NIR node 'conv' (Conv2d)") && why.contains("not divisible into 2 groups"), qPrintable(why));
        g = convNet();
        g.nodes["conv"].params["stride"] = Array::ints({-1, 1});
        why = refusal(g);
        QVERIFY2(why.contains("NIR node 'conv' (Conv2d)") && why.contains("'stride' must be a whole number in [1,") &&
                     why.contains("got -1"), qPrintable(why));
        g = convNet();
        g.nodes["pool"].params["kernel_size"] = Array::ints({9, 9});
        why = refusal(g);
        QVERIFY2(why.contains("NIR node 'pool' (SumPool2d)") && why.contains("kernel extent 9 exceeds"), qPrintable(why));
        // A pooling node fed a flat vector has no C x H x W to pool over.
        g = convNet();
        g.nodes["pool2"] = g.nodes["pool"];
        g.edges.push_back({"fc", "pool2"});
        why = refusal(g);
        QVERIFY2(why.contains("NIR node 'pool2' (SumPool2d)") && why.contains("C x H x W is needed"), qPrintable(why));
        // Subgraphs: an inner edge to a missing node, an outer edge to a missing port, several Inputs.
        Graph s = recurrentNet(true);
        s.nodes["rec"].subgraph[0].edges.push_back({"cuba", "ghost"});
        why = refusal(s);
        QVERIFY2(why.contains("in subgraph 'rec'") && why.contains("unknown target node 'ghost'"), qPrintable(why));
        s = recurrentNet(true);
        s.edges.push_back({"in", "rec.nope"});
        why = refusal(s);
        QVERIFY2(why.contains("subgraph 'rec' has no node 'nope'"), qPrintable(why));
        s = recurrentNet(true);
        s.nodes["rec"].subgraph[0].nodes["cuba"].params["tau_mem"] = Array::filled(5, -1.0);
        why = refusal(s);
        QVERIFY2(why.contains("NIR node 'rec.cuba' (CubaLIF): tau_mem must be > 0"), qPrintable(why));
        s = recurrentNet(true);
        s.nodes["rec"].subgraph[0].nodes["input2"] = {"Input", {{"shape", Array::ints({5})}}};
        why = refusal(s);
        QVERIFY2(why.contains("subgraph 'rec' has 2 Input nodes") && why.contains("'rec.<input>'"), qPrintable(why));
        // A convolution costing more than kMaxOperations multiply-adds per step is refused.
        Graph big;
        big.nodes["in"] = {"Input", {{"shape", Array::ints({64, 256, 256})}}};
        big.nodes["conv"] = conv2d(shaped({64, 64, 3, 3}, 0.0), {1, 1}, {1, 1}, {1, 1}, 1, {256, 256});
        big.edges = {{"in", "conv"}};
        why = refusal(big);
        QVERIFY2(why.contains("multiply-adds"), qPrintable(why));
    }

    void everyTensorTypeRoundTripAndNirModelNode() {
        const Graph g = ganglion::nir::testing::sampleTensorGraph();
        const auto path = tmp("every.nir").toStdString();
        write(g, path);
        QVERIFY(read(path) == g);
        QCOMPARE(outputShapes(g).at("flat"), (Dims{2, 4}));
        QCOMPARE(outputShapes(g).at("c1"), (Dims{3, 5}));
        // The NIRModel node runs the file: its output equals the reference simulator's, and its
        // spike port carries the spiking nodes, those inside the subgraph included.
        ganglion::testing::KernelRig rig("NIRModel", {{"file", path}}, {ganglion::Shape::tensor(16)});
        QCOMPARE(rig.outShapes[0].features, 15);
        QCOMPARE(rig.outShapes[1].features, 18 + 15);  // IF 2x3x3, Threshold "sub.thr" 3x5
        ganglion::Matrix x(16, 1);
        std::vector<double> xd(16);
        for (int i = 0; i < 16; ++i) xd[std::size_t(i)] = double(x(i, 0) = float(i % 5) * 0.5f);
        rig.inputs = {ganglion::testing::tensorValue(x)};
        Simulator ref(g, 1e-4);
        int spikes = 0;
        for (int s = 0; s < 300; ++s) {
            rig.forward();
            ref.step({{"in", xd}});
            for (int i = 0; i < 15; ++i) QCOMPARE(rig.outputs[0].tensor(i, 0), float(ref.output("out")[std::size_t(i)]));
            spikes += int(rig.outputs[1].spikes.fired.size());
        }
        QVERIFY2(spikes > 10, qPrintable(QString("only %1 spikes").arg(spikes)));
        QFile::remove(QString::fromStdString(path));
    }

    void samePaddingStringOnImport() {
        // NIR writers may store a convolution's padding as "same"; it becomes the numbers it means.
        Graph g = convNet();
        const auto path = tmp("same.nir").toStdString();
        write(g, path);
        hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        QVERIFY(f >= 0);
        H5Ldelete(f, "node/nodes/conv/padding", H5P_DEFAULT);
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, H5T_VARIABLE);
        hid_t sp = H5Screate(H5S_SCALAR);
        hid_t d = H5Dcreate2(f, "node/nodes/conv/padding", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char* same = "same";
        H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &same);
        H5Dclose(d), H5Sclose(sp), H5Tclose(t), H5Fclose(f);
        const Graph back = read(path);
        QFile::remove(QString::fromStdString(path));
        QCOMPARE(back.nodes.at("conv").params.at("padding").data, (std::vector<double>{1, 1}));  // 3 x 3 kernel
        QCOMPARE(outputShapes(back).at("conv"), (Dims{4, 8, 8}));
    }
};

QTEST_GUILESS_MAIN(TestNirTensor)
#include "tst_nir_tensor.moc"
