// 2D event view: the sensor as an image of the recent events, ON and OFF in two colours,
// accumulated over a window with optional exponential decay, or as a time surface.
#pragma once

#include "core/events/event_window.h"

#include <QColor>
#include <QImage>
#include <QWidget>

#include <memory>

namespace ganglion {

class EventFrameWidget : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Accumulate, TimeSurface };
    explicit EventFrameWidget(QWidget* parent = nullptr);

    void setWindow(std::shared_ptr<const events::EventWindow> w);
    void setMode(Mode m);
    Mode mode() const { return mode_; }
    /// Events younger than this are drawn (accumulate mode), ms.
    void setAccumulationMs(double ms);
    /// Exponential decay time constant (accumulate mode: 0 = none; time surface: tau), ms.
    void setDecayMs(double ms);
    void setColors(QColor on, QColor off, QColor background);
    void setTitle(const QString& t);
    /// The rendered sensor image (width x height, before scaling).
    const QImage& image() const { return image_; }
    /// Events drawn in the last render.
    std::size_t eventsShown() const { return shown_; }
    QSize sizeHint() const override { return {360, 300}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void render();

    std::shared_ptr<const events::EventWindow> window_;
    Mode mode_ = Mode::Accumulate;
    double accumulationMs_ = 30.0, decayMs_ = 0.0;
    QColor on_{255, 170, 40}, off_{60, 150, 255}, bg_{18, 20, 26};
    QString title_;
    QImage image_;
    std::vector<float> onAcc_, offAcc_;
    std::vector<std::int64_t> lastOn_, lastOff_;
    std::size_t shown_ = 0;
};

}  // namespace ganglion
