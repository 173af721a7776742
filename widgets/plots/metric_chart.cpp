#include "widgets/plots/metric_chart.h"
#include "widgets/presentation.h"

#include "widgets/plots/axis_ticks.h"
#include "widgets/plots/refresh_pacer.h"

#include <QCategoryAxis>
#include <QCoreApplication>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QResizeEvent>
#include <QTextDocument>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127),
                           QColor(188, 189, 34), QColor(23, 190, 207)};

/// Puts ticks at `t` on a category axis (labels on the values), unless it already has them.
void setTicks(QCategoryAxis* axis, const AxisTicks& t) {
    QStringList labels;
    for (double v : t.values) labels << compactNumber(v, t.step);
    if (axis->categoriesLabels() == labels && axis->min() == t.lo && axis->max() == t.hi) return;
    for (const QString& l : axis->categoriesLabels()) axis->remove(l);
    // the first tick sits a hair above the start so that it, too, carries a label
    axis->setStartValue(t.lo - t.step * 1e-6);
    for (std::size_t i = 0; i < t.values.size(); ++i) axis->append(labels[int(i)], t.values[i]);
    axis->setRange(t.lo, t.hi);
}
}  // namespace

MetricChart::MetricChart(const QString& title, const QString& yLabel, QWidget* parent)
    : QChartView(parent), title_(title), yLabel_(yLabel) {
    auto* chart = new QChart();
    chart->legend()->hide();  // our own wrapped legend below replaces the one that elides names
    chart->setMargins(QMargins(2, 2, 6, 2));
    chart->setBackgroundRoundness(0);
    x_ = new QCategoryAxis(chart);
    y_ = new QCategoryAxis(chart);
    for (QCategoryAxis* a : {x_, y_}) a->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    x_->setTitleText(tr("training step"));
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    setChart(chart);
    // The series and axes follow the data at the pacer's rate, one chart at a time (see flush()).
    RefreshPacer::shared().whileVisible(this, 100, [this] { flush(); });
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(128);  // a plot, its ticks and its title still read at this height
    legend_ = new QLabel(this);
    legend_->setWordWrap(true);
    legend_->setTextFormat(Qt::RichText);
    legend_->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    legend_->setAutoFillBackground(true);
    legend_->hide();
    applyFonts();
    fitTitles();
    rescale();
}

void MetricChart::setTitle(const QString& title) {
    title_ = title;
    fitTitles();
}

void MetricChart::setYLabel(const QString& yLabel) {
    yLabel_ = yLabel;
    fitTitles();
}

void MetricChart::fitTitles() {
    // A vertical axis title longer than the plot is tall would be elided: it joins the chart title.
    const QFontMetrics fm(y_->titleFont());
    const double room = chart()->plotArea().height() > 0 ? chart()->plotArea().height() : height() - 80;
    const bool fits = !yLabel_.isEmpty() && fm.horizontalAdvance(yLabel_) + 8 < room;
    y_->setTitleText(fits ? yLabel_ : QString());
    y_->setTitleVisible(fits);
    QString title = fits || yLabel_.isEmpty() || yLabel_ == title_.toLower() ? title_ : title_ + " (" + yLabel_ + ")";
    if (!x_->isTitleVisible()) title += tr(" by step");  // a short chart has no room for the x title
    if (chart()->title() != title) chart()->setTitle(title);
}

QLineSeries* MetricChart::seriesFor(const QString& name) {
    auto it = series_.find(name);
    if (it != series_.end()) return *it;
    auto* s = new QLineSeries(chart());
    s->setName(name);
    QPen pen(kPalette[nextColour_++ % std::size(kPalette)]);
    // 1 px: Qt strokes wider lines into spans that it hands to its thread pool, and the GUI thread
    // waits for those threads to find a core; held-out curves are told apart by their dashes
    pen.setWidthF(presentation::line(1.0));  // thicker for a projector (presentation mode)
    if (name.contains("test")) pen.setStyle(Qt::DashLine);
    s->setPen(pen);
    chart()->addSeries(s);
    s->attachAxis(x_);
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
    QStringList entries, keys;
    for (auto it = series_.begin(); it != series_.end(); ++it) {
        const QString node = it.key().section('/', 0, 0), metric = it.key().section('/', 1);
        QString label = it.key();
        if (series_.size() > 1 && !common.isEmpty() && !metric.isEmpty()) {
            // "test_accuracy" beside "accuracy" is tagged "test"
            QString tag = metric.startsWith(common) ? metric.mid(common.size())
                          : metric.endsWith(common)  ? metric.left(metric.size() - common.size())
                                                     : metric;
            while (tag.startsWith('_')) tag.remove(0, 1);
            while (tag.endsWith('_')) tag.chop(1);
            label = metric == common ? node : node + " (" + tag.replace('_', ' ') + ")";
        }
        (*it)->setName(label);
        const QPen pen = (*it)->pen();
        const QString swatch = pen.style() == Qt::DashLine ? QStringLiteral("-&nbsp;-") : QStringLiteral("——");
        // non-breaking inside an entry: the label wraps between entries only
        entries << QStringLiteral("<span style='color:%1'><b>%2</b></span>&nbsp;%3")
                       .arg(pen.color().name(), swatch, label.toHtmlEscaped().replace(' ', "&nbsp;").replace('-', QChar(0x2011)));  // no break inside a name
        keys << it.key();
    }
    entries_ = entries;
    legend_->setToolTip(keys.join('\n'));
    legend_->setVisible(series_.size() > 1);
    layoutLegend();
}

void MetricChart::setMarginsAndFit(int right, int bottom) {
    // QChartView sizes its chart to the whole widget: here it gets the viewport, beside the legend
    setViewportMargins(0, 0, right, bottom);
    const QSize room(std::max(60, width() - right), std::max(60, height() - bottom));
    if (chart()->size().toSize() != room) {
        chart()->resize(room);
        setSceneRect(QRectF(QPointF(0, 0), room));
    }
}

void MetricChart::layoutLegend() {
    if (!legend_->isVisibleTo(this)) {
        setMarginsAndFit(0, 0);
        return;
    }
    // Under the plot, wrapped; in a wide, short chart where that would take over a third of the
    // height, one entry per line on the right instead.
    const int w = std::max(40, width() - 8);
    legend_->setText(entries_.join(QStringLiteral(" &nbsp; ")));
    legend_->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    const int below = legend_->heightForWidth(w) + 2;
    if (below <= height() / 3 || width() < height() * 13 / 10) {
        setMarginsAndFit(0, below);
        legend_->setGeometry(4, height() - below, w, below);
        return;
    }
    legend_->setText(entries_.join(QStringLiteral("<br>")));
    legend_->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    QTextDocument doc;
    doc.setDefaultFont(legend_->font());
    doc.setHtml(legend_->text());
    const int side = std::min(width() * 45 / 100, int(std::ceil(doc.idealWidth())) + 12);
    setMarginsAndFit(side, 0);
    legend_->setGeometry(width() - side, 0, side, height());
}

void MetricChart::resizeEvent(QResizeEvent* e) {
    QChartView::resizeEvent(e);
    layoutLegend();
    rescale();
    fitTitles();
}

void MetricChart::appendPoints(const QString& name, const std::vector<QPointF>& points) {
    if (points.empty()) return;
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
    for (const QPointF& p : toDrawn(fresh, raw.ema, raw.n)) raw.drawn.add(p);
    raw.dirty = true;
    dirty_ = true;
}

void MetricChart::flush() {
    if (!dirty_) return;
    dirty_ = false;
    // One replace() per series: QXYSeries::append(list) updates the whole line's geometry once
    // per point, which grows with the curve's length.
    for (auto it = raw_.begin(); it != raw_.end(); ++it) {
        if (!it->dirty) continue;
        it->dirty = false;
        seriesFor(it.key())->replace(it->drawn.points());  // a new series is made (and named) here
    }
    rescale();
    // Qt Charts finishes an update in queued calls and layout requests of its own; run them now,
    // inside this refresh, so the pacer counts them against its budget instead of letting every
    // chart's deferred work land in one later burst.
    QCoreApplication::sendPostedEvents(chart(), QEvent::LayoutRequest);
    QCoreApplication::sendPostedEvents(scene(), QEvent::MetaCall);
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
        out.append(QPointF(logX_ ? std::log10(p.x()) : p.x(), y));
    }
    return out;
}

void MetricChart::redraw() {
    for (auto it = raw_.begin(); it != raw_.end(); ++it) {
        Raw& raw = *it;
        raw.ema = 0;
        raw.n = 0;
        raw.drawn.clear();
        for (const QPointF& p : toDrawn(raw.points, raw.ema, raw.n)) raw.drawn.add(p);
        raw.dirty = true;
    }
    dirty_ = true;
    flush();
}

void MetricChart::setLogX(bool on) {
    if (on == logX_) return;
    logX_ = on;
    redraw();
}

void MetricChart::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == smoothing_) return;
    smoothing_ = weight;
    redraw();
}

QList<QPointF> MetricChart::drawnPoints(const QString& name) const {
    auto it = raw_.find(name);
    if (it == raw_.end()) return {};
    QList<QPointF> pts = it->drawn.points();
    if (logX_)
        for (QPointF& p : pts) p.setX(std::pow(10.0, p.x()));
    return pts;
}

int MetricChart::pointCount(const QString& name) const {
    auto it = raw_.find(name);
    return it == raw_.end() ? 0 : int(it->drawn.points().size());
}

void MetricChart::removeSeries(const QString& name) {
    raw_.remove(name);
    auto it = series_.find(name);
    if (it == series_.end()) return;
    chart()->removeSeries(*it);
    delete *it;
    series_.erase(it);
    relabel();
}

void MetricChart::clear() {
    for (auto* s : series_) {
        chart()->removeSeries(s);
        delete s;
    }
    series_.clear();
    raw_.clear();
    nextColour_ = 0;
    any_ = false;
    xMax_ = 1;
    relabel();
    rescale();
}

void MetricChart::setFixedYRange(double lo, double hi) {
    fixedY_ = true;
    fixedLo_ = lo;
    fixedHi_ = hi;
    rescale();
}

void MetricChart::rescale() {
    // as many ticks as fit: ~70 px apart across, ~28 px apart up the side
    const int viewH = height() - viewportMargins().bottom();
    const int xTicks = std::clamp((width() - 60) / 70, 2, 8), yTicks = std::clamp((viewH - 70) / 28, 2, 7);
    // a short chart has no room for the x axis title: its last tick names the unit instead
    const bool xTitle = viewH >= 240;
    if (x_->isTitleVisible() != xTitle) {
        x_->setTitleVisible(xTitle);
        fitTitles();
    }
    if (logX_) {  // x is log10(step): a tick per decade, labelled in steps
        const int decades = std::max(1, int(std::ceil(std::log10(std::max(10.0, xMax_)))));
        AxisTicks t;
        t.lo = 0;
        t.hi = decades;
        t.step = 1;
        for (int d = 0; d <= decades; d += std::max(1, (decades + xTicks - 1) / xTicks)) t.values.push_back(d);
        QStringList labels;
        for (double v : t.values) labels << compactNumber(std::pow(10.0, v), 1);
        if (x_->categoriesLabels() != labels || x_->max() != t.hi) {
            for (const QString& l : x_->categoriesLabels()) x_->remove(l);
            x_->setStartValue(-1e-6);
            for (int i = 0; i < labels.size(); ++i) x_->append(labels[i], t.values[std::size_t(i)]);
            x_->setRange(t.lo, t.hi);
        }
    } else {
        setTicks(x_, niceTicks(0, std::max(1.0, xMax_), xTicks));
    }
    // room on the right for half the last x label, which is centred on the plot's edge
    const int half = QFontMetrics(x_->labelsFont()).horizontalAdvance(x_->categoriesLabels().last()) / 2 + 4;
    if (chart()->margins().right() != half) chart()->setMargins(QMargins(2, 2, half, 2));
    if (fixedY_) {
        setTicks(y_, niceTicks(fixedLo_, fixedHi_, yTicks));
        return;
    }
    const double lo = any_ ? std::min(0.0, yMin_) : 0.0, hi = any_ ? std::max(yMax_, lo + 1e-9) : 1.0;
    setTicks(y_, niceTicks(lo, hi, yTicks));
}

void MetricChart::applyFonts() {
    // QtCharts keeps the fonts it is given: derived from the widget's, set again when that changes
    QFont titleFont = font();
    titleFont.setBold(true);
    chart()->setTitleFont(titleFont);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    for (QCategoryAxis* a : {x_, y_}) {
        a->setLabelsFont(small);
        a->setTitleFont(small);
    }
    legend_->setFont(small);
}

void MetricChart::changeEvent(QEvent* e) {
    QChartView::changeEvent(e);
    if (e->type() != QEvent::FontChange) return;
    for (auto it = series_.begin(); it != series_.end(); ++it) {
        QPen pen = (*it)->pen();
        pen.setWidthF(presentation::line(1.0));
        (*it)->setPen(pen);
    }
    applyFonts();
    fitTitles();
    rescale();  // tick labels: how many fit depends on their font
    layoutLegend();
}

}  // namespace ganglion
