#include "core/events/digit_sample.h"

#include "core/events/emulator.h"

#include <algorithm>
#include <cmath>

namespace ganglion::events {

namespace {
constexpr int kSize = 34;
// Segments a..g of a seven-segment display as line segments in a 14 x 24 box.
struct Seg { double x0, y0, x1, y1; };
constexpr Seg kSegs[7] = {{2, 2, 12, 2},  {12, 2, 12, 12}, {12, 12, 12, 22}, {2, 22, 12, 22},
                          {2, 12, 2, 22}, {2, 2, 2, 12},   {2, 12, 12, 12}};
constexpr std::uint8_t kDigitSegs[10] = {0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110,
                                         0b1101101, 0b1111101, 0b0000111, 0b1111111, 0b1101111};

double segDistance(double px, double py, const Seg& s) {
    const double vx = s.x1 - s.x0, vy = s.y1 - s.y0;
    const double len2 = vx * vx + vy * vy;
    double u = len2 > 0 ? ((px - s.x0) * vx + (py - s.y0) * vy) / len2 : 0.0;
    u = std::clamp(u, 0.0, 1.0);
    const double dx = px - (s.x0 + u * vx), dy = py - (s.y0 + u * vy);
    return std::sqrt(dx * dx + dy * dy);
}
}  // namespace

void renderDigit(int digit, double dx, double dy, std::vector<float>& image) {
    image.assign(kSize * kSize, 0.15f);
    const std::uint8_t segs = kDigitSegs[std::clamp(digit, 0, 9)];
    const double ox = 10 + dx, oy = 5 + dy;  // box origin on the sensor
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
            // 4x4 supersampling gives smooth edges, so sub-pixel motion changes intensity gradually.
            double cover = 0;
            for (int sy = 0; sy < 4; ++sy)
                for (int sx = 0; sx < 4; ++sx) {
                    const double px = x + (sx + 0.5) / 4 - ox, py = y + (sy + 0.5) / 4 - oy;
                    double d = 1e9;
                    for (int s = 0; s < 7; ++s)
                        if (segs & (1 << s)) d = std::min(d, segDistance(px, py, kSegs[s]));
                    cover += d <= 1.5 ? 1.0 : 0.0;
                }
            image[std::size_t(y * kSize + x)] += float(0.85 * cover / 16.0);
        }
}

EventPacket makeSaccadeDigits(const std::vector<int>& digits, std::uint64_t seed, std::vector<DigitSampleInfo>* info) {
    EventPacket p;
    p.width = p.height = kSize;
    EmulatorConfig cfg;
    cfg.width = cfg.height = kSize;
    cfg.thresholdOn = cfg.thresholdOff = 0.15;
    cfg.sigma = 0.02;
    cfg.refractoryUs = 500;
    cfg.seed = seed;
    EventEmulator emu;
    emu.configure(cfg);
    std::vector<float> img;
    // Saccade triangle: (0,0) -> (3.5,3.5) -> (7,0) -> (0,0), 100 ms per leg, 1 ms frames.
    const double corners[4][2] = {{-3.5, -1.5}, {0, 2}, {3.5, -1.5}, {-3.5, -1.5}};
    std::int64_t t = 0;
    for (int d : digits) {
        DigitSampleInfo di;
        di.digit = d;
        di.tBegin = t;
        emu.reset();
        for (int ms = 0; ms <= 300; ++ms) {
            const int leg = std::min(2, ms / 100);
            const double f = (ms - leg * 100) / 100.0;
            const double dx = corners[leg][0] + f * (corners[leg + 1][0] - corners[leg][0]);
            const double dy = corners[leg][1] + f * (corners[leg + 1][1] - corners[leg][1]);
            renderDigit(d, dx, dy, img);
            emu.feed(img.data(), t + ms * 1000, p.events);
        }
        t += 300000;
        di.tEnd = t;
        if (info) info->push_back(di);
    }
    p.tBegin = 0;
    p.tEnd = t;
    return p;
}

}  // namespace ganglion::events
