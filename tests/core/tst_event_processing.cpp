// Synthetic sources, the emulator, filters on planted noise (exact counts), and representations
// against their formulas.
#include "core/events/emulator.h"
#include "core/events/filters.h"
#include "core/events/representations.h"
#include "core/events/synthetic.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace ganglion;
using namespace ganglion::events;

namespace {
Event ev(std::int64_t t, int x, int y, int p = 1) {
    Event e;
    e.t = t;
    e.x = std::uint16_t(x);
    e.y = std::uint16_t(y);
    e.p = std::uint8_t(p);
    return e;
}
bool sorted(const std::vector<Event>& v) {
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i].t < v[i - 1].t) return false;
    return true;
}
}  // namespace

class TstEventProcessing : public QObject {
    Q_OBJECT
private slots:
    void movingBarEvents() {
        SyntheticConfig c;
        c.width = 64;
        c.height = 16;
        c.speed = 100.0;  // px/s
        c.barWidth = 4;
        SyntheticEventSource s(c);
        std::vector<Event> out;
        for (int k = 0; k < 50; ++k) s.generate(k * 10000, (k + 1) * 10000, out);  // 0.5 s
        QVERIFY(sorted(out));
        int on = 0, off = 0;
        for (const auto& e : out) (e.p ? on : off)++;
        // In 0.5 s the leading edge crosses 50 columns (ON for 16 rows each); the trailing edge
        // starts barWidth behind, so it crosses 46 (OFF).
        QVERIFY2(std::abs(on - 50 * 16) <= 16, qPrintable(QString::number(on)));
        QVERIFY2(std::abs(off - 46 * 16) <= 16, qPrintable(QString::number(off)));
        // ON events follow the leading edge: at time t it is at speed * t.
        for (const auto& e : out)
            if (e.p) QVERIFY(std::abs(double(e.x) + 1 - 100.0 * e.t * 1e-6) < 2.0);
    }

    void noiseAndHotRatesAndDeterminism() {
        SyntheticConfig c;
        c.pattern = SyntheticConfig::Pattern::RotatingDots;
        c.width = c.height = 64;
        c.speed = 1.0;
        c.noiseRate = 10.0;  // Hz per pixel
        c.hotPixels = 4;
        c.hotRate = 1000.0;
        c.seed = 9;
        SyntheticEventSource a(c), b(c);
        std::vector<Event> ea, eb;
        std::vector<EventLabel> la;
        a.generate(0, 1000000, ea, &la);
        b.generate(0, 1000000, eb);
        QCOMPARE(ea.size(), eb.size());
        QVERIFY(sorted(ea));
        int noise = 0, hot = 0, signal = 0;
        for (auto l : la) (l == EventLabel::Noise ? noise : l == EventLabel::Hot ? hot : signal)++;
        // Poisson counts: mean 40960 noise and 4000 hot events in one second.
        QVERIFY2(std::abs(noise - 40960) < 5 * 203, qPrintable(QString::number(noise)));
        QVERIFY2(std::abs(hot - 4000) < 5 * 64, qPrintable(QString::number(hot)));
        QVERIFY(signal > 1000);
        QCOMPARE(a.hotPixelIndices().size(), std::size_t(4));
    }

    void emulatorCrossings() {
        EmulatorConfig c;
        c.width = 2;
        c.height = 1;
        c.thresholdOn = c.thresholdOff = 0.2;
        c.sigma = 0.0;
        c.epsilon = 0.0;
        EventEmulator em;
        em.configure(c);
        std::vector<Event> out;
        const float f0[2] = {1.0f, 1.0f}, f1[2] = {1.0f, std::exp(0.5f)}, f2[2] = {1.0f, std::exp(-0.1f)};
        em.feed(f0, 0, out);
        QVERIFY(out.empty());
        em.feed(f1, 1000, out);  // +0.5 log: 2 ON events at 0.2 and 0.4 -> t = 400, 800
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(out[0].t, std::int64_t(400));
        QCOMPARE(out[1].t, std::int64_t(800));
        QVERIFY(out[0].p == 1 && out[0].x == 1);
        out.clear();
        em.feed(f2, 2000, out);  // ref 0.4 -> -0.1: 2 OFF crossings at 0.2, 0.0
        QCOMPARE(out.size(), std::size_t(2));
        QCOMPARE(out[0].p, std::uint8_t(0));
        QCOMPARE(out[0].t, std::int64_t(1000 + std::llround(1000 * 0.3 / 0.6)));
        QCOMPARE(out[1].t, std::int64_t(1000 + std::llround(1000 * 0.5 / 0.6)));
        // Refractory period suppresses the second crossing.
        c.refractoryUs = 600;
        em.configure(c);
        out.clear();
        em.feed(f0, 0, out);
        em.feed(f1, 1000, out);
        QCOMPARE(out.size(), std::size_t(1));
        // Per-pixel thresholds vary with sigma.
        c.width = 32;
        c.height = 32;
        c.sigma = 0.05;
        em.configure(c);
        QVERIFY(em.thresholdOn(0, 0) != em.thresholdOn(5, 7));
    }

    void backgroundActivityExact() {
        BackgroundActivityFilter f(1000);
        f.reset(64, 64);
        const std::vector<Event> in = {ev(100, 10, 10), ev(150, 50, 50), ev(200, 11, 10), ev(300, 12, 11),
                                       ev(1000, 5, 60), ev(5000, 13, 10), ev(5100, 0, 0), ev(5200, 1, 1)};
        std::vector<Event> out;
        f.process(in, out);
        // kept: (11,10) supported by (10,10); (12,11) by (11,10); (1,1) by (0,0) at the border.
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[0].x, std::uint16_t(11));
        QCOMPARE(out[1].x, std::uint16_t(12));
        QCOMPARE(out[2].x, std::uint16_t(1));
        QCOMPARE(f.eventsIn(), std::uint64_t(8));
        QCOMPARE(f.eventsOut(), std::uint64_t(3));
    }

    void filtersOnPlantedNoise_data() {
        QTest::addColumn<QString>("filter");
        QTest::newRow("background-activity") << "baf";
        QTest::newRow("correlation") << "stcf";
    }
    void filtersOnPlantedNoise() {
        QFETCH(QString, filter);
        SyntheticConfig c;
        c.width = c.height = 128;
        c.speed = 1000;  // one column per ms: edges are dense in space-time, noise is not
        c.noiseRate = 1.0;
        c.seed = 3;
        SyntheticEventSource s(c);
        std::vector<Event> in;
        std::vector<EventLabel> labels;
        s.generate(0, 500000, in, &labels);
        std::unique_ptr<EventFilter> f;
        if (filter == "baf") f = std::make_unique<BackgroundActivityFilter>(2000);
        else f = std::make_unique<CorrelationFilter>(2000, 1, 2);
        f->reset(128, 128);
        // Filter event by event to know each one's fate.
        int signalIn = 0, signalKept = 0, noiseIn = 0, noiseKept = 0;
        std::vector<Event> out;
        for (std::size_t i = 0; i < in.size(); ++i) {
            out.clear();
            f->process(std::span<const Event>(&in[i], 1), out);
            const bool kept = !out.empty();
            if (labels[i] == EventLabel::Signal) { ++signalIn; signalKept += kept; }
            else { ++noiseIn; noiseKept += kept; }
        }
        QCOMPARE(f->eventsIn(), std::uint64_t(in.size()));
        QCOMPARE(f->eventsOut(), std::uint64_t(signalKept + noiseKept));
        qInfo("%s: signal kept %d/%d, noise kept %d/%d", qPrintable(filter), signalKept, signalIn, noiseKept, noiseIn);
        QVERIFY2(signalKept > 0.9 * signalIn, qPrintable(QString("%1/%2 signal kept").arg(signalKept).arg(signalIn)));
        QVERIFY2(noiseKept < 0.1 * noiseIn, qPrintable(QString("%1/%2 noise kept").arg(noiseKept).arg(noiseIn)));
    }

    void correlationSupport() {
        CorrelationFilter f(1000, 1, 2);
        f.reset(32, 32);
        std::vector<Event> out;
        const std::vector<Event> in = {ev(0, 5, 5), ev(10, 6, 5), ev(20, 7, 5), ev(30, 6, 6), ev(2000, 6, 4)};
        f.process(in, out);
        // (7,5): neighbours (6,5) only -> 1 < 2; (6,6): (5,5),(6,5),(7,5) -> kept; (6,4): all too old.
        QCOMPARE(out.size(), std::size_t(1));
        QCOMPARE(out[0].t, std::int64_t(30));
    }

    void refractoryExact() {
        RefractoryFilter f(1000);
        f.reset(8, 8);
        std::vector<Event> out;
        f.process(std::vector<Event>{ev(0, 1, 1), ev(500, 1, 1), ev(700, 2, 1), ev(1200, 1, 1), ev(1300, 1, 1)}, out);
        QCOMPARE(out.size(), std::size_t(3));
        QCOMPARE(out[2].t, std::int64_t(1200));
        QCOMPARE(f.eventsOut(), std::uint64_t(3));
    }

    void hotPixelsDetected() {
        SyntheticConfig c;
        c.pattern = SyntheticConfig::Pattern::None;
        c.width = c.height = 64;
        c.noiseRate = 5.0;
        c.hotPixels = 3;
        c.hotRate = 2000.0;
        SyntheticEventSource s(c);
        HotPixelFilter f(100000, 5.0, 5);
        f.reset(64, 64);
        std::vector<Event> in, out;
        std::vector<EventLabel> labels;
        s.generate(0, 300000, in, &labels);
        f.process(in, out);
        const auto hot = f.hotPixels();
        const std::set<std::uint32_t> got(hot.begin(), hot.end());
        const std::set<std::uint32_t> planted(s.hotPixelIndices().begin(), s.hotPixelIndices().end());
        QVERIFY(got == planted);
        // After the first period no hot-pixel event passes; noise passes throughout.
        int hotAfter = 0, noiseIn = 0, noiseOut = 0;
        for (std::size_t i = 0; i < in.size(); ++i)
            noiseIn += labels[i] == EventLabel::Noise && !planted.count(std::uint32_t(in[i].y) * 64u + in[i].x);
        for (const auto& e : out) {
            const std::uint32_t idx = std::uint32_t(e.y) * 64u + e.x;
            if (planted.count(idx)) { if (e.t >= 100000) ++hotAfter; }
            else ++noiseOut;
        }
        QCOMPARE(hotAfter, 0);
        QCOMPARE(noiseOut, noiseIn);
    }

    void selectionAndDecimation() {
        SelectFilter sel;
        sel.reset(10, 10);
        sel.setParams(1, 2, 2, 5, 5);
        std::vector<Event> out;
        sel.process(std::vector<Event>{ev(0, 1, 1, 1), ev(1, 2, 2, 1), ev(2, 3, 3, 0), ev(3, 4, 4, 1), ev(4, 5, 4, 1)}, out);
        QCOMPARE(out.size(), std::size_t(2));
        DecimationFilter d(3);
        d.reset(10, 10);
        out.clear();
        std::vector<Event> in(10, ev(0, 0, 0));
        d.process(std::span<const Event>(in.data(), 4), out);
        d.process(std::span<const Event>(in.data() + 4, 6), out);
        QCOMPARE(out.size(), std::size_t(4));  // indices 0, 3, 6, 9 across the two packets
        QCOMPARE(d.eventsIn(), std::uint64_t(10));
    }

    void timeSurfaceFormula() {
        TimeSurface ts;
        ts.configure(4, 3, 1000.0, true);
        ts.add(std::vector<Event>{ev(100, 1, 1, 1), ev(600, 2, 1, 0), ev(900, 1, 1, 1)});
        std::vector<float> out;
        ts.evaluate(1500, out);
        QCOMPARE(out.size(), std::size_t(2 * 12));
        const std::size_t plane = 12;
        QVERIFY(std::abs(out[plane + 1 * 4 + 1] - std::exp(-600.0 / 1000.0)) < 1e-6);  // ON at (1,1): last 900
        QVERIFY(std::abs(out[0 * plane + 1 * 4 + 2] - std::exp(-900.0 / 1000.0)) < 1e-6);
        QCOMPARE(out[0], 0.f);  // never fired
        QCOMPARE(out[plane + 1 * 4 + 2], 0.f);  // (2,1) fired OFF only
        QCOMPARE(ts.lastTime(1, 1, 1), std::int64_t(900));
    }

    void voxelGridInterpolation() {
        VoxelGrid g;
        g.configure(2, 1, 5, 1000);
        // window [0,1000) for now = 1000; bin positions t * 4 / 1000
        g.add(std::vector<Event>{ev(500, 0, 0, 1), ev(125, 1, 0, 0), ev(-10, 0, 0, 1)});
        std::vector<float> out;
        g.evaluate(1000, out);
        QCOMPARE(out.size(), std::size_t(10));
        QCOMPARE(out[2 * 2 + 0], 1.f);                       // t=500 -> bin 2 exactly
        QVERIFY(std::abs(out[0 * 2 + 1] - (-0.5f)) < 1e-6);   // t=125 -> 0.5 between bins 0 and 1
        QVERIFY(std::abs(out[1 * 2 + 1] - (-0.5f)) < 1e-6);
        float total = 0;
        for (float v : out) total += std::abs(v);
        QVERIFY(std::abs(total - 2.f) < 1e-6);  // the event before the window is dropped
    }

    void accumulatedFrameWindows() {
        AccumulatedFrame a;
        a.configure(3, 1, 1000, 0);
        a.add(std::vector<Event>{ev(0, 0, 0, 1), ev(500, 0, 0, 1), ev(600, 1, 0, 0)});
        a.advance(1200);  // drops t=0
        QCOMPARE(a.frame()[0], 1.f);
        QCOMPARE(a.frame()[1], -1.f);
        QCOMPARE(a.eventsInWindow(), std::size_t(2));
        AccumulatedFrame c;
        c.configure(3, 1, 0, 2);  // last 2 events
        c.add(std::vector<Event>{ev(0, 2, 0, 1), ev(1, 2, 0, 1), ev(2, 2, 0, 0)});
        QCOMPARE(c.frame()[2], 0.f);  // +1 -1
        std::vector<float> counts;
        countEvents(std::vector<Event>{ev(0, 1, 0, 1), ev(1, 1, 0, 1), ev(2, 1, 0, 0)}, 3, 1, true, counts);
        QCOMPARE(counts[3 + 1], 2.f);
        QCOMPARE(counts[1], 1.f);
    }
};

QTEST_GUILESS_MAIN(TstEventProcessing)
#include "tst_event_processing.moc"
