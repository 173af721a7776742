// "Worm swimmer" dock: every swimmer in the graph drawn live (one lane each, the selected node's
// highlighted), the NCAP circuit's activity traces below, and play / pause / step buttons that
// drive the shared engine.
#include "app/session/session.h"
#include "core/worm/worm_observables.h"
#include "widgets/worm/circuit_trace_widget.h"
#include "widgets/worm/swimmer_widget.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace ganglion {

namespace {

class WormView : public QWidget {
public:
    WormView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
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
        traces_ = new CircuitTraceWidget(split);
        traces_->setObjectName("circuitTraces");
        split->addWidget(swimmer_);
        split->addWidget(traces_);
        split->setStretchFactor(0, 3);
        split->setStretchFactor(1, 2);
        lay->addWidget(split, 1);

        connect(play_, &QPushButton::clicked, this, [this] {
            if (session_->isRunning()) session_->pause();
            else session_->play();
        });
        connect(step, &QPushButton::clicked, this, [this] { session_->step(); });
        connect(trail, &QCheckBox::toggled, swimmer_, &SwimmerWidget::setShowTrail);
        connect(zoomIn, &QPushButton::clicked, this, [this] { swimmer_->setViewSpan(swimmer_->viewSpan() * 0.8); });
        connect(zoomOut, &QPushButton::clicked, this, [this] { swimmer_->setViewSpan(swimmer_->viewSpan() / 0.8); });
        connect(s, &Session::runningChanged, this, [this](bool on) { play_->setText(on ? tr("Pause") : tr("Play")); });
        connect(s, &Session::documentReplaced, this, [this] {
            swimmer_->clear();
            traces_->clear();
            lastStep_ = ~0ull;
        });
        auto* timer = new QTimer(this);
        connect(timer, &QTimer::timeout, this, [this] { poll(); });
        timer->start(33);
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
        // circuit: the selected node when it is one, else the first circuit in the graph
        const NodeSnapshot* circuit = snap->find(lastSel_);
        if (!circuit || !circuit->obs.get<worm::CircuitTrace>("ncap_trace")) {
            circuit = nullptr;
            for (const auto& n : snap->nodes)
                if (n.obs.get<worm::CircuitTrace>("ncap_trace")) {
                    circuit = &n;
                    break;
                }
        }
        if (circuit) traces_->setTrace(circuit->obs.get<worm::CircuitTrace>("ncap_trace"), QString::fromStdString(circuit->name));
        else traces_->clear();
    }

    Session* session_;
    QPushButton* play_;
    SwimmerWidget* swimmer_;
    CircuitTraceWidget* traces_;
    std::uint64_t lastStep_ = ~0ull, lastBuild_ = ~0ull;
    NodeId lastSel_ = 0;
};

}  // namespace

QWidget* makeWormView(Session* s, QWidget* parent) { return new WormView(s, parent); }

}  // namespace ganglion
