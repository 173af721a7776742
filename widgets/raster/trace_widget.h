// Membrane potential traces of probed neurons (one colour per neuron, autoscaled, newest on the
// right) and population rate / spike sparsity curves computed from a raster window.
#pragma once

#include "core/snn/spike_history.h"

#include <QWidget>

#include <memory>

namespace ganglion {

class MembraneTraceWidget : public QWidget {
    Q_OBJECT
public:
    explicit MembraneTraceWidget(QWidget* parent = nullptr);
    void setTraces(std::shared_ptr<const snn::MembraneTraces> traces);
    std::shared_ptr<const snn::MembraneTraces> traces() const { return traces_; }
    /// Only the last `seconds` are drawn.
    void setWindow(double seconds);
    static QColor traceColor(int i);

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::shared_ptr<const snn::MembraneTraces> traces_;
    double window_ = 1.0;
};

/// Per-population firing rate (Hz, bins of `binSeconds`) and the fraction of silent neurons per
/// bin, over the raster's visible window ending at `endStep`.
struct RateSeries {
    double binSeconds = 0.005;
    double tBegin = 0;
    std::vector<std::vector<double>> rate;  ///< [population][bin], Hz
    std::vector<double> sparsity;           ///< [bin], fraction of neurons silent in the bin
};
RateSeries computeRates(const snn::SpikeRaster& r, std::uint64_t endStep, double window, double binSeconds);

class RateWidget : public QWidget {
    Q_OBJECT
public:
    explicit RateWidget(QWidget* parent = nullptr);
    void setSeries(RateSeries s, std::vector<std::string> populations);
    const RateSeries& series() const { return series_; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    RateSeries series_;
    std::vector<std::string> pops_;
};

}  // namespace ganglion
