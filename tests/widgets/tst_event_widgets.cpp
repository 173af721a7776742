// Event widgets under a real X display: the 2D frame shows ON/OFF where events are, the cloud
// builder respects its point budget and says what it shows, the 3D view renders a non-blank
// image with one million events in the window (its speed is bench_events'), playback controls map
// speed logarithmically and emit seeks.
#include "widgets/events/event_cloud_builder.h"
#include "widgets/events/event_cloud_widget.h"
#include "widgets/events/event_frame_widget.h"
#include "widgets/events/event_rate_chart.h"
#include "widgets/events/playback_bar.h"

#include <QApplication>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>


#include <algorithm>
#include <random>

using namespace ganglion;
using events::EventWindow;

namespace {

std::shared_ptr<const EventWindow> makeWindow(int w, int h, std::size_t n, std::int64_t spanUs, std::uint64_t seed) {
    auto win = std::make_shared<EventWindow>();
    win->width = w;
    win->height = h;
    win->tBegin = 0;
    win->tEnd = spanUs;
    std::mt19937_64 rng(seed);
    const std::size_t chunk = 65536;
    for (std::size_t done = 0; done < n; done += chunk) {
        auto c = std::make_shared<std::vector<Event>>();
        const std::size_t m = std::min(chunk, n - done);
        c->resize(m);
        for (std::size_t i = 0; i < m; ++i) {
            Event& e = (*c)[i];
            e.t = std::int64_t((done + i) * std::size_t(spanUs) / n);
            // A rotating dot's helix plus uniform noise: structured enough to look like data.
            const double a = double(e.t) * 1e-5;
            if (rng() % 4) {
                e.x = std::uint16_t(std::clamp(int(w / 2 + w / 3 * std::cos(a)) + int(rng() % 9) - 4, 0, w - 1));
                e.y = std::uint16_t(std::clamp(int(h / 2 + h / 3 * std::sin(a)) + int(rng() % 9) - 4, 0, h - 1));
            } else {
                e.x = std::uint16_t(rng() % std::uint64_t(w));
                e.y = std::uint16_t(rng() % std::uint64_t(h));
            }
            e.p = std::uint8_t(rng() & 1);
        }
        win->chunks.push_back(c);
    }
    return win;
}

int litPixels(const QImage& img, QRgb background) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (std::abs(qRed(p) - qRed(background)) + std::abs(qGreen(p) - qGreen(background)) +
                    std::abs(qBlue(p) - qBlue(background)) > 60)
                ++n;
        }
    return n;
}

}  // namespace

class TstEventWidgets : public QObject {
    Q_OBJECT
private slots:
    void frameShowsOnOff() {
        auto win = std::make_shared<EventWindow>();
        win->width = 8;
        win->height = 6;
        win->tBegin = 0;
        win->tEnd = 10000;
        auto c = std::make_shared<std::vector<Event>>();
        Event on, off, old;
        on.t = 9000; on.x = 2; on.y = 3; on.p = 1;
        off.t = 9500; off.x = 5; off.y = 1; off.p = 0;
        old.t = 100; old.x = 7; old.y = 5; old.p = 1;  // outside a 5 ms accumulation window
        *c = {old, on, off};
        win->chunks.push_back(c);
        EventFrameWidget w;
        w.setColors(QColor(255, 0, 0), QColor(0, 0, 255), QColor(0, 0, 0));
        w.setAccumulationMs(5);
        w.setWindow(win);
        const QImage& img = w.image();
        QCOMPARE(img.size(), QSize(8, 6));
        QVERIFY(qRed(img.pixel(2, 3)) > 150 && qBlue(img.pixel(2, 3)) < 50);
        QVERIFY(qBlue(img.pixel(5, 1)) > 150 && qRed(img.pixel(5, 1)) < 50);
        QCOMPARE(img.pixel(7, 5), qRgb(0, 0, 0));
        QCOMPARE(w.eventsShown(), std::size_t(2));
        // Time surface: brightness exp(-(10000 - t)/tau).
        w.setMode(EventFrameWidget::Mode::TimeSurface);
        w.setDecayMs(1.0);
        QVERIFY(std::abs(qRed(w.image().pixel(2, 3)) - 255 * std::exp(-1.0)) <= 2);
        QVERIFY(std::abs(qBlue(w.image().pixel(5, 1)) - 255 * std::exp(-0.5)) <= 2);
        w.resize(200, 180);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(litPixels(w.grab().toImage(), qRgb(0, 0, 0)) > 0);
    }

    void cloudBudget_data() {
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("reduce");
        QTest::addColumn<QString>("says");
        QTest::newRow("all") << 5000 << int(CloudOptions::Reduce::Auto) << "all 5,000 events";
        QTest::newRow("voxels") << 1000000 << int(CloudOptions::Reduce::Voxel) << "voxels";
        QTest::newRow("decimate") << 1000000 << int(CloudOptions::Reduce::Decimate) << "1 in 17 of 1,000,000 events";
    }
    void cloudBudget() {
        QFETCH(int, events);
        QFETCH(int, reduce);
        QFETCH(QString, says);
        auto win = makeWindow(346, 260, std::size_t(events), 100000, 1);
        CloudOptions o;
        o.budget = 60000;
        o.reduce = CloudOptions::Reduce(reduce);
        EventCloudBuilder b;
        CloudPoints pts;
        b.build(*win, o, pts);
        QCOMPARE(pts.events, std::size_t(events));
        QVERIFY(pts.points <= o.budget);
        QVERIFY(pts.points > 0);
        QCOMPARE(pts.xyz.size(), pts.points * 3);
        QCOMPARE(pts.rgb.size(), pts.points * 3);
        QVERIFY2(QString::fromStdString(pts.description).contains(says), pts.description.c_str());
        for (std::size_t i = 0; i < pts.points; ++i) {
            QVERIFY(pts.xyz[3 * i] >= 0 && pts.xyz[3 * i] <= 346);
            QVERIFY(pts.xyz[3 * i + 2] >= 0 && pts.xyz[3 * i + 2] <= pts.zExtent);
        }
    }

    void cloudSlidingWindow() {
        auto win = makeWindow(64, 48, 10000, 100000, 3);  // events evenly over 100 ms
        CloudOptions o;
        o.windowUs = 25000;
        EventCloudBuilder b;
        CloudPoints pts;
        b.build(*win, o, pts);
        QVERIFY(std::abs(double(pts.events) - 2500.0) <= 1.0);  // the newest quarter
        QCOMPARE(pts.tBegin, std::int64_t(75000));
        for (std::size_t i = 0; i < pts.points; ++i) QVERIFY(pts.xyz[3 * i + 2] >= 0.f);
    }

    // A million events in the window: the cloud draws (non-blank), within its point budget, and
    // says how many events it stands for; every rebuild as the view makes on each poll draws
    // again. (How fast is bench_events' figure cloud_upload_1M, not a timed test.)
    void cloudDrawsAMillionEvents() {
        QString why;
        QVERIFY2(vtkOpenGLAvailable(&why), qPrintable("no usable OpenGL >= 3.2: " + why));
        EventCloudWidget w;
        w.resize(900, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto win = makeWindow(346, 260, 1000000, 100000, 2);
        for (int i = 0; i < 3; ++i) {
            w.setWindow(win);  // rebuild + upload, as the view does every poll
            const QImage img = w.grabFramebuffer();
            QVERIFY2(w.vtkReady(), qPrintable(w.vtkError()));
            QVERIFY2(litPixels(img, qRgb(15, 18, 23)) > 2000, qPrintable(QString("frame %1 blank").arg(i)));
            if (i == 0 && qEnvironmentVariableIsSet("GANGLION_SAVE_GRABS")) img.save("tst_event_cloud.png");
        }
        QVERIFY(w.points().points > 0);
        QVERIFY(w.points().points <= w.options().budget);
        QVERIFY(w.caption().contains("of 1,000,000 events"));
    }

    void playbackControls() {
        PlaybackBar bar;
        QSignalSpy speed(&bar, &PlaybackBar::speedChanged);
        QSignalSpy seek(&bar, &PlaybackBar::seekRequested);
        auto sliders = bar.findChildren<QSlider*>();
        QCOMPARE(sliders.size(), 2);
        QSlider* scrub = sliders[0];
        QSlider* spd = sliders[1];
        spd->setValue(0);
        QCOMPARE(speed.last().at(0).toDouble(), 0.01);
        spd->setValue(spd->maximum());
        QCOMPARE(speed.last().at(0).toDouble(), PlaybackBar::kMaxSpeed);
        spd->setValue(spd->maximum() * 2 / 5);  // 10^(-2 + 2) = 1x
        QVERIFY(std::abs(speed.last().at(0).toDouble() - 1.0) < 1e-9);
        bar.setRange(1000000, 3000000);
        bar.setPosition(2000000);
        QCOMPARE(scrub->value(), 500);
        QCOMPARE(seek.count(), 0);  // programmatic moves do not seek
        scrub->setValue(250);
        QCOMPARE(seek.count(), 1);
        QCOMPARE(seek.last().at(0).toLongLong(), 1500000ll);
    }

    void rateChart() {
        EventRateChart c;
        c.setSpan(1.0);
        for (int i = 0; i < 50; ++i) c.addSample(i * 0.05, 1000.0 * i);
        QVERIFY(c.sampleCount() <= 22);
        c.addSample(0.0, 5);  // time went back (seek): cleared
        QCOMPARE(c.sampleCount(), std::size_t(1));
        QCOMPARE(formatRate(2.5e6), QString("2.5 Mev/s"));
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();
    QApplication app(argc, argv);
    TstEventWidgets t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_event_widgets.moc"
