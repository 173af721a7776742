#include "core/events/denoise_score.h"

#include <cmath>
#include <stdexcept>

namespace ganglion::events {

void DenoiseCounts::add(std::span<const Event> input, std::span<const Event> kept) {
    std::uint64_t sig = 0, noise = 0, keptSig = 0, keptNoise = 0;
    for (const Event& e : input) {
        if (e.label == EventLabel::Unlabelled) ++unlabelled;
        else if (isNoiseLabel(e.label)) ++noise;
        else ++sig;
    }
    for (const Event& e : kept) {
        if (e.label == EventLabel::Unlabelled) continue;
        if (isNoiseLabel(e.label)) ++keptNoise;
        else ++keptSig;
    }
    // A filter never adds events; clamp so a mismatched pair of streams cannot underflow.
    keptSig = std::min(keptSig, sig);
    keptNoise = std::min(keptNoise, noise);
    tp += keptSig;
    fn += sig - keptSig;
    fp += keptNoise;
    tn += noise - keptNoise;
}

DenoiseCounts& DenoiseCounts::operator+=(const DenoiseCounts& o) {
    tp += o.tp; fp += o.fp; tn += o.tn; fn += o.fn; unlabelled += o.unlabelled;
    return *this;
}

DenoiseCounts& DenoiseCounts::operator-=(const DenoiseCounts& o) {
    tp -= o.tp; fp -= o.fp; tn -= o.tn; fn -= o.fn; unlabelled -= o.unlabelled;
    return *this;
}

double DenoiseCounts::tpr() const { return signal() ? double(tp) / double(signal()) : 1.0; }
double DenoiseCounts::fpr() const { return noise() ? double(fp) / double(noise()) : 0.0; }
double DenoiseCounts::precision() const { return tp + fp ? double(tp) / double(tp + fp) : 1.0; }
double DenoiseCounts::f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2.0 * p * r / (p + r) : 0.0;
}

bool sweptFilterFromName(const std::string& name, SweptFilter& out) {
    if (name == "background_activity") out = SweptFilter::BackgroundActivity;
    else if (name == "correlation") out = SweptFilter::Correlation;
    else if (name == "refractory") out = SweptFilter::Refractory;
    else if (name == "hot_pixel") out = SweptFilter::HotPixel;
    else return false;
    return true;
}

std::string sweptParameter(SweptFilter f) {
    switch (f) {
    case SweptFilter::BackgroundActivity: return "BA window (ms)";
    case SweptFilter::Correlation: return "correlation window (ms)";
    case SweptFilter::Refractory: return "refractory period (ms)";
    case SweptFilter::HotPixel: return "hot-pixel k (std. dev.)";
    }
    return "";
}

std::unique_ptr<EventFilter> makeSweptFilter(SweptFilter f, double value) {
    const auto us = std::int64_t(std::llround(value * 1000.0));
    switch (f) {
    case SweptFilter::BackgroundActivity: return std::make_unique<BackgroundActivityFilter>(us);
    case SweptFilter::Correlation: return std::make_unique<CorrelationFilter>(us);
    case SweptFilter::Refractory: return std::make_unique<RefractoryFilter>(us);
    case SweptFilter::HotPixel: return std::make_unique<HotPixelFilter>(100000, value);
    }
    return nullptr;
}

std::vector<RocPoint> rocSweep(SweptFilter f, std::span<const double> values, std::span<const Event> events,
                               int width, int height) {
    std::vector<RocPoint> roc;
    std::vector<Event> kept;
    for (double v : values) {
        auto filter = makeSweptFilter(f, v);
        filter->reset(width, height);
        kept.clear();
        filter->process(events, kept);
        DenoiseCounts c;
        c.add(events, kept);
        roc.push_back({v, c.fpr(), c.tpr(), c.f1(), c.precision()});
    }
    return roc;
}

std::vector<double> sweepValues(double from, double to, int points) {
    if (!std::isfinite(from) || !std::isfinite(to) || from < 0)
        throw std::invalid_argument("roc_from and roc_to must be finite and >= 0");
    if (!(to > from))
        throw std::invalid_argument("roc_to (" + std::to_string(to) + ") must be greater than roc_from (" +
                                    std::to_string(from) + ")");
    if (points < 2) throw std::invalid_argument("roc_points must be at least 2");
    std::vector<double> v(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
        const double a = double(i) / double(points - 1);
        v[std::size_t(i)] = from > 0 ? from * std::pow(to / from, a) : from + (to - from) * a;
    }
    return v;
}

}  // namespace ganglion::events
