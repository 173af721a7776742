#include "core/engine/runner.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cstdio>

namespace ganglion {

using Clock = std::chrono::steady_clock;

EngineRunner::EngineRunner() {
    // Started here, not in the initialiser list: every member must exist before loop() runs.
    thread_ = std::thread([this] { loop(); });
}

EngineRunner::~EngineRunner() {
    quit_ = true;
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void EngineRunner::setListener(Listener l) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(l);
}

void EngineRunner::post(std::function<void(Engine&)> fn) {
    {
        std::lock_guard lock(mutex_);
        commands_.push_back([this, fn = std::move(fn)] { fn(engine_); });
        ++posted_;
    }
    cv_.notify_all();
}

void EngineRunner::load(const Graph& g, std::map<std::string, KernelState> carry) {
    auto copy = std::make_shared<Graph>(g);
    post([this, copy, carry = std::move(carry)](Engine& e) {
        auto issues = e.build(*copy);
        std::string note;
        if (e.ok())
            for (const auto& [name, st] : carry) {
                try {
                    e.loadState({{name, st}});
                } catch (const std::exception& ex) {
                    note += (note.empty() ? "learned state not kept for " : "; ") + name + " (" + ex.what() + ")";
                }
            }
        history_.clear();
        {
            std::lock_guard lock(mutex_);
            error_ = e.ok() ? std::string() : e.error();
            issues_ = std::move(issues);
        }
        steps_ = 0;
        finished_ = e.finished();  // a graph whose end is step 0 does not stop at once
        publish();
        notify(e.ok() ? Event::Built : Event::BuildFailed, e.ok() ? note : e.error());
        if (!e.ok()) running_ = false;
    });
}

void EngineRunner::play() {
    post([this](Engine& e) {
        if (!e.ok() || !e.error().empty()) return;
        running_ = true;
        notify(Event::Started, "");
    });
}

void EngineRunner::pause() {
    post([this](Engine&) {
        bool was = running_.exchange(false);
        pendingSteps_ = 0;
        publish();
        if (was) notify(Event::Paused, "");
    });
}

void EngineRunner::stepOnce(int steps) {
    post([this, steps](Engine&) { pendingSteps_ += steps; });
}

void EngineRunner::reset() {
    post([this](Engine& e) {
        e.reset();
        history_.clear();
        steps_ = 0;
        finished_ = e.ok() && e.finished();
        {
            std::lock_guard lock(mutex_);
            error_ = e.ok() ? std::string() : e.error();
        }
        publish();
        notify(Event::Reset, "");
    });
}

void EngineRunner::setSpeed(double stepsPerSecond) {
    post([this, stepsPerSecond](Engine&) { speed_ = stepsPerSecond; });
}

void EngineRunner::setPublishInterval(std::chrono::milliseconds ms) {
    post([this, ms](Engine&) { publishInterval_ = ms; });
}

void EngineRunner::setParam(NodeId id, const std::string& name, const ParamValue& v) {
    post([id, name, v](Engine& e) { e.setParam(id, name, v); });
}

SnapshotPtr EngineRunner::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

std::vector<GraphIssue> EngineRunner::issues() const {
    std::lock_guard lock(mutex_);
    return issues_;
}

std::string EngineRunner::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

void EngineRunner::sync() {
    std::unique_lock lock(mutex_);
    const auto target = posted_;
    appliedCv_.wait(lock, [&] { return applied_ >= target; });
}

void EngineRunner::publish() {
    auto snap = engine_.makeSnapshot(&history_);
    std::lock_guard lock(mutex_);
    if (snapshot_ && snapshot_->step < snap->step) {
        const double dt = std::chrono::duration<double>(Clock::now() - lastPublish_).count();
        if (dt > 0) const_cast<Snapshot&>(*snap).stepsPerSecond = double(snap->step - snapshot_->step) / dt;
    }
    snapshot_ = std::move(snap);
    lastPublish_ = Clock::now();
}

void EngineRunner::notify(Event ev, const std::string& message) {
    Listener l;
    {
        std::lock_guard lock(mutex_);
        l = listener_;
    }
    if (l) l(ev, message);
}

void EngineRunner::loop() {
#ifdef __linux__
    // Below the GUI thread: when cores are scarce the scheduler serves the interface first and the
    // engine takes every cycle that is left.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
#endif
    auto nextStepAt = Clock::now();
    while (!quit_) {
        std::deque<std::function<void()>> pending;
        {
            std::unique_lock lock(mutex_);
            const bool busy = running_ || pendingSteps_ > 0;
            if (commands_.empty() && !busy) {
                cv_.wait(lock, [&] { return quit_ || !commands_.empty(); });
            } else if (commands_.empty() && running_ && speed_ > 0 && Clock::now() < nextStepAt) {
                cv_.wait_until(lock, nextStepAt, [&] { return quit_ || !commands_.empty(); });
            }
            pending.swap(commands_);
        }
        if (quit_) break;
        for (auto& c : pending) {
            try {
                c();
            } catch (const std::exception& e) {  // a posted action failed: say so, keep the thread
                std::lock_guard lock(mutex_);
                error_ = std::string("engine action failed: ") + e.what();
            }
            std::lock_guard lock(mutex_);
            ++applied_;
        }
        if (!pending.empty()) appliedCv_.notify_all();

        const bool wantStep = pendingSteps_ > 0 || (running_ && (speed_ <= 0 || Clock::now() >= nextStepAt));
        if (!wantStep || !engine_.ok()) {
            if (pendingSteps_ > 0 && !engine_.ok()) pendingSteps_ = 0;
            continue;
        }
        const bool manual = pendingSteps_ > 0 && !running_;
        if (pendingSteps_ > 0) --pendingSteps_;
        if (speed_ > 0) nextStepAt = std::max(nextStepAt + std::chrono::duration_cast<Clock::duration>(
                                                               std::chrono::duration<double>(1.0 / speed_)),
                                              Clock::now() - std::chrono::milliseconds(100));
        if (!engine_.step()) {
            running_ = false;
            pendingSteps_ = 0;
            {
                std::lock_guard lock(mutex_);
                error_ = engine_.error();
            }
            publish();
            notify(Event::Diverged, engine_.error());
            continue;
        }
        steps_ = engine_.stepCount();
        if (!finished_ && engine_.finished()) {  // the natural end: pause there and say so
            finished_ = true;
            running_ = false;
            pendingSteps_ = 0;
            publish();
            char when[96];
            std::snprintf(when, sizeof when, "step %llu, t = %.4g s", static_cast<unsigned long long>(engine_.stepCount()),
                          engine_.simTime());
            notify(Event::Finished, when);
            continue;
        }
        if ((manual && pendingSteps_ == 0) || Clock::now() - lastPublish_ >= publishInterval_) publish();
    }
}

}  // namespace ganglion
