// Pattern sets for associative memories: random ±1 patterns or glyphs, diluted (each entry
// blanked to 0 with probability d, the multitasking network's sparse patterns), and cues
// corrupted from them (a fraction of entries flipped, a fragment erased to 0).
#pragma once

#include "core/model/kernel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ganglion::memory {

/// Undiluted patterns with what dilution needs: `base` (N x K, ±1) and a uniform draw per entry
/// (`blank`, in [0, 1)); an entry is blank at dilution d when its draw is below d, so raising d
/// only blanks more entries of the same patterns.
struct PatternBank {
    Matrix base;
    Matrix blank;
    int width = 0, height = 0;        ///< image layout of the N entries (width x height >= N)
    std::vector<std::string> labels;  ///< one per pattern

    int neurons() const { return int(base.rows()); }
    int count() const { return int(base.cols()); }
    /// The patterns at dilution d (entries -1, 0, +1).
    Matrix diluted(double d) const;
};

/// K random ±1 patterns of N units (each entry ±1 with probability ½), laid out nearly square.
PatternBank randomBank(int n, int k, std::uint64_t seed);
/// K orthogonal sparse patterns of N units: each unit is active (+1) in at most one pattern, N / K
/// units per pattern drawn at random (the rest -1), so no two patterns share an active unit.
/// Throws std::invalid_argument when K exceeds N.
PatternBank orthogonalBank(int n, int k, std::uint64_t seed);
/// The first K glyphs of a set ("letters", "digits"); throws std::invalid_argument when K exceeds it.
PatternBank glyphBank(const std::string& set, int k, std::uint64_t seed);

/// A cue made from `pattern` (N entries): a fragment of about `erase` x N entries set to 0 (a
/// rectangle when the layout is an image, else a run of consecutive entries), then round(flip x N)
/// distinct random entries negated. The fragment is centred at (atX, atY), fractions of the
/// image's width and height (a run: atX of its length), clamped inside; placed at random when
/// atX or atY is negative.
Vector corruptCue(const Vector& pattern, double flip, double erase, int width, int height, Rng& rng,
                  double atX = -1, double atY = -1);

/// `v` laid out as an image: height x width, entry i at row i / width, column i % width (0 beyond N).
Matrix asImage(const Eigen::Ref<const Vector>& v, int width, int height);

/// The nearly square layout of n entries: width = ceil(sqrt(n)), height = ceil(n / width).
void squareLayout(int n, int& width, int& height);

}  // namespace ganglion::memory
