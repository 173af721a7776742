// N-MNIST-style recordings made without a camera: seven-segment digits rendered on a 34x34
// sensor, moved along the three-saccade triangle used to record N-MNIST (Orchard et al. 2015),
// and turned into events by the ESIM-style emulator. Used for the bundled sample
// (resources/events/nmnist_sample.bin) and tests.
#pragma once

#include "core/model/types.h"

#include <cstdint>
#include <vector>

namespace ganglion::events {

struct DigitSampleInfo {
    int digit = 0;
    std::int64_t tBegin = 0, tEnd = 0;  ///< µs
};

/// Renders `digit` (0-9) at sub-pixel offset (dx, dy) into a 34x34 intensity image.
void renderDigit(int digit, double dx, double dy, std::vector<float>& image);

/// One 300 ms recording per digit, back to back. `info` (optional) gets each digit's span.
EventPacket makeSaccadeDigits(const std::vector<int>& digits, std::uint64_t seed,
                              std::vector<DigitSampleInfo>* info = nullptr);

}  // namespace ganglion::events
