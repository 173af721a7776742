// Live spike raster: time on x, neuron index on y, one dot per spike coloured by population.
// Follows the newest data while live; wheel zooms time (Shift+wheel: neuron index), dragging
// pans both (panning in time pauses), the bottom bar scrubs through the recorded history while
// paused, a click without drag emits neuronClicked(global index). Spikes are drawn straight into
// a QImage scanline by scanline, so 10,000 neurons at ~10 Hz redraw well above 30 fps.
#pragma once

#include "core/snn/spike_history.h"

#include <QColor>
#include <QImage>
#include <QWidget>

#include <memory>

namespace ganglion {

/// A small raster of the last `seconds` (canvas node thumbnail): dark background, one pixel per
/// spike coloured by population, neurons folded onto `size.height()` rows.
QImage rasterThumbnail(const snn::SpikeRaster& r, QSize size, double seconds = 0.25);

class RasterWidget : public QWidget {
    Q_OBJECT
public:
    explicit RasterWidget(QWidget* parent = nullptr);

    void setRaster(std::shared_ptr<const snn::SpikeRaster> raster);
    std::shared_ptr<const snn::SpikeRaster> raster() const { return raster_; }

    bool isPaused() const { return paused_; }
    void setPaused(bool paused);
    /// Visible time span, seconds.
    double window() const { return window_; }
    void setWindow(double seconds);
    /// End of the visible span in steps (newest step while live).
    std::uint64_t viewEndStep() const;
    /// Paused: move the view so it ends at `step` (clamped to the history).
    void scrubTo(std::uint64_t step);
    /// Visible neuron range [first, last).
    void setNeuronRange(double first, double last);
    double firstNeuron() const { return n0_; }
    double lastNeuron() const { return n1_; }
    void resetView();

    static QColor populationColor(int population);
    /// Spikes drawn by the last paint (for tests / status text).
    std::size_t lastDrawnSpikes() const { return drawn_; }
    QRect plotRect() const;

signals:
    void neuronClicked(int neuron);
    void pausedChanged(bool paused);
    void viewChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void renderSpikes(const QRect& plot);
    void clampNeurons();
    QRect scrubRect() const;
    std::uint64_t stepAtScrubX(int x) const;

    std::shared_ptr<const snn::SpikeRaster> raster_;
    QImage image_;
    bool paused_ = false;
    double window_ = 1.0;
    std::uint64_t pausedEnd_ = 0;
    double n0_ = 0, n1_ = -1;  // n1 < 0: full range
    std::size_t drawn_ = 0;
    // interaction
    QPoint pressPos_;
    bool dragging_ = false, scrubbing_ = false, moved_ = false;
    std::uint64_t pressEnd_ = 0;
    double pressN0_ = 0, pressN1_ = 0;
};

}  // namespace ganglion
