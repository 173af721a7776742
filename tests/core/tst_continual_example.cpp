// The bundled example "Continual learning without forgetting" (resources/examples/
// continual_hebbian_projection.json), run headless to its end as shipped: the plain network forgets
// the first task once later tasks are trained, the network with Hebbian orthogonal projection keeps
// most of it (a much smaller backward transfer) and still learns the last task nearly as well.
// ctest-cost: 79 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "core/engine/engine.h"
#include "core/graph/json_io.h"

#include <QtTest>

using namespace ganglion;

namespace {

constexpr double kPlainTask1Drop = 0.20;   // the plain net loses at least this much on task 1
constexpr double kHlopTask1Drop = 0.10;    // the projected one at most this much
constexpr double kBwtMargin = 0.15;        // BWT of the projected net above the plain one by this
constexpr double kLastTaskCost = 0.10;     // last task's accuracy: projected ≥ plain − this

QString matrixText(const Matrix& m) {
    QString s;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        s += "\n   ";
        for (Eigen::Index j = 0; j < m.cols(); ++j) s += QString(" %1").arg(100.0 * m(i, j), 5, 'f', 1);
    }
    return s;
}

}  // namespace

class TestContinualExample : public QObject {
    Q_OBJECT

private slots:
    void projectionKeepsTheFirstTask() {
        Graph g = loadGraphFile(GANGLION_SOURCE_DIR "/resources/examples/continual_hebbian_projection.json");
        Engine e;
        const auto issues = e.build(g);
        QVERIFY2(e.ok(), formatIssues(issues).c_str());
        while (!e.finished()) QVERIFY2(e.step(), e.error().c_str());
        e.evaluate();
        const auto snap = e.makeSnapshot();
        std::map<std::string, const Observables*> obs;
        for (const auto& n : snap->nodes) obs[n.name] = &n.obs;
        const Matrix plain = obs.at("Plain scores")->arrays.at("task_accuracy");
        const Matrix hlop = obs.at("HLOP scores")->arrays.at("task_accuracy");
        const double bwtPlain = obs.at("Plain scores")->scalars.at("backward_transfer");
        const double bwtHlop = obs.at("HLOP scores")->scalars.at("backward_transfer");
        const Eigen::Index last = plain.cols() - 1;
        qInfo("accuracy (%%) on task i (rows) after task j (columns), plain:%s", qPrintable(matrixText(plain)));
        qInfo("with Hebbian projection:%s", qPrintable(matrixText(hlop)));
        qInfo("BWT plain %.3f, projected %.3f; average plain %.3f, projected %.3f; components %.0f", bwtPlain, bwtHlop,
              obs.at("Plain scores")->scalars.at("average_accuracy"), obs.at("HLOP scores")->scalars.at("average_accuracy"),
              obs.at("HLOP loss")->scalars.at("hebbian_components"));
        QVERIFY2(plain(0, 0) - plain(0, last) > kPlainTask1Drop, "the plain network did not forget task 1");
        QVERIFY2(hlop(0, 0) - hlop(0, last) < kHlopTask1Drop, "the projected network forgot task 1");
        QVERIFY2(bwtHlop > bwtPlain + kBwtMargin, qPrintable(QString("BWT %1 vs %2").arg(bwtHlop).arg(bwtPlain)));
        QVERIFY2(hlop(last, last) > plain(last, last) - kLastTaskCost, "the projection cost too much on the last task");
    }
};

QTEST_GUILESS_MAIN(TestContinualExample)
#include "tst_continual_example.moc"
