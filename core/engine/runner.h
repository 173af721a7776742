// Puts an Engine on its own std::thread. Callers post commands (non-blocking); the thread
// applies them between steps, runs at the requested speed and publishes snapshots at most every
// publishInterval. Nothing here blocks the caller beyond a short mutex hold.
#pragma once

#include "core/engine/engine.h"
#include "core/engine/metric_history.h"
#include "core/engine/snapshot.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace ganglion {

class EngineRunner {
public:
    /// Events reported to the listener, called ON THE ENGINE THREAD (marshal to your thread).
    /// Finished: the run reached its natural end (Engine::finished) and paused there; Play
    /// afterwards runs on past the end, reset() or a rebuild starts over.
    enum class Event { Built, BuildFailed, Started, Paused, Diverged, Reset, Finished };
    using Listener = std::function<void(Event, const std::string& message)>;

    EngineRunner();
    ~EngineRunner();  ///< stops and joins the thread

    void setListener(Listener l);
    /// Rebuild from a copy of the graph (keeps running state: paused stays paused). `carry`:
    /// learned state (by node name) loaded into the new kernels, e.g. a trained model whose
    /// structure an operation changed (KAN node pruning). A node whose state no longer fits
    /// starts fresh, and the Built message names it.
    void load(const Graph& g, std::map<std::string, KernelState> carry = {});
    void play();
    void pause();
    void stepOnce(int steps = 1);
    void reset();
    /// Paces the run in the engine thread: at most this many steps per wall-clock second, on
    /// average (a step that comes late is caught up, within 100 ms). 0 = unlimited.
    void setSpeed(double stepsPerSecond);
    void setPublishInterval(std::chrono::milliseconds ms);
    /// Live parameter edit, applied before the next step. Non-live ones trigger no change here
    /// (the session rebuilds instead).
    void setParam(NodeId id, const std::string& name, const ParamValue& v);
    /// Runs `fn` on the engine thread between steps (e.g. KAN pruning, symbolic snapping).
    void post(std::function<void(Engine&)> fn);

    SnapshotPtr snapshot() const;
    const MetricHistory& metrics() const { return history_; }
    bool running() const { return running_.load(); }
    /// The run reached its natural end (set when it paused there, cleared by reset/rebuild).
    bool finished() const { return finished_.load(); }
    std::uint64_t steps() const { return steps_.load(); }
    std::string error() const;
    /// Problems found by the last build (empty when it built cleanly).
    std::vector<GraphIssue> issues() const;

    /// Blocks until every command posted so far has been applied (tests and CLI only).
    void sync();

private:
    void loop();
    void publish();
    void notify(Event ev, const std::string& message);

    Engine engine_;
    MetricHistory history_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> commands_;
    std::uint64_t posted_ = 0, applied_ = 0;
    std::condition_variable appliedCv_;
    SnapshotPtr snapshot_;
    std::string error_;
    std::vector<GraphIssue> issues_;
    Listener listener_;
    std::atomic<bool> running_{false};
    std::atomic<bool> quit_{false};
    std::atomic<bool> finished_{false};
    std::atomic<std::uint64_t> steps_{0};
    int pendingSteps_ = 0;
    double speed_ = 0.0;
    std::chrono::milliseconds publishInterval_{33};
    std::chrono::steady_clock::time_point lastPublish_{};
};

}  // namespace ganglion
