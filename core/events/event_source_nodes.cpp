// Event sources as graph nodes: a recording file, a synthetic generator, the image->event
// emulator and labelled saccade digits. Each engine step emits the slice of stream time [clock, clock + speed * dt).
#include "core/events/digit_sample.h"
#include "core/events/emulator.h"
#include "core/events/event_nodes.h"
#include "core/events/event_reader.h"
#include "core/events/synthetic.h"
#include "core/model/node_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace ganglion {

namespace ev = events;

namespace events {

std::string resolveDataPath(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty() || fs::exists(path, ec)) return path;
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("GANGLION_RESOURCES")) roots.emplace_back(env);
    // the source tree's resources/ (an absolute path set by CMake; __FILE__ may be relative when
    // the compiler cache rewrites paths, and then depends on the working directory)
    roots.emplace_back(GANGLION_RESOURCES_DIR);
    for (const auto& r : roots) {
        const fs::path p = r / path;
        if (fs::exists(p, ec)) return p.string();
    }
    return path;
}

bool isEventFilterType(const std::string& type) {
    return type == "BackgroundActivityFilter" || type == "CorrelationFilter" || type == "RefractoryFilter" ||
           type == "HotPixelFilter" || type == "EventSelect" || type == "EventDecimate";
}

}  // namespace events

namespace {

/// Common part of the sources: clock, speed, the published window and rate.
class SourceBase : public Kernel, public ev::EventPlayback {
public:
    void setParams(const ParamSet& p) override { speed_ = p.getFloat("speed"); }
    std::int64_t position() const override { return std::int64_t(clock_); }
    /// Generated sources: their learned state is the seed of `gen` (a generator with config() /
    /// configure()); loading one reconfigures it and restarts the stream.
    template <class Generator>
    void loadSeed(Generator& gen, const KernelState& state) {
        auto it = state.find("seed");
        if (it == state.end()) return;
        auto c = gen.config();
        c.seed = seedFromState(it->second, "seed");
        gen.configure(c);
        seekTo(0);
    }
    void observe(Observables& obs) const override {
        auto window = history_.window();
        obs.arrays["activations"] = ev::thumbnailFrame(*window);
        obs.extra["events"] = std::move(window);
        obs.scalars["events_out"] = double(total_);
        obs.scalars["event_rate"] = rate_;
        obs.scalars["time_s"] = clock_ * 1e-6;
    }

protected:
    void configureHistory(const ParamSet& p, int w, int h) {
        w_ = w;
        h_ = h;
        history_.configure(w, h, std::int64_t(p.getFloat(ev::kHistoryParam) * 1000.0), 4000000);
        speed_ = p.getFloat("speed");
    }
    /// End of this step's slice; advances the clock.
    std::int64_t advance(double dt) {
        clock_ += speed_ * dt * 1e6;
        return std::int64_t(clock_);
    }
    void emit(std::vector<Event>& events, std::int64_t t0, std::int64_t t1, Value& out) {
        out.type = PortType::Events;
        out.events.width = w_;
        out.events.height = h_;
        out.events.tBegin = t0;
        out.events.tEnd = t1;
        out.events.events.swap(events);
        events.clear();
        total_ += out.events.events.size();
        history_.push(out.events.events, t1);
        // Rate in stream time, smoothed over ~10 steps.
        const double span = double(std::max<std::int64_t>(1, t1 - t0)) * 1e-6;
        rate_ = 0.9 * rate_ + 0.1 * (double(out.events.events.size()) / span);
    }

    int w_ = 0, h_ = 0;
    double speed_ = 1.0;
    double clock_ = 0.0;  ///< µs of stream time reached
    std::uint64_t total_ = 0;
    double rate_ = 0.0;
    ev::EventHistory history_;
    std::vector<Event> buf_;
};

std::vector<ParamSpec> playbackParams() {
    return {floatParam("speed", 1.0, 0.0, 1e6,
                       "Playback speed: stream time per engine step = speed x dt (0 pauses the stream).", "x", true),
            floatParam(ev::kHistoryParam, 100.0, 1.0, 60000.0, "Stream time kept for the views (2D/3D window).", "ms")};
}

// ------------------------------------------------------------------ file

class EventFileKernel final : public SourceBase {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const std::string path = ev::resolveDataPath(ctx.params.getString("path"));
        std::string err;
        reader_ = ev::openEventFile(path, &err);
        if (!reader_) throw BuildError("", "path: " + err);
        if (reader_->width() <= 0 || reader_->height() <= 0)
            throw BuildError("", "path: '" + path + "' holds no events (sensor size unknown)");
        loop_ = ctx.params.getBool("loop");
        configureHistory(ctx.params, reader_->width(), reader_->height());
        begin_ = reader_->peekTime();
        if (begin_ == INT64_MAX) begin_ = 0;
        end_ = begin_;
        // Files up to 512 MB are decoded once here: it gives the duration for the scrubber and
        // fills the seek index. Larger ones reveal their end as they play.
        if (reader_->fileSize() <= (std::uint64_t(512) << 20)) {
            reader_->seek(INT64_MAX);
            if (reader_->lastTimeSeen() != INT64_MIN) end_ = reader_->lastTimeSeen() + 1;
        }
        seekTo(begin_ + std::int64_t(ctx.params.getFloat("start") * 1000.0));
        return {ev::sensorShape(reader_->width(), reader_->height())};
    }
    void setParams(const ParamSet& p) override {
        SourceBase::setParams(p);
        loop_ = p.getBool("loop");
    }
    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        const std::int64_t t0 = std::int64_t(clock_);
        const std::int64_t t1 = advance(ctx.dt);
        reader_->readUntil(buf_, t1);
        if (!buf_.empty()) end_ = std::max(end_, buf_.back().t + 1);
        if (reader_->atEnd()) {
            end_ = std::max(end_, t1);
            if (loop_) seekTo(begin_);
        }
        emit(buf_, t0, t1, out[0]);
    }
    void seekTo(std::int64_t t) override {
        reader_->seek(t);
        clock_ = double(t);
        history_.clear();
    }
    std::int64_t streamBegin() const override { return begin_; }
    std::int64_t streamEnd() const override { return end_; }
    void observe(Observables& obs) const override {
        SourceBase::observe(obs);
        obs.scalars["stream_begin_s"] = begin_ * 1e-6;
        obs.scalars["stream_end_s"] = end_ * 1e-6;
        if (!reader_->error().empty()) {
            obs.scalars["decode_error_offset"] = double(reader_->errorOffset());
            obs.extra["decode_error"] = std::make_shared<const std::string>(reader_->error());
        }
    }

private:
    std::unique_ptr<ev::EventReader> reader_;
    bool loop_ = true;
    std::int64_t begin_ = 0, end_ = 0;  ///< end_ grows as the file is read (streaming)
};

// ------------------------------------------------------------------ synthetic

class SyntheticKernel final : public SourceBase {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        ev::SyntheticConfig c;
        const std::string pat = p.getString("pattern");
        c.pattern = pat == "moving_bar" ? ev::SyntheticConfig::Pattern::MovingBar
                    : pat == "rotating_dots" ? ev::SyntheticConfig::Pattern::RotatingDots
                                             : ev::SyntheticConfig::Pattern::None;
        c.width = int(p.getInt("width"));
        c.height = int(p.getInt("height"));
        c.dots = int(p.getInt("dots"));
        c.dotRadius = p.getFloat("dot_radius");
        c.barWidth = p.getFloat("bar_width");
        c.hotPixels = int(p.getInt("hot_pixels"));
        c.seed = ctx.rng();
        gen_.configure(c);
        configureHistory(p, c.width, c.height);
        setParams(p);
        return {ev::sensorShape(c.width, c.height)};
    }
    void setParams(const ParamSet& p) override {
        SourceBase::setParams(p);
        const bool bar = p.getString("pattern") == "moving_bar";
        gen_.setRates(bar ? p.getFloat("bar_speed") : p.getFloat("rotation"), p.getFloat("noise_rate"),
                      p.getFloat("hot_rate"));
    }
    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        const std::int64_t t0 = std::int64_t(clock_);
        const std::int64_t t1 = advance(ctx.dt);
        gen_.generate(t0, t1, buf_);
        emit(buf_, t0, t1, out[0]);
    }
    void seekTo(std::int64_t t) override {
        t = std::max<std::int64_t>(0, t);
        gen_.restartAt(t);
        clock_ = double(t);
        history_.clear();
    }
    /// The seed the hot pixels and the noise are drawn from.
    KernelState saveState() const override { return {{"seed", seedState(gen_.config().seed)}}; }
    void loadState(const KernelState& state) override { loadSeed(gen_, state); }
    std::int64_t streamBegin() const override { return 0; }
    std::int64_t streamEnd() const override { return 0; }

private:
    ev::SyntheticEventSource gen_;
};

// ------------------------------------------------------------------ saccade digits

/// N-MNIST-style digits (core/events/digit_sample.h) one after the other, 300 ms each, in an order
/// drawn from the seed. Each digit is recorded once (when first shown); every presentation k
/// shifts it by a random offset and drops a random fraction of its events, both drawn from
/// (seed, k), so presentations differ and the stream can seek.
class SaccadeDigitsKernel final : public SourceBase {
public:
    static constexpr std::int64_t kDigitUs = 300000;
    std::vector<Shape> build(const BuildContext& ctx) override {
        classes_ = int(ctx.params.getInt("classes"));
        shift_ = int(ctx.params.getInt("shift"));
        drop_ = ctx.params.getFloat("drop");
        seed_ = ctx.rng();
        cache_.assign(std::size_t(classes_), {});
        configureHistory(ctx.params, 34, 34);
        seekTo(0);
        return {ev::sensorShape(34, 34), Shape::labels(classes_)};
    }
    void forward(const StepContext& ctx, std::span<const Value* const>, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        const std::int64_t t0 = std::int64_t(clock_), t1 = advance(ctx.dt);
        for (std::int64_t k = t0 / kDigitUs; k * kDigitUs < t1; ++k) present(k, t0, t1);
        emit(buf_, t0, t1, out[0]);
        digit_ = int(mix(std::uint64_t((t0 + t1) / 2 / kDigitUs)) % std::uint64_t(classes_));  // shown for most of the slice
        out[1].tensor.setConstant(1, 1, float(digit_));
    }
    void seekTo(std::int64_t t) override {
        clock_ = double(std::max<std::int64_t>(0, t));
        history_.clear();
    }
    void observe(Observables& obs) const override {
        SourceBase::observe(obs);
        if (digit_ >= 0) obs.scalars["digit"] = digit_;
    }
    KernelState saveState() const override { return {{"seed", seedState(seed_)}}; }
    void loadState(const KernelState& state) override {
        seed_ = seedFromState(checkedEntry(state, "SaccadeDigits", "seed", 4, 1), "seed");
        cache_.assign(cache_.size(), {});
        seekTo(0);
    }
    std::int64_t streamBegin() const override { return 0; }
    std::int64_t streamEnd() const override { return 0; }

private:
    static std::uint64_t splitmix(std::uint64_t h) {
        h = (h + 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
        h = (h ^ (h >> 30)) * 0x94d049bb133111ebull;
        return h ^ (h >> 31);
    }
    std::uint64_t mix(std::uint64_t k) const { return splitmix(seed_ ^ splitmix(k)); }
    /// Appends the events of presentation k (stream time [300k, 300(k+1)) ms) that fall in [t0, t1).
    void present(std::int64_t k, std::int64_t t0, std::int64_t t1) {
        const std::uint64_t h = mix(std::uint64_t(k));
        std::vector<Event>& rec = cache_[std::size_t(h % std::uint64_t(classes_))];
        if (rec.empty()) {
            rec = ev::makeSaccadeDigits({int(h % std::uint64_t(classes_))}, seed_).events;
            while (!rec.empty() && rec.back().t >= kDigitUs) rec.pop_back();  // the next digit's time
        }
        Rng rng(h);
        std::uniform_int_distribution<int> off(-shift_, shift_);
        const int dx = off(rng), dy = off(rng);
        const std::int64_t base = k * kDigitUs;
        // the drop decision of an event depends on its index only, so any slicing of the stream agrees
        for (std::size_t i = 0; i < rec.size(); ++i) {
            const Event& e = rec[i];
            if (e.t + base < t0 || e.t + base >= t1) continue;
            const double pick = double(splitmix(h ^ (std::uint64_t(i) * 0xd1b54a32d192ed03ull)) >> 11) * 0x1.0p-53;
            const int x = e.x + dx, y = e.y + dy;
            if (x < 0 || y < 0 || x >= 34 || y >= 34 || pick < drop_) continue;
            buf_.push_back({e.t + base, std::uint16_t(x), std::uint16_t(y), e.p});
        }
    }
    int classes_ = 10, shift_ = 2, digit_ = -1;
    double drop_ = 0.1;
    std::uint64_t seed_ = 0;
    std::vector<std::vector<Event>> cache_;  ///< one recording per digit
};

// ------------------------------------------------------------------ emulator

class EmulatorKernel final : public SourceBase {
public:
    std::vector<Shape> build(const BuildContext& ctx) override {
        const auto& p = ctx.params;
        ev::EmulatorConfig c;
        c.width = int(p.getInt("width"));
        c.height = int(p.getInt("height"));
        const int f = ctx.inputs[0].features;
        if (f > 0 && f != c.width * c.height)
            throw BuildError("image", "image has " + std::to_string(f) + " features but width x height = " +
                                          std::to_string(c.width * c.height));
        c.thresholdOn = p.getFloat("threshold_on");
        c.thresholdOff = p.getFloat("threshold_off");
        c.sigma = p.getFloat("threshold_sigma");
        c.refractoryUs = p.getFloat("refractory") * 1000.0;
        c.seed = ctx.rng();
        emu_.configure(c);
        configureHistory(p, c.width, c.height);
        return {ev::sensorShape(c.width, c.height)};
    }
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override {
        if (ctx.phase != Phase::Train) return;
        const std::int64_t t0 = std::int64_t(clock_);
        const std::int64_t t1 = advance(ctx.dt);
        if (in[0] && in[0]->tensor.rows() == w_ * h_ && in[0]->tensor.cols() > 0) {
            frame_.resize(std::size_t(w_ * h_));
            const auto col = in[0]->tensor.col(0);
            for (int i = 0; i < w_ * h_; ++i) frame_[std::size_t(i)] = col(i);
            emu_.feed(frame_.data(), t1, buf_);
        }
        emit(buf_, t0, t1, out[0]);
    }
    /// The seed of the per-pixel thresholds.
    KernelState saveState() const override { return {{"seed", seedState(emu_.config().seed)}}; }
    void loadState(const KernelState& state) override { loadSeed(emu_, state); }
    void seekTo(std::int64_t t) override {
        emu_.reset();
        clock_ = double(std::max<std::int64_t>(0, t));
        history_.clear();
    }
    std::int64_t streamBegin() const override { return 0; }
    std::int64_t streamEnd() const override { return 0; }

private:
    ev::EventEmulator emu_;
    std::vector<float> frame_;
};

}  // namespace

NodeSpec makeEventFileSpec() {
    NodeSpec s;
    s.type = "EventFile";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Event recording";
    s.category = "Event camera";
    s.observables = {"events", "decode_error", "activations"};
    s.role = NodeRole::Source;
    s.help = "Streams an event-camera recording (" + ev::eventFormatList() +
             ") without loading it whole; each step emits the next speed x dt of recording time. Relative paths "
             "also resolve against the bundled resources.";
    s.reference = "Orchard et al. 2015 (N-MNIST); Prophesee EVT 2.0/2.1/3.0 and iniVation AEDAT format specifications";
    s.outputs = {{"events", PortType::Events, "events of this step's time slice"}};
    ParamSpec path = stringParam("path", "events/nmnist_sample.bin", "Recording to play.");
    path.fileFilter = "Event recordings (" + ev::eventFilePatterns() + ")";
    s.params = {path,
                boolParam("loop", true, "Restart at the beginning when the recording ends.", true),
                floatParam("start", 0.0, 0.0, 1e9, "Start this far into the recording.", "ms")};
    for (auto& p : playbackParams()) s.params.push_back(p);
    s.create = [] { return std::make_unique<EventFileKernel>(); };
    return s;
}

NodeSpec makeSyntheticEventsSpec() {
    NodeSpec s;
    s.type = "SyntheticEvents";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Synthetic events";
    s.category = "Event camera";
    s.observables = {"events", "activations"};
    s.role = NodeRole::Source;
    s.help = "An ideal event sensor watching a moving bar or rotating dots (one event per pixel per edge "
             "crossing), with uniform background-activity noise and hot pixels at set rates.";
    s.outputs = {{"events", PortType::Events, "events of this step's time slice"}};
    s.params = {enumParam("pattern", "rotating_dots", {"moving_bar", "rotating_dots", "none"}, "What the sensor sees."),
                intParam("width", 128, 4, 2048, "Sensor width."),
                intParam("height", 128, 4, 2048, "Sensor height."),
                floatParam("bar_speed", 200.0, -1e5, 1e5, "Speed of the moving bar.", "px/s", true),
                floatParam("rotation", 1.0, -1000.0, 1000.0, "Angular speed of the dots.", "rev/s", true),
                intParam("dots", 3, 1, 64, "Number of dots."),
                floatParam("dot_radius", 5.0, 0.5, 200.0, "Dot radius.", "px"),
                floatParam("bar_width", 8.0, 1.0, 1000.0, "Bar width.", "px"),
                floatParam("noise_rate", 0.5, 0.0, 1000.0, "Background activity per pixel.", "Hz", true),
                intParam("hot_pixels", 4, 0, 10000, "Number of hot pixels."),
                floatParam("hot_rate", 200.0, 0.0, 1e5, "Firing rate of each hot pixel.", "Hz", true)};
    for (auto& p : playbackParams()) s.params.push_back(p);
    s.create = [] { return std::make_unique<SyntheticKernel>(); };
    return s;
}

NodeSpec makeEventEmulatorSpec() {
    NodeSpec s;
    s.type = "EventEmulator";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Event emulator";
    s.category = "Event camera";
    s.observables = {"events", "activations"};
    s.help = "Turns a sequence of images (one per step, width x height linear intensities) into events by "
             "log-intensity threshold crossings with per-pixel thresholds and a refractory period; event "
             "times are interpolated between frames.";
    s.reference = "Rebecq, Gehrig & Scaramuzza 2018 (ESIM); Hu, Liu & Delbruck 2021 (v2e)";
    s.inputs = {{"image", PortType::Tensor, "frame: width x height intensities (first sample)"}};
    s.outputs = {{"events", PortType::Events, "events between the previous frame and this one"}};
    s.params = {intParam("width", 28, 1, 4096, "Image width."),
                intParam("height", 28, 1, 4096, "Image height."),
                floatParam("threshold_on", 0.2, 0.01, 5.0, "Mean ON contrast threshold (log intensity)."),
                floatParam("threshold_off", 0.2, 0.01, 5.0, "Mean OFF contrast threshold (log intensity)."),
                floatParam("threshold_sigma", 0.03, 0.0, 1.0, "Per-pixel threshold standard deviation."),
                floatParam("refractory", 0.0, 0.0, 1000.0, "Minimum time between two events of a pixel.", "ms")};
    for (auto& p : playbackParams()) s.params.push_back(p);
    s.create = [] { return std::make_unique<EmulatorKernel>(); };
    s.example = [](const std::string&) {
        Shape image = Shape::tensor(16 * 12);
        image.width = 16;
        image.height = 12;
        return NodeExample{{{"width", std::int64_t(16)}, {"height", std::int64_t(12)}}, {image}};
    };
    return s;
}

NodeSpec makeSaccadeDigitsSpec() {
    NodeSpec s;
    s.type = "SaccadeDigits";
    s.timed = true;  // advances simulated time by the graph's dt every step
    s.title = "Saccade digits (labelled events)";
    s.category = "Event camera";
    s.role = NodeRole::Source;
    s.observables = {"events", "activations", "digit"};
    s.help = "N-MNIST-style event recordings made without a camera: seven-segment digits on a 34 x 34 sensor "
             "moved along N-MNIST's three saccades (300 ms per digit) and turned into events by the ESIM-style "
             "emulator, digits in a random order; each presentation is shifted by up to 'shift' pixels and loses a "
             "random 'drop' fraction of its events. 'label' is the class of the digit on the sensor.";
    s.reference = "Orchard et al. 2015, Converting static image datasets to spiking neuromorphic datasets using "
                  "saccades (the saccade pattern)";
    s.outputs = {{"events", PortType::Events, "events of this step's time slice"},
                 {"label", PortType::Tensor, "the digit shown (1 x 1 label)"}};
    s.params = {intParam("classes", 10, 2, 10, "Digits 0 … classes−1."),
                intParam("shift", 2, 0, 8, "Largest random shift of a presentation, in pixels (each axis)."),
                floatParam("drop", 0.1, 0.0, 0.9, "Fraction of a presentation's events dropped at random.")};
    for (auto& p : playbackParams()) s.params.push_back(p);
    s.create = [] { return std::make_unique<SaccadeDigitsKernel>(); };
    s.example = [](const std::string&) { return NodeExample{{{"classes", std::int64_t(2)}}, {}}; };
    return s;
}

}  // namespace ganglion
