// Convergent learning (Li et al., "Convergent learning: do different neural networks learn the same
// representations?"): unit correlations, the Hungarian one-to-one matching (recovers a planted
// permutation exactly; equals brute force on small random matrices, square and rectangular), the
// many-to-one matching, the sorted report, and the bundled example's claim.
#include "core/convergent/unit_matching.h"
#include "core/convergent/unit_matching_node.h"
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

using namespace ganglion;

namespace {

Matrix gaussian(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
    std::normal_distribution<float> n(0.f, 1.f);
    Matrix m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = n(rng);
    return m;
}

double total(const Eigen::MatrixXd& s, const std::vector<int>& colOf) {
    double t = 0;
    for (std::size_t i = 0; i < colOf.size(); ++i)
        if (colOf[i] >= 0) t += s(Eigen::Index(i), colOf[i]);
    return t;
}

/// The best summed score over every injective assignment of the smaller side, by enumeration.
double bruteForce(const Eigen::MatrixXd& s) {
    const bool flip = s.rows() > s.cols();
    const Eigen::MatrixXd m = flip ? Eigen::MatrixXd(s.transpose()) : s;
    std::vector<int> cols(std::size_t(m.cols()));
    std::iota(cols.begin(), cols.end(), 0);
    double best = -1e300;
    do {  // the first rows() entries of each permutation are an assignment (repeats are harmless)
        double t = 0;
        for (Eigen::Index i = 0; i < m.rows(); ++i) t += m(i, cols[std::size_t(i)]);
        best = std::max(best, t);
    } while (std::next_permutation(cols.begin(), cols.end()));
    return best;
}

bool injective(const std::vector<int>& colOf, Eigen::Index cols) {
    std::vector<int> seen(std::size_t(cols), 0);
    for (int c : colOf)
        if (c >= 0 && (c >= cols || seen[std::size_t(c)]++)) return false;
    return true;
}

}  // namespace

class TstUnitMatching : public QObject {
    Q_OBJECT
private slots:
    void correlationOfKnownPairs() {
        Matrix a(3, 4), b(2, 4);
        a << 1, 2, 3, 4,  //
            4, 3, 2, 1,   //
            5, 5, 5, 5;   // constant: a dead unit
        b << 3, 5, 7, 9,  // 2·x + 1 of a's first unit
            1, 0, 1, 0;
        const Matrix c = unitCorrelation(a, b);
        QCOMPARE(c.rows(), Eigen::Index(3));
        QCOMPARE(c.cols(), Eigen::Index(2));
        QVERIFY(std::abs(c(0, 0) - 1.f) < 1e-6f);
        QVERIFY(std::abs(c(1, 0) + 1.f) < 1e-6f);
        QCOMPARE(c(2, 0), 0.f);
        QCOMPARE(c(2, 1), 0.f);
        QVERIFY(std::abs(c(0, 1) + 0.4472136f) < 1e-5f);  // r of (1,2,3,4) with (1,0,1,0)
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unitCorrelation(a, Matrix(2, 3)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, unitCorrelation(Matrix(2, 1), Matrix(2, 1)));
    }

    void hungarianRecoversAPlantedPermutation() {
        // B's units are A's, shuffled, with a little noise: the one-to-one matching finds the shuffle.
        std::mt19937 rng(4);
        const int n = 40;
        const Matrix a = gaussian(n, 300, rng);
        std::vector<int> perm(n);
        std::iota(perm.begin(), perm.end(), 0);
        std::shuffle(perm.begin(), perm.end(), rng);
        Matrix b(n, 300);
        for (int i = 0; i < n; ++i) b.row(perm[std::size_t(i)]) = a.row(i);
        b += 0.5f * gaussian(n, 300, rng);
        const UnitMatching m = matchUnits(a, b, 0.5);
        QVERIFY(m.oneToOne == perm);
        QVERIFY(m.manyToOne == perm);
        QCOMPARE(m.withoutPartner, 0);
        // the sorted matrix carries each unit's partner on its diagonal, best first
        for (int k = 0; k < n; ++k) QCOMPARE(double(m.sorted(k, k)), m.oneToOneCorr[std::size_t(m.order[std::size_t(k)])]);
        for (int k = 1; k < n; ++k) QVERIFY(m.sorted(k, k) <= m.sorted(k - 1, k - 1));
    }

    void hungarianEqualsBruteForce() {
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> u(-1.0, 1.0);
        std::uniform_int_distribution<int> side(1, 6);
        for (int trial = 0; trial < 300; ++trial) {
            Eigen::MatrixXd s(side(rng), side(rng));
            for (Eigen::Index i = 0; i < s.size(); ++i) s(i) = u(rng);
            if (trial % 10 == 0) s = s.array().round();  // many ties
            const std::vector<int> colOf = maxAssignment(s);
            QCOMPARE(colOf.size(), std::size_t(s.rows()));
            QVERIFY(injective(colOf, s.cols()));
            const long assigned = std::count_if(colOf.begin(), colOf.end(), [](int c) { return c >= 0; });
            QCOMPARE(assigned, long(std::min(s.rows(), s.cols())));
            QVERIFY2(std::abs(total(s, colOf) - bruteForce(s)) < 1e-9,
                     qPrintable(QString("%1x%2: %3 vs brute force %4").arg(s.rows()).arg(s.cols()).arg(total(s, colOf)).arg(bruteForce(s))));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, maxAssignment(Eigen::MatrixXd::Constant(2, 2, std::nan(""))));
    }

    void manyToOneSharesPartnersAndFlagsTheUnmatched() {
        // Two units of A copy B's unit 0; A's third unit is unrelated to every unit of B.
        std::mt19937 rng(2);
        const Matrix b = gaussian(3, 500, rng);
        Matrix a(3, 500);
        a.row(0) = b.row(0);
        a.row(1) = 2 * b.row(0) + 0.3f * gaussian(1, 500, rng);
        a.row(2) = gaussian(1, 500, rng);
        const UnitMatching m = matchUnits(a, b, 0.5);
        QCOMPARE(m.manyToOne[0], 0);
        QCOMPARE(m.manyToOne[1], 0);  // shared: many-to-one
        QVERIFY(m.oneToOne[0] == 0 && m.oneToOne[1] != 0);  // one-to-one: the better copy keeps it
        QCOMPARE(m.withoutPartner, 1);
        QVERIFY(m.manyToOneCorr[2] < 0.5);
        QCOMPARE(m.order.front(), 0);
    }

    void layersOnDifferentDataAreRefusedByName() {
        // a and b fed by data sets of different test sizes: the node says what is wrong, by name
        Graph g;
        const NodeId small = g.addNode("PlaygroundData"), large = g.addNode("PlaygroundData");
        QVERIFY(!g.setParam(small, "samples", std::int64_t(200)));
        QVERIFY(!g.setParam(large, "samples", std::int64_t(400)));
        const NodeId a = g.addNode("Dense"), b = g.addNode("Dense"), match = g.addNode("UnitMatching");
        g.connect({small, "x"}, {a, "in"});
        g.connect({large, "x"}, {b, "in"});
        g.connect({a, "out"}, {match, "a"});
        g.connect({b, "out"}, {match, "b"});
        Engine e;
        e.build(g);
        QVERIFY2(e.ok(), e.error().c_str());
        e.evaluate();
        QVERIFY2(QString::fromStdString(e.error()).contains(QString::fromStdString(g.node(match)->name)) &&
                     QString::fromStdString(e.error()).contains("100 and 200 test samples"),
                 e.error().c_str());
    }

    void exampleFindsConvergentAndLoneUnits() {
        // The bundled example: two 2-24-24-2 ReLU networks from different seeds on the spiral. After
        // training, many units of the first hidden layer have a near-copy in the other net (r > 0.9),
        // the second layer matches worse, and some of its live units have no close partner at all
        // (best r < 0.5). Seed 1, the example's (seed 2 alike; with seed 3 every live unit of the
        // second layer finds some partner above 0.5).
        Graph g = loadGraphFile(std::string(GANGLION_SOURCE_DIR) + "/resources/examples/convergent_two_seeds.json");
        Engine e;
        e.build(g);
        QVERIFY2(e.ok(), e.error().c_str());
        for (int s = 0; s < kSteps; ++s) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto sc = e.scalars();
        qInfo("test accuracy A %.3f, B %.3f", sc.at("A accuracy/test_accuracy"), sc.at("B accuracy/test_accuracy"));
        QVERIFY2(sc.at("A accuracy/test_accuracy") > 0.9 && sc.at("B accuracy/test_accuracy") > 0.9, "the nets did not learn");
        std::map<std::string, const UnitMatching*> layers;
        for (const auto& n : g.nodes())
            if (n.type == "UnitMatching") layers[n.name] = &dynamic_cast<UnitMatchingKernel&>(*e.kernel(n.id)).matching();
        QCOMPARE(layers.size(), std::size_t(2));
        std::map<std::string, double> mean;
        std::map<std::string, long> strong;
        for (const auto& [name, m] : layers) {
            QVERIFY(m->correlation.size() > 0);
            strong[name] = std::count_if(m->oneToOneCorr.begin(), m->oneToOneCorr.end(), [](double r) { return r > 0.9; });
            mean[name] = std::accumulate(m->oneToOneCorr.begin(), m->oneToOneCorr.end(), 0.0) / double(m->oneToOneCorr.size());
            qInfo("%s: %ld of %zu units matched at r > 0.9, %d live units without a partner (best r < 0.5), dead %d and %d, "
                  "mean matched r %.2f",
                  name.c_str(), strong[name], m->oneToOneCorr.size(), m->withoutPartner, m->deadA, m->deadB, mean[name]);
        }
        QVERIFY(strong["Layer 1 units"] >= 8);
        QVERIFY(layers["Layer 2 units"]->withoutPartner >= 1);
        QVERIFY(mean["Layer 1 units"] > mean["Layer 2 units"] + 0.2);
    }

private:
    static constexpr int kSteps = 1000;
};

QTEST_GUILESS_MAIN(TstUnitMatching)
#include "tst_unit_matching.moc"
