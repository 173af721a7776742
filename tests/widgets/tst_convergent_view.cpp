// End to end: the "Convergent learning" example runs in a Session and the Convergent learning view
// shows, per Unit matching node, a tab with the sorted correlation matrix (each unit's partner on the
// diagonal, best matched first) and the histogram of matched correlations over every unit. The view
// is relevant to a document by what its nodes publish: this example's, not the spiral classifier's.
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/plots/matrix_heatmap.h"
#include "widgets/plots/xy_plot.h"

#include <QTabWidget>
#include <QtTest>

using namespace ganglion;

namespace {
QString example(const char* name) { return QString(GANGLION_SOURCE_DIR) + "/resources/examples/" + name + ".json"; }
}  // namespace

class TestConvergentView : public QObject {
    Q_OBJECT
private slots:
    void showsSortedMatricesAndHistograms() {
        Session session;
        QString err;
        QVERIFY2(session.open(example("convergent_two_seeds"), &err), qPrintable(err));
        const ViewInfo* info = nullptr;
        for (const auto& v : allViews())
            if (v.title == "Convergent learning") info = &v;
        QVERIFY(info);
        std::unique_ptr<QWidget> view(info->create(&session, nullptr));
        QVERIFY(graphFeeds(session.graph(), viewObservables(view.get())));
        view->resize(800, 420);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        session.setSpeed(0);
        session.play();
        auto* tabs = view->findChild<QTabWidget*>();
        QVERIFY(tabs);
        QTRY_VERIFY_WITH_TIMEOUT(tabs->count() == 2, 20000);
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        QCOMPARE(tabs->tabText(0), QString("Layer 1 units"));
        const auto maps = view->findChildren<MatrixHeatmap*>();
        const auto plots = view->findChildren<XYPlot*>();
        QCOMPARE(maps.size(), 2);
        QCOMPARE(plots.size(), 2);
        for (const MatrixHeatmap* map : maps) {
            const Matrix& c = map->values();
            QCOMPARE(c.rows(), Eigen::Index(24));
            QCOMPARE(c.cols(), Eigen::Index(24));
            for (Eigen::Index k = 1; k < c.rows(); ++k) QVERIFY(c(k, k) <= c(k - 1, k - 1));  // best matched first
        }
        for (const XYPlot* plot : plots) {
            QCOMPARE(plot->seriesCount(), 2);
            for (const char* series : {"one-to-one", "best partner"}) {
                const auto* pts = plot->points(series);
                QVERIFY(pts);
                double units = 0;
                for (const QPointF& p : *pts) units += p.y();
                QCOMPARE(units, 24.0);
            }
        }
        Session other;
        QVERIFY2(other.open(example("spiral_classifier"), &err), qPrintable(err));
        QVERIFY(!graphFeeds(other.graph(), viewObservables(view.get())));
    }
};

QTEST_MAIN(TestConvergentView)
#include "tst_convergent_view.moc"
