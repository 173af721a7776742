// Synthetic sources, the emulator, filters on planted noise (exact counts), representations
// against their formulas, and scored denoising: labels, the noise injector, counts and ROC sweeps.
#include "core/events/denoise_score.h"
#include "core/events/emulator.h"
#include "core/events/noise_injector.h"
#include "core/events/filters.h"
#include "core/events/representations.h"
#include "core/events/synthetic.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

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

    void labelsFromSourcesAndThroughFilters() {
        // Every synthetic event carries its label in the event itself, matching the label list.
        SyntheticConfig c;
        c.width = c.height = 64;
        c.speed = 500;
        c.noiseRate = 5.0;
        c.hotPixels = 2;
        c.hotRate = 500.0;
        SyntheticEventSource s(c);
        std::vector<Event> in;
        std::vector<EventLabel> labels;
        s.generate(0, 200000, in, &labels);
        int counts[4] = {0, 0, 0, 0};
        for (std::size_t i = 0; i < in.size(); ++i) {
            QVERIFY(in[i].label == labels[i]);
            ++counts[int(in[i].label)];
        }
        QCOMPARE(counts[int(EventLabel::Unlabelled)], 0);
        QVERIFY(counts[1] > 100 && counts[2] > 100 && counts[3] > 50);
        // Every filter keeps whole events: a kept event has the label it came in with.
        std::map<std::tuple<std::int64_t, int, int, int>, EventLabel> truth;
        for (const Event& e : in) truth[{e.t, e.x, e.y, e.p}] = e.label;
        std::vector<std::unique_ptr<EventFilter>> filters;
        filters.push_back(std::make_unique<BackgroundActivityFilter>(2000));
        filters.push_back(std::make_unique<CorrelationFilter>(5000, 1, 1));
        filters.push_back(std::make_unique<RefractoryFilter>(1000));
        filters.push_back(std::make_unique<HotPixelFilter>(50000, 3.0, 5));
        filters.push_back(std::make_unique<SelectFilter>());
        filters.push_back(std::make_unique<DecimationFilter>(3));
        for (auto& f : filters) {
            f->reset(64, 64);
            std::vector<Event> out;
            f->process(in, out);
            QVERIFY(!out.empty() && out.size() <= in.size());
            for (const Event& e : out) QVERIFY(truth.at({e.t, e.x, e.y, e.p}) == e.label);
        }
        // The emulator's events are signal.
        EmulatorConfig ec;
        ec.width = 2;
        ec.height = 1;
        EventEmulator em;
        em.configure(ec);
        std::vector<Event> out;
        const float f0[2] = {1.f, 1.f}, f1[2] = {1.f, 3.f};
        em.feed(f0, 0, out);
        em.feed(f1, 1000, out);
        QVERIFY(!out.empty());
        for (const Event& e : out) QVERIFY(e.label == EventLabel::Signal);
        // A representation's window keeps whole events too (its frame is a tensor: no labels).
        AccumulatedFrame a;
        a.configure(64, 64, 0, in.size());
        a.add(in);
        QCOMPARE(a.eventsInWindow(), in.size());
    }

    void noiseInjectorRatesLabelsSeed() {
        NoiseConfig c;
        c.width = c.height = 32;
        c.baRate = 20.0;   // Hz per pixel: 20480 leak events per second
        c.shotRate = 5.0;  // 5120 per second
        c.hotPixels = 3;
        c.hotRate = 1000.0;
        c.seed = 11;
        NoiseInjector a, b;
        a.configure(c);
        b.configure(c);
        const std::vector<Event> signal = {ev(10, 1, 1), ev(500000, 2, 2)};  // unlabelled input
        std::vector<Event> ea, eb;
        for (int k = 0; k < 10; ++k) {  // one second in 100 ms slices
            const std::int64_t t0 = k * 100000, t1 = t0 + 100000;
            std::vector<Event> slice;
            for (const Event& e : signal)
                if (e.t >= t0 && e.t < t1) slice.push_back(e);
            a.inject(t0, t1, slice, ea);
            b.inject(t0, t1, slice, eb);
        }
        QVERIFY(sorted(ea));
        QCOMPARE(ea.size(), eb.size());
        for (std::size_t i = 0; i < ea.size(); ++i) QVERIFY(ea[i].t == eb[i].t && ea[i].x == eb[i].x);
        int on = 0, off = 0, hot = 0, sig = 0;
        const std::set<std::uint32_t> hotSet(a.hotPixelIndices().begin(), a.hotPixelIndices().end());
        QCOMPARE(hotSet.size(), std::size_t(3));
        for (const Event& e : ea) {
            if (e.label == EventLabel::Signal) ++sig;
            else if (e.label == EventLabel::Hot) { ++hot; QVERIFY(hotSet.count(std::uint32_t(e.y) * 32u + e.x)); }
            else if (e.label == EventLabel::Noise) (e.p ? on : off)++;
            else QFAIL("unlabelled event after the injector");
        }
        QCOMPARE(sig, 2);
        // Poisson: leak is ON only; shot noise splits evenly. Tolerance 5 standard deviations.
        const double leakAndShotOn = 20480 + 2560, shotOff = 2560;
        QVERIFY2(std::abs(on - leakAndShotOn) < 5 * std::sqrt(leakAndShotOn), qPrintable(QString::number(on)));
        QVERIFY2(std::abs(off - shotOff) < 5 * std::sqrt(shotOff), qPrintable(QString::number(off)));
        QVERIFY2(std::abs(hot - 3000) < 5 * std::sqrt(3000.0), qPrintable(QString::number(hot)));
        QCOMPARE(a.injected(), std::uint64_t(on + off + hot));
        // Bad parameters name themselves.
        c.hotPixels = 5000;
        QVERIFY(validateNoiseConfig(c).find("hot_pixels") != std::string::npos);
        c.hotPixels = 0;
        c.baRate = -1;
        QVERIFY(validateNoiseConfig(c).find("ba_rate") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.configure(c));
    }

    void denoiseCountsHandComputed() {
        auto lab = [](std::int64_t t, EventLabel l) {
            Event e = ev(t, 0, 0);
            e.label = l;
            return e;
        };
        const std::vector<Event> in = {lab(1, EventLabel::Signal), lab(2, EventLabel::Noise), lab(3, EventLabel::Signal),
                                       lab(4, EventLabel::Hot), lab(5, EventLabel::Signal), lab(6, EventLabel::Unlabelled)};
        // A perfect filter keeps exactly the signal: TPR 1, FPR 0, F1 1.
        DenoiseCounts perfect;
        perfect.add(in, std::vector<Event>{in[0], in[2], in[4]});
        QCOMPARE(perfect.tpr(), 1.0);
        QCOMPARE(perfect.fpr(), 0.0);
        QCOMPARE(perfect.precision(), 1.0);
        QCOMPARE(perfect.f1(), 1.0);
        QCOMPARE(perfect.unlabelled, std::uint64_t(1));
        // The identity filter keeps everything: precision = signal fraction 3/5, F1 = 2·0.6/1.6.
        DenoiseCounts identity;
        identity.add(in, in);
        QCOMPARE(identity.precision(), 0.6);
        QCOMPARE(identity.fpr(), 1.0);
        QVERIFY(std::abs(identity.f1() - 0.75) < 1e-12);
        // One signal and one noise kept: TP 1, FN 2, FP 1, TN 1.
        DenoiseCounts mixed;
        mixed.add(in, std::vector<Event>{in[2], in[3]});
        QCOMPARE(mixed.tp, std::uint64_t(1));
        QCOMPARE(mixed.fn, std::uint64_t(2));
        QCOMPARE(mixed.fp, std::uint64_t(1));
        QCOMPARE(mixed.tn, std::uint64_t(1));
        QCOMPARE(mixed.tpr(), 1.0 / 3.0);
        QCOMPARE(mixed.fpr(), 0.5);
    }

    void rocOfBackgroundActivityIsMonotone() {
        SyntheticConfig c;
        c.width = c.height = 64;
        c.speed = 1.0;
        c.pattern = SyntheticConfig::Pattern::RotatingDots;
        c.noiseRate = 5.0;
        c.seed = 5;
        SyntheticEventSource s(c);
        std::vector<Event> in;
        s.generate(0, 300000, in);
        const auto values = sweepValues(0.05, 50.0, 8);
        QCOMPARE(values.front(), 0.05);
        QVERIFY(std::abs(values.back() - 50.0) < 1e-9);
        const auto roc = rocSweep(SweptFilter::BackgroundActivity, values, in, 64, 64);
        QCOMPARE(roc.size(), values.size());
        // A longer window keeps a superset: TPR and FPR never fall, and they span a real range.
        for (std::size_t i = 1; i < roc.size(); ++i) {
            QVERIFY(roc[i].tpr >= roc[i - 1].tpr);
            QVERIFY(roc[i].fpr >= roc[i - 1].fpr);
        }
        QVERIFY2(roc.front().tpr < 0.5 && roc.back().tpr > 0.9, qPrintable(QString::number(roc.back().tpr)));
        QVERIFY2(roc.back().fpr > 0.2, qPrintable(QString::number(roc.back().fpr)));
        // Somewhere in between the filter beats chance clearly.
        double best = 0;
        for (const auto& p : roc) best = std::max(best, p.tpr - p.fpr);
        QVERIFY2(best > 0.6, qPrintable(QString::number(best)));
        // The refractory filter goes the other way: a longer period keeps less.
        const auto ref = rocSweep(SweptFilter::Refractory, sweepValues(0.1, 100.0, 4), in, 64, 64);
        QVERIFY(ref.back().tpr <= ref.front().tpr && ref.back().fpr <= ref.front().fpr);
        // Bad sweep parameters name themselves.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sweepValues(5.0, 1.0, 4));
        try {
            sweepValues(1.0, 2.0, 1);
            QFAIL("expected invalid_argument");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("roc_points") != std::string::npos, e.what());
        }
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
