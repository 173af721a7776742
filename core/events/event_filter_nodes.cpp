// Event filters as graph nodes: each passes its input packet through one EventFilter, reports
// events in/out, and publishes the windows before and after for the comparison view.
#include "core/events/event_nodes.h"
#include "core/events/filters.h"
#include "core/model/node_spec.h"

#include <functional>

namespace ganglion {

namespace ev = events;

namespace {

class FilterKernel final : public Kernel {
public:
    using Factory = std::function<std::unique_ptr<ev::EventFilter>(const ParamSet&)>;
    using Tune = std::function<void(ev::EventFilter&, const ParamSet&)>;
    FilterKernel(Factory make, Tune tune) : make_(std::move(make)), tune_(std::move(tune)) {}

    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs[0];
        if (in.width <= 0 || in.height <= 0)
            throw BuildError("events", "connect an event source: the sensor size is unknown");
        filter_ = make_(ctx.params);
        filter_->reset(in.width, in.height);
        const auto window = std::int64_t(ctx.params.getFloat(ev::kHistoryParam) * 1000.0);
        before_.configure(in.width, in.height, window, 2000000);
        after_.configure(in.width, in.height, window, 2000000);
        return {in};
    }
    void setParams(const ParamSet& p) override {
        if (tune_) tune_(*filter_, p);
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train || !in[0]) return;
        const EventPacket& src = in[0]->events;
        EventPacket& dst = events::emptyPacketLike(src, out[0]);
        if (src.tEnd < lastEnd_) filter_->restartStream();  // seek or loop: old timestamps are meaningless
        lastEnd_ = src.tEnd;
        filter_->process(src.events, dst.events);
        before_.push(src.events, src.tEnd);
        after_.push(dst.events, dst.tEnd);
    }
    void observe(Observables& obs) const override {
        obs.scalars["events_in"] = double(filter_->eventsIn());
        obs.scalars["events_out"] = double(filter_->eventsOut());
        obs.scalars["kept_fraction"] =
            filter_->eventsIn() ? double(filter_->eventsOut()) / double(filter_->eventsIn()) : 1.0;
        obs.extra["events_before"] = before_.window();
        auto window = after_.window();
        obs.arrays["activations"] = ev::thumbnailFrame(*window);
        obs.extra["events"] = std::move(window);
        if (auto* hp = dynamic_cast<const ev::HotPixelFilter*>(filter_.get()))
            obs.scalars["hot_pixels"] = double(hp->hotPixels().size());
    }

private:
    Factory make_;
    Tune tune_;
    std::unique_ptr<ev::EventFilter> filter_;
    ev::EventHistory before_, after_;
    std::int64_t lastEnd_ = INT64_MIN;
};

NodeSpec filterSpec(std::string type, std::string title, std::string help, std::string reference,
                    std::vector<ParamSpec> params, FilterKernel::Factory make, FilterKernel::Tune tune = {}) {
    NodeSpec s;
    s.type = std::move(type);
    s.title = std::move(title);
    s.category = "Event camera";
    s.observables = {"events", "events_before", "activations"};
    s.help = std::move(help) + " Reports events in and out.";
    s.reference = std::move(reference);
    s.inputs = {{"events", PortType::Events, "events to filter"}};
    s.outputs = {{"events", PortType::Events, "events kept"}};
    s.params = std::move(params);
    s.params.push_back(floatParam(ev::kHistoryParam, 100.0, 1.0, 60000.0, "Stream time kept for the views.", "ms"));
    s.create = [make, tune] { return std::make_unique<FilterKernel>(make, tune); };
    return s;
}

std::int64_t us(const ParamSet& p, const char* ms) { return std::int64_t(p.getFloat(ms) * 1000.0); }

}  // namespace

NodeSpec makeBackgroundActivityFilterSpec() {
    return filterSpec(
        "BackgroundActivityFilter", "Background-activity filter",
        "Keeps an event only if one of its 8 neighbours fired within the time window before it; isolated "
        "noise events have no such support.",
        "Delbruck 2008, Frame-free dynamic digital vision",
        {floatParam("window", 2.0, 0.01, 1000.0, "Support time window.", "ms", true)},
        [](const ParamSet& p) { return std::make_unique<ev::BackgroundActivityFilter>(us(p, "window")); },
        [](ev::EventFilter& f, const ParamSet& p) {
            static_cast<ev::BackgroundActivityFilter&>(f).setWindow(us(p, "window"));
        });
}

NodeSpec makeCorrelationFilterSpec() {
    return filterSpec(
        "CorrelationFilter", "Spatio-temporal correlation filter",
        "Keeps an event when at least 'support' other pixels in its neighbourhood fired within the window.",
        "Guo & Delbruck 2022, Low cost and latency event camera background activity denoising (STCF)",
        {floatParam("window", 5.0, 0.01, 1000.0, "Correlation time window.", "ms", true),
         intParam("radius", 1, 1, 5, "Neighbourhood radius (1 = 3x3)."),
         intParam("support", 2, 1, 120, "Neighbours needed.", true),
         boolParam("same_polarity", false, "Count only neighbours of the same polarity.")},
        [](const ParamSet& p) {
            return std::make_unique<ev::CorrelationFilter>(us(p, "window"), int(p.getInt("radius")),
                                                           int(p.getInt("support")), p.getBool("same_polarity"));
        },
        [](ev::EventFilter& f, const ParamSet& p) {
            static_cast<ev::CorrelationFilter&>(f).setParams(us(p, "window"), int(p.getInt("support")));
        });
}

NodeSpec makeRefractoryFilterSpec() {
    return filterSpec(
        "RefractoryFilter", "Refractory filter", "Drops events of a pixel that passed an event less than the period ago.",
        "", {floatParam("period", 1.0, 0.0, 1000.0, "Refractory period.", "ms", true)},
        [](const ParamSet& p) { return std::make_unique<ev::RefractoryFilter>(us(p, "period")); },
        [](ev::EventFilter& f, const ParamSet& p) { static_cast<ev::RefractoryFilter&>(f).setPeriod(us(p, "period")); });
}

NodeSpec makeHotPixelFilterSpec() {
    return filterSpec(
        "HotPixelFilter", "Hot-pixel filter",
        "Counts events per pixel over each period; pixels above mean + k standard deviations are flagged hot and "
        "their events dropped from the next period on.",
        "",
        {floatParam("period", 100.0, 1.0, 60000.0, "Counting period.", "ms"),
         floatParam("k", 5.0, 0.5, 100.0, "Threshold in standard deviations above the mean count."),
         intParam("min_events", 5, 1, 1000000, "A hot pixel has at least this many events per period.")},
        [](const ParamSet& p) {
            return std::make_unique<ev::HotPixelFilter>(us(p, "period"), p.getFloat("k"), int(p.getInt("min_events")));
        });
}

NodeSpec makeEventSelectSpec() {
    return filterSpec(
        "EventSelect", "Polarity / ROI select", "Keeps events of the chosen polarity inside a rectangle.", "",
        {enumParam("polarity", "both", {"both", "on", "off"}, "Polarity to keep.", true),
         intParam("x0", 0, 0, 65535, "ROI left (inclusive).", true), intParam("y0", 0, 0, 65535, "ROI top (inclusive).", true),
         intParam("x1", 0, 0, 65535, "ROI right (exclusive, 0 = sensor edge).", true),
         intParam("y1", 0, 0, 65535, "ROI bottom (exclusive, 0 = sensor edge).", true)},
        [](const ParamSet& p) {
            auto f = std::make_unique<ev::SelectFilter>();
            const auto& pol = p.getString("polarity");
            f->setParams(pol == "on" ? 1 : pol == "off" ? 0 : -1, int(p.getInt("x0")), int(p.getInt("y0")),
                         int(p.getInt("x1")), int(p.getInt("y1")));
            return f;
        },
        [](ev::EventFilter& f, const ParamSet& p) {
            const auto& pol = p.getString("polarity");
            static_cast<ev::SelectFilter&>(f).setParams(pol == "on" ? 1 : pol == "off" ? 0 : -1, int(p.getInt("x0")),
                                                        int(p.getInt("y0")), int(p.getInt("x1")), int(p.getInt("y1")));
        });
}

NodeSpec makeEventDecimateSpec() {
    return filterSpec(
        "EventDecimate", "Event decimation", "Keeps every n-th event.", "",
        {intParam("factor", 2, 1, 1000000, "Keep one event in this many.", true)},
        [](const ParamSet& p) { return std::make_unique<ev::DecimationFilter>(int(p.getInt("factor"))); },
        [](ev::EventFilter& f, const ParamSet& p) { static_cast<ev::DecimationFilter&>(f).setFactor(int(p.getInt("factor"))); });
}

}  // namespace ganglion
