#include "widgets/presentation.h"

#include <QApplication>
#include <QFont>
#include <QWidget>

namespace ganglion::presentation {

namespace {
bool on = false;
QFont normalFont;
}  // namespace

bool active() { return on; }

double lineScale() { return on ? kLineScale : 1.0; }

void setActive(bool wanted) {
    if (wanted == on) return;
    on = wanted;
    if (on) {
        normalFont = QApplication::font();
        QFont big = normalFont;
        if (big.pointSizeF() > 0) big.setPointSizeF(big.pointSizeF() * kFontScale);
        else big.setPixelSize(int(big.pixelSize() * kFontScale + 0.5));
        QApplication::setFont(big);
    } else {
        QApplication::setFont(normalFont);
    }
    for (QWidget* w : QApplication::allWidgets()) w->update();
}

}  // namespace ganglion::presentation
