#include "core/events/event_frames.h"

#include "core/model/node_spec.h"

#include <algorithm>

namespace ganglion {
namespace events {

std::size_t binFrames(std::span<const Event> events, int width, int height, std::int64_t t0, std::int64_t t1,
                      const FrameBinning& b, Matrix& out) {
    const int pw = (width + b.pool - 1) / b.pool, ph = (height + b.pool - 1) / b.pool;
    const Eigen::Index plane = Eigen::Index(pw) * ph, frame = plane * b.channels();
    out.setZero(frame * b.steps, 1);
    const std::int64_t span = std::max<std::int64_t>(1, t1 - t0);
    std::size_t n = 0;
    for (const Event& e : events) {
        if (e.t < t0 || e.t >= t1 || e.x >= width || e.y >= height) continue;
        const auto t = Eigen::Index((e.t - t0) * b.steps / span);  // in [0, T) since t0 ≤ e.t < t1
        const Eigen::Index c = b.splitPolarity && e.p ? 1 : 0;
        float& v = out(t * frame + c * plane + Eigen::Index(e.y / b.pool) * pw + e.x / b.pool, 0);
        v = b.binary ? 1.f : v + 1.f;
        ++n;
    }
    return n;
}

std::vector<Shape> EventFramesKernel::build(const BuildContext& ctx) {
    const Shape& ev = ctx.inputs[0];
    if (ev.width <= 0 || ev.height <= 0) throw BuildError("events", "connect an event source: the sensor size is unknown");
    const ParamSet& p = ctx.params;
    bin_.steps = int(p.getInt("steps"));
    bin_.pool = int(p.getInt("pool"));
    bin_.binary = p.getString("frame") == "binary";
    bin_.splitPolarity = p.getString("polarity") == "separate";
    windowUs_ = std::int64_t(p.getFloat("window") * 1000.0);
    width_ = ev.width;
    height_ = ev.height;
    pw_ = (width_ + bin_.pool - 1) / bin_.pool;
    ph_ = (height_ + bin_.pool - 1) / bin_.pool;
    const Shape& label = ctx.inputs[1];
    classes_ = 0;
    if (label.features > 0) {
        if (label.classes <= 0 || label.steps > 0)
            throw BuildError("label", "expects the source's class labels (1 x batch), got " +
                                          std::to_string(label.rows()) + " rows that are not labels");
        classes_ = label.classes;
    }
    kept_.clear();
    binned_ = 0;
    shown_.resize(0, 0);
    Shape x = Shape::sequence(bin_.channels() * pw_ * ph_, bin_.steps);
    x.width = pw_;
    x.height = ph_ * bin_.channels();
    return {x, Shape::labels(classes_)};
}

void EventFramesKernel::forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) {
    if (ctx.phase != Phase::Train || !in[0]) return;  // event streams advance on training steps only
    const EventPacket& p = in[0]->events;
    std::int64_t t0 = p.tBegin;
    std::span<const Event> events(p.events);
    if (windowUs_ > 0) {
        if (!kept_.empty() && p.tEnd < kept_.back().t) kept_.clear();  // the stream restarted (loop, seek)
        kept_.insert(kept_.end(), p.events.begin(), p.events.end());
        t0 = p.tEnd - windowUs_;
        while (!kept_.empty() && kept_.front().t < t0) kept_.pop_front();
        span_.assign(kept_.begin(), kept_.end());
        events = span_;
    }
    binned_ = binFrames(events, width_, height_, t0, std::max(p.tEnd, t0 + 1), bin_, out[0].tensor);
    Matrix& y = out[1].tensor;
    y.resize(1, 1);
    y(0, 0) = classes_ > 0 && in[1] && in[1]->tensor.size() ? in[1]->tensor(0, 0) : -1.f;
    // the canvas thumbnail: the T frames side by side, channels stacked
    const Eigen::Index frame = Eigen::Index(bin_.channels()) * pw_ * ph_;
    shown_.resize(Eigen::Index(bin_.channels()) * ph_, Eigen::Index(bin_.steps) * pw_);
    for (int t = 0; t < bin_.steps; ++t)
        for (Eigen::Index r = 0; r < shown_.rows(); ++r)
            for (int x = 0; x < pw_; ++x) shown_(r, Eigen::Index(t) * pw_ + x) = out[0].tensor(t * frame + r * pw_ + x, 0);
}

void EventFramesKernel::observe(Observables& obs) const {
    obs.scalars["events_binned"] = double(binned_);
    if (shown_.size()) obs.arrays["activations"] = shown_;
}

NodeCost EventFramesKernel::cost() const {
    NodeCost c;
    c.counted = true;
    c.forwardMacs = double(bin_.steps) * bin_.channels() * pw_ * ph_;  // clearing and writing the frames
    c.trainMacs = c.forwardMacs;
    return c;
}

}  // namespace events

NodeSpec makeEventFramesSpec() {
    NodeSpec s;
    s.type = "EventFrames";
    s.title = "Events to frame sequence";
    s.category = "Event camera";
    s.help = "Bins an event window into a sequence of T frames (events per pixel and polarity in each of T equal "
             "time bins, or 1 where there was any), optionally pooled k x k, so an event stream can feed an LSTM "
             "or a LIF layer. The window is this step's packet, or the last 'window' ms. Connect the source's "
             "class to 'label' to get it on 'y' for a Loss.";
    s.reference = "Fang et al., Incorporating learnable membrane time constants to enhance learning of spiking "
                  "neural networks (ICCV 2021): event streams integrated into T frames";
    s.inputs = {{"events", PortType::Events, "event stream"},
                {"label", PortType::Tensor, "the source's class (1 x 1 label), when it has one", true}};
    s.outputs = {{"x", PortType::Tensor, "a sequence of T frames (T·channels·height·width x 1)"},
                 {"y", PortType::Tensor, "the label passed through (−1 when none is connected)"}};
    s.params = {intParam("steps", 10, 1, 1000, "T: frames per window."),
                floatParam("window", 0.0, 0.0, 60000.0, "Span binned each step; 0 = this step's packet.", "ms"),
                enumParam("frame", "count", {"count", "binary"}, "Events per pixel in a bin, or 1 where any."),
                enumParam("polarity", "separate", {"separate", "merge"}, "OFF and ON channels, or one of both."),
                intParam("pool", 1, 1, 64, "Downsample: k x k pixels per frame pixel.")};
    s.observables = {"events_binned", "activations", "through_time"};
    s.sequenceAware = true;
    s.create = [] { return std::make_unique<events::EventFramesKernel>(); };
    s.example = [](const std::string&) {
        Shape ev;
        ev.width = 8;
        ev.height = 6;
        return NodeExample{{{"steps", std::int64_t(3)}, {"pool", std::int64_t(2)}}, {ev, Shape::labels(10)}};
    };
    return s;
}

}  // namespace ganglion
