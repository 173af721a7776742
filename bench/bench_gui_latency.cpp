// needs: app
// GUI event-loop latency while the engine trains at full speed on its own thread: a 5 ms timer
// on the GUI thread records how late each tick fires; prints max and 99th percentile and the
// engine's steps/s meanwhile. Target: the GUI thread is never blocked more than 16 ms.
// Run under a real or virtual X server: xvfb-run -a ./bench_gui_latency
#include "app/main_window.h"
#include "widgets/vtk/vtk_widget.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace ganglion;

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName("GanglionBench");
    const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
    Session session;
    MainWindow w(&session);
    w.show();
    if (!w.openFile(MainWindow::findExample("spiral"), true)) return 2;

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
        app.quit();
    });
    return app.exec();
}
