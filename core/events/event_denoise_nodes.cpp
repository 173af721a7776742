// Scored denoising as graph nodes: a noise injector that adds labelled sensor noise to any event
// stream, and a denoising score that compares a labelled stream with what a filter (or chain) kept
// of it — live TP/FP/TN/FN, rates, precision, recall and F1 over a sliding window of stream time —
// and sweeps a filter's main parameter over the same labelled window for a ROC curve.
#include "core/events/denoise_score.h"
#include "core/events/event_nodes.h"
#include "core/events/noise_injector.h"
#include "core/model/node_spec.h"
#include "core/model/xy_curves.h"

#include <deque>
#include <stdexcept>

namespace ganglion {

namespace ev = events;

namespace {

// ------------------------------------------------------------------ noise injector

class NoiseKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs[0];
        if (in.width <= 0 || in.height <= 0)
            throw BuildError("events", "connect an event source: the sensor size is unknown");
        ev::NoiseConfig c = config(ctx.params);
        c.width = in.width;
        c.height = in.height;
        c.hotPixels = int(ctx.params.getInt("hot_pixels"));
        c.labelInput = ctx.params.getBool("label_input");
        c.seed = ctx.rng();
        try {
            noise_.configure(c);
        } catch (const std::invalid_argument& e) {
            throw BuildError("", e.what());
        }
        history_.configure(in.width, in.height, std::int64_t(ctx.params.getFloat(ev::kHistoryParam) * 1000.0), 2000000);
        return {in};
    }
    void setParams(const ParamSet& p) override {
        const auto c = config(p);
        noise_.setRates(c.baRate, c.shotRate, c.hotRate);
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train || !in[0]) return;
        const EventPacket& src = in[0]->events;
        EventPacket& dst = events::emptyPacketLike(src, out[0]);
        noise_.inject(src.tBegin, src.tEnd, src.events, dst.events);
        for (const Event& e : dst.events) (isNoiseLabel(e.label) ? noiseOut_ : signalOut_)++;
        streamUs_ += double(std::max<std::int64_t>(0, src.tEnd - src.tBegin));
        history_.push(dst.events, dst.tEnd);
    }
    KernelState saveState() const override { return {{"seed", seedState(noise_.config().seed)}}; }
    void loadState(const KernelState& state) override {
        auto it = state.find("seed");
        if (it == state.end()) return;
        auto c = noise_.config();
        c.seed = seedFromState(it->second, "seed");
        noise_.configure(c);
    }
    void observe(Observables& obs) const override {
        auto window = history_.window();
        obs.arrays["activations"] = ev::thumbnailFrame(*window);
        obs.extra["events"] = std::move(window);
        obs.scalars["noise_events"] = double(noiseOut_);
        obs.scalars["signal_events"] = double(signalOut_);
        const double total = double(noiseOut_ + signalOut_);
        obs.scalars["signal_fraction"] = total > 0 ? double(signalOut_) / total : 0.0;
        const auto& c = noise_.config();
        const double pixelSeconds = double(c.width) * double(c.height) * streamUs_ * 1e-6;
        obs.scalars["noise_rate_per_pixel"] = pixelSeconds > 0 ? double(noiseOut_) / pixelSeconds : 0.0;
    }

private:
    static ev::NoiseConfig config(const ParamSet& p) {
        ev::NoiseConfig c;
        c.baRate = p.getFloat("ba_rate");
        c.shotRate = p.getFloat("shot_rate");
        c.hotRate = p.getFloat("hot_rate");
        return c;
    }
    ev::NoiseInjector noise_;
    ev::EventHistory history_;
    std::uint64_t noiseOut_ = 0, signalOut_ = 0;
    double streamUs_ = 0;
};

// ------------------------------------------------------------------ denoising score

class DenoiseScoreKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape &a = ctx.inputs[0], &b = ctx.inputs[1];
        if (a.width <= 0 || a.height <= 0)
            throw BuildError("labelled", "connect the labelled stream (e.g. a noise injector's output)");
        if (b.width <= 0 || b.height <= 0) throw BuildError("filtered", "connect the filter's output");
        if (a.width != b.width || a.height != b.height)
            throw BuildError("filtered", "sensor " + std::to_string(b.width) + "x" + std::to_string(b.height) +
                                             " differs from the labelled stream's " + std::to_string(a.width) + "x" +
                                             std::to_string(a.height));
        w_ = a.width;
        h_ = a.height;
        const auto& p = ctx.params;
        rocOn_ = p.getString("roc_filter") != "none";
        if (rocOn_ && !ev::sweptFilterFromName(p.getString("roc_filter"), kind_))
            throw BuildError("", "roc_filter: unknown filter '" + p.getString("roc_filter") + "'");
        if (rocOn_) {
            try {
                values_ = ev::sweepValues(p.getFloat("roc_from"), p.getFloat("roc_to"), int(p.getInt("roc_points")));
            } catch (const std::invalid_argument& e) {
                throw BuildError("", e.what());
            }
        }
        windowUs_ = std::int64_t(p.getFloat("window") * 1000.0);
        if (windowUs_ <= 0) throw BuildError("", "window must be > 0 ms");
        return {};
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value>) override {
        if (ctx.phase != Phase::Train || !in[0] || !in[1]) return;
        const EventPacket& src = in[0]->events;
        if (src.tEnd < lastEnd_) restart();  // seek or loop
        lastEnd_ = src.tEnd;
        ev::DenoiseCounts c;
        c.add(src.events, in[1]->events.events);
        total_ += c;
        slices_.push_back({src.tEnd, c});
        windowCounts_ += c;
        while (slices_.size() > 1 && slices_.front().tEnd <= src.tEnd - windowUs_) {
            windowCounts_ -= slices_.front().counts;
            slices_.pop_front();
        }
        if (!rocOn_) return;
        buffer_.insert(buffer_.end(), src.events.begin(), src.events.end());
        if (rocStart_ == INT64_MIN) rocStart_ = src.tBegin;
        if (src.tEnd - rocStart_ >= windowUs_) {  // a full window of labelled events: sweep it
            roc_ = ev::rocSweep(kind_, values_, buffer_, w_, h_);
            buffer_.clear();
            rocStart_ = src.tEnd;
        }
    }
    void observe(Observables& obs) const override {
        const ev::DenoiseCounts& c = windowCounts_;
        obs.scalars["tp"] = double(c.tp);
        obs.scalars["fp"] = double(c.fp);
        obs.scalars["tn"] = double(c.tn);
        obs.scalars["fn"] = double(c.fn);
        obs.scalars["tpr"] = c.tpr();
        obs.scalars["fpr"] = c.fpr();
        obs.scalars["precision"] = c.precision();
        obs.scalars["recall"] = c.recall();
        obs.scalars["f1"] = c.f1();
        const double labelled = double(c.signal() + c.noise());
        obs.scalars["signal_fraction"] = labelled > 0 ? double(c.signal()) / labelled : 0.0;
        obs.scalars["f1_total"] = total_.f1();
        obs.scalars["unlabelled_events"] = double(total_.unlabelled);
        if (!rocOn_) return;
        Matrix roc(5, Eigen::Index(roc_.size()));
        for (std::size_t i = 0; i < roc_.size(); ++i)
            roc.col(Eigen::Index(i)) << float(roc_[i].value), float(roc_[i].fpr), float(roc_[i].tpr),
                float(roc_[i].f1), float(roc_[i].precision);
        obs.arrays["roc"] = std::move(roc);
        auto panels = std::make_shared<std::vector<XYPanel>>(2);
        XYPanel& r = (*panels)[0];
        r.title = "ROC: one point per swept value, ring = live";
        r.xLabel = "FPR (noise kept)";
        r.yLabel = "TPR (signal kept)";
        r.diagonal = "chance";
        r.unitSquare = true;
        XYCurve curve;
        for (const auto& pt : roc_) curve.points.emplace_back(pt.fpr, pt.tpr);
        curve.hasMark = c.signal() + c.noise() > 0;
        curve.markX = c.fpr();
        curve.markY = c.tpr();
        r.curves.push_back(curve);
        XYPanel& f = (*panels)[1];
        f.title = "F1 vs " + ev::sweptParameter(kind_);
        f.xLabel = ev::sweptParameter(kind_);
        f.yLabel = "F1 score";
        XYCurve f1;
        for (const auto& pt : roc_) f1.points.emplace_back(pt.value, pt.f1);
        f.curves.push_back(std::move(f1));
        obs.extra[kXYCurvesObservable] = std::shared_ptr<const std::vector<XYPanel>>(std::move(panels));
    }

private:
    struct Slice {
        std::int64_t tEnd;
        ev::DenoiseCounts counts;
    };
    void restart() {
        slices_.clear();
        windowCounts_ = {};
        buffer_.clear();
        rocStart_ = INT64_MIN;
    }
    int w_ = 0, h_ = 0;
    bool rocOn_ = false;
    ev::SweptFilter kind_ = ev::SweptFilter::BackgroundActivity;
    std::vector<double> values_;
    std::int64_t windowUs_ = 200000;
    std::int64_t lastEnd_ = INT64_MIN, rocStart_ = INT64_MIN;
    std::deque<Slice> slices_;
    ev::DenoiseCounts windowCounts_, total_;
    std::vector<Event> buffer_;
    std::vector<ev::RocPoint> roc_;
};

}  // namespace

NodeSpec makeEventNoiseSpec() {
    NodeSpec s;
    s.type = "EventNoise";
    s.title = "Noise injector";
    s.category = "Event camera";
    s.observables = {"events", "activations"};
    s.help = "Adds labelled sensor noise to any event stream: background activity (ON leak events) and shot noise "
             "(either polarity) at set rates per pixel, and hot pixels drawn from the seed. Injected events are "
             "labelled noise; input events keep their labels (unlabelled ones become signal when label_input is "
             "on), so a filter downstream can be scored. Deterministic for a seed.";
    s.reference = "Hu, Liu & Delbruck 2021 (v2e noise model); jAER NoiseTesterFilter";
    s.inputs = {{"events", PortType::Events, "events to add noise to"}};
    s.outputs = {{"events", PortType::Events, "input plus labelled noise, in time order"}};
    s.params = {floatParam("ba_rate", 1.0, 0.0, 1000.0, "Background-activity (leak) noise per pixel.", "Hz", true),
                floatParam("shot_rate", 0.0, 0.0, 1000.0, "Shot noise per pixel.", "Hz", true),
                intParam("hot_pixels", 0, 0, 100000, "Number of hot pixels."),
                floatParam("hot_rate", 100.0, 0.0, 1e5, "Firing rate of each hot pixel.", "Hz", true),
                boolParam("label_input", true, "Label unlabelled input events as signal (a clean recording)."),
                floatParam(ev::kHistoryParam, 100.0, 1.0, 60000.0, "Stream time kept for the views.", "ms")};
    s.create = [] { return std::make_unique<NoiseKernel>(); };
    return s;
}

NodeSpec makeDenoiseScoreSpec() {
    NodeSpec s;
    s.type = "DenoiseScore";
    s.title = "Denoise score";
    s.category = "Event camera";
    s.role = NodeRole::Sink;
    s.observables = {"tpr", "fpr", "f1", "precision", "recall", "roc", kXYCurvesObservable};
    s.help = "Scores a noise filter (or chain) on a labelled stream: signal kept = true positive, noise kept = false "
             "positive, noise removed = true negative, signal removed = false negative, over the last 'window' of "
             "stream time; TPR, FPR, precision, recall and F1. Each full window it re-runs a fresh roc_filter on "
             "the window's labelled events for every value of its main parameter from roc_from to roc_to: one "
             "(FPR, TPR) point per value, the ROC curve (array 'roc': value, FPR, TPR, F1, precision per column).";
    s.reference = "jAER NoiseTesterFilter; Guo & Delbruck 2022 (ROC of background-activity filters)";
    s.inputs = {{"labelled", PortType::Events, "the labelled stream the filter receives"},
                {"filtered", PortType::Events, "what the filter kept of it"}};
    s.params = {floatParam("window", 200.0, 1.0, 60000.0, "Stream time the scores and each ROC sweep cover.", "ms"),
                enumParam("roc_filter", "background_activity",
                          {"background_activity", "correlation", "refractory", "hot_pixel", "none"},
                          "Filter whose main parameter the ROC sweeps (window, window, period, k)."),
                floatParam("roc_from", 0.1, 0.0, 1e5, "First value of the swept parameter (ms, or k for hot_pixel)."),
                floatParam("roc_to", 100.0, 0.0, 1e5, "Last value (geometric steps when roc_from > 0)."),
                intParam("roc_points", 12, 2, 100, "Points on the ROC curve.")};
    s.create = [] { return std::make_unique<DenoiseScoreKernel>(); };
    return s;
}

}  // namespace ganglion
