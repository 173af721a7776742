// Convergent-learning view: for every node that compares the units of two networks ("unit_correlation":
// the correlation matrix of one layer's units in network A against those in network B, sorted by the
// one-to-one matching so each unit's partner sits on the diagonal) a tab with the matrix as a heat map,
// titled with how many units match strongly, how many have no partner and how many are dead, and beside
// it the histogram of the matched correlations, one-to-one (Hungarian) over many-to-one (each unit's
// best partner). The tab bar shows when there are several such nodes. Nodes are found by what they
// publish, never by type.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/matrix_heatmap.h"
#include "widgets/plots/refresh_pacer.h"
#include "widgets/plots/xy_plot.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace ganglion {

namespace {

const QColor kOneToOne(31, 119, 180), kManyToOne(255, 127, 14);
constexpr int kBins = 20;

QString twoDecimals(double v) { return QString::number(v, 'f', 2); }
QString oneDecimal(double v) { return QString::number(v, 'f', 1); }

double scalarOr(const Observables& obs, const char* key, double fallback) {
    const auto it = obs.scalars.find(key);
    return it == obs.scalars.end() ? fallback : it->second;
}

class ConvergentView : public QWidget {
public:
    ConvergentView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"unit_correlation"});
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(2, 2, 2, 2);
        tabs_ = new QTabWidget(this);
        tabs_->setTabBarAutoHide(true);
        tabs_->setDocumentMode(true);
        layout->addWidget(tabs_);
        waiting_ = new QLabel(this);
        waiting_->setAlignment(Qt::AlignCenter);
        waiting_->setWordWrap(true);
        layout->addWidget(waiting_);
        showWaiting();
        connect(s, &Session::documentReplaced, this, [this] { restart(); });
        RefreshPacer::shared().whileVisible(this, 250, [this] { poll(); });
    }

private:
    struct Panel {
        QWidget* page = nullptr;
        MatrixHeatmap* map = nullptr;
        XYPlot* hist = nullptr;
    };

    void restart() {
        for (auto& [name, p] : panels_) delete p.page;  // removes its tab
        panels_.clear();
        last_ = nullptr;
        showWaiting();
    }

    /// Before the first comparison: which node will make it, and when.
    void showWaiting() {
        const bool none = panels_.empty();
        tabs_->setVisible(!none);
        waiting_->setVisible(none);
        if (!none) return;
        const QString feeder = feederName(session_->graph(), viewObservables(this));
        const QString error = session_->engineError().trimmed();
        if (feeder.isEmpty()) waiting_->setText(tr("No node compares the units of two networks (add a Unit matching node)."));
        else if (!error.isEmpty()) waiting_->setText(tr("The graph cannot run: %1").arg(error.section('\n', 0, 0)));
        else waiting_->setText(tr("'%1' compares the two networks' units at the first test evaluation.").arg(feeder));
    }

    Panel& panelFor(const std::string& name) {
        auto it = panels_.find(name);
        if (it != panels_.end()) return it->second;
        Panel p;
        p.page = new QWidget(tabs_);
        auto* row = new QHBoxLayout(p.page);
        row->setContentsMargins(0, 0, 0, 0);
        p.map = new MatrixHeatmap(p.page);
        p.map->setAxisTitles(tr("B: partner of row k in column k"), tr("A: best matched first"));
        p.map->setRange(-1, 1);
        p.map->setFormat([](double v) { return QStringLiteral("r = ") + twoDecimals(v); });
        p.map->setCellFormat(oneDecimal);
        p.hist = new XYPlot(XYPlot::Kind::Histogram, tr("Matched correlation"),
                            tr("Pearson r with partner"), tr("units"), p.page);
        row->addWidget(p.map, 3);
        row->addWidget(p.hist, 2);
        tabs_->addTab(p.page, QString::fromStdString(name));
        panels_[name] = p;
        showWaiting();
        return panels_[name];
    }

    void poll() {
        if (panels_.empty()) showWaiting();  // the engine may have failed since
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        std::set<std::string> present;
        for (const auto& n : snap->nodes) {
            const auto corr = n.obs.arrays.find("unit_correlation");
            if (corr == n.obs.arrays.end()) continue;
            present.insert(n.name);
            Panel& p = panelFor(n.name);
            p.map->setValues(corr->second);
            double strong = 0.9, threshold = 0.5;  // the node's parameters, when it declares them
            if (const Node* node = session_->graph().node(n.id)) {
                if (node->params.has("strong")) strong = node->params.getFloat("strong");
                if (node->params.has("threshold")) threshold = node->params.getFloat("threshold");
            }
            const int units = int(corr->second.rows());
            p.map->setTitle(tr("%1: %2/%3 matched at r > %4; %5 without a partner (best r < %6); %7 dead")
                                .arg(QString::fromStdString(n.name))
                                .arg(int(scalarOr(n.obs, "strong_matches", 0)))
                                .arg(units)
                                .arg(twoDecimals(strong))
                                .arg(int(scalarOr(n.obs, "units_without_partner", 0)))
                                .arg(twoDecimals(threshold))
                                .arg(int(scalarOr(n.obs, "dead_units", 0))));
            const auto matched = n.obs.arrays.find("matched_correlation");
            const auto best = n.obs.arrays.find("best_correlation");
            double lo = 0;
            for (const auto* a : {&matched, &best})
                if (*a != n.obs.arrays.end() && (*a)->second.size()) lo = std::min(lo, double((*a)->second.minCoeff()));
            lo = std::floor(lo * 10) / 10;
            const auto bins = [&](const Matrix& m) { return histogramBins({m.data(), std::size_t(m.size())}, lo, 1, kBins); };
            if (matched != n.obs.arrays.end()) p.hist->setSeries(tr("one-to-one"), kOneToOne, bins(matched->second));
            if (best != n.obs.arrays.end()) p.hist->setSeries(tr("best partner"), kManyToOne, bins(best->second));
        }
        for (auto it = panels_.begin(); it != panels_.end();) {  // nodes removed or renamed
            if (present.count(it->first)) {
                ++it;
                continue;
            }
            delete it->second.page;
            it = panels_.erase(it);
        }
        showWaiting();
    }

    Session* session_;
    QTabWidget* tabs_ = nullptr;
    QLabel* waiting_ = nullptr;
    std::map<std::string, Panel> panels_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeConvergentView(Session* s, QWidget* parent) { return new ConvergentView(s, parent); }

}  // namespace ganglion
