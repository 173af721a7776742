// "EventFrames": an event stream binned into a sequence of frames, so an event camera can feed a
// recurrent cell or a LIF layer (sequence values: core/model/types.h).
//
// Each step the node takes the events of its window — this step's packet [tBegin, tEnd), or with
// window > 0 the last `window` ms up to the packet's end — and cuts that span into T equal time
// bins. Frame t holds, per pixel (pooled k x k) and polarity (OFF, ON; or one merged channel), the
// number of events whose time falls in bin t, or 1 where there was any (binary). The output is a
// sequence of T frames of channels·⌈h/k⌉·⌈w/k⌉ features (channel-major: c, y, x), one sample.
// Counts are exact: the frames' sum is the number of events in the window.
//
// Labels: connect the source's class output (e.g. SaccadeDigits' "label") to `label`; `y` then
// carries it beside the frames, ready for a Loss. With window = 0 consecutive outputs continue
// one another (a continuing stream).
#pragma once

#include "core/model/kernel.h"

#include <cstdint>
#include <deque>
#include <span>

namespace ganglion::events {

struct FrameBinning {
    int steps = 10;            ///< T
    int pool = 1;              ///< k: k x k pixels per frame pixel
    bool binary = false;       ///< 1 where a pixel had any event in the bin, else the count
    bool splitPolarity = true; ///< OFF and ON channels, else one channel of both
    int channels() const { return splitPolarity ? 2 : 1; }
};

/// Bins the events of [t0, t1) (others are skipped) of a width x height sensor into `out`, a
/// column of T·channels·⌈h/k⌉·⌈w/k⌉ values (resized, zeroed first). Returns the events binned.
std::size_t binFrames(std::span<const Event> events, int width, int height, std::int64_t t0, std::int64_t t1,
                      const FrameBinning& b, Matrix& out);

class EventFramesKernel : public Kernel {
public:
    std::vector<Shape> build(const BuildContext& ctx) override;
    void forward(const StepContext& ctx, std::span<const Value* const> in, std::span<Value> out) override;
    void observe(Observables& obs) const override;
    NodeCost cost() const override;

private:
    FrameBinning bin_;
    int width_ = 0, height_ = 0, pw_ = 0, ph_ = 0, classes_ = 0;
    std::int64_t windowUs_ = 0;
    std::deque<Event> kept_;  ///< window > 0: the events of the last window
    std::vector<Event> span_;
    std::size_t binned_ = 0;
    Matrix shown_;  ///< (channels·ph) x (T·pw): the latest frames side by side (canvas thumbnail)
};

}  // namespace ganglion::events
