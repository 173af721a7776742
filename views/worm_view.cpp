// "Worm swimmer" dock: every swimmer in the graph drawn live (one lane each, the selected node's
// highlighted), the NCAP circuit's activity traces below, and play / pause / step buttons that
// drive the shared engine.
#include "core/worm/worm_observables.h"
#include "document/graph_commands.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/worm/circuit_trace_widget.h"
#include "widgets/worm/ncap_diagram_widget.h"
#include "widgets/worm/swimmer_widget.h"
#include "widgets/worm/trace_strip.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTabWidget>
#include <QUndoCommand>
#include <QVBoxLayout>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace ganglion {

namespace {

/// `list` with `name` added, or removed when present (case-insensitive), comma separated.
std::string toggledAblation(const std::string& list, const QString& name) {
    QStringList names = QString::fromStdString(list).split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts);
    bool removed = false;
    for (int i = names.size() - 1; i >= 0; --i)
        if (names[i].compare(name, Qt::CaseInsensitive) == 0) {
            names.removeAt(i);
            removed = true;
        }
    if (!removed) names << name;
    return names.join(", ").toStdString();
}

bool isNcapPart(const std::string& type) {
    return type == "NcapOscillator" || type == "NcapBNeuron" || type == "NcapMuscle" || type == "NcapJoint" ||
           type == "NcapCommand";
}

/// Name of an expanded NCAP part in the circuit diagram's terms ("DB2", "VM1", "osc"), "" for
/// joints and command units.
std::string neuronName(const Node& n) {
    if (n.type == "NcapOscillator") return "osc";
    if (n.type != "NcapBNeuron" && n.type != "NcapMuscle") return {};
    const bool dorsal = n.params.getString("side") == "dorsal";
    return std::string(dorsal ? "D" : "V") + (n.type == "NcapBNeuron" ? "B" : "M") +
           std::to_string(n.params.getInt("joint"));
}

/// An expanded NCAP circuit (NcapCircuit::expand) read back as one CircuitTrace: the parts
/// connected to `seed` (or to the first part in the graph), each contributing its own trace.
/// `neurons` receives the node of each diagram name, for click-to-ablate.
std::shared_ptr<worm::CircuitTrace> expandedCircuitTrace(const Graph& g, const Snapshot& snap, NodeId seed,
                                                         std::map<std::string, NodeId>& neurons) {
    neurons.clear();
    const Node* start = g.node(seed);
    if (!start || !isNcapPart(start->type)) {
        start = nullptr;
        for (const Node& n : g.nodes())
            if (isNcapPart(n.type) && n.type != "NcapCommand") {
                start = &n;
                break;
            }
    }
    if (!start) return nullptr;
    std::set<NodeId> group{start->id};
    std::deque<NodeId> queue{start->id};
    while (!queue.empty()) {
        const NodeId id = queue.front();
        queue.pop_front();
        for (const Edge& e : g.edges()) {
            if (e.from.node != id && e.to.node != id) continue;
            const NodeId other = e.from.node == id ? e.to.node : e.from.node;
            const Node* o = g.node(other);
            if (o && isNcapPart(o->type) && group.insert(other).second) queue.push_back(other);
        }
    }
    int joints = 0;
    Eigen::Index T = -1;
    for (NodeId id : group) {
        const Node* n = g.node(id);
        if (n->type == "NcapCommand") continue;
        if (n->params.has("joint")) joints = std::max(joints, int(n->params.getInt("joint")));
        const NodeSnapshot* ns = snap.find(id);
        auto it = ns ? ns->obs.arrays.find("trace") : decltype(ns->obs.arrays.end()){};
        if (!ns || it == ns->obs.arrays.end()) return nullptr;  // built after this snapshot
        T = T < 0 ? it->second.cols() : std::min(T, it->second.cols());
    }
    if (joints < 1 || T < 0) return nullptr;
    auto t = std::make_shared<worm::CircuitTrace>();
    t->joints = joints;
    t->bDorsal.setZero(joints, T);
    t->bVentral = t->muscleDorsal = t->muscleVentral = t->torque = t->bDorsal;
    t->oscDorsal.setZero(T);
    t->oscVentral.setZero(T);
    t->weights.setZero(4);
    for (NodeId id : group) {
        const Node* n = g.node(id);
        if (n->type == "NcapCommand") continue;
        const Matrix& tr = snap.find(id)->obs.arrays.at("trace");
        const auto recent = tr.rightCols(T);
        // (no samples yet: the rows stay empty; Eigen would offset a null pointer to take a row)
        const int j = n->params.has("joint") ? int(n->params.getInt("joint")) - 1 : 0;
        const std::string name = neuronName(*n);
        if (!name.empty()) neurons[name] = id;
        if (n->type == "NcapOscillator") {
            if (T > 0) {
                t->oscDorsal = recent.row(0);
                t->oscVentral = recent.row(1);
            }
            t->dt = n->params.getFloat("control_dt");
            if (!n->params.getBool("active")) t->ablated.push_back("osc");
        } else if (n->type == "NcapJoint") {
            if (T > 0) t->torque.row(j) = recent.row(0);
        } else {
            const bool dorsal = n->params.getString("side") == "dorsal";
            const bool b = n->type == "NcapBNeuron";
            auto& m = b ? (dorsal ? t->bDorsal : t->bVentral) : (dorsal ? t->muscleDorsal : t->muscleVentral);
            if (T > 0) m.row(j) = recent.row(0);
            if (n->params.getBool("ablated")) t->ablated.push_back(name);
            if (j == 0 && dorsal && b) {
                t->weights(0) = float(n->params.getFloat("w_osc"));
                t->weights(1) = float(n->params.getFloat("w_prop"));
            }
            if (j == 0 && dorsal && !b) {
                t->weights(2) = float(n->params.getFloat("w_ipsi"));
                t->weights(3) = float(n->params.getFloat("w_contra"));
            }
        }
    }
    t->time = double(snap.step) * t->dt;
    return t;
}

class WormView : public QWidget {
public:
    WormView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        // swimmers and circuits bring the view up; it also draws the "trace" of each part of an
        // expanded circuit, but that name is every node's generic trace thumbnail (a reservoir's,
        // a trainer's), so it does not make the view relevant on its own
        setProperty(kViewObservables, QStringList{"swimmer", "ncap_trace"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* bar = new QHBoxLayout;
        play_ = new QPushButton(tr("Play"), this);
        play_->setObjectName("wormPlay");
        play_->setToolTip(tr("Run or pause the engine (the same as the main toolbar)"));
        auto* step = new QPushButton(tr("Step"), this);
        step->setObjectName("wormStep");
        step->setToolTip(tr("Advance one engine step (one control step of every swimmer)"));
        auto* trail = new QCheckBox(tr("Trail"), this);
        trail->setChecked(true);
        auto* zoomIn = new QPushButton(tr("+"), this);
        auto* zoomOut = new QPushButton(tr("−"), this);
        zoomIn->setFixedWidth(28);
        zoomOut->setFixedWidth(28);
        zoomIn->setToolTip(tr("Zoom in"));
        zoomOut->setToolTip(tr("Zoom out"));
        bar->addWidget(play_);
        bar->addWidget(step);
        bar->addSpacing(12);
        bar->addWidget(trail);
        bar->addStretch(1);
        bar->addWidget(zoomOut);
        bar->addWidget(zoomIn);
        lay->addLayout(bar);
        auto* split = new QSplitter(Qt::Vertical, this);
        swimmer_ = new SwimmerWidget(split);
        swimmer_->setObjectName("swimmerWidget");
        tabs_ = new QTabWidget(split);
        traces_ = new CircuitTraceWidget(tabs_);
        traces_->setObjectName("circuitTraces");
        diagram_ = new NcapDiagramWidget(tabs_);
        diagram_->setObjectName("ncapDiagram");
        tabs_->addTab(traces_, tr("Activity traces"));
        tabs_->addTab(diagram_, tr("Circuit (click to ablate)"));
        speed_ = new TraceStrip(split);
        speed_->setObjectName("trainerSpeed");
        speed_->setXUnit(tr("generations"));  // one generation per engine step
        speed_->setYUnit(tr("m/s"));
        speed_->setToolTip(tr("Forward speed (m/s) of each trainer's current parameters, per generation"));
        speed_->setVisible(false);
        split->addWidget(swimmer_);
        split->addWidget(speed_);
        split->addWidget(tabs_);
        split->setStretchFactor(0, 3);
        split->setStretchFactor(1, 2);
        lay->addWidget(split, 1);

        connect(play_, &QPushButton::clicked, this, [this] {
            if (session_->isRunning()) session_->pause();
            else session_->play();
        });
        connect(step, &QPushButton::clicked, this, [this] { session_->step(); });
        connect(diagram_, &NcapDiagramWidget::neuronClicked, this, [this](const QString& n) { toggle(n); });
        connect(trail, &QCheckBox::toggled, swimmer_, &SwimmerWidget::setShowTrail);
        connect(zoomIn, &QPushButton::clicked, this, [this] { swimmer_->setViewSpan(swimmer_->viewSpan() * 0.8); });
        connect(zoomOut, &QPushButton::clicked, this, [this] { swimmer_->setViewSpan(swimmer_->viewSpan() / 0.8); });
        connect(s, &Session::runningChanged, this, [this](bool on) { play_->setText(on ? tr("Pause") : tr("Play")); });
        connect(s, &Session::documentReplaced, this, [this] {
            swimmer_->clear();
            traces_->clear();
            diagram_->setTrace(nullptr);
            circuitId_ = 0;
            lastStep_ = ~0ull;
        });
        RefreshPacer::shared().whileVisible(this, 33, [this] { poll(); });
    }

private:
    void poll() {
        play_->setText(session_->isRunning() ? tr("Pause") : tr("Play"));
        SnapshotPtr snap = session_->snapshot();
        if (!snap) {
            if (swimmer_->laneCount()) swimmer_->clear();
            return;
        }
        if (snap->step == lastStep_ && snap->buildId == lastBuild_ && session_->selectedNode() == lastSel_) return;
        lastStep_ = snap->step;
        lastBuild_ = snap->buildId;
        lastSel_ = session_->selectedNode();
        std::vector<SwimmerWidget::Lane> lanes;
        for (const auto& n : snap->nodes) {
            auto f = n.obs.get<worm::SwimmerFrame>("swimmer");
            if (!f) continue;
            lanes.push_back({QString::fromStdString(n.name), f, n.id == lastSel_});
        }
        swimmer_->setLanes(std::move(lanes));
        // circuit: the selected one (a composite node, or a part of an expanded circuit), else
        // the first composite, else the first expanded circuit
        const Node* selNode = session_->graph().node(lastSel_);
        const bool partSelected = selNode && isNcapPart(selNode->type);
        const NodeSnapshot* circuit = partSelected ? nullptr : snap->find(lastSel_);
        if (!partSelected && (!circuit || !circuit->obs.get<worm::CircuitTrace>("ncap_trace"))) {
            circuit = nullptr;
            for (const auto& n : snap->nodes)
                if (n.obs.get<worm::CircuitTrace>("ncap_trace")) {
                    circuit = &n;
                    break;
                }
        }
        updateSpeedCurves(*snap);
        std::shared_ptr<const worm::CircuitTrace> expanded;
        if (!circuit) expanded = expandedCircuitTrace(session_->graph(), *snap, lastSel_, expandedNeurons_);
        if (circuit) {
            auto t = circuit->obs.get<worm::CircuitTrace>("ncap_trace");
            traces_->setTrace(t, QString::fromStdString(circuit->name));
            diagram_->setTrace(t);
            circuitId_ = circuit->id;
        } else if (expanded) {
            traces_->setTrace(expanded, tr("expanded circuit"));
            diagram_->setTrace(expanded);
            circuitId_ = 0;
        } else {
            traces_->clear();
            diagram_->setTrace(nullptr);
            circuitId_ = 0;
        }
        // trainers-only graphs have no circuit node: give the space to the swimmers and curves
        tabs_->setVisible(circuit != nullptr || expanded != nullptr || speed_->isHidden());
    }

    void toggle(const QString& neuron) {
        if (circuitId_ == 0) return toggleExpanded(neuron);
        const Node* node = session_->graph().node(circuitId_);
        if (!node || node->type != "NcapCircuit") return;
        const std::string before = node->params.getString("ablate");
        const std::string after = toggledAblation(before, neuron);
        auto* cmd = new SetParamCommand(session_->graph(), circuitId_, "ablate", before, after);
        cmd->setText(tr("Ablate %1 in %2").arg(neuron, QString::fromStdString(node->name)));
        cmd->setMergeable(false);
        session_->undoStack()->push(cmd);
    }

    /// Expanded circuit: the clicked neuron's own node switches its "ablated" (oscillator: "active").
    void toggleExpanded(const QString& neuron) {
        auto it = expandedNeurons_.find(neuron.toUpper() == "OSC" ? "osc" : neuron.toUpper().toStdString());
        const Node* node = it == expandedNeurons_.end() ? nullptr : session_->graph().node(it->second);
        if (!node) return;
        const std::string param = node->type == "NcapOscillator" ? "active" : "ablated";
        const bool now = node->params.getBool(param);
        auto* cmd = new SetParamCommand(session_->graph(), node->id, param, now, !now);
        cmd->setText(tr("%1 %2").arg((param == "active") == now ? tr("Ablate") : tr("Restore"),
                                       QString::fromStdString(node->name)));
        cmd->setMergeable(false);
        session_->undoStack()->push(cmd);
    }

    /// Speed per generation of every trainer node, from the metric history (5 Hz is plenty).
    void updateSpeedCurves(const Snapshot& snap) {
        if (++speedTick_ % 6 != 0) return;
        static const QColor colors[] = {QColor(33, 102, 210), QColor(220, 90, 30), QColor(40, 150, 70), QColor(130, 70, 170)};
        std::vector<TraceStrip::Series> series;
        double hi = 0.05, lo = 0.0;
        for (const auto& n : snap.nodes) {
            if (n.type != "WormTrainer") continue;
            TraceStrip::Series s;
            s.label = QString::fromStdString(n.name);
            s.color = colors[series.size() % 4];
            for (const auto& p : session_->metrics().series(n.name + "/speed")) {
                if (!s.x.empty() && s.x.back() == double(p.step)) continue;  // same generation published twice
                s.x.push_back(double(p.step));
                s.values.push_back(float(p.value));
                hi = std::max(hi, p.value);
                lo = std::min(lo, p.value);
            }
            series.push_back(std::move(s));
        }
        speed_->setVisible(!series.empty());
        speed_->setRange(lo, hi * 1.1);
        speed_->setSeries(std::move(series), 1.0);
    }

    Session* session_;
    TraceStrip* speed_;
    int speedTick_ = 0;
    QPushButton* play_;
    SwimmerWidget* swimmer_;
    QTabWidget* tabs_;
    CircuitTraceWidget* traces_;
    NcapDiagramWidget* diagram_;
    NodeId circuitId_ = 0;
    std::map<std::string, NodeId> expandedNeurons_;
    std::uint64_t lastStep_ = ~0ull, lastBuild_ = ~0ull;
    NodeId lastSel_ = 0;
};

}  // namespace

QWidget* makeWormView(Session* s, QWidget* parent) { return new WormView(s, parent); }

}  // namespace ganglion
