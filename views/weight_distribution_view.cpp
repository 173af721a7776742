// Weight distribution view: for every layer that publishes "weight_stats" (its node type lists it in
// NodeSpec::observables: a Dense layer with weight_stats on, the swimmer trainer's controller), the
// histogram of its weights as it trains — of w, or of log10|w| where exponentiated gradient's
// log-normal magnitudes make a bell and an additive optimiser's Gaussian weights a lopsided hump —
// with the layer's excitatory / inhibitory fractions and its sign flips since the start (Dale's
// law holds while they stay 0), and on a second page those flips over the training steps. The
// engine computes the histograms; this view only draws them.
#include "document/session.h"
#include "views/metric_feed.h"
#include "views/view_registry.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/weights/weight_histogram.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

namespace ganglion {

namespace {

QString swatch(const QColor& c) {
    return QStringLiteral("<span style=\"color:%1\">&#9632;</span>").arg(c.name());
}

class WeightDistributionView : public QWidget {
public:
    WeightDistributionView(Session* s, QWidget* parent) : QWidget(parent), session_(s), feed_(s) {
        setProperty(kViewObservables, QStringList{kWeightStats});
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        auto* top = new QHBoxLayout;
        log_ = new QCheckBox(tr("log₁₀|w| axis"), this);
        log_->setChecked(true);
        log_->setToolTip(tr("Bin the weights' magnitudes in decades (log-normal weights make a bell) "
                            "instead of the weights themselves"));
        top->addWidget(log_);
        auto* legend = new QLabel(swatch(WeightHistogram::excitatoryColor()) + tr(" excitatory w &gt; 0 &nbsp; ") +
                                      swatch(WeightHistogram::inhibitoryColor()) + tr(" inhibitory w &lt; 0"),
                                  this);
        legend->setTextFormat(Qt::RichText);
        top->addWidget(legend);
        top->addStretch(1);
        lay->addLayout(top);
        status_ = new QLabel(this);
        status_->setWordWrap(true);
        lay->addWidget(status_);
        auto* tabs = new QTabWidget(this);
        auto* page = new QWidget(tabs);
        grid_ = new QGridLayout(page);
        grid_->setContentsMargins(0, 0, 0, 0);
        grid_->setSpacing(4);
        tabs->addTab(page, tr("Histograms"));
        flips_ = new MetricChart(tr("Sign flips since the start, per layer"), tr("weights flipped"), tabs);
        tabs->addTab(flips_, tr("Sign flips over training"));
        lay->addWidget(tabs, 1);
        connect(log_, &QCheckBox::toggled, this, [this](bool on) {
            for (auto* t : tiles_) t->setLogAxis(on);
        });
        connect(s, &Session::documentReplaced, this, [this] {
            last_ = nullptr;
            flips_->clear();
            feed_.reset();
        });
        RefreshPacer::shared().whileVisible(this, 150, [this] { poll(); });
        showStatus();
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        arrange();
    }

private:
    /// Every tile in one row when they fit (the bottom dock), else as many columns as fit.
    int columns() const { return std::clamp(width() / 180, 1, std::max(1, int(tiles_.size()))); }

    void arrange() {
        const int cols = columns();
        if (cols == cols_) return;
        cols_ = cols;
        for (auto* t : tiles_) grid_->removeWidget(t);
        for (int i = 0; i < int(tiles_.size()); ++i) grid_->addWidget(tiles_[std::size_t(i)], i / cols, i % cols);
    }

    void showStatus() {
        const bool none = tiles_.empty();
        status_->setVisible(none);
        if (!none) return;
        const QString feeder = feederName(session_->graph(), {kWeightStats});
        status_->setText(feeder.isEmpty() ? tr("No layer publishes its weight distribution: turn on weight_stats "
                                               "on a Dense layer.")
                                          : tr("Waiting for the first weights of '%1'…").arg(feeder));
    }

    /// Every layer's "sign_flips" history, each a series named after its layer.
    void pullFlips() {
        if (feed_.restarted()) flips_->clear();
        for (const auto& name : session_->metrics().names()) {
            const auto slash = name.rfind('/');
            if (slash == std::string::npos || name.compare(slash + 1, std::string::npos, "sign_flips") != 0) continue;
            const auto pts = feed_.fresh(name);
            if (pts.empty()) continue;
            std::vector<QPointF> q;
            q.reserve(pts.size());
            for (const auto& p : pts) q.emplace_back(double(p.step), p.value);
            flips_->appendPoints(QString::fromStdString(name.substr(0, slash)), q);
        }
    }

    void poll() {
        if (flips_->isVisible()) pullFlips();
        auto snap = session_->snapshot();
        if (!snap || snap == last_) {
            if (!snap) showStatus();
            return;
        }
        last_ = snap;
        std::size_t k = 0;
        for (const auto& n : snap->nodes) {
            auto stats = n.obs.get<WeightStats>(kWeightStats);
            if (!stats) continue;
            if (k == tiles_.size()) {
                auto* t = new WeightHistogram(this);
                t->setLogAxis(log_->isChecked());
                tiles_.push_back(t);
                cols_ = 0;
            }
            tiles_[k++]->setStats(QString::fromStdString(n.name), stats);
        }
        if (k < tiles_.size()) {
            for (std::size_t i = k; i < tiles_.size(); ++i) delete tiles_[i];
            tiles_.resize(k);
            cols_ = 0;
        }
        arrange();
        showStatus();
    }

    Session* session_;
    QCheckBox* log_;
    QLabel* status_;
    QGridLayout* grid_;
    std::vector<WeightHistogram*> tiles_;
    MetricChart* flips_;
    MetricFeed feed_;
    int cols_ = 0;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeWeightDistributionView(Session* s, QWidget* parent) { return new WeightDistributionView(s, parent); }

}  // namespace ganglion
