// Every bundled example, opened in the full window as a user would (under Xvfb, 1600x1000),
// runs 150 steps (or 1.5 s); then every view it shows (tabs brought to the front) must read: no
// chart legend, axis title or tick label elided or clipped, no two ticks of an axis printed
// alike, every view drawing something, and the window title naming the example. Data-driven over
// resources/examples, so a new example is covered without touching this file.
// GANGLION_SAVE_GRABS=DIR saves each view as DIR/<example>__<view>.png for reading by eye.
// ctest-cost: 90 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "document/graph_commands.h"
#include "app/main_window.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"
#include "widgets/plots/metric_chart.h"

#include <QtTest>

#include <QAbstractSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QSettings>
#include <QTabWidget>
#include <QValueAxis>

#include <map>

using namespace ganglion;

namespace {

bool elided(const QString& text) { return text.contains(QChar(0x2026)) || text.contains(QLatin1String("...")); }

/// Share of pixels that differ clearly from the image's most common colour (its background).
double drawnShare(const QImage& shot) {
    const QImage img = shot.convertToFormat(QImage::Format_RGB32);
    std::map<QRgb, int> counts;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) ++counts[img.pixel(x, y) & 0xf0f0f0];
    QRgb bg = 0;
    int most = -1;
    for (const auto& [c, n] : counts)
        if (n > most) most = n, bg = c;
    int drawn = 0, all = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2, ++all) {
            const QRgb p = img.pixel(x, y);
            drawn += std::abs(qRed(p) - qRed(bg)) + std::abs(qGreen(p) - qGreen(bg)) + std::abs(qBlue(p) - qBlue(bg)) > 60;
        }
    return all ? double(drawn) / all : 0.0;
}

/// Everything unreadable in one chart: elided or clipped texts, unnamed legend entries, axes
/// whose ticks print the same text twice.
QStringList chartProblems(QChartView* view) {
    QStringList problems;
    QChart* chart = view->chart();
    const QString where = chart->title().isEmpty() ? QStringLiteral("chart") : "chart '" + chart->title() + "'";
    const QRectF visible = view->mapToScene(view->viewport()->rect()).boundingRect().adjusted(-1, -1, 1, 1);
    QSet<QString> shown;
    for (QGraphicsItem* item : view->scene()->items()) {
        if (!item->isVisible()) continue;
        QString text;
        if (auto* t = dynamic_cast<QGraphicsTextItem*>(item)) text = t->toPlainText();
        else if (auto* s = dynamic_cast<QGraphicsSimpleTextItem*>(item)) text = s->text();
        else continue;
        if (text.trimmed().isEmpty()) continue;
        shown.insert(text);
        if (elided(text)) problems << where + ": elided text '" + text + "'";
        const QRectF r = item->sceneBoundingRect();
        // a text item may carry an empty margin: what counts is the glyphs' box inside it
        const QFontMetricsF fm(item->type() == QGraphicsTextItem::Type ? static_cast<QGraphicsTextItem*>(item)->font()
                                                                       : static_cast<QGraphicsSimpleTextItem*>(item)->font());
        const QRectF glyphs(r.center() - QPointF(fm.horizontalAdvance(text) / 2, fm.height() / 2),
                            QSizeF(fm.horizontalAdvance(text), fm.height()));
        if (item->rotation() == 0 && !visible.contains(glyphs.adjusted(2, 2, -2, -2)))
            problems << where + QString(": text '%1' drawn outside the view").arg(text);
    }
    if (chart->legend()->isVisible())
        for (QLegendMarker* m : chart->legend()->markers()) {
            if (!m->isVisible() || (m->series() && !m->series()->isVisible())) continue;
            if (m->label().trimmed().isEmpty()) problems << where + ": a legend entry without a name";
            else if (!shown.contains(m->label())) problems << where + ": legend entry '" + m->label() + "' not shown whole";
        }
    for (QAbstractAxis* axis : chart->axes()) {
        if (!axis->isVisible()) continue;
        if (axis->isTitleVisible() && !axis->titleText().isEmpty() && !shown.contains(axis->titleText()))
            problems << where + ": axis title '" + axis->titleText() + "' not shown whole";
        if (!axis->labelsVisible()) continue;
        QStringList ticks;
        if (auto* c = qobject_cast<QCategoryAxis*>(axis)) {
            ticks = c->categoriesLabels();
            for (const QString& t : ticks)
                if (!shown.contains(t)) problems << where + ": tick '" + t + "' not shown whole";
        } else if (auto* v = qobject_cast<QValueAxis*>(axis); v && v->tickType() == QValueAxis::TicksFixed) {
            for (int i = 0; i < v->tickCount(); ++i) {
                const double x = v->min() + i * (v->max() - v->min()) / std::max(1, v->tickCount() - 1);
                ticks << QString::asprintf(v->labelFormat().toLatin1().constData(), x);
            }
        }
        if (QSet<QString>(ticks.begin(), ticks.end()).size() != ticks.size())
            problems << where + ": axis '" + axis->titleText() + "' ticks repeat: " + ticks.join(' ');
    }
    // a MetricChart's own legend wraps under the plot: it must have the height its lines need
    if (auto* metric = qobject_cast<MetricChart*>(view); metric && metric->legend()->isVisible()) {
        QLabel* legend = metric->legend();
        if (legend->heightForWidth(legend->width()) > legend->height() + 1)
            problems << where + ": legend cut (" + legend->text() + ")";
    }
    return problems;
}

}  // namespace

class TstViewsReadable : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_views_readable");
    }
    void init() { QSettings().clear(); }  // the default layout, not one left by an earlier window

    void everyViewReads_data() {
        QTest::addColumn<QString>("file");
        for (const QFileInfo& f : QDir(GANGLION_EXAMPLES_DIR).entryInfoList({"*.json"}, QDir::Files, QDir::Name))
            QTest::newRow(qPrintable(f.baseName())) << f.absoluteFilePath();
    }

    void everyViewReads() {
        QFETCH(QString, file);
        QFile json(file);
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QString title = QJsonDocument::fromJson(json.readAll()).object()["settings"].toObject()["title"].toString();
        QVERIFY2(!title.isEmpty(), "every bundled example has a title");

        Session session;
        MainWindow w(&session);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(file, true));
        QVERIFY2(w.windowTitle().contains(title), qPrintable(w.windowTitle() + " does not name " + title));

        // 150 steps at full speed (or what a slow model manages in 1.5 s)
        session.setSpeed(0);
        session.play();
        // (data sets load first: the clock starts at the first step; the wait is long because under
        // the sanitizers, on a loaded machine, the first steps of the larger models took up to 50 s)
        QTRY_VERIFY_WITH_TIMEOUT(!session.engineError().isEmpty() || (session.snapshot() && session.snapshot()->step > 0), 120000);
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(!session.engineError().isEmpty() || clock.elapsed() > 1500 ||
                                     (session.snapshot() && session.snapshot()->step >= 150),
                                 6000);
        QTest::qWait(350);  // the views poll every 100 ms
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        QTest::qWait(150);
        if (!session.engineError().isEmpty()) qInfo("%s: %s", qPrintable(file), qPrintable(session.engineError()));
        else QVERIFY2(session.snapshot() && session.snapshot()->step > 0, "the example did not run");

        // every node that publishes activity shows it on the canvas (no "no activity yet" while it runs)
        if (auto snap = session.snapshot())
            for (const auto& n : snap->nodes)
                if (auto a = n.obs.arrays.find("activations"); a != n.obs.arrays.end() && a->second.size() > 0)
                    QTRY_VERIFY2(!w.canvas()->graphScene()->thumbnail(n.id).isNull(),
                                 qPrintable(QString::fromStdString(n.name) + " publishes activity but shows none"));

        const QString saveDir = qEnvironmentVariable("GANGLION_SAVE_GRABS");
        int views = 0;
        QStringList problems;
        for (QDockWidget* dock : w.findChildren<QDockWidget*>()) {
            // every view the document shows, those behind another tab brought to the front
            if (dock->isHidden() || !dock->widget() || dock->objectName() == "dock:palette" ||
                dock->objectName() == "dock:inspector")
                continue;
            if (!dock->isVisible()) {
                dock->raise();
                QTRY_VERIFY(dock->isVisible());
                QTest::qWait(250);  // its first polls
            }
            ++views;
            auto inspect = [&](const QString& name) {
                const QImage shot = dock->widget()->grab().toImage();
                if (!saveDir.isEmpty())  // a view title may hold a slash ("E/I balance")
                    shot.save(QDir(saveDir).filePath(QFileInfo(file).baseName() + "__" + QString(name).replace('/', '-') + ".png"));
                const double drawn = drawnShare(shot);
                if (drawn < 0.005) problems << QString("view '%1' is blank (%2% drawn)").arg(name).arg(drawn * 100, 0, 'f', 2);
                for (QChartView* chart : dock->widget()->findChildren<QChartView*>())
                    if (chart->isVisible())
                        for (const QString& p : chartProblems(chart)) problems << name + ": " + p;
            };
            inspect(dock->windowTitle());
            // and each page of the view's tabs
            for (QTabWidget* tabs : dock->widget()->findChildren<QTabWidget*>()) {
                if (!tabs->isVisible()) continue;
                const int shown = tabs->currentIndex();
                for (int i = 0; i < tabs->count(); ++i) {
                    if (i == shown || !tabs->isTabEnabled(i) || !tabs->isTabVisible(i)) continue;
                    tabs->setCurrentIndex(i);
                    QTest::qWait(200);
                    inspect(dock->windowTitle() + " - " + tabs->tabText(i).remove('&'));
                }
                tabs->setCurrentIndex(shown);
            }
        }
        QVERIFY2(views > 0, "no view is shown for the example");
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));
    }

    void thumbnailsComeBackWithUndo() {
        // a node removed and brought back by Undo shows its live thumbnail again, while paused
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(MainWindow::findExample("spiral"), true));
        session.setSpeed(0);
        session.play();
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot() && session.snapshot()->step >= 50, 10000);
        session.pause();
        QTRY_VERIFY(!session.isRunning());
        NodeId dense = 0;
        for (const auto& n : session.graph().nodes())
            if (n.type == "Dense" && !dense) dense = n.id;
        QVERIFY(dense);
        GraphScene* scene = w.canvas()->graphScene();
        QTRY_VERIFY(!scene->thumbnail(dense).isNull());
        session.undoStack()->push(new RemoveItemsCommand(session.graph(), {dense}, {}));
        QTRY_VERIFY(scene->thumbnail(dense).isNull());
        session.undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(!scene->thumbnail(dense).isNull(), 5000);
    }
};

QTEST_MAIN(TstViewsReadable)
#include "tst_views_readable.moc"
