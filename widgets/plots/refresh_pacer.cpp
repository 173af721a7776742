#include "widgets/plots/refresh_pacer.h"

#include <QCoreApplication>
#include <QPointer>

#include <algorithm>

namespace ganglion {

RefreshPacer& RefreshPacer::shared() {
    static QPointer<RefreshPacer> pacer;
    if (!pacer) pacer = new RefreshPacer(QCoreApplication::instance());
    return *pacer;
}

RefreshPacer::RefreshPacer(QObject* parent) : QObject(parent) {
    clock_.start();
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &RefreshPacer::tick);
}

void RefreshPacer::every(QObject* owner, int intervalMs, std::function<void()> refresh) {
    // Spread first refreshes over the interval: views built together do not stay in step.
    const qint64 phase = qint64(entries_.size() * kTickMs) % std::max(1, intervalMs);
    entries_.push_back({owner, std::max(1, intervalMs), std::move(refresh), clock_.elapsed() + phase});
    connect(owner, &QObject::destroyed, this, [this](QObject* gone) {
        // During a tick the entry is only disarmed; tick() drops it once done iterating.
        for (auto& e : entries_)
            if (e.owner == gone) {
                e.owner = nullptr;
                e.refresh = nullptr;
            }
        if (!ticking_)
            entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.owner; }),
                           entries_.end());
        if (entries_.empty()) timer_.stop();
    });
    if (!timer_.isActive() && autoTick_) timer_.start(kTickMs);
}

void RefreshPacer::setTicking(bool on) {
    autoTick_ = on;
    if (!on) timer_.stop();
    else if (!entries_.empty() && !timer_.isActive()) timer_.start(kTickMs);
}

void RefreshPacer::whileVisible(QWidget* view, int intervalMs, std::function<void()> refresh) {
    every(view, intervalMs, [view, refresh = std::move(refresh)] {
        if (view->isVisible()) refresh();
    });
}

void RefreshPacer::tick() {
    if (ticking_) return;  // a refresh that spins the event loop (a dialog) does not re-enter
    ticking_ = true;
    const qint64 start = clock_.elapsed();
    QElapsedTimer spent;
    spent.start();
    // Most overdue first, so a refresh put off by the budget is not put off again.
    std::vector<std::size_t> due;
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].owner && entries_[i].dueMs <= start) due.push_back(i);
    std::sort(due.begin(), due.end(), [&](std::size_t a, std::size_t b) { return entries_[a].dueMs < entries_[b].dueMs; });
    for (std::size_t i : due) {
        if (double(spent.nsecsElapsed()) / 1e6 >= kBudgetMs) break;
        Entry& e = entries_[i];
        if (!e.owner) continue;
        // Next time counted from when it was due, not from now, so the rate holds; a view that
        // fell behind by more than an interval starts afresh instead of running several times.
        e.dueMs += e.intervalMs;
        if (e.dueMs <= start) e.dueMs = start + e.intervalMs;
        auto refresh = e.refresh;  // the entry may go while it runs (its owner deleted)
        QString who = QString::fromLatin1(e.owner->metaObject()->className());
        for (QObject* o = e.owner; o; o = o->parent())  // a view is named by its dock
            if (!o->objectName().isEmpty() && !o->objectName().startsWith("qt_")) {
                who += (o == e.owner ? "/" : " in ") + o->objectName();
                break;
            }
        const qint64 t0 = spent.nsecsElapsed();
        refresh();
        double& worst = slowest_[who];
        worst = std::max(worst, double(spent.nsecsElapsed() - t0) / 1e6);
    }
    ticking_ = false;
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.owner; }),
                   entries_.end());
}

}  // namespace ganglion
