// Worm widgets and docks under a real display: the swimmer drawn with torque colours, trail and
// readouts; the circuit traces; the connectome graph's class layout, force layout and click
// selection; and the Worm swimmer / Connectome docks fed by a running Session.
#include "document/graph_commands.h"
#include "document/session.h"
#include "core/graph/json_io.h"
#include "core/worm/connectome_table.h"
#include "core/worm/ncap_circuit.h"
#include "core/worm/swimmer_body.h"
#include "widgets/worm/circuit_trace_widget.h"
#include "widgets/worm/connectome_graph_widget.h"
#include "widgets/worm/ncap_diagram_widget.h"
#include "widgets/worm/swimmer_widget.h"
#include "widgets/worm/trace_strip.h"

#include <QElapsedTimer>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QUndoStack>
#include <QtTest>

#include <filesystem>

using namespace ganglion;
using namespace ganglion::worm;

namespace ganglion {
QWidget* makeWormView(Session*, QWidget*);
QWidget* makeConnectomeView(Session*, QWidget*);
}  // namespace ganglion

namespace {

std::shared_ptr<const SwimmerFrame> swimFrame(double seconds) {
    SwimmerBody body{BodyConfig{}};
    NcapCircuit c{NcapConfig{}};
    Eigen::VectorXf a(5), t(5);
    auto f = std::make_shared<SwimmerFrame>();
    const Eigen::Vector2d start = body.centerOfMass();
    std::vector<Eigen::Vector2d> trail;
    for (int s = 0; s < int(seconds / 0.03); ++s) {
        body.jointAngles(a);
        c.step(s, a, t);
        body.step(t);
        trail.push_back(body.headPosition());
    }
    f->points = body.points();
    f->torque = body.torques() / body.config().maxTorque;
    f->trail.resize(2, Eigen::Index(trail.size()));
    for (size_t k = 0; k < trail.size(); ++k) f->trail.col(Eigen::Index(k)) = trail[k];
    f->start = start;
    f->time = body.time();
    f->distance = (body.centerOfMass() - start).norm();
    f->speed = 0.15;
    return f;
}

/// Pixels in `img` whose colour is within `tol` of `c`.
int countNear(const QImage& img, const QColor& c, int tol = 40) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < tol;
        }
    return n;
}

std::shared_ptr<const ConnectomeInfo> smallConnectome() {
    auto info = std::make_shared<ConnectomeInfo>();
    info->names = {"ALML", "AVDL", "AVAL", "VA1", "VB1", "DD1", "MDL05"};
    info->classes = {int(CellClass::Sensory), int(CellClass::Inter), int(CellClass::Inter), int(CellClass::Motor),
                     int(CellClass::Motor), int(CellClass::Motor), int(CellClass::Muscle)};
    info->edges = {{0, 1, false, false, 3}, {1, 2, false, false, 5}, {2, 3, false, false, 2},
                   {2, 1, true, false, 2}, {5, 4, false, true, 4}, {3, 6, false, false, 1}};
    return info;
}

}  // namespace

class TstWormWidgets : public QObject {
    Q_OBJECT
private slots:
    void torqueColours();
    void swimmerDrawsBodyTrailAndReadout();
    void circuitTracesDrawn();
    void connectomeClassLayout();
    void connectomeForceLayoutInBounds();
    void connectomeClickSelects();
    void traceStripDraws();
    void wormDockShowsRunningSwimmers();
    void connectomeDockShowsNetwork();
    void trainingDockShowsSpeedCurves();
    void diagramClickAblates();
    void expandedCircuitInDock();
};

void TstWormWidgets::torqueColours() {
    const QColor d = SwimmerWidget::torqueColor(1.0), v = SwimmerWidget::torqueColor(-1.0), z = SwimmerWidget::torqueColor(0.0);
    QVERIFY(d.blue() > d.red() + 100);
    QVERIFY(v.red() > v.blue() + 100);
    QCOMPARE(z.red(), z.blue());
    QCOMPARE(SwimmerWidget::torqueColor(5.0), d);  // clamped
    SwimmerFrame f;
    f.time = 12.34;
    f.speed = 0.1523;
    f.distance = 1.839;
    f.bodyLength = 1.0;
    QCOMPARE(SwimmerWidget::readout(f), QString("t 12.3 s · speed 0.152 body lengths/s · distance 1.84 body lengths · "
                                                 "as a 1 mm worm: 152 \u00b5m/s, 1.84 mm"));
    f.bodyLength = 0.5;  // a smaller simulated body: the same motion in its own body lengths
    f.speed = 0.5 * 0.1523;
    f.distance = 0.5 * 1.839;
    f.animalLengthMm = 1.3;  // standing for a longer animal
    QCOMPARE(SwimmerWidget::readout(f), QString("t 12.3 s · speed 0.152 body lengths/s · distance 1.84 body lengths · "
                                                 "as a 1.3 mm worm: 198 \u00b5m/s, 2.39 mm"));
}

void TstWormWidgets::swimmerDrawsBodyTrailAndReadout() {
    SwimmerWidget w;
    w.resize(600, 400);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QImage empty = w.grab().toImage();
    QCOMPARE(countNear(empty, QColor(250, 210, 60), 10), 0);
    w.setLanes({{"intact", swimFrame(6.0), true}, {"second", swimFrame(3.0), false}});
    QCOMPARE(w.laneCount(), 2);
    const QImage img = w.grab().toImage();
    img.save(QDir::temp().filePath("ganglion_worm_swimmer.png"));
    // a yellow head in each lane
    const QImage top = img.copy(0, 0, img.width(), img.height() / 2);
    const QImage bottom = img.copy(0, img.height() / 2, img.width(), img.height() / 2);
    QVERIFY(countNear(top, QColor(250, 210, 60), 30) > 10);
    QVERIFY(countNear(bottom, QColor(250, 210, 60), 30) > 10);
    // joints coloured by torque: strongly dorsal or ventral pixels appear
    const int coloured = countNear(img, SwimmerWidget::torqueColor(1.0), 90) + countNear(img, SwimmerWidget::torqueColor(-1.0), 90);
    QVERIFY2(coloured > 20, qPrintable(QString("%1 torque-coloured pixels").arg(coloured)));
    // trail on: grey-violet trail pixels; off: fewer
    const int withTrail = countNear(img, QColor(190, 190, 205), 25);
    w.setShowTrail(false);
    const int noTrail = countNear(w.grab().toImage(), QColor(190, 190, 205), 25);
    QVERIFY2(withTrail > noTrail, qPrintable(QString("%1 vs %2").arg(withTrail).arg(noTrail)));
    const double span = w.viewSpan();
    w.setViewSpan(span * 2);
    QCOMPARE(w.viewSpan(), span * 2);
}

void TstWormWidgets::circuitTracesDrawn() {
    CircuitTraceWidget w;
    w.resize(600, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(!w.hasTrace());
    auto t = std::make_shared<CircuitTrace>();
    t->joints = 3;
    const int T = 120;
    t->bDorsal = t->bVentral = t->muscleDorsal = t->muscleVentral = t->torque = Eigen::MatrixXf::Zero(3, T);
    t->oscDorsal = t->oscVentral = Eigen::RowVectorXf::Zero(T);
    for (int k = 0; k < T; ++k) {
        const bool dorsal = (k % 60) < 30;
        t->oscDorsal(k) = dorsal;
        t->oscVentral(k) = !dorsal;
        for (int j = 0; j < 3; ++j) {
            t->bDorsal(j, k) = dorsal ? 0.8f : 0.1f;
            t->bVentral(j, k) = dorsal ? 0.1f : 0.8f;
            t->muscleDorsal(j, k) = t->bDorsal(j, k);
            t->muscleVentral(j, k) = t->bVentral(j, k);
        }
    }
    t->weights = Eigen::Vector4f(1, 1, 1, -1);
    t->ablated = {"DB2"};
    w.setTrace(t, "circuit");
    QVERIFY(w.hasTrace());
    const QImage img = w.grab().toImage();
    img.save(QDir::temp().filePath("ganglion_worm_traces.png"));
    QVERIFY(countNear(img, QColor(33, 102, 210), 60) > 100);
    QVERIFY(countNear(img, QColor(235, 120, 20), 60) > 100);
}

void TstWormWidgets::connectomeClassLayout() {
    auto info = smallConnectome();
    const auto pos = ConnectomeGraphWidget::classLayout(*info);
    QCOMPARE(int(pos.size()), 7);
    QVERIFY(pos[0].y() < pos[1].y());  // sensory above inter
    QVERIFY(pos[1].y() < pos[3].y());  // inter above motor
    QVERIFY(pos[3].y() < pos[6].y());  // motor above muscle
    QCOMPARE(pos[1].y(), pos[2].y());  // same class, same row
    QVERIFY(pos[2].x() < pos[1].x());  // AVA before AVD (both head neurons)
    QVERIFY(pos[5].x() < pos[3].x() && pos[3].x() < pos[4].x());  // same position: DD1, VA1, VB1
    for (const auto& p : pos) QVERIFY(p.x() >= 0 && p.x() <= 1 && p.y() >= 0 && p.y() <= 1);
}

void TstWormWidgets::connectomeForceLayoutInBounds() {
    auto info = smallConnectome();
    const auto a = ConnectomeGraphWidget::forceLayout(*info, 80), b = ConnectomeGraphWidget::forceLayout(*info, 80);
    QCOMPARE(a, b);  // deterministic
    for (const auto& p : a) QVERIFY(p.x() >= 0 && p.x() <= 1 && p.y() >= 0 && p.y() <= 1);
    QVERIFY(a != ConnectomeGraphWidget::classLayout(*info));
}

void TstWormWidgets::connectomeClickSelects() {
    ConnectomeGraphWidget w;
    w.resize(500, 360);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setConnectome(smallConnectome());
    Eigen::VectorXf act = Eigen::VectorXf::Zero(7);
    act(1) = 1.f;
    w.setActivity(act, {0}, true);
    QSignalSpy spy(&w, &ConnectomeGraphWidget::neuronClicked);
    const QPoint at = w.toWidget(w.positions()[2]).toPoint();
    QTest::mouseClick(&w, Qt::LeftButton, {}, at);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 2);
    QCOMPARE(w.selected(), 2);
    QCOMPARE(w.cellAt(at), 2);
    const QImage img = w.grab().toImage();
    img.save(QDir::temp().filePath("ganglion_worm_connectome.png"));
    QVERIFY(countNear(img, QColor(255, 190, 0), 40) > 10);  // stimulated ring
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(2, w.height() - 2));  // empty corner
    QCOMPARE(w.selected(), -1);
    w.setLayoutMode(ConnectomeGraphWidget::Layout::ForceDirected);
    QCOMPARE(w.positions(), ConnectomeGraphWidget::forceLayout(*w.connectome()));
}

void TstWormWidgets::traceStripDraws() {
    TraceStrip s;
    s.resize(300, 120);
    s.show();
    QVERIFY(QTest::qWaitForWindowExposed(&s));
    std::vector<float> v(100);
    for (int k = 0; k < 100; ++k) v[size_t(k)] = k < 50 ? 0.1f : 0.9f;
    s.setSeries({{"AVAL", v, QColor(200, 60, 40)}}, 0.005);
    QCOMPARE(s.seriesCount(), 1);
    QVERIFY(countNear(s.grab().toImage(), QColor(200, 60, 40), 60) > 30);
}

void TstWormWidgets::wormDockShowsRunningSwimmers() {
    Session session;
    QString err;
    QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/worm_ablation.json", &err), qPrintable(err));
    std::unique_ptr<QWidget> view(makeWormView(&session, nullptr));
    view->resize(700, 600);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    auto* play = view->findChild<QPushButton*>("wormPlay");
    QVERIFY(play);
    QTest::mouseClick(play, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(session.isRunning(), 5000);
    auto* sw = view->findChild<SwimmerWidget*>("swimmerWidget");
    QTRY_COMPARE_WITH_TIMEOUT(sw->laneCount(), 3, 5000);
    auto* traces = view->findChild<CircuitTraceWidget*>("circuitTraces");
    QTRY_VERIFY_WITH_TIMEOUT(traces->hasTrace(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step > 100, 10000);
    QTest::qWait(100);
    view->grab().save(QDir::temp().filePath("ganglion_worm_dock.png"));
    QTest::mouseClick(play, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), 5000);
}

void TstWormWidgets::connectomeDockShowsNetwork() {
    const std::string table = std::string(GANGLION_SHARED_DIR) + "/data/connectome/white_1986_whole.tsv";
    if (!std::filesystem::exists(table)) QSKIP("connectome table not found under GANGLION_SHARED_DIR");
    qputenv("GANGLION_DATA_DIR", QByteArray(GANGLION_SHARED_DIR) + "/..");
    Session session;
    QString err;
    QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/worm_touch.json", &err), qPrintable(err));
    std::unique_ptr<QWidget> view(makeConnectomeView(&session, nullptr));
    view->resize(900, 600);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    session.play();
    auto* graph = view->findChild<ConnectomeGraphWidget*>("connectomeGraph");
    QTRY_VERIFY_WITH_TIMEOUT(graph->connectome() != nullptr, 10000);
    QCOMPARE(int(graph->connectome()->names.size()), 309);
    const int ava = int(std::find(graph->connectome()->names.begin(), graph->connectome()->names.end(), "AVAL") -
                        graph->connectome()->names.begin());
    QTest::mouseClick(graph, Qt::LeftButton, {}, graph->toWidget(graph->positions()[ava]).toPoint());
    QCOMPARE(graph->selected(), ava);
    auto* inputs = view->findChild<QListWidget*>("cellInputs");
    QVERIFY(inputs->count() > 20);  // AVA is a hub
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step > 60, 10000);
    QTest::qWait(200);
    view->grab().save(QDir::temp().filePath("ganglion_worm_connectome_dock.png"));
    session.pause();
}

void TstWormWidgets::trainingDockShowsSpeedCurves() {
    Session session;
    QString err;
    QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/worm_train.json", &err), qPrintable(err));
    std::unique_ptr<QWidget> view(makeWormView(&session, nullptr));
    view->resize(700, 700);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    session.play();
    auto* speed = view->findChild<TraceStrip*>("trainerSpeed");
    QVERIFY(speed);
    QTRY_VERIFY_WITH_TIMEOUT(speed->isVisible() && speed->seriesCount() == 2, 10000);
    auto* sw = view->findChild<SwimmerWidget*>("swimmerWidget");
    QTRY_COMPARE_WITH_TIMEOUT(sw->laneCount(), 2, 5000);  // the demo swimmers of both trainers
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step > 12, 120000);
    QTest::qWait(300);
    view->grab().save(QDir::temp().filePath("ganglion_worm_train_dock.png"));
    session.pause();
}

void TstWormWidgets::diagramClickAblates() {
    Session session;
    QString err;
    QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/worm_swimmer.json", &err), qPrintable(err));
    std::unique_ptr<QWidget> view(makeWormView(&session, nullptr));
    view->resize(700, 700);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    auto* tabs = view->findChild<QTabWidget*>();
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    session.play();
    auto* diagram = view->findChild<NcapDiagramWidget*>("ncapDiagram");
    QTRY_VERIFY_WITH_TIMEOUT(diagram->hasTrace(), 5000);
    const NodeId circuit = session.graph().nodeByName("NCAP circuit")->id;
    const QPoint db2 = diagram->neuronCenter("DB2").toPoint();
    QCOMPARE(diagram->neuronAt(db2), QString("DB2"));
    QCOMPARE(diagram->neuronCenter("DB9"), QPointF(-1, -1));
    QTest::mouseClick(diagram, Qt::LeftButton, {}, db2);
    QCOMPARE(session.graph().node(circuit)->params.getString("ablate"), std::string("DB2"));
    QTest::mouseClick(diagram, Qt::LeftButton, {}, diagram->neuronCenter("osc").toPoint());
    QCOMPARE(session.graph().node(circuit)->params.getString("ablate"), std::string("DB2, osc"));
    // the running engine picks the live edit up: the trace reports both neurons ablated
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->firstOfType("NcapCircuit") &&
                                 session.snapshot()->firstOfType("NcapCircuit")->obs.get<CircuitTrace>("ncap_trace")->ablated.size() == 2,
                             5000);
    QTest::qWait(200);
    diagram->grab().save(QDir::temp().filePath("ganglion_worm_diagram.png"));
    session.undoStack()->undo();
    QCOMPARE(session.graph().node(circuit)->params.getString("ablate"), std::string("DB2"));
    QTest::mouseClick(diagram, Qt::LeftButton, {}, db2);  // toggles off
    QCOMPARE(session.graph().node(circuit)->params.getString("ablate"), std::string());
    session.pause();
}

void TstWormWidgets::expandedCircuitInDock() {
    // After "Expand to neurons" the dock reads the circuit back from the neuron nodes: traces
    // and diagram keep working, and a click ablates that neuron's own node (undoable).
    Session session;
    QString err;
    QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/worm_swimmer.json", &err), qPrintable(err));
    session.undoStack()->push(new ExpandNodeCommand(session.graph(), session.graph().nodeByName("NCAP circuit")->id));
    QVERIFY(session.graph().nodeByName("DB2"));
    std::unique_ptr<QWidget> view(makeWormView(&session, nullptr));
    view->resize(700, 700);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    view->findChild<QTabWidget*>()->setCurrentIndex(1);
    session.play();
    auto* traces = view->findChild<CircuitTraceWidget*>("circuitTraces");
    auto* diagram = view->findChild<NcapDiagramWidget*>("ncapDiagram");
    QTRY_VERIFY_WITH_TIMEOUT(diagram->hasTrace() && traces->hasTrace(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step > 80, 10000);
    QTest::mouseClick(diagram, Qt::LeftButton, {}, diagram->neuronCenter("DB2").toPoint());
    QCOMPARE(session.graph().nodeByName("DB2")->params.getBool("ablated"), true);
    QTest::mouseClick(diagram, Qt::LeftButton, {}, diagram->neuronCenter("osc").toPoint());
    QCOMPARE(session.graph().nodeByName("Oscillator")->params.getBool("active"), false);
    // the engine picks the edits up and the DB2 trace goes flat at 0
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->find(session.graph().nodeByName("DB2")->id)->obs.arrays.at("activations")(0, 0) == 0.f, 5000);
    QTest::qWait(300);
    view->grab().save(QDir::temp().filePath("ganglion_worm_expanded_dock.png"));
    session.undoStack()->undo();  // osc back on, DB2 still ablated: one step per click
    QCOMPARE(session.graph().nodeByName("Oscillator")->params.getBool("active"), true);
    QCOMPARE(session.graph().nodeByName("DB2")->params.getBool("ablated"), true);
    // next to a composite circuit, selecting a neuron shows the expanded circuit it belongs to
    session.undoStack()->push(new AddNodeCommand(session.graph(), "NcapCircuit", QPointF(0, 1200)));
    auto ablatedShown = [&] {
        const auto& t = diagram->trace();
        return t && std::find(t->ablated.begin(), t->ablated.end(), "DB2") != t->ablated.end();
    };
    session.play();
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->firstOfType("NcapCircuit"), 5000);
    session.setSelectedNode(session.graph().nodeByName("NCAP swimmer circuit")->id);
    QTRY_VERIFY_WITH_TIMEOUT(diagram->hasTrace() && !ablatedShown(), 5000);  // the composite
    session.setSelectedNode(session.graph().nodeByName("VM3")->id);
    QTRY_VERIFY_WITH_TIMEOUT(ablatedShown(), 5000);  // the expanded circuit of VM3
    session.pause();
}

QTEST_MAIN(TstWormWidgets)
#include "tst_worm_widgets.moc"
