// Loss and accuracy curves of every loss / classifier node, live, plus any other metric on demand.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QHBoxLayout>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace ganglion {

namespace {

/// The metric a document without a loss opens on: what its model is for (distance swum, firing
/// rate, active cells, event rate…) before counters and bookkeeping (totals, generations, sizes).
qsizetype headlineMetric(const QStringList& names, const QString& watch) {
    // the metric the document declares (GraphSettings::watch), by full name or by metric name
    if (!watch.isEmpty())
        for (qsizetype i = 0; i < names.size(); ++i)
            if (names[i] == watch || names[i].section('/', -1) == watch) return i;
    static const char* preferred[] = {"distance", "best_speed", "speed", "rate", "active_cells", "event_rate",
                                      "sparsity", "events_out"};
    for (const char* want : preferred)
        for (qsizetype i = 0; i < names.size(); ++i)
            if (names[i].section('/', -1) == QLatin1String(want)) return i;
    return 0;
}


class CurvesView : public QWidget {
public:
    CurvesView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        status_ = new QLabel(this);
        // a long status (the model cost) is elided at the dock's edge instead of widening the dock
        status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        loss_ = new MetricChart(tr("Loss"), tr("loss"), this);
        acc_ = new MetricChart(tr("Accuracy"), tr("accuracy"), this);
        acc_->setFixedYRange(0, 1);
        other_ = new QComboBox(this);
        other_->setToolTip(tr("Plot any other metric the nodes publish"));
        otherChart_ = new MetricChart(tr("Metric"), QString(), this);
        otherChart_->setVisible(false);
        // how the curves are drawn: log step axis, smoothing (exponential moving average)
        auto* drawing = new QHBoxLayout();
        drawing->setContentsMargins(0, 0, 0, 0);
        logX_ = new QCheckBox(tr("log steps"), this);
        logX_->setObjectName("logX");
        logX_->setToolTip(tr("Step axis on a log scale: early learning gets as much room as late learning"));
        smoothing_ = new QSlider(Qt::Horizontal, this);
        smoothing_->setObjectName("smoothing");
        smoothing_->setRange(0, 99);
        smoothing_->setFixedWidth(110);
        smoothing_->setToolTip(tr("Smoothing: exponential moving average of each curve (0 = raw values)"));
        auto* smoothingLabel = new QLabel(tr("smoothing 0"), this);
        drawing->addWidget(status_, 1);
        drawing->addWidget(logX_);
        drawing->addWidget(smoothingLabel);
        drawing->addWidget(smoothing_);
        lay->addLayout(drawing);
        connect(logX_, &QCheckBox::toggled, this, [this](bool on) {
            for (auto* c : {loss_, acc_, otherChart_}) c->setLogX(on);
        });
        connect(smoothing_, &QSlider::valueChanged, this, [this, smoothingLabel](int v) {
            smoothingLabel->setText(tr("smoothing %1").arg(v / 100.0, 0, 'f', 2));
            for (auto* c : {loss_, acc_, otherChart_}) c->setSmoothing(v / 100.0);
        });
        trainingCharts_ = new QWidget(this);
        auto* charts = new QHBoxLayout(trainingCharts_);
        charts->setContentsMargins(0, 0, 0, 0);
        charts->addWidget(loss_, 1);
        charts->addWidget(acc_, 1);
        lay->addWidget(trainingCharts_, 2);
        lay->addWidget(other_);
        lay->addWidget(otherChart_, 1);
        connect(other_, &QComboBox::activated, this, [this] { userPicked_ = true; });  // by hand only
        connect(other_, &QComboBox::currentTextChanged, this, [this](const QString& t) {
            otherChart_->clear();
            otherChart_->setTitle(t.section('/', -1).replace('_', ' '));  // the metric, by name
            std::erase_if(fetched_, [](const auto& f) { return f.first.rfind("other:", 0) == 0; });
            otherChart_->setVisible(!t.isEmpty() && t != tr("(more metrics)"));
        });
        connect(s, &Session::documentReplaced, this, [this] {
            userPicked_ = false;
            restart();
        });
        RefreshPacer::shared().whileVisible(this, 100, [this] { poll(); });
    }

private:
    void restart() {
        loss_->clear();
        acc_->clear();
        otherChart_->clear();
        fetched_.clear();
    }

    void pull(MetricChart* chart, const std::string& key, const std::string& name) {
        const std::size_t from = fetched_[key];
        auto pts = session_->metrics().series(name, from);
        if (pts.empty()) return;
        fetched_[key] = from + pts.size();
        std::vector<QPointF> q;
        q.reserve(pts.size());
        for (const auto& p : pts) q.emplace_back(double(p.step), p.value);
        chart->appendPoints(QString::fromStdString(name), q);
    }

    void poll() {
        const auto& m = session_->metrics();
        if (m.generation() != generation_) {
            generation_ = m.generation();
            restart();
        }
        QStringList others, plotted;
        for (const auto& name : m.names()) {
            const auto slash = name.rfind('/');
            const std::string metric = slash == std::string::npos ? name : name.substr(slash + 1);
            if (metric == "loss" || metric == "test_loss") pull(loss_, name, name);
            else if (metric == "accuracy" || metric == "test_accuracy") pull(acc_, name, name);
            else others << QString::fromStdString(name);
            if (!others.contains(QString::fromStdString(name))) plotted << QString::fromStdString(name);
        }
        if (others != otherNames_) {
            otherNames_ = others;
            const QString cur = other_->currentText();
            QSignalBlocker block(other_);
            other_->clear();
            other_->addItem(tr("(more metrics)"));
            other_->addItems(others);
            other_->setCurrentText(cur.isEmpty() ? tr("(more metrics)") : cur);
        }
        // A graph that cannot run (a missing table file, a bad shape) says why here instead of
        // showing empty charts.
        const QString error = m.names().empty() ? session_->engineError().trimmed() : QString();
        status_->setWordWrap(!error.isEmpty());
        status_->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("color: #b02020"));
        if (!error.isEmpty()) {
            trainingCharts_->setVisible(false);
            status_->setText(tr("No curves: the graph cannot run. %1").arg(error));
            return;
        }
        // Documents without a loss or classifier (simulations, swimmers…) show their first
        // metric instead of two empty charts.
        // Whether the document trains is the graph's (a node publishes a loss or an accuracy), not
        // which metric the engine happened to publish first: deciding it from the points that had
        // arrived let an early counter take the headline chart in a training document.
        const bool training = loss_->seriesCount() > 0 || acc_->seriesCount() > 0 ||
                              graphFeeds(session_->graph(), {QStringLiteral("loss"), QStringLiteral("accuracy")});
        trainingCharts_->setVisible(training || others.isEmpty());
        // a regression (no classifier in the graph) shows the loss chart alone
        const bool classifies = graphFeeds(session_->graph(), {QStringLiteral("accuracy")});
        acc_->setVisible(classifies || acc_->seriesCount() > 0 || !training);
        // until the user picks one, follow the headline metric (it may be published later than
        // the counters, e.g. firing rates once spikes exist); a metric the document declares
        // worth watching is shown beside the training charts too
        const QString watch = QString::fromStdString(session_->graph().settings().watch);
        const qsizetype headline = headlineMetric(others, watch);
        const bool watched = !watch.isEmpty() && (others.value(headline) == watch ||
                                                  others.value(headline).section('/', -1) == watch);
        if ((!training || watched) && !others.isEmpty() &&
            (!userPicked_ || !otherNames_.contains(other_->currentText())) && other_->currentIndex() != 1 + int(headline))
            other_->setCurrentIndex(1 + int(headline));
        const QString sel = other_->currentText();
        if (otherNames_.contains(sel)) {
            // a watched metric the document names without its node (watch = "temporal_sparsity") is
            // drawn for every node that publishes it, overlaid: the comparison the document is about
            QStringList series{sel};
            if (!watch.isEmpty() && !watch.contains('/') && sel.section('/', -1) == watch)
                for (const QString& n : otherNames_)
                    if (n != sel && n.section('/', -1) == watch) series << n;
            for (const QString& n : series) {
                pull(otherChart_, ("other:" + n).toStdString(), n.toStdString());
                plotted << n;
            }
        }
        setProperty(kViewSeries, plotted);  // what Export data… writes
        if (auto snap = session_->snapshot()) {
            // the model's cost; the step, the run's state and its speed are the run bar's and the
            // status bar's (saying them here too left the cost cut off in a narrow dock)
            // elided to the label's width at each poll, so also after the dock or its font changed
            const QString cost = tr("model %1").arg(QString::fromStdString(formatCost(snap->cost)));
            status_->setText(status_->fontMetrics().elidedText(cost, Qt::ElideRight, std::max(40, status_->width())));
            status_->setToolTip(cost);
        }
    }

    Session* session_;
    QLabel* status_;
    MetricChart *loss_, *acc_, *otherChart_;
    QComboBox* other_;
    QCheckBox* logX_;
    QSlider* smoothing_;
    bool userPicked_ = false;  ///< the user chose the extra metric: stop choosing for them
    QWidget* trainingCharts_;
    QStringList otherNames_;
    std::map<std::string, std::size_t> fetched_;
    std::uint64_t generation_ = ~0ull;
};

}  // namespace

QWidget* makeCurvesView(Session* s, QWidget* parent) {
    auto* v = new CurvesView(s, parent);
    v->setProperty(kViewObservables, QStringList{"loss", "accuracy"});
    return v;
}

}  // namespace ganglion
