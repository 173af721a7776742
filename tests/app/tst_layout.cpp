// The main window's arrangement as a user meets it (under Xvfb): each document keeps its own dock
// layout and View ▸ Reset layout restores the default; views come back when an edit makes them
// relevant; the toolbar does not shift as the undo text changes; several errors read apart in the
// status bar; the examples are grouped by family, starter first.
#include "document/graph_commands.h"
#include "app/example_gallery.h"
#include "app/main_window.h"
#include "core/graph/graph.h"
#include "widgets/vtk/vtk_widget.h"

#include <QtTest>

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

using namespace ganglion;

namespace {
QDockWidget* dock(MainWindow& w, const QString& title) { return w.findChild<QDockWidget*>("dock:" + title); }

/// A window as the app shows it, with no layouts remembered from earlier runs.
struct Window {
    Session session;
    MainWindow w{&session};
    Window() {
        w.resize(1500, 920);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(50);
    }
    ~Window() { session.undoStack()->setClean(); }
};
}  // namespace

class TstLayout : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_layout");
    }
    void init() { QSettings().remove("layouts"); }

    void layoutBelongsToItsDocument() {
        Window win;
        MainWindow& w = win.w;
        QVERIFY(w.openFile(MainWindow::findExample("kan_formula"), true));
        QDockWidget* kan = dock(w, "KAN splines");
        QVERIFY(kan);
        QTRY_VERIFY(kan->isVisible());
        QTest::qWait(100);
        const int kanDefault = kan->height();
        QVERIFY2(kanDefault > w.height() / 3, qPrintable(QString("KAN splines get %1 px").arg(kanDefault)));
        QVERIFY2(w.layoutKey().contains("KAN splines"), qPrintable(w.layoutKey()));

        // the user squeezes the splines to a strip …
        QDockWidget* curves = dock(w, "Training curves");
        w.resizeDocks({curves, kan}, {curves->height() + kan->height() - 90, 90}, Qt::Vertical);
        QTRY_VERIFY2(kan->height() < 140, qPrintable(QString("KAN splines %1 px").arg(kan->height())));
        const int squeezed = kan->height();
        // … which does not carry over to another example: the spiral's boundary has its room
        QVERIFY(w.openFile(MainWindow::findExample("spiral"), true));
        QDockWidget* boundary = dock(w, "Decision boundary");
        QTRY_VERIFY(boundary->isVisible());
        QTest::qWait(100);
        QVERIFY2(boundary->height() > w.height() / 3, qPrintable(QString("boundary gets %1 px").arg(boundary->height())));
        QVERIFY(!kan->isVisible());
        // back on the KAN example, its layout is as the user left it
        QVERIFY(w.openFile(MainWindow::findExample("kan_formula"), true));
        QTRY_VERIFY(kan->isVisible());
        QTest::qWait(100);
        QVERIFY2(std::abs(kan->height() - squeezed) <= 8, qPrintable(QString("%1 vs %2").arg(kan->height()).arg(squeezed)));
        // View ▸ Reset layout: the default for this document
        QAction* reset = nullptr;
        for (QAction* a : w.menuBar()->findChildren<QAction*>())
            if (a->text() == "Reset &Layout") reset = a;
        QVERIFY(reset);
        reset->trigger();
        QTest::qWait(100);
        QVERIFY2(std::abs(kan->height() - kanDefault) <= 8, qPrintable(QString("%1 vs %2").arg(kan->height()).arg(kanDefault)));
    }

    void viewsComeBackWhenTheGraphNeedsThem() {
        // File ▸ New hides the decision boundary; wiring a 2D data set brings it back
        Window win;
        QVERIFY(win.w.openFile(MainWindow::findExample("spiral"), true));
        QDockWidget* boundary = dock(win.w, "Decision boundary");
        QTRY_VERIFY(boundary->isVisible());
        win.session.newDocument();
        QTRY_VERIFY(!boundary->isVisible());
        win.session.undoStack()->push(new AddNodeCommand(win.session.graph(), "Dense", QPointF(0, 0)));
        QVERIFY(!boundary->isVisible());  // nothing for it yet
        win.session.undoStack()->push(new AddNodeCommand(win.session.graph(), "PlaygroundData", QPointF(-300, 0)));
        QTRY_VERIFY(boundary->isVisible());
        // it says what it waits for instead of claiming there is no data set
        QLabel* info = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (QLabel* l : boundary->findChildren<QLabel*>())
                if (l->text().contains("cannot run yet") || l->text().contains("Press Play")) info = l;
            return info != nullptr;
        }(), 5000);
        QVERIFY(!info->text().contains("No 2D data set"));
    }

    void toolbarButtonsKeepTheirPlace_data() {
        QTest::addColumn<QString>("type");
        QTest::newRow("short action") << "Dense";
        QTest::newRow("long action") << "PlaygroundData";
    }
    void toolbarButtonsKeepTheirPlace() {
        QFETCH(QString, type);
        Window win;
        MainWindow& w = win.w;
        auto* edit = w.findChild<QToolBar*>("EditToolBar");
        auto* run = w.findChild<QToolBar*>("RunToolBar");
        QVERIFY(edit && run);
        QWidget* play = run->widgetForAction(run->actions().front());
        QWidget* undo = edit->widgetForAction(edit->actions().front());
        QTest::qWait(50);
        const int undoWidth = undo->width(), playX = play->mapTo(&w, QPoint()).x(), playWidth = play->width();
        auto* cmd = new AddNodeCommand(win.session.graph(), type, QPointF(0, 0));
        cmd->setText(cmd->text() + " with a long description of what was done");
        win.session.undoStack()->push(cmd);
        QTest::qWait(50);
        QVERIFY(undo->isEnabled());
        QVERIFY2(edit->actions().front()->toolTip().contains(cmd->text()), qPrintable(edit->actions().front()->toolTip()));
        QCOMPARE(undo->width(), undoWidth);
        QCOMPARE(play->mapTo(&w, QPoint()).x(), playX);
        // Play turning into Pause does not push Step and Reset either
        QWidget* step = run->widgetForAction(run->actions().at(1));
        const int stepX = step->mapTo(&w, QPoint()).x();
        win.session.undoStack()->setClean();
        QVERIFY(w.openFile(MainWindow::findExample("spiral"), true));
        win.session.play();
        QTRY_VERIFY(win.session.isRunning());
        QTest::qWait(50);
        QCOMPARE(run->actions().front()->text(), QString("&Pause"));
        QCOMPARE(play->width(), playWidth);
        QCOMPARE(step->mapTo(&w, QPoint()).x(), stepX);
        win.session.pause();
        QTRY_VERIFY(!win.session.isRunning());
    }

    void severalErrorsReadApartInTheStatusBar() {
        Window win;
        win.session.newDocument();
        auto* first = new AddNodeCommand(win.session.graph(), "Dense", QPointF(0, 0));
        auto* second = new AddNodeCommand(win.session.graph(), "Dense", QPointF(0, 200));
        win.session.undoStack()->push(first);
        win.session.undoStack()->push(second);
        const QString a = QString::fromStdString(win.session.graph().node(first->nodeId())->name);
        const QString b = QString::fromStdString(win.session.graph().node(second->nodeId())->name);
        QTRY_VERIFY(win.w.statusBar()->currentMessage().contains(a) && win.w.statusBar()->currentMessage().contains(b));
        const QString msg = win.w.statusBar()->currentMessage();
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
        QVERIFY2(msg.contains("; "), qPrintable(msg));
        QVERIFY2(msg.indexOf(a) < msg.indexOf("; ") && msg.indexOf(b) > msg.indexOf("; "), qPrintable(msg));
    }

    void examplesAreGroupedByFamilyStarterFirst() {
        const auto gallery = exampleGallery(MainWindow::exampleFiles());
        QVERIFY(gallery.size() >= 4);
        // the example of the first start leads the menu
        QVERIFY(gallery.front().examples.front().path.endsWith("spiral_classifier.json"));
        int examples = 0, lastOrder = -1;
        for (const ExampleFamily& f : gallery) {
            QVERIFY2(f.name != "Other", "an example declares no family");
            int lastRank = -1, lowest = INT_MAX;
            for (const ExampleEntry& e : f.examples) {
                QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
                const int rank = galleryLevelRank(e.level.toStdString());
                QVERIFY2(rank >= 0, qPrintable(e.path + " declares no level"));
                QVERIFY2(rank >= lastRank, qPrintable(f.name + ": " + e.title + " is listed after a harder example"));
                lastRank = rank;
                lowest = std::min(lowest, e.order);
                ++examples;
            }
            QVERIFY2(lowest > lastOrder, qPrintable(f.name + " is out of order"));
            lastOrder = lowest;
        }
        QCOMPARE(examples, int(MainWindow::exampleFiles().size()));

        // the menu shows the families as sections, in that order
        Window win;
        QMenu* examplesMenu = nullptr;
        for (QMenu* m : win.w.menuBar()->findChildren<QMenu*>())
            if (m->title() == "&Examples") examplesMenu = m;
        QVERIFY(examplesMenu);
        QStringList sections;
        for (QAction* a : examplesMenu->actions())
            if (a->isSeparator() && !a->text().isEmpty()) sections << a->text();
        QStringList families;
        for (const ExampleFamily& f : gallery) families << f.name;
        QCOMPARE(sections, families);
        if (const QByteArray dir = qgetenv("GANGLION_SCREENSHOT_DIR"); !dir.isEmpty()) {  // to look at it
            examplesMenu->popup(win.w.mapToGlobal(QPoint(40, 40)));
            QTest::qWait(200);
            examplesMenu->grab().save(QString::fromLocal8Bit(dir) + "/examples_menu.png");
            examplesMenu->hide();
        }
    }

    void galleryOrdersFilesByTheirOwnDeclaration() {
        // files declare their place; an undeclared or unreadable one goes last, under "Other"
        QTemporaryDir dir;
        auto write = [&](const QString& name, const QString& settings) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QString(R"({"format": "ganglion-graph", "version": 1, "settings": {%1}, "nodes": [], "edges": []})")
                        .arg(settings)
                        .toUtf8());
        };
        write("a_hard.json", R"("title": "Hard", "family": "Zoo", "level": "advanced", "order": 5)");
        write("b_easy.json", R"("title": "Easy", "family": "Zoo", "level": "starter", "order": 6)");
        write("c_first.json", R"("title": "First", "family": "Alpha", "level": "intermediate", "order": 1)");
        write("d_plain.json", R"("title": "Plain")");
        write("e_broken.json", R"("title": 5)");
        QStringList files;
        for (const char* n : {"a_hard.json", "b_easy.json", "c_first.json", "d_plain.json", "e_broken.json"}) files << dir.filePath(n);
        const auto g = exampleGallery(files);
        QCOMPARE(int(g.size()), 3);
        QCOMPARE(g[0].name, QString("Alpha"));
        QCOMPARE(g[1].name, QString("Zoo"));
        QCOMPARE(g[1].examples[0].title, QString("Easy"));  // starter before advanced, whatever the file names
        QCOMPARE(g[1].examples[1].title, QString("Hard"));
        QCOMPARE(g[2].name, QString("Other"));
        QCOMPARE(int(g[2].examples.size()), 2);
        QVERIFY(!g[2].examples[1].error.isEmpty() || !g[2].examples[0].error.isEmpty());
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();  // as the real app does, before QApplication
    QApplication app(argc, argv);
    TstLayout t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_layout.moc"
