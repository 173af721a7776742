// The Run toolbar: Play/Step/Reset, the speed control and the run's state.
//
// The speed control has the positions of a SpeedScale (core/engine/pace.h): a log scale of
// steps per second, or of multiples of real time for a graph that simulates time, with "max"
// last. Opening a document moves it to the pace the document stores; moving it sets the
// engine's pace (throttled in the engine thread) and stores it in the document's settings, so
// Save keeps it. The state label says how far the run is through its natural end and
// "finished" once it paused there.
#pragma once

#include "core/engine/pace.h"
#include "core/engine/snapshot.h"

#include <QToolBar>

class QLabel;
class QSlider;

namespace ganglion {

class Session;

class RunBar : public QToolBar {
    Q_OBJECT
public:
    RunBar(Session* session, const QList<QAction*>& actions, QWidget* parent = nullptr);

    QSlider* speedSlider() const { return speed_; }
    const SpeedScale& scale() const { return scale_; }
    /// Text of the speed position ("200 steps/s", "real time", "max").
    QString speedText() const;
    /// "finished", "running · 45 % of the run", "paused"… as shown on the toolbar.
    QString stateText() const;

    /// The document was replaced: take its scale and stored pace.
    void documentReplaced();
    /// A new snapshot (or a change of running state): refresh the state label.
    void showSnapshot(const SnapshotPtr& snap);

    /// Status-bar line for a snapshot: step, simulated time (timed graphs), measured pace.
    static QString stepText(const Snapshot& snap, bool timed);

private:
    void setScale(const SpeedScale& scale, int position);
    void applySpeed(bool store);
    void refreshState();

    Session* session_;
    SpeedScale scale_{false, 1.0};
    QSlider* speed_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    QLabel* state_ = nullptr;
    SnapshotPtr last_;
};

}  // namespace ganglion
