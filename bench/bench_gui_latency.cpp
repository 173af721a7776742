// needs: app
// GUI event-loop latency while the engine trains at full speed on its own thread: a 5 ms timer
// on the GUI thread records how late each tick fires; prints max and 99th percentile and the
// engine's steps/s meanwhile. Target: the GUI thread is never blocked more than 16 ms.
// Also prints the slowest event deliveries (receiver class / object name, event type) so a
// regression names the widget that blocks.
// Run under a real or virtual X server: xvfb-run -a ./bench_gui_latency [seconds] [example]
#include "app/main_window.h"
#include "widgets/vtk/vtk_widget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

using namespace ganglion;

namespace {

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

    bool notify(QObject* receiver, QEvent* e) override {
        if (depth_++ > 0 || !recording) {
            const bool r = QApplication::notify(receiver, e);
            --depth_;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        const int type = int(e->type());  // e may be deleted during delivery
        const bool r = QApplication::notify(receiver, e);
        --depth_;
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (ms > 4.0) {
            QString who = QString::fromLatin1(receiver->metaObject()->className());
            if (!receiver->objectName().isEmpty()) who += "/" + receiver->objectName();
            else if (receiver->parent() && !receiver->parent()->objectName().isEmpty())
                who += " in " + receiver->parent()->objectName();
            const std::string key = who.toStdString() + " event " + std::to_string(type);
            auto& w = worst[key];
            if (ms > w.wallMs) {
                w.wallMs = ms;
                w.cpuMs = threadCpuMs() - cpu0;
            }
            w.over8 += ms > 8.0;
        }
        return r;
    }

private:
    int depth_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    TimingApp app(argc, argv);
    QCoreApplication::setOrganizationName("GanglionBench");
    const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
    Session session;
    MainWindow w(&session);
    w.show();
    const QString example = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("spiral");
    if (!w.openFile(MainWindow::findExample(example), true)) return 2;
    std::printf("# example %s\n", qPrintable(example));

    std::vector<double> lateness;
    QElapsedTimer clock;
    qint64 last = -1;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0) lateness.push_back(double(now - last) / 1e6 - 5.0);
        last = now;
    });
    std::uint64_t startStep = 0;
    QTimer::singleShot(500, [&] {  // after the engine build
        session.setSpeed(0);
        session.play();
        startStep = session.snapshot() ? session.snapshot()->step : 0;
        clock.start();
        probe.start(5);
        app.recording = true;
    });
    QTimer::singleShot(int(500 + seconds * 1000), [&] {
        probe.stop();
        const double elapsed = clock.elapsed() / 1000.0;
        const std::uint64_t steps = session.snapshot() ? session.snapshot()->step - startStep : 0;
        session.pause();
        std::sort(lateness.begin(), lateness.end());
        const double maxLate = lateness.empty() ? 0 : lateness.back();
        const double p99 = lateness.empty() ? 0 : lateness[std::size_t(0.99 * double(lateness.size() - 1))];
        std::printf("figure: gui_max_block_ms=%.1f ms (target <= 16)\n", std::max(0.0, maxLate + 5.0));
        std::printf("figure: gui_timer_p99_lateness_ms=%.2f ms over %zu ticks\n", p99, lateness.size());
        std::printf("figure: engine_steps_per_s_with_gui=%.0f steps/s\n", steps / elapsed);
        std::vector<std::pair<double, std::string>> slow;
        for (const auto& [k, v] : app.worst) {
            char cpu[64];
            std::snprintf(cpu, sizeof cpu, "%.1f ms on CPU", v.cpuMs);
            slow.push_back({v.wallMs, k + " (" + cpu + "; " + std::to_string(v.over8) + "x over 8 ms)"});
        }
        std::sort(slow.rbegin(), slow.rend());
        for (std::size_t i = 0; i < std::min<std::size_t>(6, slow.size()); ++i)
            std::printf("slowest: %.1f ms  %s\n", slow[i].first, slow[i].second.c_str());
        app.quit();
    });
    return app.exec();
}
