// Event representations as nodes producing a Tensor (channels x height x width features, one
// sample) that can feed a network, and the events -> spikes converter.
#include "core/events/event_nodes.h"
#include "core/events/representations.h"
#include "core/model/node_spec.h"

#include <algorithm>

namespace ganglion {

namespace ev = events;

namespace {

/// Common part: sensor size from the input, output column, published image.
class ReprKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs[0];
        if (in.width <= 0 || in.height <= 0)
            throw BuildError("events", "connect an event source: the sensor size is unknown");
        w_ = in.width;
        h_ = in.height;
        configure(ctx.params);
        Shape s = Shape::tensor(channels_ * w_ * h_);
        s.width = w_;
        s.height = h_ * channels_;
        return {s};
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train || !in[0]) return;
        const EventPacket& p = in[0]->events;
        if (p.tEnd < now_) restart();
        now_ = p.tEnd;
        update(p);
        Matrix& m = out[0].tensor;
        out[0].type = PortType::Tensor;
        if (m.rows() != Eigen::Index(values_.size()) || m.cols() != 1) m.resize(Eigen::Index(values_.size()), 1);
        std::copy(values_.begin(), values_.end(), m.data());
    }
    void observe(Observables& obs) const override {
        // Channels stacked vertically: (channels * height) x width image for the views.
        Matrix img(h_ * channels_, w_);
        for (int c = 0; c < channels_; ++c)
            for (int y = 0; y < h_; ++y)
                for (int x = 0; x < w_; ++x)
                    img(c * h_ + y, x) = values_[std::size_t((c * h_ + y) * w_ + x)];
        obs.arrays["activations"] = img;  // canvas thumbnail
        obs.arrays["representation"] = std::move(img);
        obs.scalars["channels"] = channels_;
    }

protected:
    virtual void configure(const ParamSet& p) = 0;
    virtual void update(const EventPacket& p) = 0;
    virtual void restart() { configure(params_); }
    void remember(const ParamSet& p) { params_ = p; }

    int w_ = 0, h_ = 0, channels_ = 1;
    std::int64_t now_ = INT64_MIN;
    std::vector<float> values_;
    ParamSet params_;
};

class FrameKernel final : public ReprKernel {
protected:
    void configure(const ParamSet& p) override {
        remember(p);
        const bool byCount = p.getString("mode") == "count";
        frame_.configure(w_, h_, byCount ? 0 : std::int64_t(p.getFloat("window") * 1000.0), std::size_t(p.getInt("count")));
        values_.assign(std::size_t(w_ * h_), 0.f);
    }
    void update(const EventPacket& p) override {
        frame_.add(p.events);
        frame_.advance(p.tEnd);
        values_ = frame_.frame();
    }

private:
    ev::AccumulatedFrame frame_;
};

class TimeSurfaceKernel final : public ReprKernel {
public:
    void setParams(const ParamSet& p) override { ts_.setTau(p.getFloat("tau") * 1000.0); }

protected:
    void configure(const ParamSet& p) override {
        remember(p);
        ts_.configure(w_, h_, p.getFloat("tau") * 1000.0, p.getBool("split_polarity"));
        channels_ = ts_.channels();
        values_.assign(std::size_t(channels_ * w_ * h_), 0.f);
    }
    void update(const EventPacket& p) override {
        ts_.add(p.events);
        ts_.evaluate(p.tEnd, values_);
    }

private:
    ev::TimeSurface ts_;
};

class VoxelKernel final : public ReprKernel {
protected:
    void configure(const ParamSet& p) override {
        remember(p);
        grid_.configure(w_, h_, int(p.getInt("bins")), std::int64_t(p.getFloat("window") * 1000.0));
        channels_ = grid_.bins();
        values_.assign(std::size_t(channels_ * w_ * h_), 0.f);
    }
    void update(const EventPacket& p) override {
        grid_.add(p.events);
        grid_.evaluate(p.tEnd, values_);
    }

private:
    ev::VoxelGrid grid_;
};

class CountKernel final : public ReprKernel {
protected:
    void configure(const ParamSet& p) override {
        remember(p);
        split_ = p.getBool("split_polarity");
        channels_ = split_ ? 2 : 1;
        values_.assign(std::size_t(channels_ * w_ * h_), 0.f);
    }
    void update(const EventPacket& p) override { ev::countEvents(p.events, w_, h_, split_, values_); }

private:
    bool split_ = true;
};

// ------------------------------------------------------------------ events -> spikes

class EventsToSpikesKernel final : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const Shape& in = ctx.inputs[0];
        if (in.width <= 0 || in.height <= 0)
            throw BuildError("events", "connect an event source: the sensor size is unknown");
        pool_ = int(ctx.params.getInt("pool"));
        split_ = ctx.params.getString("polarity") == "separate";
        pw_ = (in.width + pool_ - 1) / pool_;
        ph_ = (in.height + pool_ - 1) / pool_;
        neurons_ = pw_ * ph_ * (split_ ? 2 : 1);
        mark_.assign(std::size_t(neurons_), 0);
        recent_ = Matrix::Zero(ph_, pw_);
        return {Shape::tensor(neurons_)};
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        SpikeFrame& f = out[0].spikes;
        out[0].type = PortType::Spikes;
        f.neurons = neurons_;
        f.t = double(ctx.step) * ctx.dt;
        f.fired.clear();
        if (!in[0]) return;
        ++stamp_;
        const int plane = pw_ * ph_;
        for (const Event& e : in[0]->events.events) {
            const int x = e.x / pool_, y = e.y / pool_;
            if (x >= pw_ || y >= ph_) continue;
            const int idx = (split_ && e.p ? plane : 0) + y * pw_ + x;
            if (mark_[std::size_t(idx)] == stamp_) continue;  // one spike per neuron per step
            mark_[std::size_t(idx)] = stamp_;
            f.fired.push_back(idx);
        }
        std::sort(f.fired.begin(), f.fired.end());
        total_ += f.fired.size();
        // recent spikes per pooled pixel (both polarities on one plane), fading over ~20 steps
        recent_ *= 0.95f;
        for (std::int32_t idx : f.fired) recent_((idx % plane) / pw_, (idx % plane) % pw_) = 1.f;
    }
    void observe(Observables& obs) const override {
        obs.scalars["spikes_total"] = double(total_);
        obs.scalars["neurons"] = neurons_;
        obs.arrays["activations"] = recent_;  // canvas thumbnail: where the spikes come from
    }

private:
    int pool_ = 1, pw_ = 0, ph_ = 0, neurons_ = 0;
    bool split_ = false;
    std::vector<std::uint32_t> mark_;
    std::uint32_t stamp_ = 0;
    std::uint64_t total_ = 0;
    Matrix recent_;  ///< pooled height x width, 1 where a neuron just fired, fading
};

NodeSpec reprSpec(std::string type, std::string title, std::string help, std::string reference,
                  std::vector<ParamSpec> params) {
    NodeSpec s;
    s.type = std::move(type);
    s.title = std::move(title);
    s.category = "Event camera";
    s.observables = {"representation", "activations"};
    s.help = std::move(help) + " Output: channels x height x width features, one sample, ready for a network.";
    s.reference = std::move(reference);
    s.inputs = {{"events", PortType::Events, "event stream"}};
    s.outputs = {{"out", PortType::Tensor, "representation (channels*height*width x 1)"}};
    s.params = std::move(params);
    return s;
}

}  // namespace

NodeSpec makeEventFrameSpec() {
    auto s = reprSpec("EventFrame", "Accumulated frame",
                      "Signed polarity sum (ON +1, OFF -1) per pixel over the last time window or the last N events.", "",
                      {enumParam("mode", "time", {"time", "count"}, "Window by time or by number of events."),
                       floatParam("window", 30.0, 0.01, 60000.0, "Time window (mode time).", "ms"),
                       intParam("count", 5000, 1, 100000000, "Number of events (mode count).")});
    s.create = [] { return std::make_unique<FrameKernel>(); };
    return s;
}

NodeSpec makeTimeSurfaceSpec() {
    auto s = reprSpec("TimeSurface", "Time surface",
                      "exp(-(t - t_last(x, y)) / tau) per pixel (and polarity), 0 where no event occurred yet.",
                      "Lagorce et al. 2017, HOTS: a hierarchy of event-based time-surfaces",
                      {floatParam("tau", 50.0, 0.01, 60000.0, "Decay time constant.", "ms", true),
                       boolParam("split_polarity", true, "One channel per polarity.")});
    s.create = [] { return std::make_unique<TimeSurfaceKernel>(); };
    return s;
}

NodeSpec makeVoxelGridSpec() {
    auto s = reprSpec("VoxelGrid", "Voxel grid",
                      "Events of the last window binned into B time slices with linear interpolation between the two "
                      "nearest bins (polarity +1/-1).",
                      "Zhu, Yuan, Chaney & Daniilidis 2019, Unsupervised event-based learning of optical flow",
                      {intParam("bins", 5, 1, 64, "Time bins."),
                       floatParam("window", 50.0, 0.01, 60000.0, "Time window.", "ms")});
    s.create = [] { return std::make_unique<VoxelKernel>(); };
    return s;
}

NodeSpec makeEventCountSpec() {
    auto s = reprSpec("EventCount", "Event count", "Events per pixel in this step's packet.", "",
                      {boolParam("split_polarity", true, "Separate OFF and ON channels.")});
    s.create = [] { return std::make_unique<CountKernel>(); };
    return s;
}

NodeSpec makeEventsToSpikesSpec() {
    NodeSpec s;
    s.type = "EventsToSpikes";
    s.title = "Events to spikes";
    s.category = "Event camera";
    s.help = "Each pixel (optionally pooled, optionally per polarity) is an input neuron that spikes in a step "
             "when its pixel had an event in that step's packet.";
    s.inputs = {{"events", PortType::Events, "event stream"}};
    s.outputs = {{"spikes", PortType::Spikes, "input neurons that fired this step"}};
    s.params = {intParam("pool", 1, 1, 64, "Pool k x k pixels into one neuron."),
                enumParam("polarity", "merge", {"merge", "separate"}, "One neuron per pixel, or one per pixel and polarity.")};
    s.observables = {"activations"};  // a fading map of where the recent spikes came from
    s.create = [] { return std::make_unique<EventsToSpikesKernel>(); };
    return s;
}

}  // namespace ganglion
