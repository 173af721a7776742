// The Continual learning view on the bundled example: it comes up for the document (its nodes
// publish task_accuracy), draws one accuracy matrix per task scoreboard, filled column by column as
// the tasks go by, and shows the task-1 and average accuracy curves of both networks once the dock
// is tall enough to read them (the heat maps take a short dock alone).
// ctest-cost: 63 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "app/main_window.h"
#include "widgets/plots/matrix_heatmap.h"
#include "widgets/plots/metric_chart.h"

#include <QtTest>
#include <QDockWidget>
#include <QSettings>

using namespace ganglion;

class TstContinualView : public QObject {
    Q_OBJECT

    Session session_;
    MainWindow* w_ = nullptr;

    QDockWidget* dock() const {
        for (QDockWidget* d : w_->findChildren<QDockWidget*>())
            if (d->windowTitle() == "Continual learning") return d;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");
        QCoreApplication::setApplicationName("tst_continual_view");
        QSettings().clear();
        w_ = new MainWindow(&session_);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_));
    }
    void cleanupTestCase() { delete w_; }

    void drawsEveryScoreboardsMatrix() {
        QVERIFY(w_->openFile(MainWindow::findExample("continual_hebbian_projection"), true));
        QDockWidget* d = dock();
        QVERIFY(d);
        QVERIFY(d->isVisible() || !d->isHidden());
        session_.setSpeed(0);
        session_.play();
        // the first task trained (400 steps) and scored: the first column of both matrices is filled
        QTRY_VERIFY_WITH_TIMEOUT(session_.snapshot() && session_.snapshot()->step >= 450, 120000);
        session_.pause();
        QTRY_VERIFY(!session_.isRunning());
        d->raise();
        d->setFloating(true);
        d->resize(760, 900);
        // the view polls every 200 ms while visible
        QTRY_COMPARE_WITH_TIMEOUT(d->findChildren<MatrixHeatmap*>().size(), qsizetype(2), 5000);
        QTest::qWait(400);
        const auto maps = d->findChildren<MatrixHeatmap*>();
        for (const MatrixHeatmap* m : maps) {
            const Matrix& v = m->values();
            QCOMPARE(int(v.rows()), 5);
            QCOMPARE(int(v.cols()), 5);
            QVERIFY2(v(0, 0) > 0.5, "the trained task is not scored");
            QVERIFY2(v(0, 4) < 0, "a task not trained yet has a score");
        }
        const auto charts = d->findChildren<MetricChart*>();
        QCOMPARE(charts.size(), 2);
        for (const MetricChart* c : charts) {
            QVERIFY(c->isVisible());
            QCOMPARE(c->seriesCount(), 2);  // one curve per network
        }
        d->resize(760, 300);
        QTRY_VERIFY(!charts[0]->isVisible() && !charts[1]->isVisible());
        for (const MatrixHeatmap* m : maps) QVERIFY(m->isVisible() && m->height() > 150);
    }
};

QTEST_MAIN(TstContinualView)
#include "tst_continual_view.moc"
