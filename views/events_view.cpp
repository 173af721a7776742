// Event camera view: the selected event node's stream (or the first in the graph) in 2D (ON/OFF
// accumulation with decay, or time surface) with its event-rate chart, in 3D x-y-t (VTK, bounded
// point count), and a filter's input and output side by side with counts; playback controls
// drive the engine (play/pause), the source's live 'speed' parameter and seeking.
#include "core/events/event_nodes.h"
#include "document/session.h"
#include "core/model/node_spec.h"
#include "views/view_registry.h"
#include "widgets/events/event_cloud_widget.h"
#include "widgets/events/event_frame_widget.h"
#include "widgets/events/event_rate_chart.h"
#include "widgets/events/playback_bar.h"
#include "widgets/plots/refresh_pacer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace ganglion {

namespace {

using events::EventWindow;

/// Where an event stream starts (a file, a generator, an emulator): a node type that publishes
/// events without taking any in.
bool isSourceType(const std::string& t) {
    const NodeSpec* spec = NodeRegistry::instance().find(t);
    if (!spec || std::find(spec->observables.begin(), spec->observables.end(), "events") == spec->observables.end())
        return false;
    return std::none_of(spec->inputs.begin(), spec->inputs.end(), [](const PortSpec& p) { return p.type == PortType::Events; });
}

class EventsView : public QWidget {
public:
    EventsView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"events"});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        source_ = new QLabel(this);
        source_->setWordWrap(true);
        source_->setMinimumWidth(50);
        lay->addWidget(source_);
        tabs_ = new QTabWidget(this);
        lay->addWidget(tabs_, 1);
        tabs_->addTab(make2D(), tr("2D"));
        tabs_->addTab(make3D(), tr("3D space-time"));
        tabs_->addTab(makeCompare(), tr("Filter before/after"));
        playback_ = new PlaybackBar(this);
        lay->addWidget(playback_);

        connect(playback_, &PlaybackBar::playToggled, this, [this](bool on) { on ? session_->play() : session_->pause(); });
        connect(session_, &Session::runningChanged, playback_, &PlaybackBar::setPlaying);
        connect(playback_, &PlaybackBar::speedChanged, this, [this](double v) {
            if (sourceId_ && session_->graph().node(sourceId_)) session_->graph().setParam(sourceId_, "speed", v);
        });
        connect(playback_, &PlaybackBar::seekRequested, this, [this](std::int64_t t) {
            const NodeId id = sourceId_;
            session_->runner().post([id, t](Engine& e) {
                if (auto* pb = dynamic_cast<events::EventPlayback*>(e.kernel(id))) pb->seekTo(t);
            });
            rate_->clear();
        });
        connect(session_, &Session::documentReplaced, this, [this] {
            sourceId_ = 0;
            rate_->clear();
        });
        playback_->setPlaying(session_->isRunning());
        RefreshPacer::shared().whileVisible(this, 33, [this] { poll(); });
    }

private:
    QWidget* make2D() {
        auto* w = new QWidget(this);
        auto* lay = new QVBoxLayout(w);
        lay->setContentsMargins(0, 0, 0, 0);
        frame_ = new EventFrameWidget(w);
        rate_ = new EventRateChart(w);
        auto* row = new QHBoxLayout;
        auto* mode = new QComboBox(w);
        mode->addItems({tr("ON/OFF accumulation"), tr("Time surface")});
        auto* window = new QDoubleSpinBox(w);
        window->setRange(0.1, 60000);
        window->setValue(30);
        window->setSuffix(" ms");
        window->setToolTip(tr("Accumulation window (time-surface tau when decay is 0)"));
        auto* decay = new QDoubleSpinBox(w);
        decay->setRange(0, 60000);
        decay->setValue(0);
        decay->setSuffix(" ms");
        decay->setToolTip(tr("Exponential decay time constant (0 = none)"));
        row->addWidget(mode);
        row->addWidget(new QLabel(tr("window"), w));
        row->addWidget(window);
        row->addWidget(new QLabel(tr("decay"), w));
        row->addWidget(decay);
        row->addStretch();
        lay->addLayout(row);
        lay->addWidget(frame_, 1);
        lay->addWidget(rate_);
        connect(mode, &QComboBox::currentIndexChanged, frame_, [this](int i) {
            frame_->setMode(i == 0 ? EventFrameWidget::Mode::Accumulate : EventFrameWidget::Mode::TimeSurface);
        });
        connect(window, &QDoubleSpinBox::valueChanged, frame_, &EventFrameWidget::setAccumulationMs);
        connect(decay, &QDoubleSpinBox::valueChanged, frame_, &EventFrameWidget::setDecayMs);
        return w;
    }

    /// The 3D page is filled the first time it is shown (its OpenGL context and VTK set-up are
    /// not paid by users who never look at it).
    QWidget* make3D() {
        auto* w = new QWidget(this);
        auto* lay = new QVBoxLayout(w);
        lay->setContentsMargins(0, 0, 0, 0);
        connect(tabs_, &QTabWidget::currentChanged, this, [this, w](int) {
            if (tabs_->currentWidget() == w && !built3D_) build3D(w);
            lastStep_ = ~0ull;  // the page shown fills from the current snapshot, even while paused
        });
        return w;
    }

    void build3D(QWidget* w) {
        built3D_ = true;
        auto* lay = static_cast<QVBoxLayout*>(w->layout());
        QString why;
        if (!vtkOpenGLAvailable(&why)) {
            auto* l = new QLabel(tr("3D view unavailable: %1").arg(why), w);
            l->setWordWrap(true);
            lay->addWidget(l);
            return;
        }
        auto* row = new QHBoxLayout;
        auto* colour = new QComboBox(w);
        colour->addItems({tr("colour: polarity"), tr("colour: age")});
        auto* reduce = new QComboBox(w);
        reduce->addItems({tr("over budget: voxels"), tr("over budget: decimate")});
        auto* budget = new QSpinBox(w);
        budget->setRange(1000, 2000000);
        budget->setSingleStep(10000);
        budget->setValue(60000);
        budget->setPrefix(tr("max points "));
        budget->setToolTip(tr("Most points drawn per frame; ~60k keeps software OpenGL above 20 fps"));
        auto* span = new QDoubleSpinBox(w);
        span->setRange(0, 600000);
        span->setValue(0);
        span->setSuffix(" ms");
        span->setSpecialValueText(tr("node's history"));
        span->setToolTip(tr("Length of the sliding time window shown (0 = the node's whole 'history')"));
        row->addWidget(colour);
        row->addWidget(reduce);
        row->addWidget(budget);
        row->addWidget(new QLabel(tr("window"), w));
        row->addWidget(span);
        row->addStretch();
        lay->addLayout(row);
        cloud_ = new EventCloudWidget(w);
        lay->addWidget(cloud_, 1);
        auto apply = [this, colour, reduce, budget, span] {
            CloudOptions o = cloud_->options();
            o.color = colour->currentIndex() == 0 ? CloudOptions::Color::Polarity : CloudOptions::Color::Age;
            o.reduce = reduce->currentIndex() == 0 ? CloudOptions::Reduce::Voxel : CloudOptions::Reduce::Decimate;
            o.budget = std::size_t(budget->value());
            o.windowUs = std::int64_t(span->value() * 1000.0);
            cloud_->setOptions(o);
        };
        connect(span, &QDoubleSpinBox::valueChanged, this, apply);
        connect(colour, &QComboBox::currentIndexChanged, this, apply);
        connect(reduce, &QComboBox::currentIndexChanged, this, apply);
        connect(budget, &QSpinBox::valueChanged, this, apply);
    }

    QWidget* makeCompare() {
        auto* w = new QWidget(this);
        auto* lay = new QVBoxLayout(w);
        lay->setContentsMargins(0, 0, 0, 0);
        auto* row = new QHBoxLayout;
        before_ = new EventFrameWidget(w);
        after_ = new EventFrameWidget(w);
        before_->setTitle(tr("before"));
        after_->setTitle(tr("after"));
        row->addWidget(before_);
        row->addWidget(after_);
        counts_ = new QLabel(tr("Add an event filter node to compare its input and output."), w);
        counts_->setWordWrap(true);
        lay->addLayout(row, 1);
        lay->addWidget(counts_);
        return w;
    }

    /// The node to show: the selection if it publishes events, else the last filter (the end
    /// of a denoising chain), else a source.
    const NodeSnapshot* pickStream(const Snapshot& snap) const {
        if (const auto* sel = snap.find(session_->selectedNode()))
            if (sel->obs.get<EventWindow>("events")) return sel;
        const NodeSnapshot* filter = nullptr;
        const NodeSnapshot* any = nullptr;
        for (const auto& n : snap.nodes) {
            if (!n.obs.get<EventWindow>("events")) continue;
            if (events::isEventFilterType(n.type)) filter = &n;
            if (!any) any = &n;
        }
        return filter ? filter : any;
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || (snap->step == lastStep_ && snap->buildId == lastBuild_ && session_->selectedNode() == lastSel_)) return;
        lastStep_ = snap->step;
        lastBuild_ = snap->buildId;
        lastSel_ = session_->selectedNode();
        const NodeSnapshot* node = pickStream(*snap);
        if (!node) {
            source_->setText(tr("No event stream in the graph: add an Event recording or Synthetic events node."));
            return;
        }
        auto window = node->obs.get<EventWindow>("events");
        source_->setText(tr("Showing %1 (%2), %3x%4 sensor; select another event node to show its stream").arg(QString::fromStdString(node->name), QString::fromStdString(node->type))
                             .arg(window->width).arg(window->height));
        for (const auto& n : snap->nodes)
            if (auto msg = n.obs.get<std::string>("decode_error"))
                source_->setText(source_->text() + tr("\n%1 stopped decoding: %2")
                                                       .arg(QString::fromStdString(n.name), QString::fromStdString(*msg)));
        // Playback follows the source feeding this stream (the node itself when it is one).
        const NodeSnapshot* src = isSourceType(node->type) ? node : nullptr;
        if (!src)
            for (const auto& n : snap->nodes)
                if (isSourceType(n.type)) { src = &n; break; }
        if (src) {
            if (src->id != sourceId_) {
                sourceId_ = src->id;
                if (const Node* gn = session_->graph().node(sourceId_)) playback_->setSpeed(gn->params.getFloat("speed"));
            }
            const auto& sc = src->obs.scalars;
            const double t = sc.count("time_s") ? sc.at("time_s") : 0.0;
            if (sc.count("stream_begin_s") && sc.count("stream_end_s"))
                playback_->setRange(std::int64_t(sc.at("stream_begin_s") * 1e6), std::int64_t(sc.at("stream_end_s") * 1e6));
            else
                playback_->setRange(0, 0);
            playback_->setPosition(std::int64_t(t * 1e6));
            if (sc.count("event_rate")) rate_->addSample(t, sc.at("event_rate"));
        }
        const int tab = tabs_->currentIndex();
        if (tab == 0) frame_->setWindow(window);
        if (tab == 1 && cloud_) cloud_->setWindow(window);
        if (tab == 2) updateCompare(*snap);
    }

    void updateCompare(const Snapshot& snap) {
        const NodeSnapshot* f = nullptr;
        if (const auto* sel = snap.find(session_->selectedNode()))
            if (events::isEventFilterType(sel->type)) f = sel;
        if (!f)  // the last filter: the end of the chain
            for (const auto& n : snap.nodes)
                if (events::isEventFilterType(n.type)) f = &n;
        if (!f) return;
        before_->setWindow(f->obs.get<EventWindow>("events_before"));
        after_->setWindow(f->obs.get<EventWindow>("events"));
        auto scalar = [&](const char* key) {
            auto it = f->obs.scalars.find(key);
            return it == f->obs.scalars.end() ? 0.0 : it->second;
        };
        const double in = scalar("events_in"), out = scalar("events_out");
        counts_->setText(tr("%1: %2 events in, %3 out (%4% kept, %5 removed)")
                             .arg(QString::fromStdString(f->name))
                             .arg(QString::fromStdString(withThousands(std::size_t(in))))
                             .arg(QString::fromStdString(withThousands(std::size_t(out))))
                             .arg(in > 0 ? 100.0 * out / in : 100.0, 0, 'f', 1)
                             .arg(QString::fromStdString(withThousands(std::size_t(in - out)))));
    }

    Session* session_;
    QLabel* source_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    EventFrameWidget* frame_ = nullptr;
    EventRateChart* rate_ = nullptr;
    EventCloudWidget* cloud_ = nullptr;
    bool built3D_ = false;
    EventFrameWidget* before_ = nullptr;
    EventFrameWidget* after_ = nullptr;
    QLabel* counts_ = nullptr;
    PlaybackBar* playback_ = nullptr;
    NodeId sourceId_ = 0;
    std::uint64_t lastStep_ = ~0ull, lastBuild_ = ~0ull;
    NodeId lastSel_ = 0;
};

}  // namespace

QWidget* makeEventsView(Session* session, QWidget* parent) { return new EventsView(session, parent); }

}  // namespace ganglion
