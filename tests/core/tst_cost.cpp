// Model cost (Kernel::cost, Engine::cost): the figures the engine counts from built graphs equal
// hand counts, a sparse G2G layer counts its live connections only, the snapshot carries them, and
// the fair-comparison helper sizes MLPs and KANs to hand-solved widths.
#include "core/engine/engine.h"
#include "core/engine/fair_size.h"
#include "core/kan/kan_cost.h"

#include "kernel_harness.h"

#include <QtTest>

#include <stdexcept>

using namespace ganglion;

namespace {

struct Built {
    Graph g;
    NodeId data = 0, loss = 0;
};

/// PlaygroundData (2 features + 1 label row) → layers → Loss (cross-entropy), each layer named.
/// layers: (type, name, params).
Built chain(const std::vector<std::tuple<std::string, std::string, std::vector<std::pair<std::string, ParamValue>>>>& layers,
            bool withLoss = true) {
    Built b;
    b.data = b.g.addNode("PlaygroundData");
    b.g.rename(b.data, "Data");
    Endpoint prev{b.data, "x"};
    for (const auto& [type, name, params] : layers) {
        const NodeId id = b.g.addNode(type);
        if (auto err = b.g.rename(id, name)) throw std::runtime_error(*err);
        for (const auto& [k, v] : params)
            if (auto err = b.g.setParam(id, k, v)) throw std::runtime_error(k + ": " + *err);
        b.g.connect(prev, {id, "in"});
        prev = {id, "out"};
    }
    if (withLoss) {
        b.loss = b.g.addNode("Loss");
        b.g.rename(b.loss, "Loss");
        b.g.connect(prev, {b.loss, "pred"});
        b.g.connect({b.data, "y"}, {b.loss, "target"});
    }
    return b;
}

NodeId byName(const Graph& g, const char* name) { return g.nodeByName(name)->id; }

double paramsOf(Kernel* k) {
    double n = 0;
    for (const auto& p : k->parameters()) n += double(p.value->size());
    return n;
}

}  // namespace

class TstCost : public QObject {
    Q_OBJECT

private slots:
    // Data(2) → Dense(4) → tanh → Dense(2) → cross-entropy, counted by hand per node:
    //   Dense 2→4: params 2·4 + 4 = 12, forward 2·4 = 8 MACs, training 3·8 = 24 (forward, dW, dX);
    //              outputs 4 floats = 16 B, training 16 + 16 (their gradient) = 32 B
    //   tanh on 4: forward 4, training 4 + 4 = 8; 16 B / 32 B
    //   Dense 4→2: params 4·2 + 2 = 10, forward 8, training 24; 8 B / 16 B
    //   Loss, 2 classes: forward 2·2 = 4 (exp, normalise), training 4 + 2 = 6; no outputs
    //   Data: no parameters, no MACs; outputs x (2) and y (1) = 12 B, it does not train: 12 B
    void denseGraphMatchesHandCount_data() {
        QTest::addColumn<QString>("node");
        QTest::addColumn<double>("params");
        QTest::addColumn<double>("forward");
        QTest::addColumn<double>("train");
        QTest::addColumn<double>("forwardBytes");
        QTest::addColumn<double>("trainBytes");
        QTest::newRow("Data") << "Data" << 0.0 << 0.0 << 0.0 << 12.0 << 12.0;
        QTest::newRow("Dense 2→4") << "Hidden" << 12.0 << 8.0 << 24.0 << 16.0 << 32.0;
        QTest::newRow("tanh") << "Tanh" << 0.0 << 4.0 << 8.0 << 16.0 << 32.0;
        QTest::newRow("Dense 4→2") << "Out" << 10.0 << 8.0 << 24.0 << 8.0 << 16.0;
        QTest::newRow("Loss") << "Loss" << 0.0 << 4.0 << 6.0 << 0.0 << 0.0;
        QTest::newRow("total") << "" << 22.0 << 24.0 << 62.0 << 52.0 << 92.0;
    }
    void denseGraphMatchesHandCount() {
        QFETCH(QString, node);
        QFETCH(double, params);
        QFETCH(double, forward);
        QFETCH(double, train);
        QFETCH(double, forwardBytes);
        QFETCH(double, trainBytes);
        Built b = chain({{"Dense", "Hidden", {{"units", std::int64_t(4)}}},
                         {"Activation", "Tanh", {{"function", std::string("tanh")}}},
                         {"Dense", "Out", {{"units", std::int64_t(2)}}}});
        Engine e;
        e.build(b.g);
        QVERIFY2(e.ok(), e.error().c_str());
        const NodeCost c = node.isEmpty() ? e.cost().total : e.nodeCost(byName(b.g, node.toUtf8().constData()));
        if (node.isEmpty()) QCOMPARE(e.cost().uncountedNodes, 0);
        QVERIFY(c.counted);
        QCOMPARE(c.params, params);
        QCOMPARE(c.forwardMacs, forward);
        QCOMPARE(c.trainMacs, train);
        QCOMPARE(c.forwardBytes, forwardBytes);
        QCOMPARE(c.trainBytes, trainBytes);
        if (!node.isEmpty()) QCOMPARE(c.params, paramsOf(e.kernel(byName(b.g, node.toUtf8().constData()))));
    }

    // Without a loss nothing trains: a training step costs what the forward pass costs.
    void untrainedNodeCostsItsForwardPass() {
        Built b = chain({{"Dense", "Hidden", {{"units", std::int64_t(4)}}}}, false);
        Engine e;
        e.build(b.g);
        QVERIFY2(e.ok(), e.error().c_str());
        const NodeCost c = e.nodeCost(byName(b.g, "Hidden"));
        QCOMPARE(c.forwardMacs, 8.0);
        QCOMPARE(c.trainMacs, 8.0);
        QCOMPARE(c.trainBytes, 16.0);
    }

    // Data(2) → KanLayer(width 2) → Loss: in = out = 2, nb functions per input. Per sample:
    //   params   = out·in·nb (coef) + out·in (scale_base) + out·in (scale_sp) + out (bias)
    //   forward  = in·basis + in (SiLU) + out·in·nb + out·in
    //   training = forward + in·basis' + in + 2·(out·in·nb + out·in) + in·nb
    //   cache    = 4 B · (in (x) + in (SiLU) + 2·in·nb (B and B')); train bytes = 2·(out·4 B) + cache
    void kanGraphMatchesHandCount_data() {
        QTest::addColumn<QString>("basis");
        QTest::addColumn<int>("grid");
        QTest::addColumn<int>("order");
        QTest::addColumn<double>("params");
        QTest::addColumn<double>("forward");
        QTest::addColumn<double>("train");
        QTest::addColumn<double>("trainBytes");
        // B-spline G 5, k 3: nb 8; basis 2k(k+3) = 36, derivative 2(k+1) = 8
        //   params 32 + 4 + 4 + 2 = 42; forward 72 + 2 + 32 + 4 = 110;
        //   training 110 + 16 + 2 + 2·36 + 16 = 216; cache 4·(2 + 2 + 32) = 144, bytes 16 + 144
        QTest::newRow("bspline") << "bspline" << 5 << 3 << 42.0 << 110.0 << 216.0 << 160.0;
        // RBF G 5: nb 6; basis 3·6 = 18 and 18. params 24 + 8 + 2 = 34; forward 36 + 2 + 24 + 4 = 66;
        //   training 66 + 36 + 2 + 2·28 + 12 = 172; cache 4·(4 + 24) = 112, bytes 16 + 112
        QTest::newRow("rbf") << "rbf" << 5 << 3 << 34.0 << 66.0 << 172.0 << 128.0;
        // Chebyshev G 4: nb 5; basis 2·5 + 2 = 12, derivative 3·5 + 1 = 16. params 20 + 8 + 2 = 30;
        //   forward 24 + 2 + 20 + 4 = 50; training 50 + 32 + 2 + 2·24 + 10 = 142; cache 4·(4 + 20) = 96
        QTest::newRow("chebyshev") << "chebyshev" << 4 << 3 << 30.0 << 50.0 << 142.0 << 112.0;
        // ReLU-KAN G 5, k 2: nb 7; basis 3·7 = 21 and 21. params 28 + 8 + 2 = 38; forward 42 + 2 + 28 + 4 = 76;
        //   training 76 + 42 + 2 + 2·32 + 14 = 198; cache 4·(4 + 28) = 128
        QTest::newRow("relu") << "relu" << 5 << 2 << 38.0 << 76.0 << 198.0 << 144.0;
        // Adaptive RBF G 5: 6 kernels, nb 6; basis 4·6 = 24 and 24; + centres and log-widths 2·2·6 = 24
        //   params 24 + 8 + 2 + 24 = 58; forward 48 + 2 + 24 + 4 = 78;
        //   training 78 + 48 + 2 + 2·28 + 12 + 2·6·6 (their gradients) = 268; cache 4·(4 + 24) = 112
        QTest::newRow("rbf_adaptive") << "rbf_adaptive" << 5 << 3 << 58.0 << 78.0 << 268.0 << 128.0;
        // AF-KAN G 5, k 3: nb 8, 4 activations; basis 5·8·4 = 160, derivative 6·8·4 = 192; attention 2·4
        //   params 32 + 8 + 2 + 8 = 50; forward 320 + 2 + 32 + 4 = 358;
        //   training 358 + 384 + 2 + 2·36 + 16 + 2·8·6·4 (attention gradients) = 1216; cache 4·(4 + 32) = 144
        QTest::newRow("af") << "af" << 5 << 3 << 50.0 << 358.0 << 1216.0 << 160.0;
    }
    void kanGraphMatchesHandCount() {
        QFETCH(QString, basis);
        QFETCH(int, grid);
        QFETCH(int, order);
        QFETCH(double, params);
        QFETCH(double, forward);
        QFETCH(double, train);
        QFETCH(double, trainBytes);
        Built b = chain({{"KanLayer", "KAN",
                          {{"width", std::int64_t(2)},
                           {"basis", basis.toStdString()},
                           {"grid", std::int64_t(grid)},
                           {"order", std::int64_t(order)}}}});
        Engine e;
        e.build(b.g);
        QVERIFY2(e.ok(), e.error().c_str());
        const NodeId kan = byName(b.g, "KAN");
        const NodeCost c = e.nodeCost(kan);
        QVERIFY(c.counted);
        QCOMPARE(c.params, params);
        QCOMPARE(c.params, paramsOf(e.kernel(kan)));
        QCOMPARE(c.forwardMacs, forward);
        QCOMPARE(c.trainMacs, train);
        QCOMPARE(c.forwardBytes, 8.0);
        QCOMPARE(c.trainBytes, trainBytes);
        // the snapshot publishes the same figures (views read them there)
        const SnapshotPtr snap = e.makeSnapshot();
        QCOMPARE(snap->find(kan)->cost.trainMacs, train);
        QCOMPARE(snap->cost.total.params, params);
    }

    // G2G with 2 ensembles, p_in 1, p_out 0 on 2 inputs and 6 units: each input reaches the 3
    // units of its own ensemble only — 6 live connections of the 12 a dense layer would have.
    // params 6 + 6 biases = 12, forward 6 MACs, training 3·6 = 18.
    void g2gCountsLiveConnectionsOnly() {
        Built b = chain({{"G2GLayer", "Sparse",
                          {{"units", std::int64_t(6)},
                           {"ensembles", std::int64_t(2)},
                           {"p_in", 1.0},
                           {"p_out", 0.0}}},
                         {"Dense", "Out", {{"units", std::int64_t(2)}}}});
        Engine e;
        e.build(b.g);
        QVERIFY2(e.ok(), e.error().c_str());
        const NodeId id = byName(b.g, "Sparse");
        const NodeCost c = e.nodeCost(id);
        QVERIFY(c.counted);
        QCOMPARE(c.forwardMacs, 6.0);
        QCOMPARE(c.trainMacs, 18.0);
        QCOMPARE(c.params, 12.0);
        QCOMPARE(c.params, paramsOf(e.kernel(id)));
        const SnapshotPtr snap = e.makeSnapshot();
        QCOMPARE(snap->find(id)->obs.scalars.at("live_connections"), c.forwardMacs);
    }

    // LIF layer, 3 inputs per step, 4 units, T = 5: params 3·4 + 4 = 16 (recurrent: + 4·4 = 32);
    // forward 5·(12 + 2·4) = 100 (recurrent 5·(12 + 16 + 8) = 180); training adds
    // 5·(2·12 + 2·4) = 160 (recurrent 5·(24 + 32 + 8) = 320); cache 4 B·5·4·2 = 160.
    void lifLayerMatchesHandCount_data() {
        QTest::addColumn<bool>("recurrent");
        QTest::addColumn<double>("params");
        QTest::addColumn<double>("forward");
        QTest::addColumn<double>("train");
        QTest::newRow("feed-forward") << false << 16.0 << 100.0 << 260.0;
        QTest::newRow("recurrent") << true << 32.0 << 180.0 << 500.0;
    }
    void lifLayerMatchesHandCount() {
        QFETCH(bool, recurrent);
        QFETCH(double, params);
        QFETCH(double, forward);
        QFETCH(double, train);
        testing::KernelRig rig("LIFLayer", {{"units", std::int64_t(4)}, {"steps", std::int64_t(5)}, {"recurrent", recurrent}},
                               {Shape::tensor(15)});
        const NodeCost c = rig.kernel->cost();
        QVERIFY(c.counted);
        QCOMPARE(c.params, params);
        QCOMPARE(c.params, paramsOf(rig.kernel.get()));
        QCOMPARE(c.forwardMacs, forward);
        QCOMPARE(c.trainMacs, train);
        QCOMPARE(c.cacheBytes, 160.0);
    }

    // Hand-solved widths. KAN [2,5,1], B-spline G 5 k 3 (nb 8):
    //   params  = (5·2·8 + 2·5·2 + 5) + (1·5·8 + 2·5 + 1) = 105 + 51 = 156
    //   forward = (2·36 + 2 + 80 + 10) + (5·36 + 5 + 40 + 5) = 164 + 230 = 394
    // MLP [2,h,1]: params 2h + h + h + 1 = 4h + 1 → h = 38.75 → 39 (157 vs 153);
    //   forward 2h + h (activation) + h = 4h → 98.5 → tie 392 / 396 → the smaller, 98.
    // Back: MLP [2,32,1] has 129 params; KAN [2,h,1] params (16h + 4h + h) + (8h + 2h + 1) = 31h + 1
    //   → h = 4.13 → 4 (125 vs 156).
    // MLP [784,64,10] forward 784·64 + 64 + 640 = 50880; KAN [784,h,10] forward
    //   784·36 + 784 + 7056h + (36h + h + 80h + 10h) = 29008 + 7183h → h = 3.05 → 3.
    void fairSizeMatchesHandSolvedWidths() {
        const KanShape kan{2, 1, 1, kan::BasisKind::BSpline, 5, 3, true};
        QCOMPARE(kanCost(kan, 5).params, 156.0);
        QCOMPARE(kanCost(kan, 5).forwardMacs, 394.0);
        const MlpShape mlp{2, 1, 1, true};
        QCOMPARE(mlpWidthMatching(mlp, 156, FairMeasure::Params), 39);
        QCOMPARE(mlpWidthMatching(mlp, 394, FairMeasure::ForwardMacs), 98);
        QCOMPARE(mlpCost(mlp, 32).params, 129.0);
        QCOMPARE(kanWidthMatching(kan, 129, FairMeasure::Params), 4);
        const MlpShape mnist{784, 10, 1, true};
        QCOMPARE(mlpCost(mnist, 64).forwardMacs, 50880.0);
        QCOMPARE(kanWidthMatching({784, 10, 1, kan::BasisKind::BSpline, 5, 3, true}, 50880, FairMeasure::ForwardMacs), 3);
        // a built MLP of the matched width reports the figure the helper matched
        Built b = chain({{"Dense", "Hidden", {{"units", std::int64_t(39)}}},
                         {"Activation", "Act", {}},
                         {"Dense", "Out", {{"units", std::int64_t(2)}}}});
        Engine e;
        e.build(b.g);
        QVERIFY2(e.ok(), e.error().c_str());
        QCOMPARE(e.cost().total.params, mlpCost({2, 2, 1, true}, 39).params);
        QCOMPARE(e.nodeCost(byName(b.g, "Hidden")).forwardMacs + e.nodeCost(byName(b.g, "Act")).forwardMacs +
                     e.nodeCost(byName(b.g, "Out")).forwardMacs,
                 mlpCost({2, 2, 1, true}, 39).forwardMacs);
    }

    void fairSizeRejectsBadInput() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, mlpWidthMatching({0, 1, 1, true}, 100, FairMeasure::Params));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kanWidthMatching({2, 1, 0}, 100, FairMeasure::Params));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, mlpWidthMatching({2, 1, 1, true}, -5, FairMeasure::Params));
        try {
            mlpWidthMatching({2, 0, 1, true}, 10, FairMeasure::Params);
            QFAIL("no throw");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("output"), e.what());
        }
    }

    void formatsCounts_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("small") << 950.0 << "950";
        QTest::newRow("thousands") << 12345.0 << "12.3k";
        QTest::newRow("millions") << 4.56e6 << "4.56M";
        QTest::newRow("rounds up a unit") << 999999.0 << "1.00M";
        QTest::newRow("hundreds of k") << 156000.0 << "156k";
    }
    void formatsCounts() {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(formatCount(value)), text);
    }

    void uncountedKernelShowsADash() {
        NodeCost c;
        c.params = 10;
        QCOMPARE(QString::fromStdString(formatCost(c)), QString("10 params · – MACs/sample"));
        GraphCost g;
        g.total.counted = true;
        g.total.forwardMacs = 2000;
        g.uncountedNodes = 2;
        QVERIFY(QString::fromStdString(formatCost(g)).endsWith("(2 nodes not counted)"));
        // no node counted anything (three reservoirs): no "0 params · 0 MACs" posing as a count
        GraphCost none;
        none.uncountedNodes = 3;
        QCOMPARE(QString::fromStdString(formatCost(none)), QString("cost not counted (3 nodes)"));
    }
};

QTEST_GUILESS_MAIN(TstCost)
#include "tst_cost.moc"
