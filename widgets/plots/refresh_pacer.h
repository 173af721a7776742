// One clock for every live view of a window, so their refreshes never pile up into one long block
// of the GUI thread. Each view asks to be refreshed every N ms; instead of one QTimer per view
// (timers with related intervals fall due together, and their polls, chart updates and repaints
// then run back to back), the pacer ticks every few milliseconds and runs the due refreshes, most
// overdue first, until a small time budget is spent. What is left runs on the next tick, after the
// event loop has painted and served input in between. A refresh that comes late by a tick or two
// is invisible; a 40 ms stall of the interface is not.
#pragma once

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <vector>

namespace ganglion {

class RefreshPacer : public QObject {
    Q_OBJECT
public:
    /// The pacer of the GUI thread (created on first use, parented to the application).
    static RefreshPacer& shared();

    /// Calls `refresh` about every `intervalMs` while `owner` lives (removed when it is destroyed).
    void every(QObject* owner, int intervalMs, std::function<void()> refresh);

    /// every() for a view: refreshes only while `view` is visible (a hidden or tabbed-away view
    /// catches up when shown).
    void whileVisible(QWidget* view, int intervalMs, std::function<void()> refresh);

    /// Time spent in refreshes per tick before the rest wait for the next one, ms.
    static constexpr double kBudgetMs = 3.0;
    static constexpr int kTickMs = 8;

    /// The longest single refresh of each owner since resetStats(), ms, keyed by the owner's class
    /// (and object name): what a latency benchmark names when a tick ran long.
    const QMap<QString, double>& slowestRefreshes() const { return slowest_; }
    void resetStats() { slowest_.clear(); }

    /// Registered refreshes (for tests).
    int count() const { return int(entries_.size()); }
    /// Runs one tick now (tests drive the pacer without waiting on its timer).
    void tick();
    /// Off: only tick() runs refreshes (a test's own pacer); on by default.
    void setTicking(bool on);

    /// A pacer of one's own (tests); views use shared().
    explicit RefreshPacer(QObject* parent = nullptr);

private:
    struct Entry {
        QObject* owner;
        int intervalMs;
        std::function<void()> refresh;
        qint64 dueMs;  ///< on clock_
    };
    QTimer timer_;
    QElapsedTimer clock_;
    std::vector<Entry> entries_;
    bool ticking_ = false;  ///< inside tick()
    bool autoTick_ = true;
    QMap<QString, double> slowest_;
};

}  // namespace ganglion
