#include "core/memory/patterns.h"

#include "core/memory/glyphs.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ganglion::memory {

namespace {

float uniform(Rng& rng) { return float(double(rng() >> 11) * 0x1.0p-53); }

void drawBlanks(PatternBank& b, std::uint64_t seed) {
    Rng rng(seed ^ 0x9e3779b97f4a7c15ull);
    b.blank.resize(b.base.rows(), b.base.cols());
    for (Eigen::Index i = 0; i < b.blank.size(); ++i) b.blank(i) = uniform(rng);
}

}  // namespace

Matrix PatternBank::diluted(double d) const {
    Matrix p = base;
    if (d > 0)
        for (Eigen::Index i = 0; i < p.size(); ++i)
            if (blank(i) < float(d)) p(i) = 0.f;
    return p;
}

Matrix asImage(const Eigen::Ref<const Vector>& v, int width, int height) {
    Matrix img = Matrix::Zero(std::max(0, height), std::max(0, width));
    for (Eigen::Index i = 0; i < std::min<Eigen::Index>(v.size(), img.size()); ++i) img(i / width, i % width) = v(i);
    return img;
}

void squareLayout(int n, int& width, int& height) {
    width = std::max(1, int(std::ceil(std::sqrt(double(std::max(1, n))))));
    height = (std::max(1, n) + width - 1) / width;
}

PatternBank randomBank(int n, int k, std::uint64_t seed) {
    if (n < 1 || k < 1) throw std::invalid_argument("a pattern bank needs at least one pattern of one unit");
    PatternBank b;
    Rng rng(seed);
    b.base.resize(n, k);
    for (Eigen::Index i = 0; i < b.base.size(); ++i) b.base(i) = (rng() >> 63) ? 1.f : -1.f;
    drawBlanks(b, seed);
    squareLayout(n, b.width, b.height);
    for (int j = 0; j < k; ++j) b.labels.push_back(std::to_string(j + 1));
    return b;
}

PatternBank orthogonalBank(int n, int k, std::uint64_t seed) {
    if (n < 1 || k < 1 || k > n)
        throw std::invalid_argument("orthogonal patterns: " + std::to_string(k) + " patterns cannot have disjoint active "
                                    "units among " + std::to_string(n));
    PatternBank b;
    Rng rng(seed);
    std::vector<int> units(static_cast<std::size_t>(n));
    std::iota(units.begin(), units.end(), 0);
    std::shuffle(units.begin(), units.end(), rng);
    b.base = Matrix::Constant(n, k, -1.f);
    const int each = n / k;
    for (int j = 0; j < k; ++j)
        for (int u = 0; u < each; ++u) b.base(units[std::size_t(j * each + u)], j) = 1.f;
    drawBlanks(b, seed);
    squareLayout(n, b.width, b.height);
    for (int j = 0; j < k; ++j) b.labels.push_back(std::to_string(j + 1));
    return b;
}

PatternBank glyphBank(const std::string& set, int k, std::uint64_t seed) {
    const GlyphSet& g = glyphSet(set);
    if (k < 1 || k > g.bitmaps.cols())
        throw std::invalid_argument("the " + set + " set has " + std::to_string(g.bitmaps.cols()) + " glyphs, not " +
                                    std::to_string(k));
    PatternBank b;
    b.base = g.bitmaps.leftCols(k);
    b.labels.assign(g.labels.begin(), g.labels.begin() + k);
    b.width = b.height = kGlyphSide;
    drawBlanks(b, seed);
    return b;
}

namespace {
/// Start of a span of `len` in [0, size) centred at fraction `at` (random when at < 0).
int placeSpan(int size, int len, double at, Rng& rng) {
    if (at < 0) return int(rng() % std::uint64_t(size - len + 1));
    return std::clamp(int(std::lround(at * size - len / 2.0)), 0, size - len);
}
}  // namespace

Vector corruptCue(const Vector& pattern, double flip, double erase, int width, int height, Rng& rng, double atX,
                  double atY) {
    const bool random = atX < 0 || atY < 0;
    const int n = int(pattern.size());
    Vector cue = pattern;
    if (n == 0) return cue;
    const long erased = std::lround(std::clamp(erase, 0.0, 1.0) * n);
    if (erased > 0) {
        if (width > 0 && height > 0 && width * height == n) {
            // a rectangle of about `erased` pixels with the image's aspect ratio
            const double f = std::sqrt(double(erased) / n);
            const int w = std::clamp(int(std::lround(f * width)), 1, width);
            const int h = std::clamp(int((erased + w - 1) / w), 1, height);
            const int x0 = placeSpan(width, w, random ? -1 : atX, rng), y0 = placeSpan(height, h, random ? -1 : atY, rng);
            for (int y = y0; y < y0 + h; ++y)
                for (int x = x0; x < x0 + w; ++x) cue(y * width + x) = 0.f;
        } else {
            const long start = placeSpan(n, int(erased), atX, rng);
            cue.segment(start, erased).setZero();
        }
    }
    const long flips = std::lround(std::clamp(flip, 0.0, 1.0) * n);
    if (flips > 0) {
        std::vector<int> idx(static_cast<std::size_t>(n));
        std::iota(idx.begin(), idx.end(), 0);
        for (long k = 0; k < flips; ++k) {  // partial Fisher-Yates: `flips` distinct entries
            std::swap(idx[std::size_t(k)], idx[std::size_t(k) + rng() % std::uint64_t(n - k)]);
            cue(idx[std::size_t(k)]) = -cue(idx[std::size_t(k)]);
        }
    }
    return cue;
}

}  // namespace ganglion::memory
