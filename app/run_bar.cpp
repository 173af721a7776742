#include "app/run_bar.h"

#include "document/session.h"

#include <QLabel>
#include <QSlider>
#include <QUndoStack>

#include <algorithm>

#include <cmath>

namespace ganglion {

RunBar::RunBar(Session* session, const QList<QAction*>& actions, QWidget* parent)
    : QToolBar(tr("Run"), parent), session_(session) {
    setObjectName("RunToolBar");
    addActions(actions);
    speed_ = new QSlider(Qt::Horizontal, this);
    speed_->setObjectName("speedSlider");
    speed_->setFixedWidth(160);
    speed_->setPageStep(3);  // one decade
    speed_->setTickPosition(QSlider::TicksBelow);
    speedLabel_ = new QLabel(this);
    speedLabel_->setObjectName("speedLabel");
    speedLabel_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.05× real time ")));
    state_ = new QLabel(this);
    state_->setObjectName("runState");
    state_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("running past the end ")));
    addWidget(new QLabel(tr(" Speed "), this));
    addWidget(speed_);
    addWidget(speedLabel_);
    addSeparator();
    addWidget(state_);
    connect(speed_, &QSlider::valueChanged, this, [this] { applySpeed(true); });
    // A graph that starts or stops simulating time (a spiking node added or removed) changes scale,
    // keeping its pace as closely as the new scale allows.
    connect(session_->undoStack(), &QUndoStack::indexChanged, this, [this] {
        const SpeedScale next = SpeedScale::forGraph(session_->graph());
        if (next.timed() == scale_.timed() && next.stepsPerSecond(0) == scale_.stepsPerSecond(0)) return;
        setScale(next, next.nearest(scale_.stepsPerSecond(speed_->value())));
    });
    connect(session_, &Session::runningChanged, this, [this] { refreshState(); });
    connect(session_, &Session::finished, this, [this] { refreshState(); });
    documentReplaced();
}

void RunBar::documentReplaced() {
    const SpeedScale scale = SpeedScale::forGraph(session_->graph());
    setScale(scale, scale.positionFor(session_->graph().settings()));
    last_.reset();
    refreshState();
}

void RunBar::setScale(const SpeedScale& scale, int position) {
    scale_ = scale;
    const QSignalBlocker block(speed_);
    speed_->setRange(0, scale_.fastest());
    speed_->setValue(position);
    speed_->setToolTip(scale_.timed() ? tr("Pace of the run in multiples of real time (simulated seconds per second)")
                                      : tr("Pace of the run in engine steps per second"));
    applySpeed(false);
}

void RunBar::applySpeed(bool store) {
    const int pos = speed_->value();
    speedLabel_->setText(speedText());
    session_->setSpeed(scale_.stepsPerSecond(pos));
    // The pace belongs to the document (Save keeps it) but is not an edit to undo.
    if (store) scale_.store(pos, session_->graph().settings());
}

QString RunBar::speedText() const { return QString::fromStdString(scale_.label(speed_->value())); }

void RunBar::showSnapshot(const SnapshotPtr& snap) {
    last_ = snap;
    refreshState();
}

QString RunBar::stateText() const {
    const bool running = session_->isRunning();
    if (session_->isFinished()) return running ? tr("running past the end") : tr("finished");
    const QString state = running ? tr("running") : tr("paused");
    if (!last_ || last_->progress < 0) return state;
    return tr("%1 · %2 % of the run").arg(state).arg(int(std::floor(100 * std::min(1.0, last_->progress))));
}

void RunBar::refreshState() {
    const QString text = stateText();
    if (state_->text() != text) state_->setText(text);
    state_->setStyleSheet(session_->isFinished() && !session_->isRunning() ? QStringLiteral("font-weight: bold") : QString());
}

QString RunBar::stepText(const Snapshot& snap, bool timed) {
    QString text = tr("step %1").arg(snap.step);
    const double dt = snap.step ? snap.simTime / double(snap.step) : 0.0;
    if (timed) text += tr(" · t = %1 s").arg(snap.simTime, 0, 'f', snap.simTime < 10 ? 2 : 1);
    text += tr(" · %1 steps/s").arg(snap.stepsPerSecond, 0, 'f', 0);
    if (timed && dt > 0 && snap.stepsPerSecond > 0) text += tr(" (%1× real time)").arg(snap.stepsPerSecond * dt, 0, 'g', 2);
    return text;
}

}  // namespace ganglion
