// Activity through time: for the layer chosen (the canvas selection when it publishes sequences,
// else the chooser), its sequences as units x steps heat maps for the first sample of the last
// batch, in one row after the sequence feeding its first input. A Delta layer shows the deltas it
// sends and the values it holds side by side. Nodes are found by the "through_time:<what>" arrays
// they publish (core/model/observables.h; the engine adds every sequence-valued output), never by
// type.
#include "core/model/node_spec.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/matrix_heatmap.h"
#include "widgets/plots/refresh_pacer.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace ganglion {

namespace {

using Arrays = std::vector<std::pair<std::string, const Matrix*>>;  // what → features x steps

Arrays throughTime(const NodeSnapshot& n) {
    Arrays out;
    for (const auto& [key, m] : n.obs.arrays)
        if (isThroughTime(key) && m.size() > 0) out.emplace_back(key.substr(std::string(kThroughTime).size()), &m);
    return out;
}

/// Signed values get a range symmetric about zero (so zero is always the same colour).
std::pair<double, double> rangeOf(const Matrix& m) {
    const double lo = m.minCoeff(), hi = m.maxCoeff();
    if (lo < 0 && hi > 0) {
        const double a = std::max(-lo, hi);
        return {-a, a};
    }
    return {lo, hi > lo ? hi : lo + 1};
}

QString valueText(double v) {
    return std::abs(v) >= 100 || v == 0 ? QString::number(v, 'f', 0) : QString::number(v, 'g', 2);
}

class ActivityView : public QWidget {
public:
    ActivityView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        setProperty(kViewObservables, QStringList{"through_time"});
        auto* column = new QVBoxLayout(this);
        column->setContentsMargins(2, 2, 2, 2);
        auto* top = new QHBoxLayout;
        top->addWidget(new QLabel(tr("Layer:"), this));
        chooser_ = new QComboBox(this);
        chooser_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        chooser_->setToolTip(tr("The node whose sequences are drawn (selecting it on the canvas chooses it too)"));
        top->addWidget(chooser_);
        note_ = new QLabel(this);
        top->addWidget(note_, 1);
        column->addLayout(top);
        // one row, so that a short bottom dock still shows every map: the input, then the layer's
        own_ = new QHBoxLayout;
        input_ = makeMap();
        own_->addWidget(input_, 2);
        column->addLayout(own_, 1);
        connect(chooser_, &QComboBox::activated, this, [this] {
            choice_ = chooser_->currentText().toStdString();
            last_ = nullptr;
            poll();
        });
        connect(s, &Session::selectionChanged, this, [this] {
            last_ = nullptr;
            poll();
        });
        connect(s, &Session::documentReplaced, this, [this] {
            choice_.clear();
            last_ = nullptr;
        });
        RefreshPacer::shared().whileVisible(this, 200, [this] { poll(); });
    }

private:
    MatrixHeatmap* makeMap() {
        auto* map = new MatrixHeatmap(this);
        map->setSquareCells(false);
        map->setMinimumSize(160, 110);  // fits a short bottom dock: the cells shrink, the axes stay
        map->setFormat(valueText);
        return map;
    }

    /// The node to draw: the canvas selection if it has sequences, else the user's last choice,
    /// else the first node fed by another sequence node (a layer rather than the data).
    const NodeSnapshot* chosen(const Snapshot& snap, const std::map<std::string, Arrays>& have) const {
        const Node* sel = session_->graph().node(session_->selectedNode());
        for (const std::string& want : {sel ? sel->name : std::string(), choice_})
            for (const auto& n : snap.nodes)
                if (!want.empty() && n.name == want && have.count(n.name)) return &n;
        for (const auto& n : snap.nodes)
            if (have.count(n.name) && source(snap, n.id, have).first) return &n;
        for (const auto& n : snap.nodes)
            if (have.count(n.name)) return &n;
        return nullptr;
    }

    /// The node with sequences feeding `id`'s first input port, and the port it comes from.
    std::pair<const NodeSnapshot*, std::string> source(const Snapshot& snap, NodeId id,
                                                       const std::map<std::string, Arrays>& have) const {
        const Node* node = session_->graph().node(id);
        const NodeSpec* spec = node ? NodeRegistry::instance().find(node->type) : nullptr;
        if (!spec || spec->inputs.empty()) return {nullptr, {}};
        for (const Edge& e : session_->graph().edges()) {
            if (e.to.node != id || e.to.port != spec->inputs.front().name) continue;
            for (const auto& n : snap.nodes)
                if (n.id == e.from.node && have.count(n.name)) return {&n, e.from.port};
        }
        return {nullptr, {}};
    }

    void show(MatrixHeatmap* map, const Matrix& m, const QString& title, const QString& rows) {
        const auto [lo, hi] = rangeOf(m);
        map->setRange(lo, hi);
        map->setValues(m);
        map->setTitle(title);
        map->setAxisTitles(tr("step"), rows);
    }

    void poll() {
        auto snap = session_->snapshot();
        if (!snap || snap == last_) return;
        last_ = snap;
        std::map<std::string, Arrays> have;
        QStringList names;
        for (const auto& n : snap->nodes)
            if (auto a = throughTime(n); !a.empty()) {
                have[n.name] = std::move(a);
                names << QString::fromStdString(n.name);
            }
        if (names != listed_) {
            listed_ = names;
            chooser_->clear();
            chooser_->addItems(names);
        }
        const NodeSnapshot* node = chosen(*snap, have);
        if (!node) {
            note_->setText(tr("No node publishes a sequence yet: run a graph whose data are sequences."));
            input_->clear();
            setOwnMaps(0);
            return;
        }
        chooser_->setCurrentText(QString::fromStdString(node->name));
        note_->setText(tr("sample 1 of the last batch; colour: the value"));
        const QString name = QString::fromStdString(node->name);
        const auto feeding = source(*snap, node->id, have);
        const NodeSnapshot* src = feeding.first;
        const std::string port = feeding.second;
        input_->setVisible(src != nullptr);
        if (src) {
            const Arrays& a = have.at(src->name);
            auto pick = std::find_if(a.begin(), a.end(), [&](const auto& p) { return p.first == port; });
            if (pick == a.end()) pick = a.begin();
            show(input_, *pick->second,
                 tr("Input: %1 · %2").arg(QString::fromStdString(src->name), QString::fromStdString(pick->first)),
                 tr("feature"));
        }
        const Arrays& mine = have.at(node->name);
        setOwnMaps(mine.size());
        for (std::size_t k = 0; k < mine.size(); ++k)
            show(maps_[k], *mine[k].second, tr("%1 · %2").arg(name, QString::fromStdString(mine[k].first)), tr("unit"));
    }

    void setOwnMaps(std::size_t n) {
        while (maps_.size() < n) {
            maps_.push_back(makeMap());
            own_->addWidget(maps_.back(), 3);
        }
        while (maps_.size() > n) {
            delete maps_.back();
            maps_.pop_back();
        }
    }

    Session* session_;
    QComboBox* chooser_;
    QLabel* note_;
    MatrixHeatmap* input_;
    QHBoxLayout* own_;
    std::vector<MatrixHeatmap*> maps_;
    QStringList listed_;
    std::string choice_;
    SnapshotPtr last_;
};

}  // namespace

QWidget* makeActivityView(Session* s, QWidget* parent) { return new ActivityView(s, parent); }

}  // namespace ganglion
