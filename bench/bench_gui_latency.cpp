// needs: app
// GUI event-loop latency while the engine trains at full speed on its own thread: a 5 ms timer
// on the GUI thread records how late each tick fires; prints the worst block and 99th percentile
// and the engine's steps/s meanwhile. Target: the GUI thread is never blocked more than 16 ms.
// Also prints the slowest event deliveries (receiver class / object name, event type) so a
// regression names the widget that blocks.
// Run under a real or virtual X server:
//   xvfb-run -a -s '-screen 0 1600x1000x24' ./bench_gui_latency [seconds] [example]
// Without an example every bundled example runs in turn (seconds each) in the same window, one
// `figure: gui_worst_block_ms_<example>` line each, then the worst over all of them.
//   ./bench_gui_latency [seconds] events3d
// compares the engine's steps/s on events_rotating_dot with the event view's 2D page shown, its
// 3D space-time page shown, and the 2D page again after it (figure: events3d_engine_speed_ratio).
#include "app/main_window.h"
#include "widgets/events/event_cloud_widget.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/vtk/vtk_widget.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPointer>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace ganglion;

namespace {

/// The GUI thread's time spent waiting on a run queue (ready but not running), ms; Linux only.
double runQueueWaitMs() {
    std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
    if (!f) return 0.0;
    unsigned long long run = 0, wait = 0;
    const int n = std::fscanf(f, "%llu %llu", &run, &wait);
    std::fclose(f);
    return n == 2 ? double(wait) / 1e6 : 0.0;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + 1e-6 * double(ts.tv_nsec);
}

/// Times every outermost event delivery on the GUI thread, keyed by receiver and event type.
class TimingApp : public QApplication {
public:
    using QApplication::QApplication;
    bool recording = false;
    struct Worst {
        double wallMs = 0, cpuMs = 0;  // the slowest delivery: wall time and the GUI thread's CPU time in it
        int over8 = 0;
    };
    std::map<std::string, Worst> worst;
    double worstCpuMs = 0;  ///< the most GUI-thread CPU time one event delivery took
    /// Outermost deliveries since the last probe tick: what a late tick waited behind.
    struct Delivery {
        std::string who;
        double wallMs, cpuMs;
    };
    std::vector<Delivery> sinceTick;

    bool notify(QObject* receiver, QEvent* e) override {
        if (depth_++ > 0 || !recording) {
            const bool r = QApplication::notify(receiver, e);
            --depth_;
            return r;
        }
        // The receiver and the event may both be deleted during delivery: name them first.
        const int type = int(e->type());
        QString who = QString::fromLatin1(receiver->metaObject()->className());
        if (!receiver->objectName().isEmpty()) who += "/" + receiver->objectName();
        else  // e.g. a view's QTimer: the nearest named ancestor (a dock) says which view
            for (QObject* a = receiver->parent(); a; a = a->parent())
                if (!a->objectName().isEmpty()) {
                    who += " in " + a->objectName();
                    break;
                }
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        const bool r = QApplication::notify(receiver, e);
        --depth_;
        const double ms = double(t.nsecsElapsed()) / 1e6;
        const double cpuMs = threadCpuMs() - cpu0;
        if (!recording) return r;  // the delivery that ended the run (and opened the next example)
        worstCpuMs = std::max(worstCpuMs, cpuMs);
        if (ms > 0.5 && sinceTick.size() < 64)
            sinceTick.push_back({who.toStdString() + " event " + std::to_string(type), ms, cpuMs});
        if (ms > 4.0) {
            const std::string key = who.toStdString() + " event " + std::to_string(type);
            auto& w = worst[key];
            if (ms > w.wallMs) {
                w.wallMs = ms;
                w.cpuMs = cpuMs;
            }
            w.over8 += ms > 8.0;
        }
        return r;
    }

private:
    int depth_ = 0;
};

struct Result {
    double maxBlockMs = 0, p99 = 0, stepsPerS = 0, worstCpuMs = 0;
    std::size_t ticks = 0;
};

/// Runs the engine flat out for `seconds` while a 5 ms probe timer measures how late the GUI
/// thread serves it; `then` gets the result once done (the engine is paused again).
class LatencyRun {
public:
    LatencyRun(TimingApp& app, Session& session) : app_(app), session_(session) {
        probe_.setTimerType(Qt::PreciseTimer);
        QObject::connect(&probe_, &QTimer::timeout, [this] {
            const qint64 now = clock_.nsecsElapsed();
            const double cpu = threadCpuMs(), wait = runQueueWaitMs();
            if (last_ >= 0) {
                const double late = double(now - last_) / 1e6 - 5.0;
                lateness_.push_back(late);
                if (late + 5.0 > worstBlock_.ms) {  // keep the composition of the worst block
                    worstBlock_ = {late + 5.0, cpu - lastCpu_, wait - lastWait_, std::move(app_.sinceTick)};
                }
            }
            app_.sinceTick.clear();
            last_ = now;
            lastCpu_ = cpu;
            lastWait_ = wait;
        });
    }

    /// awaitNewBuild: first wait for a build other than the one measured last (a new example).
    void run(double seconds, std::function<void(const Result&)> then, bool awaitNewBuild = true) {
        lateness_.clear();
        last_ = -1;
        worstBlock_ = {};
        app_.worst.clear();
        app_.worstCpuMs = 0;
        RefreshPacer::shared().resetStats();
        session_.setSpeed(0);
        session_.play();
        // Measure from the new build's first published step (a large data set may take seconds
        // to load, longer on a busy machine).
        auto* wait = new QTimer;
        QElapsedTimer waited;
        waited.start();
        QObject::connect(wait, &QTimer::timeout, [this, wait, waited, seconds, then, awaitNewBuild] {
            const auto snap = session_.snapshot();
            const bool ready = snap && snap->step > 0 && (!awaitNewBuild || snap->buildId != lastBuild_);
            if (!ready && waited.elapsed() < 120000) return;
            wait->deleteLater();
            if (snap) lastBuild_ = snap->buildId;
            if (!ready) std::printf("# the engine published no step within 120 s\n");
            startStep_ = snap ? snap->step : 0;
            clock_.start();
            probe_.start(5);
            app_.recording = true;
            QTimer::singleShot(int(seconds * 1000), [this, then] {
                probe_.stop();
                app_.recording = false;
                const double elapsed = double(clock_.nsecsElapsed()) / 1e9;
                const std::uint64_t step = session_.snapshot() ? session_.snapshot()->step : 0;
                session_.pause();
                Result r;
                std::sort(lateness_.begin(), lateness_.end());
                r.ticks = lateness_.size();
                r.worstCpuMs = app_.worstCpuMs;
                r.maxBlockMs = lateness_.empty() ? 0 : std::max(0.0, lateness_.back() + 5.0);
                r.p99 = lateness_.empty() ? 0 : lateness_[std::size_t(0.99 * double(lateness_.size() - 1))];
                r.stepsPerS = step > startStep_ ? double(step - startStep_) / elapsed : 0.0;
                then(r);
            });
        });
        wait->start(50);
    }

    void printSlowest(std::size_t count) const {
        std::vector<std::pair<double, std::string>> slow;
        for (const auto& [k, v] : app_.worst) {
            char cpu[64];
            std::snprintf(cpu, sizeof cpu, "%.1f ms on CPU", v.cpuMs);
            slow.push_back({v.wallMs, k + " (" + cpu + "; " + std::to_string(v.over8) + "x over 8 ms)"});
        }
        std::sort(slow.rbegin(), slow.rend());
        for (std::size_t i = 0; i < std::min(count, slow.size()); ++i)
            std::printf("slowest: %.1f ms  %s\n", slow[i].first, slow[i].second.c_str());
        std::vector<std::pair<double, QString>> views;
        const auto& refreshes = RefreshPacer::shared().slowestRefreshes();
        for (auto it = refreshes.begin(); it != refreshes.end(); ++it) views.push_back({it.value(), it.key()});
        std::sort(views.rbegin(), views.rend());
        for (std::size_t i = 0; i < std::min<std::size_t>(3, views.size()); ++i)
            std::printf("slowest view refresh: %.1f ms  %s\n", views[i].first, qPrintable(views[i].second));
        // The worst block, taken apart: what the GUI thread ran, and how long it was ready to run
        // but had no core (a busy machine) rather than working.
        double inEvents = 0;
        for (const auto& d : worstBlock_.events) inEvents += d.wallMs;
        std::printf("worst block: %.1f ms = %.1f ms GUI-thread CPU + %.1f ms waiting for a core + %.1f ms other "
                    "(%.1f ms in %zu event deliveries over 0.5 ms)\n",
                    worstBlock_.ms, worstBlock_.cpuMs, worstBlock_.runQueueMs,
                    std::max(0.0, worstBlock_.ms - worstBlock_.cpuMs - worstBlock_.runQueueMs), inEvents,
                    worstBlock_.events.size());
        for (const auto& d : worstBlock_.events)
            std::printf("  in it: %.1f ms (%.1f on CPU)  %s\n", d.wallMs, d.cpuMs, d.who.c_str());
    }

private:
    TimingApp& app_;
    Session& session_;
    QTimer probe_;
    QElapsedTimer clock_;
    qint64 last_ = -1;
    double lastCpu_ = 0, lastWait_ = 0;
    struct Block {
        double ms = 0, cpuMs = 0, runQueueMs = 0;
        std::vector<TimingApp::Delivery> events;
    } worstBlock_;
    std::vector<double> lateness_;
    std::uint64_t startStep_ = 0;
    std::uint64_t lastBuild_ = ~0ull;  ///< the build measured last (the next run waits for a new one)
};

/// The event view's page tabs (the dock holding a "3D space-time" tab), or null.
QTabWidget* eventTabs(MainWindow& w, int* page3D) {
    for (auto* tabs : w.findChildren<QTabWidget*>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i).startsWith("3D")) {
                *page3D = i;
                return tabs;
            }
    return nullptr;
}

bool openExample(MainWindow& w, Session& session, const QString& path) {
    session.pause();
    session.undoStack()->setClean();  // the bench never asks to save what a run changed
    return w.openFile(path, true);
}

}  // namespace

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    TimingApp app(argc, argv);
    QCoreApplication::setOrganizationName("GanglionBench");
    const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
    const QString arg = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    Session session;
    MainWindow w(&session);
    w.show();
    LatencyRun phase(app, session);

    if (arg == "events3d") {
        if (!openExample(w, session, MainWindow::findExample("events_rotating_dot"))) return 2;
        int page3D = -1;
        // Shows the event view's page `page` (its dock raised); false when there is no such view.
        auto showPage = [&](int page) {
            QTabWidget* tabs = eventTabs(w, &page3D);
            if (!tabs) return false;
            for (auto* dock : w.findChildren<QDockWidget*>())
                if (dock->isAncestorOf(tabs)) {
                    dock->show();
                    dock->raise();
                }
            tabs->setCurrentIndex(page < 0 ? page3D : page);
            return true;
        };
        if (!showPage(0)) {
            std::fprintf(stderr, "bench_gui_latency: no event view with a 3D page in the window\n");
            return 2;
        }
        auto results = std::make_shared<std::vector<Result>>();
        const int pages[] = {0, -1, 0};  // -1: the 3D page
        const char* names[] = {"2D page", "3D page", "2D page after 3D"};
        auto frames = std::make_shared<QString>();
        std::function<void(int)> next = [&, results, frames](int i) {
            if (i == 3) {
                const double base = (*results)[0].stepsPerS;
                for (int k = 0; k < 3; ++k)
                    std::printf("# %s: engine %.0f steps/s, worst GUI block %.1f ms\n", names[k],
                                (*results)[k].stepsPerS, (*results)[k].maxBlockMs);
                std::printf("# 3D frames drawn: %s\n", qPrintable(*frames));
                std::printf("figure: events3d_engine_speed_ratio=%.2f (3D page shown / 2D page; target >= 0.8)\n",
                            base > 0 ? (*results)[1].stepsPerS / base : 0.0);
                std::printf("figure: events3d_engine_speed_ratio_after=%.2f (2D page again / 2D page)\n",
                            base > 0 ? (*results)[2].stepsPerS / base : 0.0);
                app.quit();
                return;
            }
            // Each phase from the recording's start: the stream's density changes along it, so
            // phases run one after the other on the same document would compare different data.
            if (i > 0 && (!openExample(w, session, MainWindow::findExample("events_rotating_dot")) || !showPage(pages[i]))) {
                app.exit(2);
                return;
            }
            phase.run(seconds, [&, results, frames, i](const Result& r) {
                results->push_back(r);
                if (pages[i] < 0)
                    if (const auto* cloud = w.findChild<EventCloudWidget*>())
                        *frames = QString::number(cloud->renderCount()) + " (" + cloud->caption().section('\n', 0, 0) + ")";
                phase.printSlowest(3);
                next(i + 1);
            });
        };
        QTimer::singleShot(0, [&] { next(0); });
        return app.exec();
    }

    QStringList examples;
    if (!arg.isEmpty()) {
        const QString f = MainWindow::findExample(arg);
        if (f.isEmpty()) {
            std::fprintf(stderr, "bench_gui_latency: no bundled example matches '%s'\n", qPrintable(arg));
            return 1;
        }
        examples << f;
    } else {
        examples = MainWindow::exampleFiles();
    }
    double worst = 0, worstCpu = 0;
    QString worstName, worstCpuName;
    std::function<void(int)> next = [&](int i) {
        if (i == examples.size()) {
            if (examples.size() > 1) {
                std::printf("figure: gui_worst_block_ms=%.1f ms (%s; target <= 16)\n", worst, qPrintable(worstName));
                std::printf("figure: gui_worst_event_cpu_ms=%.1f ms (%s)\n", worstCpu, qPrintable(worstCpuName));
            }
            app.quit();
            return;
        }
        const QString name = QFileInfo(examples[i]).completeBaseName();
        if (!openExample(w, session, examples[i])) {
            std::fprintf(stderr, "bench_gui_latency: cannot open %s\n", qPrintable(examples[i]));
            app.exit(2);
            return;
        }
        std::printf("# example %s\n", qPrintable(name));
        phase.run(seconds, [&, i, name](const Result& r) {
            std::printf("figure: gui_worst_block_ms_%s=%.1f ms (target <= 16)\n", qPrintable(name), r.maxBlockMs);
            std::printf("figure: gui_worst_event_cpu_ms_%s=%.1f ms (GUI-thread CPU time of the costliest event; "
                        "wall-clock blocks also count waits for a busy machine)\n", qPrintable(name), r.worstCpuMs);
            std::printf("figure: gui_timer_p99_lateness_ms_%s=%.2f ms over %zu ticks\n", qPrintable(name), r.p99, r.ticks);
            std::printf("figure: engine_steps_per_s_with_gui_%s=%.0f steps/s\n", qPrintable(name), r.stepsPerS);
            phase.printSlowest(4);
            std::fflush(stdout);
            if (r.maxBlockMs > worst) {
                worst = r.maxBlockMs;
                worstName = name;
            }
            if (r.worstCpuMs > worstCpu) {
                worstCpu = r.worstCpuMs;
                worstCpuName = name;
            }
            next(i + 1);
        });
    };
    QTimer::singleShot(0, [&] { next(0); });
    return app.exec();
}
