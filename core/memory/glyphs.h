// Letters and digits drawn on a 10 x 10 grid, as data: the pattern source's "letters" and
// "digits" sets (bold strokes, so a glyph covers a good share of its grid and glyphs overlap less).
#pragma once

#include "core/model/types.h"

#include <string>
#include <vector>

namespace ganglion::memory {

inline constexpr int kGlyphSide = 10;

struct GlyphSet {
    std::string name;                 ///< "letters" or "digits"
    std::vector<std::string> labels;  ///< one per glyph, e.g. "T"
    /// One glyph per column, kGlyphSide² entries in row-major order: +1 ink, -1 paper.
    Matrix bitmaps;
};

/// The glyph set named `name` ("letters" or "digits"); throws std::invalid_argument otherwise.
const GlyphSet& glyphSet(const std::string& name);

}  // namespace ganglion::memory
