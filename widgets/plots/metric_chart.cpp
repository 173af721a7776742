#include "widgets/plots/metric_chart.h"

#include <QLineSeries>
#include <QLogValueAxis>
#include <QMap>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127)};
}

MetricChart::MetricChart(const QString& title, const QString& yLabel, QWidget* parent) : QChartView(parent) {
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    x_ = new QValueAxis(chart);
    x_->setTitleText(tr("step"));
    x_->setLabelFormat("%.0f");
    x_->setTickCount(4);
    y_ = new QValueAxis(chart);
    y_->setTitleText(yLabel);
    y_->setTickCount(5);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    x_->setLabelsFont(small);
    y_->setLabelsFont(small);
    x_->setTitleVisible(false);
    logAxis_ = new QLogValueAxis(chart);
    logAxis_->setTitleText(tr("step"));
    logAxis_->setTitleVisible(false);
    logAxis_->setBase(10);
    logAxis_->setLabelFormat("%g");
    logAxis_->setMinorTickCount(-1);
    logAxis_->setLabelsFont(small);
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
}

QLineSeries* MetricChart::seriesFor(const QString& name) {
    auto it = series_.find(name);
    if (it != series_.end()) return *it;
    auto* s = new QLineSeries(chart());
    s->setName(name);
    QPen pen(kPalette[series_.size() % std::size(kPalette)]);
    pen.setWidthF(name.contains("test") ? 2.0 : 1.4);
    if (name.contains("test")) pen.setStyle(Qt::DashLine);
    s->setPen(pen);
    chart()->addSeries(s);
    s->attachAxis(logX_ ? static_cast<QAbstractAxis*>(logAxis_) : x_);
    s->attachAxis(y_);
    series_.insert(name, s);
    relabel();
    return s;
}

void MetricChart::relabel() {
    // "Node/metric" keys. The chart's title names the metric, so the legend names the node and
    // tags only the series of a different metric by what sets it apart ("G2G ReLU 1 (mean)" next
    // to "G2G ReLU 1" for activation_sparsity_mean beside activation_sparsity): many series still fit.
    QMap<QString, int> count;
    for (auto it = series_.begin(); it != series_.end(); ++it) ++count[it.key().section('/', 1)];
    QString common;
    for (auto it = count.begin(); it != count.end(); ++it)
        if (common.isEmpty() || it.value() > count[common]) common = it.key();
    for (auto it = series_.begin(); it != series_.end(); ++it) {
        const QString node = it.key().section('/', 0, 0), metric = it.key().section('/', 1);
        QString label = it.key();
        if (series_.size() > 1 && !common.isEmpty() && !metric.isEmpty()) {
            QString tag = metric.startsWith(common) ? metric.mid(common.size()) : metric;
            while (tag.startsWith('_')) tag.remove(0, 1);
            label = metric == common ? node : node + " (" + tag.replace('_', ' ') + ")";
        }
        (*it)->setName(label);
    }
}

void MetricChart::appendPoints(const QString& name, const std::vector<QPointF>& points) {
    if (points.empty()) return;
    QLineSeries* s = seriesFor(name);
    Raw& raw = raw_[name];
    std::vector<QPointF> fresh;
    fresh.reserve(points.size());
    for (const auto& p : points) {
        if (!std::isfinite(p.y())) continue;
        fresh.push_back(p);
        xMax_ = any_ ? std::max(xMax_, p.x()) : std::max(1.0, p.x());
        yMin_ = any_ ? std::min(yMin_, p.y()) : p.y();
        yMax_ = any_ ? std::max(yMax_, p.y()) : p.y();
        any_ = true;
    }
    raw.points.insert(raw.points.end(), fresh.begin(), fresh.end());
    s->append(toDrawn(fresh, raw.ema, raw.n));
    rescale();
}

QList<QPointF> MetricChart::toDrawn(const std::vector<QPointF>& raw, double& ema, int& n) const {
    QList<QPointF> out;
    out.reserve(qsizetype(raw.size()));
    for (const auto& p : raw) {
        double y = p.y();
        if (smoothing_ > 0) {
            ema = ema * smoothing_ + (1 - smoothing_) * y;
            ++n;
            y = ema / (1 - std::pow(smoothing_, n));  // bias-corrected: starts at the first value
        }
        if (logX_ && p.x() <= 0) continue;  // step 0 has no place on a log axis
        out.append(QPointF(p.x(), y));
    }
    return out;
}

void MetricChart::redraw() {
    for (auto it = series_.begin(); it != series_.end(); ++it) {
        Raw& raw = raw_[it.key()];
        raw.ema = 0;
        raw.n = 0;
        (*it)->replace(toDrawn(raw.points, raw.ema, raw.n));
    }
    rescale();
}

void MetricChart::setLogX(bool on) {
    if (on == logX_) return;
    logX_ = on;
    // a log axis must never see step 0: drop it before the log axis comes, restore it after it left
    if (on) redraw();
    QAbstractAxis* from = on ? static_cast<QAbstractAxis*>(x_) : logAxis_;
    QAbstractAxis* to = on ? static_cast<QAbstractAxis*>(logAxis_) : x_;
    for (auto* s : series_) s->detachAxis(from);
    chart()->removeAxis(from);
    chart()->addAxis(to, Qt::AlignBottom);
    for (auto* s : series_) s->attachAxis(to);
    if (!on) redraw();
}

void MetricChart::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == smoothing_) return;
    smoothing_ = weight;
    redraw();
}

QList<QPointF> MetricChart::drawnPoints(const QString& name) const {
    auto it = series_.find(name);
    return it == series_.end() ? QList<QPointF>() : (*it)->points();
}

int MetricChart::pointCount(const QString& name) const {
    auto it = series_.find(name);
    return it == series_.end() ? 0 : int((*it)->count());
}

void MetricChart::clear() {
    for (auto* s : series_) {
        chart()->removeSeries(s);
        delete s;
    }
    series_.clear();
    raw_.clear();
    any_ = false;
    xMax_ = 1;
    rescale();
}

void MetricChart::setFixedYRange(double lo, double hi) {
    fixedY_ = true;
    y_->setRange(lo, hi);
}

void MetricChart::rescale() {
    if (logX_) logAxis_->setRange(1, std::max(10.0, xMax_));
    else x_->setRange(0, std::max(1.0, xMax_));
    if (fixedY_) return;
    if (!any_) {
        y_->setRange(0, 1);
        return;
    }
    double lo = std::min(0.0, yMin_), hi = yMax_;
    if (hi - lo < 1e-9) hi = lo + 1.0;
    y_->setRange(lo, hi * 1.05);
    // as many decimals as the tick spacing needs (no "105396.9" for a count of connections)
    const double tick = (hi * 1.05 - lo) / std::max(1, y_->tickCount() - 1);
    const char* format = tick >= 10 ? "%.0f" : tick >= 1 ? "%.1f" : tick >= 0.1 ? "%.2f" : "%.3g";
    if (y_->labelFormat() != QLatin1String(format)) y_->setLabelFormat(format);
}

}  // namespace ganglion
