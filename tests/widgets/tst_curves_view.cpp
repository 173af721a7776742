// The "Training curves" dock on documents without a loss: it opens on the metric the model is
// about (a firing rate, not a spike counter), follows it when it appears later than the
// counters, and stays on a metric the user picked.
#include "document/session.h"
#include "views/view_registry.h"

#include <QComboBox>
#include <QLabel>
#include <QtTest>

using namespace ganglion;

class TestCurvesView : public QObject {
    Q_OBJECT
    /// Opens the bundled example `name` and shows a "Training curves" view of it in `view`.
    static void openCurves(Session& session, const char* name, std::unique_ptr<QWidget>& view) {
        QString err;
        QVERIFY2(session.open(QString(GANGLION_SOURCE_DIR) + "/resources/examples/" + name + ".json", &err),
                 qPrintable(err));
        const ViewInfo* info = nullptr;
        for (const auto& v : allViews())
            if (v.title == "Training curves") info = &v;
        QVERIFY(info);
        view.reset(info->create(&session, nullptr));
        view->resize(500, 500);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    }

private slots:
    void opensOnTheHeadlineMetric() {
        Session session;
        std::unique_ptr<QWidget> view;
        openCurves(session, "snn_populations", view);
        if (QTest::currentTestFailed()) return;
        auto* combo = view->findChild<QComboBox*>();
        QVERIFY(combo);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(combo->currentText().endsWith("/rate"), 10000);
        // a metric chosen by hand stays chosen
        const int counter = combo->findText("Excitatory/spikes_total");
        QVERIFY(counter > 0);
        combo->setCurrentIndex(counter);
        emit combo->activated(counter);
        QTest::qWait(400);
        QCOMPARE(combo->currentText(), QString("Excitatory/spikes_total"));
        session.pause();
    }

    // The status line names the model's cost as the engine counted it (the spiral 2-16-16-2
    // network: 354 parameters, 356 MACs per sample; see core_tst_cli for the hand count).
    void statusShowsTheModelCost() {
        Session session;
        std::unique_ptr<QWidget> view;
        openCurves(session, "spiral_classifier", view);
        if (QTest::currentTestFailed()) return;
        session.step();
        auto costShown = [&] {
            for (QLabel* l : view->findChildren<QLabel*>())
                if (l->text().contains("354 params · 356 MACs/sample")) return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(costShown(), 10000);
    }
};

QTEST_MAIN(TestCurvesView)
#include "tst_curves_view.moc"
