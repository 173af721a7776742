// Event graph nodes through their registered specs: sources emit contiguous time slices at the
// playback speed, filters count, representations and spikes have the right shapes, bad
// parameters give named errors, and the bundled sample is what the project's writer produces.
// EventFrames: counts preserved across its T frames, the label passed through, a T that does not
// match the layer downstream refused by node and port; SaccadeDigits labels its stream.
#include "core/engine/engine.h"
#include "core/events/digit_sample.h"
#include "core/events/event_frames.h"
#include "core/graph/validate.h"
#include "core/events/event_nodes.h"
#include "core/events/event_reader.h"
#include "core/events/event_writer.h"
#include "core/model/xy_curves.h"
#include "kernel_harness.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <fstream>
#include <iterator>

using namespace ganglion;
using namespace ganglion::testing;
namespace ev = ganglion::events;

namespace {
Shape sensor(int w, int h) {
    Shape s;
    s.features = w * h;
    s.width = w;
    s.height = h;
    return s;
}
Value eventValue(int w, int h, std::int64_t t0, std::int64_t t1, std::vector<Event> events) {
    Value v;
    v.type = PortType::Events;
    v.events.width = w;
    v.events.height = h;
    v.events.tBegin = t0;
    v.events.tEnd = t1;
    v.events.events = std::move(events);
    return v;
}
std::vector<char> slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
}  // namespace

class TstEventNodes : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string file_;
    EventPacket packet_;

private slots:
    void initTestCase() {
        packet_ = ev::makeSaccadeDigits({3}, 1);
        file_ = dir_.filePath("d.bin").toStdString();
        std::string err;
        QVERIFY2(ev::writeEvents(file_, ev::FileFormat::NMnistBin, packet_, &err), err.c_str());
    }

    void fileSourceSlices() {
        KernelRig rig("EventFile", {{"path", file_}, {"speed", 10.0}, {"loop", false}}, {});
        QCOMPARE(rig.outShapes[0].width, 34);
        QCOMPARE(rig.outShapes[0].height, 34);
        std::size_t total = 0;
        std::int64_t lastEnd = -1;
        for (int i = 0; i < 400; ++i) {  // 400 steps x 1e-4 s x 10 = 0.4 s of recording
            rig.forward();
            const EventPacket& p = rig.outputs[0].events;
            QCOMPARE(p.tEnd - p.tBegin, std::int64_t(1000));  // speed x dt = 1 ms
            if (lastEnd >= 0) QCOMPARE(p.tBegin, lastEnd);
            lastEnd = p.tEnd;
            for (const auto& e : p.events) QVERIFY(e.t >= p.tBegin && e.t < p.tEnd);
            total += p.events.size();
        }
        QCOMPARE(total, packet_.events.size());
        Observables obs;
        rig.kernel->observe(obs);
        QCOMPARE(obs.scalars.at("events_out"), double(packet_.events.size()));
        auto w = obs.get<ev::EventWindow>("events");
        QVERIFY(w);
        QCOMPARE(w->width, 34);
        // Seek back through the playback interface.
        auto* pb = dynamic_cast<ev::EventPlayback*>(rig.kernel.get());
        QVERIFY(pb);
        pb->seekTo(150000);
        rig.forward();
        QCOMPARE(rig.outputs[0].events.tBegin, std::int64_t(150000));
        const auto expected = std::count_if(packet_.events.begin(), packet_.events.end(),
                                            [](const Event& e) { return e.t >= 150000 && e.t < 151000; });
        QVERIFY(expected > 0);
        QCOMPARE(std::ptrdiff_t(rig.outputs[0].events.events.size()), expected);
        // Live speed change.
        ParamSet ps = rig.params;
        ps.set("speed", 2.0);
        rig.kernel->setParams(ps);
        rig.forward();
        QCOMPARE(rig.outputs[0].events.tEnd - rig.outputs[0].events.tBegin, std::int64_t(200));
        // Canvas thumbnail: signed frame of the newest 30 ms (ON +1, OFF -1).
        ps.set("speed", 10.0);
        rig.kernel->setParams(ps);
        pb->seekTo(100000);
        for (int i = 0; i < 40; ++i) rig.forward();
        Observables o2;
        rig.kernel->observe(o2);
        const Matrix& thumb = o2.arrays.at("activations");
        QCOMPARE(int(thumb.rows()), 34);
        QCOMPARE(int(thumb.cols()), 34);
        double on = 0, off = 0;
        for (const auto& e : packet_.events)
            if (e.t >= 140000 - 30000 && e.t < 140000) (e.p ? on : off) += 1;
        QVERIFY(on + off > 0);
        QCOMPARE(double(thumb.sum()), on - off);
        QCOMPARE(double(thumb.cwiseAbs().sum()) <= on + off, true);
    }

    void badParametersNamed() {
        try {
            KernelRig rig("EventFile", {{"path", std::string("/nonexistent/x.bin")}}, {});
            QFAIL("expected BuildError");
        } catch (const BuildError& e) {
            QVERIFY2(std::string(e.what()).find("/nonexistent/x.bin") != std::string::npos, e.what());
        }
        try {
            KernelRig rig("BackgroundActivityFilter", {}, {Shape::tensor(10)});
            QFAIL("expected BuildError");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("events"));
        }
        try {
            KernelRig rig("EventEmulator", {{"width", 4}, {"height", 4}}, {Shape::tensor(10)});
            QFAIL("expected BuildError");
        } catch (const BuildError& e) {
            QVERIFY2(std::string(e.what()).find("10 features") != std::string::npos, e.what());
        }
    }

    void syntheticThroughFilter() {
        KernelRig src("SyntheticEvents", {{"width", 64}, {"height", 64}, {"speed", 10.0}, {"noise_rate", 5.0}}, {});
        KernelRig baf("BackgroundActivityFilter", {}, {src.outShapes[0]});
        QCOMPARE(baf.outShapes[0].width, 64);
        baf.inputs.resize(1);
        baf.inputs[0].type = PortType::Events;
        std::size_t in = 0, out = 0;
        for (int i = 0; i < 300; ++i) {
            src.forward();
            baf.inputs[0] = src.outputs[0];
            baf.forward();
            in += baf.inputs[0].events.events.size();
            out += baf.outputs[0].events.events.size();
        }
        QVERIFY(in > 0 && out < in);
        Observables obs;
        baf.kernel->observe(obs);
        QCOMPARE(obs.scalars.at("events_in"), double(in));
        QCOMPARE(obs.scalars.at("events_out"), double(out));
        QVERIFY(obs.get<ev::EventWindow>("events_before"));
        QVERIFY(obs.get<ev::EventWindow>("events"));
    }

    void representationsAndSpikes_data() {
        QTest::addColumn<QString>("type");
        QTest::addColumn<int>("features");
        QTest::newRow("frame") << "EventFrame" << 34 * 34;
        QTest::newRow("time-surface") << "TimeSurface" << 2 * 34 * 34;
        QTest::newRow("voxel") << "VoxelGrid" << 5 * 34 * 34;
        QTest::newRow("count") << "EventCount" << 2 * 34 * 34;
    }
    void representationsAndSpikes() {
        QFETCH(QString, type);
        QFETCH(int, features);
        KernelRig rig(type.toStdString(), {}, {sensor(34, 34)});
        QCOMPARE(rig.outShapes[0].features, features);
        rig.inputs.resize(1);
        rig.inputs[0].type = PortType::Events;
        EventPacket& p = rig.inputs[0].events;
        p.width = p.height = 34;
        p.tBegin = 0;
        p.tEnd = 1000;
        Event e;
        e.t = 500;
        e.x = 3;
        e.y = 4;
        e.p = 1;
        p.events = {e};
        rig.forward();
        const Matrix& m = rig.outputs[0].tensor;
        QCOMPARE(int(m.rows()), features);
        QCOMPARE(int(m.cols()), 1);
        QVERIFY(m.cwiseAbs().maxCoeff() > 0.f);
        Observables obs;
        rig.kernel->observe(obs);
        QVERIFY(obs.arrays.count("representation"));
    }

    void labelsSurviveFilterNodes_data() {
        QTest::addColumn<QString>("type");
        for (const char* t : {"BackgroundActivityFilter", "CorrelationFilter", "RefractoryFilter", "HotPixelFilter",
                              "EventSelect", "EventDecimate"})
            QTest::newRow(t) << t;
    }
    void labelsSurviveFilterNodes() {
        // Labelled synthetic stream -> noise injector -> filter node: kept events and the windows
        // the views draw carry the labels they came in with.
        QFETCH(QString, type);
        KernelRig src("SyntheticEvents", {{"width", 48}, {"height", 48}, {"speed", 10.0}, {"noise_rate", 0.0}}, {});
        KernelRig noise("EventNoise", {{"ba_rate", 5.0}, {"hot_pixels", 2}}, {src.outShapes[0]});
        KernelRig filter(type.toStdString(), {}, {noise.outShapes[0]});
        noise.inputs.resize(1);
        filter.inputs.resize(1);
        std::map<std::tuple<std::int64_t, int, int, int>, EventLabel> truth;
        std::size_t kept = 0;
        for (int i = 0; i < 100; ++i) {
            src.forward();
            noise.inputs[0] = src.outputs[0];
            noise.forward();
            for (const Event& e : noise.outputs[0].events.events) {
                QVERIFY(e.label != EventLabel::Unlabelled);
                truth[{e.t, e.x, e.y, e.p}] = e.label;
            }
            filter.inputs[0] = noise.outputs[0];
            filter.forward();
            for (const Event& e : filter.outputs[0].events.events) QVERIFY(truth.at({e.t, e.x, e.y, e.p}) == e.label);
            kept += filter.outputs[0].events.events.size();
        }
        QVERIFY(kept > 0);
        Observables obs;
        filter.kernel->observe(obs);
        std::size_t noisy = 0;
        obs.get<ev::EventWindow>("events")->forEach([&](const Event& e) {
            QVERIFY(truth.at({e.t, e.x, e.y, e.p}) == e.label);
            noisy += isNoiseLabel(e.label);
        });
        if (type == "EventSelect") QVERIFY(noisy > 0);  // passes everything: the noise is there, labelled
    }

    void noiseInjectorNode() {
        KernelRig src("SyntheticEvents", {{"width", 32}, {"height", 32}, {"pattern", std::string("none")},
                                          {"noise_rate", 0.0}, {"hot_pixels", 0}, {"speed", 10.0}}, {});
        KernelRig a("EventNoise", {{"ba_rate", 10.0}}, {src.outShapes[0]}, 7);
        KernelRig b("EventNoise", {{"ba_rate", 10.0}}, {src.outShapes[0]}, 7);
        a.inputs.resize(1);
        b.inputs.resize(1);
        std::size_t n = 0;
        for (int i = 0; i < 200; ++i) {  // 200 x 1 ms of stream time
            src.forward();
            a.inputs[0] = b.inputs[0] = src.outputs[0];
            a.forward();
            b.forward();
            QCOMPARE(a.outputs[0].events.events.size(), b.outputs[0].events.events.size());
            n += a.outputs[0].events.events.size();
        }
        // 10 Hz x 1024 pixels x 0.2 s = 2048 expected (sd 45).
        QVERIFY2(std::abs(double(n) - 2048.0) < 5 * 45.3, qPrintable(QString::number(n)));
        Observables obs;
        a.kernel->observe(obs);
        QVERIFY2(std::abs(obs.scalars.at("noise_rate_per_pixel") - 10.0) < 1.2,
                 qPrintable(QString::number(obs.scalars.at("noise_rate_per_pixel"))));
        try {
            KernelRig bad("EventNoise", {{"hot_pixels", 5000}}, {sensor(32, 32)});
            QFAIL("expected BuildError");
        } catch (const BuildError& e) {
            QVERIFY2(std::string(e.what()).find("hot_pixels") != std::string::npos, e.what());
        }
    }

    void denoiseScoreNode() {
        KernelRig src("SyntheticEvents", {{"width", 64}, {"height", 64}, {"speed", 10.0}, {"noise_rate", 0.0},
                                          {"hot_pixels", 0}}, {});
        KernelRig noise("EventNoise", {{"ba_rate", 5.0}}, {src.outShapes[0]});
        KernelRig perfect("DenoiseScore", {{"window", 50.0}, {"roc_points", 6}}, {sensor(64, 64), sensor(64, 64)});
        KernelRig identity("DenoiseScore", {{"window", 50.0}, {"roc_filter", std::string("none")}},
                           {sensor(64, 64), sensor(64, 64)});
        noise.inputs.resize(1);
        perfect.inputs.resize(2);
        identity.inputs.resize(2);
        std::size_t sig = 0, all = 0;
        for (int i = 0; i < 120; ++i) {
            src.forward();
            noise.inputs[0] = src.outputs[0];
            noise.forward();
            const Value& labelled = noise.outputs[0];
            Value signalOnly = labelled;
            auto& sigEv = signalOnly.events.events;
            sigEv.erase(std::remove_if(sigEv.begin(), sigEv.end(), [](const Event& e) { return isNoiseLabel(e.label); }),
                        sigEv.end());
            perfect.inputs[0] = identity.inputs[0] = identity.inputs[1] = labelled;
            perfect.inputs[1] = signalOnly;
            perfect.forward();
            identity.forward();
            if (i >= 70) {  // the last 50 ms: the score's window
                sig += sigEv.size();
                all += labelled.events.events.size();
            }
        }
        Observables p, id;
        perfect.kernel->observe(p);
        identity.kernel->observe(id);
        QCOMPARE(p.scalars.at("tpr"), 1.0);
        QCOMPARE(p.scalars.at("fpr"), 0.0);
        QCOMPARE(p.scalars.at("f1"), 1.0);
        QVERIFY(sig > 0 && sig < all);
        QCOMPARE(id.scalars.at("precision"), double(sig) / double(all));
        QCOMPARE(id.scalars.at("signal_fraction"), double(sig) / double(all));
        QCOMPARE(id.scalars.at("tpr"), 1.0);
        QCOMPARE(id.scalars.at("fpr"), 1.0);
        // The ROC sweep ran on a full window: 6 points, TPR rising with the window.
        const Matrix& roc = p.arrays.at("roc");
        QCOMPARE(int(roc.rows()), 5);
        QCOMPARE(int(roc.cols()), 6);
        QVERIFY(roc(2, 5) > roc(2, 0));
        auto panels = p.get<std::vector<XYPanel>>(kXYCurvesObservable);
        QVERIFY(panels && panels->size() == 2);
        QCOMPARE((*panels)[0].curves[0].points.size(), std::size_t(6));
        QVERIFY(!id.extra.count(kXYCurvesObservable));
        // Bad parameters and inputs name themselves.
        auto expectError = [](std::vector<std::pair<std::string, ParamValue>> params, std::vector<Shape> in,
                              const std::string& needle) {
            try {
                KernelRig bad("DenoiseScore", std::move(params), std::move(in));
                QFAIL("expected BuildError");
            } catch (const BuildError& e) {
                QVERIFY2((std::string(e.what()) + " " + e.port).find(needle) != std::string::npos, e.what());
            }
        };
        expectError({{"roc_from", 10.0}, {"roc_to", 1.0}}, {sensor(8, 8), sensor(8, 8)}, "roc_to");
        expectError({}, {sensor(8, 8), sensor(9, 8)}, "differs");
        expectError({}, {sensor(8, 8), Shape::tensor(3)}, "filtered");
    }

    void eventsToSpikesPooling() {
        KernelRig rig("EventsToSpikes", {{"pool", 2}, {"polarity", std::string("separate")}}, {sensor(34, 34)});
        QCOMPARE(rig.outShapes[0].features, 2 * 17 * 17);
        rig.inputs.resize(1);
        rig.inputs[0].type = PortType::Events;
        Event a, b, c;
        a.x = 4; a.y = 6; a.p = 0;
        b.x = 5; b.y = 7; b.p = 0;  // same pooled pixel as a: one spike
        c.x = 4; c.y = 6; c.p = 1;
        rig.inputs[0].events.events = {a, b, c};
        rig.forward();
        const auto& f = rig.outputs[0].spikes;
        QCOMPARE(f.neurons, 2 * 17 * 17);
        QCOMPARE(f.fired, (std::vector<std::int32_t>{3 * 17 + 2, 17 * 17 + 3 * 17 + 2}));
        // its thumbnail: where the spikes came from (both polarities on one pooled plane), fading
        Observables obs;
        rig.kernel->observe(obs);
        const Matrix& map = obs.arrays.at("activations");
        QCOMPARE(int(map.rows()), 17);
        QCOMPARE(int(map.cols()), 17);
        QCOMPARE(map(3, 2), 1.f);
        QCOMPARE(map.sum(), 1.f);
        rig.inputs[0].events.events.clear();
        rig.forward();
        Observables later;
        rig.kernel->observe(later);
        QVERIFY(later.arrays.at("activations")(3, 2) < 1.f && later.arrays.at("activations")(3, 2) > 0.5f);
    }

    void emulatorNodeMakesEvents() {
        KernelRig rig("EventEmulator", {{"width", 4}, {"height", 2}, {"threshold_sigma", 0.0}}, {Shape::tensor(8)});
        rig.inputs.resize(1);
        rig.inputs[0].type = PortType::Tensor;
        rig.inputs[0].tensor = Matrix::Constant(8, 1, 0.5f);
        rig.forward();  // first frame: references only
        QVERIFY(rig.outputs[0].events.events.empty());
        rig.inputs[0].tensor(5, 0) = 0.5f * std::exp(0.45f);  // pixel (1,1): two ON crossings of 0.2
        rig.forward();
        const auto& e = rig.outputs[0].events.events;
        QCOMPARE(e.size(), std::size_t(2));
        QCOMPARE(int(e[0].x), 1);
        QCOMPARE(int(e[0].y), 1);
        QCOMPARE(int(e[0].p), 1);
        QVERIFY(e[0].t < e[1].t);
    }

    void truncatedFilePlaysPrefix() {
        const std::string cut = dir_.filePath("cut.bin").toStdString();
        std::string err;
        QVERIFY(ev::writeEvents(cut, ev::FileFormat::NMnistBin, packet_, &err));
        std::filesystem::resize_file(cut, std::filesystem::file_size(cut) - 2);
        KernelRig rig("EventFile", {{"path", cut}, {"speed", 100.0}, {"loop", false}}, {});
        std::size_t total = 0;
        for (int i = 0; i < 40; ++i) {
            rig.forward();
            total += rig.outputs[0].events.events.size();
        }
        QCOMPARE(total, packet_.events.size() - 1);
        Observables obs;
        rig.kernel->observe(obs);
        auto msg = obs.get<std::string>("decode_error");
        QVERIFY(msg);
        QVERIFY2(msg->find("truncated") != std::string::npos, msg->c_str());
    }

    void eventFramesPreserveCounts() {
        // a 5 x 4 sensor, 2 x 2 pooling (3 x 2 frame pixels), T = 4 bins of 250 µs over [0, 1000)
        const std::vector<Event> events{{0, 1, 1, 1},   {10, 0, 0, 1},  {249, 4, 3, 0}, {250, 4, 3, 0},
                                        {600, 2, 2, 1}, {999, 3, 0, 0}, {999, 2, 1, 0}, {1000, 0, 0, 1}};
        KernelRig rig("EventFrames", {{"steps", 4}, {"pool", 2}}, {sensor(5, 4), Shape()});
        QVERIFY(rig.outShapes[0] == [] { Shape x = Shape::sequence(2 * 3 * 2, 4); x.width = 3; x.height = 4; return x; }());
        rig.inputs = {eventValue(5, 4, 0, 1000, events), Value{}};
        rig.forward();
        const Matrix& x = rig.outputs[0].tensor;
        QCOMPARE(x.rows(), Eigen::Index(4 * 12));
        QCOMPARE(x.sum(), 7.f);  // every event of the window once; t = 1000 is the next window's
        const auto at = [&](int t, int c, int y, int px) { return x(t * 12 + c * 6 + y * 3 + px, 0); };
        QCOMPARE(at(0, 1, 0, 0), 2.f);  // two ON events in pixel block (0, 0) during bin 0
        QCOMPARE(at(0, 0, 1, 2), 1.f);  // OFF at (4, 3), t = 249: bin 0 …
        QCOMPARE(at(1, 0, 1, 2), 1.f);  // … and at t = 250: bin 1
        QCOMPARE(at(2, 1, 1, 1), 1.f);
        QCOMPARE(at(3, 0, 0, 1), 2.f);  // (3, 0) and (2, 1) share block (1, 0)
        QCOMPARE(rig.outputs[1].tensor(0, 0), -1.f);  // no label connected
        // binary frames and merged polarity: one channel, 1 where any event was
        KernelRig bin("EventFrames", {{"steps", 4}, {"pool", 2}, {"frame", "binary"}, {"polarity", "merge"}},
                      {sensor(5, 4), Shape()});
        bin.inputs = rig.inputs;
        bin.forward();
        QCOMPARE(bin.outputs[0].tensor.rows(), Eigen::Index(4 * 6));
        QCOMPARE(bin.outputs[0].tensor.sum(), 5.f);  // the pairs in one block and bin count once
    }

    void eventFramesWindowAndLabel() {
        // window = 2 ms over 1 ms packets: each output bins the last two packets; the label passes
        KernelRig rig("EventFrames", {{"steps", 2}, {"window", 2.0}}, {sensor(2, 2), Shape::labels(10)});
        QVERIFY(rig.outShapes[1] == Shape::labels(10));
        Matrix label(1, 1);
        label(0, 0) = 7.f;
        rig.inputs = {eventValue(2, 2, 0, 1000, {{100, 0, 0, 1}, {900, 1, 1, 0}}), tensorValue(label)};
        rig.forward();
        QCOMPARE(rig.outputs[0].tensor.sum(), 2.f);
        rig.inputs[0] = eventValue(2, 2, 1000, 2000, {{1500, 1, 0, 1}});
        rig.forward();
        const Matrix& x = rig.outputs[0].tensor;  // bins [0, 1000) and [1000, 2000)
        QCOMPARE(x.topRows(8).sum(), 2.f);
        QCOMPARE(x(8 + 4 + 1, 0), 1.f);  // bin 1, ON, pixel (1, 0)
        QCOMPARE(rig.outputs[1].tensor(0, 0), 7.f);
        rig.inputs[0] = eventValue(2, 2, 2000, 3000, {});
        rig.forward();
        QCOMPARE(rig.outputs[0].tensor.sum(), 1.f);  // the first packet left the window
        try {  // a sequence is no label
            KernelRig bad("EventFrames", {}, {sensor(2, 2), Shape::sequence(1, 3)});
            QFAIL("a sequence was taken for labels");
        } catch (const BuildError& e) {
            QCOMPARE(QString::fromStdString(e.port), QString("label"));
        }
    }

    void eventFramesStepsMustMatchDownstream() {
        Graph g;
        const NodeId src = g.addNode("SaccadeDigits");
        const NodeId frames = g.addNode("EventFrames");
        g.setParam(frames, "steps", std::int64_t(8));
        const NodeId lif = g.addNode("LIFLayer");
        g.setParam(lif, "steps", std::int64_t(10));
        g.connect({src, "events"}, {frames, "events"});
        g.connect({frames, "x"}, {lif, "in"});
        Engine e;
        const std::string msg = formatIssues(e.build(g));
        QVERIFY(!e.ok());
        QVERIFY2(msg.find(g.node(lif)->name) != std::string::npos && msg.find("'in'") != std::string::npos &&
                     msg.find("8 steps") != std::string::npos,
                 msg.c_str());
        g.setParam(lif, "steps", std::int64_t(8));  // matching T builds
        QVERIFY2(Engine().build(g).empty(), "T = 8 on both sides");
    }

    void saccadeDigitsAreLabelled() {
        // 300 ms per engine step: each step is one whole presentation, its label the digit shown
        KernelRig rig("SaccadeDigits", {{"classes", 2}, {"shift", 0}, {"drop", 0.0}}, {});
        QCOMPARE(rig.outShapes[1], Shape::labels(2));
        std::map<int, std::size_t> events;
        std::vector<std::size_t> sizes;
        for (int k = 0; k < 6; ++k) {
            StepContext ctx;
            ctx.dt = 0.3;
            std::vector<const Value*> none;
            rig.kernel->forward(ctx, none, rig.outputs);
            const EventPacket& p = rig.outputs[0].events;
            QCOMPARE(p.tBegin, std::int64_t(k) * 300000);
            const int d = int(rig.outputs[1].tensor(0, 0));
            QVERIFY(d == 0 || d == 1);
            QVERIFY2(p.events.size() > 500, qPrintable(QString::number(p.events.size())));
            if (events.count(d)) QCOMPARE(p.events.size(), events[d]);  // no shift, no drop: the same recording
            events[d] = p.events.size();
        }
        QCOMPARE(int(events.size()), 2);
        QVERIFY(events[0] != events[1]);  // a 0 and a 1 are different recordings
        // dropping: about the fraction asked; sliced finely the stream is the same events
        KernelRig whole("SaccadeDigits", {{"classes", 2}, {"drop", 0.5}}, {});
        KernelRig fine("SaccadeDigits", {{"classes", 2}, {"drop", 0.5}}, {});
        StepContext big, small;
        big.dt = 0.3;
        small.dt = 0.001;
        whole.kernel->forward(big, {}, whole.outputs);
        std::size_t sliced = 0;
        for (int i = 0; i < 300; ++i) {
            fine.kernel->forward(small, {}, fine.outputs);
            sliced += fine.outputs[0].events.events.size();
        }
        const std::size_t kept = whole.outputs[0].events.events.size();
        QCOMPARE(sliced, kept);
        const double full = double(events[int(whole.outputs[1].tensor(0, 0))]);
        QVERIFY2(kept > 0.4 * full && kept < 0.6 * full, qPrintable(QString("%1 of %2").arg(kept).arg(full)));
    }

    void bundledSampleIsReproducible() {
        const QString path = QString(GANGLION_SOURCE_DIR) + "/resources/events/nmnist_sample.bin";
        const auto digits = std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        const EventPacket p = ev::makeSaccadeDigits(digits, 2026);
        const std::string fresh = dir_.filePath("fresh.bin").toStdString();
        std::string err;
        QVERIFY(ev::writeEvents(fresh, ev::FileFormat::NMnistBin, p, &err));
        if (qEnvironmentVariableIsSet("GANGLION_REGENERATE_SAMPLES"))
            QVERIFY(ev::writeEvents(path.toStdString(), ev::FileFormat::NMnistBin, p, &err));
        QVERIFY2(QFile::exists(path), "bundled sample missing; run with GANGLION_REGENERATE_SAMPLES=1");
        QVERIFY(slurp(fresh) == slurp(path.toStdString()));
        // Plausible N-MNIST statistics: a few thousand events per 300 ms digit, both polarities.
        QVERIFY2(p.events.size() > 10 * 1000 && p.events.size() < 10 * 20000,
                 qPrintable(QString::number(p.events.size())));
        EventPacket back;
        QVERIFY(ev::readAll(path.toStdString(), &back, &err));
        QCOMPARE(back.events.size(), p.events.size());
        QCOMPARE(back.width, 34);
    }
};

QTEST_GUILESS_MAIN(TstEventNodes)
#include "tst_event_nodes.moc"
