// Four panels of a dock view in one row when the dock is wide and short (a bottom dock), in a
// 2 x 2 grid otherwise. Shared by the views that show four charts (sparsity, E/I balance).
#pragma once

#include <QGridLayout>
#include <QWidget>

#include <array>

namespace ganglion {

/// Places `panels` in `grid` for the shape `wide`; does nothing when they are placed so already.
/// `wideNow` remembers the current shape between calls.
inline void arrangeFourPanels(QGridLayout* grid, const std::array<QWidget*, 4>& panels, bool wide, bool& wideNow) {
    if (wide == wideNow && grid->count() == 4) return;
    wideNow = wide;
    for (QWidget* w : panels) grid->removeWidget(w);
    for (int i = 0; i < 4; ++i) grid->addWidget(panels[std::size_t(i)], wide ? 0 : i / 2, wide ? i : i % 2);
    for (int i = 0; i < 4; ++i) {
        grid->setColumnStretch(i, wide || i < 2 ? 1 : 0);
        grid->setRowStretch(i, !wide && i < 2 ? 1 : (wide && i == 0 ? 1 : 0));
    }
}

}  // namespace ganglion
