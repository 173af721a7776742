// Decision boundary of the first 2D data set + classifier pair, as TensorFlow Playground draws it.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/decision_field.h"
#include "widgets/plots/refresh_pacer.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace ganglion {

namespace {

class BoundaryView : public QWidget {
public:
    BoundaryView(Session* s, QWidget* parent) : QWidget(parent), session_(s) {
        auto* lay = new QVBoxLayout(this);
        lay->setContentsMargins(2, 2, 2, 2);
        field_ = new DecisionField(this);
        info_ = new QLabel(this);
        info_->setWordWrap(true);
        auto* row = new QHBoxLayout;
        auto* test = new QCheckBox(tr("Show test data"), this);
        test->setChecked(true);
        auto* disc = new QCheckBox(tr("Discretize output"), this);
        row->addWidget(test);
        row->addWidget(disc);
        row->addStretch();
        lay->addWidget(field_, 1);
        lay->addLayout(row);
        lay->addWidget(info_);
        connect(test, &QCheckBox::toggled, field_, &DecisionField::setShowTest);
        connect(disc, &QCheckBox::toggled, field_, &DecisionField::setDiscretize);
        RefreshPacer::shared().whileVisible(this, 50, [this] { poll(); });
    }

private:
    void poll() {
        auto snap = session_->snapshot();
        if (!snap || (snap->step == lastStep_ && snap->buildId == lastBuild_)) return;
        lastStep_ = snap->step;
        lastBuild_ = snap->buildId;
        const NodeSnapshot* data = nullptr;
        const NodeSnapshot* cls = nullptr;
        for (const auto& n : snap->nodes) {
            // a 2D classification set publishes its points and the grid it is evaluated on
            // (a regression set's "train_points" are only its canvas thumbnail)
            if (!data && n.obs.arrays.count("train_points") && n.obs.arrays.count("test_points") &&
                n.obs.arrays.count("grid_size"))
                data = &n;
            if (!cls && n.obs.arrays.count("grid_probs")) cls = &n;
        }
        if (!data) {
            field_->clear();
            showMissing();
            return;
        }
        field_->setEmptyText(tr("No prediction yet — press Play"));
        field_->setPoints(data->obs.arrays.at("train_points"), data->obs.arrays.at("test_points"));
        const int g = int(data->obs.arrays.at("grid_size")(0, 0));
        if (cls) {
            const Matrix& probs = cls->obs.arrays.at("grid_probs");
            if (probs.rows() >= 2 && probs.cols() == Eigen::Index(g) * g) field_->setField(probs.row(1).transpose(), g);
            QString acc;
            auto it = cls->obs.scalars.find("test_accuracy");
            if (it != cls->obs.scalars.end()) acc = tr(" · test accuracy %1%").arg(it->second * 100, 0, 'f', 1);
            info_->setText(tr("%1 → %2 · step %3%4")
                               .arg(QString::fromStdString(data->name), QString::fromStdString(cls->name))
                               .arg(snap->step)
                               .arg(acc));
        } else {
            info_->setText(tr("Connect a Classifier to draw the predicted field."));
        }
    }

    /// Says what keeps the field from being drawn: no data set in the graph, or one that the
    /// engine is not running yet (the graph is incomplete: its first problem is named).
    void showMissing() {
        const QString dataName = feederName(session_->graph(), viewObservables(this));
        if (dataName.isEmpty()) {
            field_->setEmptyText(tr("No 2D data set in this graph"));
            info_->setText(tr("Add a 2D data set (Data ▸ 2D data set) and a Classifier to see the decision boundary."));
            return;
        }
        const QString error = session_->engineError().trimmed();
        field_->setEmptyText(tr("'%1' is not running yet").arg(dataName));
        info_->setText(error.isEmpty() ? tr("Press Play or Step to draw '%1' and the decision boundary.").arg(dataName)
                                       : tr("The graph cannot run yet: %1").arg(error.section('\n', 0, 0)));
    }

    Session* session_;
    DecisionField* field_;
    QLabel* info_;
    std::uint64_t lastStep_ = ~0ull, lastBuild_ = ~0ull;
};

}  // namespace

QWidget* makeBoundaryView(Session* s, QWidget* parent) {
    auto* v = new BoundaryView(s, parent);
    v->setProperty(kViewObservables, QStringList{"test_points"});  // a 2D data set
    return v;
}

}  // namespace ganglion
