#include "widgets/raster/trace_widget.h"
#include "widgets/presentation.h"

#include "widgets/plots/axis_ticks.h"
#include "widgets/raster/raster_widget.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace ganglion {

namespace {
// the top margin holds the caption / legend line, never drawn over the data
constexpr int kLeft = 52, kBottom = 20, kTop = 18, kRight = 10;

QRect plotArea(const QWidget* w) {
    return QRect(kLeft, kTop, std::max(10, w->width() - kLeft - kRight), std::max(10, w->height() - kTop - kBottom));
}

/// Frame, y ticks at nice values with their unit, and x ticks over [t0, t1] seconds.
void drawFrame(QPainter& p, const QRect& plot, double lo, double hi, const QString& unit, double t0, double t1) {
    p.fillRect(plot, QColor(250, 250, 252));
    p.setPen(QColor(150, 150, 160));
    p.drawRect(plot.adjusted(0, 0, -1, -1));
    p.setPen(QColor(60, 60, 70));
    const AxisTicks y = niceTicks(lo, hi, std::clamp(plot.height() / 22, 2, 5));
    for (double v : y.values) {
        if (v < lo - 1e-9 * (hi - lo) || v > hi + 1e-9 * (hi - lo)) continue;
        const int py = plot.bottom() - int((plot.height() - 1) * (v - lo) / (hi - lo));
        p.drawText(QRect(0, py - 8, kLeft - 4, 16), Qt::AlignRight | Qt::AlignVCenter, compactNumber(v, y.step) + unit);
    }
    if (!(t1 > t0)) return;
    const AxisTicks x = niceTicks(t0, t1, std::clamp(plot.width() / 90, 2, 8));
    const QFontMetrics fm = p.fontMetrics();
    for (double t : x.values) {
        if (t < t0 - 1e-9 || t > t1 + 1e-9) continue;
        const int px = plot.left() + int((plot.width() - 1) * (t - t0) / (t1 - t0));
        const QString label = compactNumber(t, x.step) + " s";
        const int w = fm.horizontalAdvance(label) + 4;
        const int left = std::clamp(px - w / 2, 0, p.device()->width() - w);  // never cut at the edges
        p.drawText(QRect(left, plot.bottom() + 2, w, 16), Qt::AlignCenter, label);
    }
}
}  // namespace

MembraneTraceWidget::MembraneTraceWidget(QWidget* parent) : QWidget(parent) { setMinimumSize(200, 100); }

QColor MembraneTraceWidget::traceColor(int i) {
    static const QColor c[] = {QColor(20, 20, 20), QColor(220, 50, 120), QColor(40, 140, 200), QColor(230, 140, 20),
                               QColor(90, 170, 60), QColor(130, 70, 200)};
    return c[std::max(0, i) % 6];
}

void MembraneTraceWidget::setTraces(std::shared_ptr<const snn::MembraneTraces> t) {
    traces_ = std::move(t);
    update();
}

void MembraneTraceWidget::setWindow(double seconds) {
    window_ = std::max(1e-3, seconds);
    update();
}

void MembraneTraceWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QRect plot = plotArea(this);
    if (!traces_ || traces_->values.cols() == 0 || traces_->values.rows() == 0) {
        drawFrame(p, plot, 0, 1, "", 0, 0);
        p.drawText(plot, Qt::AlignCenter, tr("Click a neuron in the raster to trace its membrane potential"));
        return;
    }
    const auto& v = traces_->values;
    const Eigen::Index n = v.cols();
    const Eigen::Index shown = std::min<Eigen::Index>(n, Eigen::Index(std::max(2.0, window_ / traces_->dt)));
    const Eigen::Index c0 = n - shown;
    const auto block = v.middleCols(c0, shown);
    float lo = block.minCoeff(), hi = block.maxCoeff();
    if (hi - lo < 1e-6f) hi = lo + 1.f;
    const float pad = 0.05f * (hi - lo);
    lo -= pad;
    hi += pad;
    const double tEnd = double(traces_->firstStep + std::uint64_t(n)) * traces_->dt;
    drawFrame(p, plot, lo, hi, "", tEnd - double(shown) * traces_->dt, tEnd);
    p.setRenderHint(QPainter::Antialiasing);
    // Min/max per pixel column keeps long traces cheap and shows every spike-reset excursion.
    const int w = plot.width();
    for (Eigen::Index r = 0; r < v.rows(); ++r) {
        QPainterPath path;
        for (int x = 0; x < w; ++x) {
            const Eigen::Index a = c0 + Eigen::Index(double(x) / w * shown);
            const Eigen::Index b = std::max(a + 1, c0 + Eigen::Index(double(x + 1) / w * shown));
            float mn = v(r, a), mx = v(r, a);
            for (Eigen::Index c = a; c < b && c < n; ++c) mn = std::min(mn, v(r, c)), mx = std::max(mx, v(r, c));
            const double y0 = plot.bottom() - (mn - lo) / (hi - lo) * (plot.height() - 1);
            const double y1 = plot.bottom() - (mx - lo) / (hi - lo) * (plot.height() - 1);
            if (x == 0) path.moveTo(plot.left() + x, y0);
            else path.lineTo(plot.left() + x, y0);
            if (y1 != y0) path.lineTo(plot.left() + x, y1);
        }
        p.setPen(QPen(traceColor(int(r)), presentation::line(1.0)));  // ≤ 1 px: the raster engine's fast cosmetic stroker
        p.drawPath(path);
        // names above the plot, in the trace colour
        p.drawText(QPoint(plot.left() + 6 + int(r) * 80, plot.top() - 4), tr("neuron %1").arg(traces_->neurons[std::size_t(r)]));
    }
    p.setPen(QColor(60, 60, 70));
    const QString title = tr("membrane potential");
    if (6 + int(v.rows()) * 80 + p.fontMetrics().horizontalAdvance(title) < plot.width())  // beside the names
        p.drawText(QRect(plot.left(), 0, plot.width(), kTop - 2), Qt::AlignRight | Qt::AlignVCenter, title);
}

RateSeries computeRates(const snn::SpikeRaster& r, std::uint64_t endStep, double window, double binSeconds) {
    RateSeries s;
    s.binSeconds = binSeconds;
    if (!(r.dt > 0) || !(binSeconds > 0) || !(window > 0)) return s;  // no time axis yet: no rates
    const auto binSteps = std::uint64_t(std::max(1.0, std::round(binSeconds / r.dt)));
    s.binSeconds = double(binSteps) * r.dt;
    const auto span = std::uint64_t(std::max(1.0, std::round(window / r.dt)));
    const std::uint64_t begin = endStep > span ? endStep - span : 0;
    const std::size_t bins = std::size_t((endStep - begin + binSteps - 1) / binSteps);
    s.tBegin = double(begin) * r.dt;
    // populationStart holds one start per population plus the end (may be empty: one population)
    const std::size_t pops = r.populationStart.size() > 1 ? r.populationStart.size() - 1 : 1;
    s.rate.assign(pops, std::vector<double>(bins, 0.0));
    s.sparsity.assign(bins, 1.0);
    std::vector<std::unordered_set<int>> active(bins);
    r.forEach(begin, endStep, [&](std::uint64_t st, int n) {
        const std::size_t b = std::size_t((st - begin) / binSteps);
        const int p = std::max(0, r.populationOf(n));
        s.rate[std::size_t(p)][b] += 1.0;
        active[b].insert(n);
    });
    for (std::size_t p = 0; p < pops; ++p) {
        const int size = r.populationStart.size() > p + 1 ? r.populationStart[p + 1] - r.populationStart[p] : r.neurons;
        for (auto& v : s.rate[p]) v /= std::max(1, size) * s.binSeconds;
    }
    for (std::size_t b = 0; b < bins; ++b)
        s.sparsity[b] = r.neurons > 0 ? 1.0 - double(active[b].size()) / r.neurons : 1.0;
    return s;
}

RateWidget::RateWidget(QWidget* parent) : QWidget(parent) { setMinimumSize(200, 90); }

void RateWidget::setSeries(RateSeries s, std::vector<std::string> populations) {
    series_ = std::move(s);
    pops_ = std::move(populations);
    update();
}

void RateWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const QRect plot = plotArea(this);
    double hi = 1.0;
    for (const auto& r : series_.rate)
        for (double v : r) hi = std::max(hi, v);
    hi = niceTicks(0, hi * 1.05, std::clamp(plot.height() / 22, 2, 5)).hi;  // the top is a labelled tick
    const std::size_t bins = series_.sparsity.size();
    drawFrame(p, plot, 0, hi, " Hz", series_.tBegin, series_.tBegin + double(bins) * series_.binSeconds);
    if (series_.sparsity.empty()) return;
    auto xOf = [&](std::size_t b) { return plot.left() + (double(b) + 0.5) / bins * plot.width(); };
    p.setRenderHint(QPainter::Antialiasing);
    for (std::size_t k = 0; k < series_.rate.size(); ++k) {
        QPainterPath path;
        for (std::size_t b = 0; b < bins; ++b) {
            const double y = plot.bottom() - series_.rate[k][b] / hi * (plot.height() - 1);
            b == 0 ? path.moveTo(xOf(b), y) : path.lineTo(xOf(b), y);
        }
        p.setPen(QPen(RasterWidget::populationColor(int(k)), presentation::line(1.0)));  // ≤ 1 px: the fast stroker
        p.drawPath(path);
    }
    // Sparsity on its own 0..1 scale (dashed), labelled at the right.
    QPainterPath sp;
    for (std::size_t b = 0; b < bins; ++b) {
        const double y = plot.bottom() - series_.sparsity[b] * (plot.height() - 1);
        b == 0 ? sp.moveTo(xOf(b), y) : sp.lineTo(xOf(b), y);
    }
    p.setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    p.drawPath(sp);
    double mean = 0;
    for (double v : series_.sparsity) mean += v;
    mean /= double(bins);
    p.setPen(QColor(60, 60, 70));
    // the caption above the plot, shortened rather than cut when the panel is narrow
    QString caption = tr("rate per population (%1 ms bins) · dashed: silent fraction %2").arg(series_.binSeconds * 1e3, 0, 'g', 3).arg(mean, 0, 'f', 3);
    if (p.fontMetrics().horizontalAdvance(caption) > plot.width()) caption = tr("rate · dashed: silent %1").arg(mean, 0, 'f', 2);
    p.drawText(QRect(plot.left(), 0, plot.width(), kTop - 2), Qt::AlignRight | Qt::AlignVCenter, caption);
}

}  // namespace ganglion
