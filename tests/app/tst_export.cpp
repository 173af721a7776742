// Export from the workbench (issue #18): every view dock offers Export image… and, where the view
// plots series, Export data…; the curves' CSV re-reads to the metric history's numbers; a PNG at
// 2× has twice the width and height of 1×; an SVG parses and carries the chart's series as vector
// paths in their colours; the canvas exports the whole graph, not just what is visible; and the
// command line's --export-view writes a view or names the views there are.
// GANGLION_SAVE_EXPORTS=DIR keeps the pictures made here in DIR, for reading by eye.
// ctest-cost: 24 (seconds under the sanitizers in CI: started first, see tests/CMakeLists.txt)
#include "app/main_window.h"
#include "app/view_export.h"
#include "core/io/data_export.h"
#include "views/view_registry.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"
#include "widgets/export/image_export.h"
#include "widgets/plots/metric_chart.h"

#include <QtTest>

#include <QAbstractSeries>
#include <QChart>
#include <QDockWidget>
#include <QContextMenuEvent>
#include <QLabel>
#include <QMenu>
#include <QLineSeries>
#include <QProcess>
#include <QPainter>
#include <QSet>
#include <QSettings>
#include <QSvgRenderer>
#include <QXmlStreamReader>

#include <cmath>
#include <set>

using namespace ganglion;

namespace {

struct Svg {
    QString error;                 ///< parse error, "" when well-formed
    int shapes = 0;                ///< path / polyline / line elements
    std::set<QString> strokes;     ///< stroke colours of those elements (#rrggbb)
    QString text;                  ///< all text content
};

Svg readSvg(const QString& path) {
    Svg out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        out.error = "cannot open " + path;
        return out;
    }
    QXmlStreamReader xml(&f);
    QStringList strokeStack{QString()};  // QSvgGenerator puts the pen on enclosing <g> elements
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto a = xml.attributes();
            strokeStack << (a.hasAttribute("stroke") ? a.value("stroke").toString().toLower() : strokeStack.last());
            const auto n = xml.name();
            if (n == QLatin1String("path") || n == QLatin1String("polyline") || n == QLatin1String("line")) {
                ++out.shapes;
                out.strokes.insert(strokeStack.last());
            }
        } else if (xml.isEndElement()) {
            strokeStack.removeLast();
        } else if (xml.isCharacters()) {
            out.text += xml.text();
        }
    }
    if (xml.hasError()) out.error = xml.errorString();
    return out;
}

/// Renders an SVG file with Qt's SVG renderer at the size of its view box (the exported widget's
/// size): the image, or a null image when it does not load.
QImage renderSvg(const QString& path) {
    QSvgRenderer r(path);
    if (!r.isValid()) return {};
    QImage img(r.viewBox().size(), QImage::Format_ARGB32);
    img.fill(Qt::transparent);
    QPainter p(&img);
    r.render(&p);
    return img;
}

/// Distinct colours in an image (sampled): a drawn picture has many, an empty one one.
int colours(const QImage& img) {
    QSet<QRgb> seen;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3) seen.insert(img.pixel(x, y));
    return int(seen.size());
}

QDockWidget* dockTitled(MainWindow& w, const QString& title) {
    for (QDockWidget* d : w.findChildren<QDockWidget*>())
        if (d->windowTitle() == title) return d;
    return nullptr;
}

std::vector<QStringList> readCsv(const QString& path) {
    std::vector<QStringList> rows;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return rows;
    while (!f.atEnd()) rows.push_back(QString::fromUtf8(f.readLine()).trimmed().split(','));
    return rows;
}

}  // namespace

class TstExport : public QObject {
    Q_OBJECT

    Session session_;
    MainWindow* w_ = nullptr;
    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_export");
        QSettings().clear();
        w_ = new MainWindow(&session_);
        w_->show();
        QVERIFY(QTest::qWaitForWindowExposed(w_));
        QVERIFY(w_->openFile(MainWindow::findExample("spiral"), true));
        session_.play();
        QTRY_VERIFY_WITH_TIMEOUT(session_.snapshot() && session_.snapshot()->step >= 400, 60000);
        session_.pause();
        QTRY_VERIFY(!session_.isRunning());
        QTest::qWait(400);  // the views poll every 100 ms
    }
    void cleanupTestCase() {
        delete w_;
        const QString keep = qEnvironmentVariable("GANGLION_SAVE_EXPORTS");
        if (!keep.isEmpty())
            for (const QFileInfo& f : QDir(dir_.path()).entryInfoList({"*.png", "*.svg", "*.csv"}, QDir::Files))
                QFile::copy(f.absoluteFilePath(), keep + '/' + f.fileName());
    }

    void everyViewDockOffersExport() {
        int docks = 0;
        for (const ViewInfo& v : allViews()) {
            QDockWidget* d = dockTitled(*w_, v.title);
            QVERIFY2(d, qPrintable(v.title));
            QCOMPARE(d->contextMenuPolicy(), Qt::ActionsContextMenu);
            QVERIFY2(d->findChild<QAction*>("exportImage"), qPrintable(v.title));
            QVERIFY2(d->findChild<QAction*>("exportData"), qPrintable(v.title));
            QVERIFY2(d->findChild<QAction*>("exportArrays"), qPrintable(v.title));
            ++docks;
        }
        QVERIFY(docks >= 10);
        QVERIFY(w_->findChild<QAction*>("exportGraphImage"));  // File ▸ Export Graph Image…
    }

    // Right-clicking a dock's title bar opens its export menu, with the entries that apply.
    void dockMenuOffersWhatApplies_data() {
        QTest::addColumn<QString>("view");
        QTest::addColumn<QStringList>("shown");
        QTest::addColumn<QStringList>("hidden");
        QTest::newRow("curves") << "Training curves" << QStringList{"Export image…", "Export data…", "Export arrays and tables…"}
                                << QStringList{};
        QTest::newRow("boundary") << "Decision boundary" << QStringList{"Export image…", "Export arrays and tables…"}
                                  << QStringList{"Export data…"};
    }

    void dockMenuOffersWhatApplies() {
        QFETCH(QString, view);
        QFETCH(QStringList, shown);
        QFETCH(QStringList, hidden);
        QDockWidget* d = dockTitled(*w_, view);
        QVERIFY(d && d->isVisible());
        QStringList entries;
        QTimer::singleShot(300, [&entries] {  // the menu is modal: read it, then close it
            if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
                for (QAction* a : menu->actions())
                    if (a->isVisible()) entries << a->text();
                menu->close();
            }
        });
        const QPoint title(d->width() / 2, 6);  // on the title bar
        QContextMenuEvent e(QContextMenuEvent::Mouse, title, d->mapToGlobal(title));
        QApplication::sendEvent(d, &e);
        QTRY_VERIFY(!entries.isEmpty());
        for (const QString& s : shown) QVERIFY2(entries.contains(s), qPrintable(entries.join(", ")));
        for (const QString& s : hidden) QVERIFY2(!entries.contains(s), qPrintable(entries.join(", ")));
    }

    void curvesDataReReadsToTheHistory() {
        QDockWidget* d = dockTitled(*w_, "Training curves");
        QVERIFY(d);
        const QStringList series = viewSeries(viewOf(d), session_);
        QVERIFY2(series.contains("Loss/loss") && series.contains("Accuracy/test_accuracy"), qPrintable(series.join(", ")));
        const QString path = dir_.filePath("curves.csv");
        QString error;
        QVERIFY2(exportViewData(viewOf(d), session_, path, &error), qPrintable(error));
        const auto rows = readCsv(path);
        QVERIFY(rows.size() > 2);
        QCOMPARE(rows[0].front(), QString("step"));
        QCOMPARE(rows[0].mid(1), series);  // the spiral does not simulate time: no time_s column
        for (int c = 1; c < rows[0].size(); ++c) {
            const auto want = session_.metrics().series(rows[0][c].toStdString());
            std::size_t i = 0;
            for (std::size_t r = 1; r < rows.size(); ++r) {
                if (rows[r][c].isEmpty()) continue;
                QVERIFY(i < want.size());
                QCOMPARE(rows[r][0].toULongLong(), want[i].step);
                QVERIFY(rows[r][c].toDouble() == want[i].value);  // exactly
                ++i;
            }
            QCOMPARE(i, want.size());
        }
        // a view that plots no series has nothing to export, and says so
        QDockWidget* boundary = dockTitled(*w_, "Decision boundary");
        QVERIFY(boundary);
        QVERIFY(!exportViewData(viewOf(boundary), session_, dir_.filePath("b.csv"), &error));
        QVERIFY2(error.contains("no recorded series"), qPrintable(error));
    }

    // The arrays the view's nodes publish go out as .npy files with their shapes and values: the
    // decision boundary's data set publishes its points.
    void viewArraysExportAsNpy() {
        QDockWidget* d = dockTitled(*w_, "Decision boundary");
        QVERIFY(d);
        const QStringList names = viewArrays(viewOf(d), session_);
        QVERIFY2(names.contains("Spiral/train_points") && names.contains("Spiral/test_points"), qPrintable(names.join(", ")));
        QVERIFY2(!names.contains("Hidden 1/weights"), "a layer does not feed the boundary view");
        QDir(dir_.path()).mkdir("arrays");
        QStringList written;
        QString error;
        QVERIFY2(exportViewArrays(viewOf(d), session_, dir_.filePath("arrays"), &written, &error), qPrintable(error));
        QCOMPARE(written.size(), names.size());
        const auto snap = session_.snapshot();
        const NodeSnapshot* spiral = nullptr;
        for (const auto& n : snap->nodes)
            if (n.name == "Spiral") spiral = &n;
        QVERIFY(spiral);
        const Matrix& pts = spiral->obs.arrays.at("test_points");
        QFile f(dir_.filePath("arrays/Spiral_test_points.npy"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const io::NpyArray a = io::parseNpy(f.readAll().toStdString());
        QCOMPARE(a.shape, (std::vector<std::size_t>{std::size_t(pts.rows()), std::size_t(pts.cols())}));
        for (std::size_t i = 0; i < a.data.size(); ++i)
            QVERIFY(float(a.data[i]) == pts(Eigen::Index(i / a.shape[1]), Eigen::Index(i % a.shape[1])));
        // no node of the spiral feeds the spike views: nothing to write, and it says so
        QVERIFY(!exportViewArrays(viewOf(dockTitled(*w_, "Spikes")), session_, dir_.path(), &written, &error));
        QVERIFY2(error.contains("no arrays"), qPrintable(error));
    }

    void pngScalesThePixels_data() {
        QTest::addColumn<QString>("view");
        QTest::newRow("curves") << "Training curves";
        QTest::newRow("boundary") << "Decision boundary";
    }

    void pngScalesThePixels() {
        QFETCH(QString, view);
        QDockWidget* d = dockTitled(*w_, view);
        QVERIFY(d && d->isVisible());
        QWidget* v = viewOf(d);
        QString error;
        QImage shots[3];
        for (int i = 0; i < 3; ++i) {
            const QString path = dir_.filePath(QString("v%1.png").arg(kImageScales[i]));
            QVERIFY2(exportWidgetImage(v, path, kImageScales[i], &error), qPrintable(error));
            QVERIFY(shots[i].load(path));
        }
        QCOMPARE(shots[0].size(), v->size());
        QCOMPARE(shots[1].size(), shots[0].size() * 2);
        QCOMPARE(shots[2].size(), shots[0].size() * 4);
        // the 2× picture is the same picture: its average colour matches the 1× one
        const QImage down = shots[1].scaled(shots[0].size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        double diff = 0;
        for (int y = 0; y < down.height(); y += 4)
            for (int x = 0; x < down.width(); x += 4) diff += std::abs(qGray(down.pixel(x, y)) - qGray(shots[0].pixel(x, y)));
        QVERIFY2(diff / ((down.width() / 4 + 1) * (down.height() / 4 + 1)) < 20, qPrintable(QString::number(diff)));
        // bad requests are refused by name
        QVERIFY(!exportWidgetImage(v, dir_.filePath("v.jpg"), 1, &error));
        QVERIFY2(error.contains(".png or .svg"), qPrintable(error));
        QVERIFY(!exportWidgetImage(v, dir_.filePath("v.png"), 3, &error));
        QVERIFY2(error.contains("scale 3"), qPrintable(error));
        QVERIFY(!exportWidgetImage(v, "/nonexistent-folder/v.png", 1, &error));
        QVERIFY2(error.contains("/nonexistent-folder/v.png"), qPrintable(error));
    }

    // A chart's SVG holds each series as a vector path in the series' colour.
    void chartSvgHasItsSeries() {
        MetricChart chart("Loss", "loss");
        chart.resize(520, 320);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const QStringList names = {"Loss/loss", "Loss/test_loss", "Other/loss"};
        for (int s = 0; s < names.size(); ++s) {
            std::vector<QPointF> pts;
            for (int i = 0; i < 50; ++i) pts.emplace_back(i * 10, 1.0 / (1 + i) + 0.2 * s);
            chart.appendPoints(names[s], pts);
        }
        chart.flush();
        QTest::qWait(50);
        const QString path = dir_.filePath("chart.svg");
        QString error;
        QVERIFY2(exportWidgetImage(&chart, path, 1, &error), qPrintable(error));
        const Svg svg = readSvg(path);
        QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
        int lines = 0;
        for (QAbstractSeries* s : chart.chart()->series()) {
            auto* line = qobject_cast<QLineSeries*>(s);
            QVERIFY(line);
            ++lines;
            const QString colour = line->pen().color().name();
            QVERIFY2(svg.strokes.count(colour), qPrintable(colour + " not among the SVG's strokes"));
        }
        QCOMPARE(lines, names.size());
        QVERIFY(svg.shapes >= lines);
        QVERIFY2(svg.text.contains("Loss"), qPrintable(svg.text.left(300)));  // the title, as text
        const QImage drawn = renderSvg(path);  // and it renders, at the chart's size
        QCOMPARE(drawn.size(), chart.size());
        QVERIFY(colours(drawn) > 10);
    }

    // An SVG keeps no clipping: a label cut at its edge on screen is elided there instead of
    // running over its neighbours, and keeps its text afterwards.
    void cutLabelsAreElidedInSvg() {
        QWidget box;
        auto* cut = new QLabel("a long status line that does not fit", &box);
        cut->setGeometry(0, 0, 90, 20);
        auto* fits = new QLabel("short", &box);
        fits->setGeometry(0, 30, 90, 20);
        box.resize(100, 60);
        box.show();
        QVERIFY(QTest::qWaitForWindowExposed(&box));
        const QString path = dir_.filePath("labels.svg");
        QString error;
        QVERIFY2(exportWidgetImage(&box, path, 1, &error), qPrintable(error));
        const Svg svg = readSvg(path);
        QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
        QVERIFY2(!svg.text.contains("does not fit"), qPrintable(svg.text));
        QVERIFY2(svg.text.contains("a long") && svg.text.contains(QChar(0x2026)), qPrintable(svg.text));
        QVERIFY(svg.text.contains("short"));
        QCOMPARE(cut->text(), QString("a long status line that does not fit"));
    }

    void curvesViewSvgParses() {
        QDockWidget* d = dockTitled(*w_, "Training curves");
        const QString path = dir_.filePath("curves.svg");
        QString error;
        QVERIFY2(exportWidgetImage(viewOf(d), path, 1, &error), qPrintable(error));
        const Svg svg = readSvg(path);
        QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
        QVERIFY(svg.shapes >= int(viewSeries(viewOf(d), session_).size()));
        QVERIFY2(svg.text.contains("accuracy", Qt::CaseInsensitive), qPrintable(svg.text.left(300)));
    }

    // The canvas exports the whole graph even when zoomed in on a corner of it.
    void canvasExportsTheWholeGraph() {
        GraphCanvas* c = w_->canvas();
        for (int i = 0; i < 6; ++i) c->zoomIn();
        const QRectF visible = c->mapToScene(c->viewport()->rect()).boundingRect();
        const QRectF all = c->exportRect();
        QVERIFY2(!visible.contains(all), "zoomed in, the view should show only part of the graph");
        for (QGraphicsItem* it : c->graphScene()->items())
            if (it->isVisible()) QVERIFY(all.contains(it->sceneBoundingRect()));
        QString error;
        QImage one, two;
        QVERIFY2(c->exportImage(dir_.filePath("g1.png"), 1, &error), qPrintable(error));
        QVERIFY2(c->exportImage(dir_.filePath("g2.png"), 2, &error), qPrintable(error));
        QVERIFY(one.load(dir_.filePath("g1.png")) && two.load(dir_.filePath("g2.png")));
        QCOMPARE(one.size(), QSize(int(std::ceil(all.width())), int(std::ceil(all.height()))));
        QCOMPARE(two.size(), one.size() * 2);
        QVERIFY2(c->exportImage(dir_.filePath("g.svg"), 1, &error), qPrintable(error));
        const Svg svg = readSvg(dir_.filePath("g.svg"));
        QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
        QCOMPARE(renderSvg(dir_.filePath("g.svg")).size(), one.size());
        QVERIFY(colours(renderSvg(dir_.filePath("g.svg"))) > 10);
        for (const auto& n : session_.graph().nodes())  // every node's title is there, as text
            QVERIFY2(svg.text.contains(QString::fromStdString(n.name)), qPrintable(QString::fromStdString(n.name) + " not in: " + svg.text.simplified().left(1500)));
        c->fitToView();
    }

    void commandLineExportsAView() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CONFIG_HOME", dir_.filePath("config"));
        env.insert("XDG_DATA_HOME", dir_.filePath("data"));
        auto run = [&](const QStringList& args, QString* err) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(GANGLION_EXE, args);
            if (!p.waitForFinished(120000)) return -1;
            *err = QString::fromUtf8(p.readAllStandardError());
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        };
        QString err;
        const QStringList base = {"--example", "spiral", "--screenshot-steps", "100"};
        QCOMPARE(run(base + QStringList{"--export-view", "Training curves", "--out", dir_.filePath("c1.png")}, &err), 0);
        QCOMPARE(run(base + QStringList{"--export-view", "training curves", "--out", dir_.filePath("c2.png"), "--scale", "2"}, &err), 0);
        QImage a(dir_.filePath("c1.png")), b(dir_.filePath("c2.png"));
        QVERIFY(!a.isNull() && !b.isNull());
        QCOMPARE(b.size(), a.size() * 2);
        QCOMPARE(run(base + QStringList{"--export-view", "Decision boundary", "--out", dir_.filePath("d.svg")}, &err), 0);
        QVERIFY2(readSvg(dir_.filePath("d.svg")).error.isEmpty(), "the SVG does not parse");
        // an unknown view: exit 2, naming the document's views
        QCOMPARE(run(base + QStringList{"--export-view", "Nope", "--out", dir_.filePath("n.png")}, &err), 2);
        QVERIFY2(err.contains("'Nope'") && err.contains("Training curves") && err.contains("Decision boundary"), qPrintable(err));
        QVERIFY(!QFile::exists(dir_.filePath("n.png")));
        // bad options are refused before anything runs
        QCOMPARE(run({"--export-view", "Training curves", "--out", dir_.filePath("x.jpg")}, &err), 1);
        QVERIFY2(err.contains(".png or") && err.contains("x.jpg"), qPrintable(err));
        QCOMPARE(run({"--export-view", "Training curves", "--out", dir_.filePath("x.png"), "--scale", "3"}, &err), 1);
        QVERIFY2(err.contains("--scale"), qPrintable(err));
    }

    // Views that plot metric series through MetricFeed name them too: the E/I balance view of the
    // reservoir example exports its score curves. (Last: it replaces the document.)
    void fedViewsExportTheirSeries() {
        QVERIFY(w_->openFile(MainWindow::findExample("reservoir_balance"), true));
        session_.setSpeed(0);  // the readouts are first fitted after 250 steps: no need to watch them at 20/s
        session_.play();
        QDockWidget* d = dockTitled(*w_, "E/I balance");
        QVERIFY(d);
        QTRY_VERIFY_WITH_TIMEOUT(!viewSeries(viewOf(d), session_).isEmpty(), 60000);
        session_.pause();
        QTRY_VERIFY(!session_.isRunning());
        const QStringList series = viewSeries(viewOf(d), session_);
        const QString path = dir_.filePath("ei.csv");
        QString error;
        QVERIFY2(exportViewData(viewOf(d), session_, path, &error), qPrintable(error));
        const auto rows = readCsv(path);
        QVERIFY(rows.size() >= 2);
        QCOMPARE(rows[0].mid(rows[0].size() - series.size()), series);
        for (const QString& name : series)  // each plots a score of a reservoir node
            QVERIFY2(name.endsWith("/memory_capacity") || name.endsWith("/nrmse"), qPrintable(name));
    }
};

QTEST_MAIN(TstExport)
#include "tst_export.moc"
