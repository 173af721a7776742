// Presentation mode: a look for a projector. The application font grows, the lines the widgets
// draw get thicker and the graph canvas drops its grid. Widgets read lineScale() when they paint
// (and, for pens set once, when their font changes: turning the mode on or off changes the
// application font, so every widget receives QEvent::FontChange).
#pragma once

namespace ganglion::presentation {

inline constexpr double kFontScale = 1.4;
inline constexpr double kLineScale = 2.0;

bool active();
/// Turns the mode on or off: scales the application font by kFontScale (back to the font it had
/// before when off) and repaints every widget. Does nothing when already in that state.
void setActive(bool on);
/// What line widths are multiplied by: kLineScale in presentation mode, else 1.
double lineScale();
inline double line(double width) { return width * lineScale(); }

}  // namespace ganglion::presentation
