// View > Presentation Mode (widgets/presentation.h): larger text (the charts' own fonts too),
// thicker chart lines, a canvas without grid; persisted like the other layout settings and undone
// when turned off.
#include "app/main_window.h"
#include "document/session.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"
#include "widgets/plots/metric_chart.h"
#include "widgets/presentation.h"

#include <QAction>
#include <QApplication>
#include <QAbstractAxis>
#include <QLineSeries>
#include <QPainter>
#include <QSettings>
#include <QtTest>

#include <set>

using namespace ganglion;

namespace {
/// Distinct colours of the canvas's background drawn over an empty stretch of the scene.
std::size_t backgroundColours(GraphScene* scene) {
    QImage img(240, 240, QImage::Format_RGB32);
    QPainter p(&img);
    const QRectF far(50000, 50000, 240, 240);  // no node there: only the background
    scene->render(&p, QRectF(0, 0, 240, 240), far);
    p.end();
    std::set<QRgb> colours;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) colours.insert(img.pixel(x, y));
    return colours.size();
}
}  // namespace

class TstPresentation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");
        QCoreApplication::setApplicationName("tst_presentation");
        QSettings().clear();
    }

    void togglesFontLinesAndGrid() {
        Session session;
        MainWindow w(&session);
        auto* act = w.findChild<QAction*>("presentationMode");
        QVERIFY(act && act->isCheckable() && !act->isChecked());
        const double normal = QApplication::font().pointSizeF();
        QVERIFY(normal > 0);
        GraphScene* scene = w.canvas()->graphScene();
        QVERIFY2(backgroundColours(scene) >= 2, "the canvas has no grid to begin with");
        MetricChart chart("loss", "loss");
        chart.appendPoints("Net/loss", {{0, 1}, {1, 0.5}});
        chart.flush();
        QVERIFY(!chart.chart()->series().isEmpty());
        auto* series = qobject_cast<QLineSeries*>(chart.chart()->series().first());
        QVERIFY(series);
        QCOMPARE(series->pen().widthF(), 1.0);
        const double title = chart.chart()->titleFont().pointSizeF();
        auto* yAxis = chart.chart()->axes(Qt::Vertical).value(0);
        QVERIFY(yAxis);
        const double ticks = yAxis->labelsFont().pointSizeF();

        act->trigger();
        QVERIFY(presentation::active());
        QCOMPARE(presentation::lineScale(), presentation::kLineScale);
        QVERIFY(qAbs(QApplication::font().pointSizeF() - normal * presentation::kFontScale) < 0.01);
        QCOMPARE(backgroundColours(scene), std::size_t(1));  // a clean canvas
        QCoreApplication::sendPostedEvents();
        QCOMPARE(series->pen().widthF(), presentation::kLineScale);
        // QtCharts' own fonts follow: title and tick labels grow by the same factor
        QVERIFY(qAbs(chart.chart()->titleFont().pointSizeF() - title * presentation::kFontScale) < 0.05);
        QVERIFY(qAbs(yAxis->labelsFont().pointSizeF() - ticks * presentation::kFontScale) < 0.05);
        QCOMPARE(QSettings().value("view/presentation").toBool(), true);

        act->trigger();
        QVERIFY(!presentation::active());
        QCOMPARE(QApplication::font().pointSizeF(), normal);
        QVERIFY(backgroundColours(scene) >= 2);
        QCoreApplication::sendPostedEvents();
        QCOMPARE(series->pen().widthF(), 1.0);
        QCOMPARE(chart.chart()->titleFont().pointSizeF(), title);
        QCOMPARE(QSettings().value("view/presentation").toBool(), false);
    }

    void persistsAcrossWindows() {
        QSettings().setValue("view/presentation", true);
        {
            Session session;
            MainWindow w(&session);
            QVERIFY(w.findChild<QAction*>("presentationMode")->isChecked());
            QVERIFY(presentation::active());
            w.findChild<QAction*>("presentationMode")->trigger();  // leave the process as it was
        }
        QVERIFY(!presentation::active());
    }
};

QTEST_MAIN(TstPresentation)
#include "tst_presentation.moc"
