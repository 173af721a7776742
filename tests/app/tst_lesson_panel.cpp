// The Lesson dock in the workbench: a lesson file opens its example and starts; Next / Back move
// through the steps (Back shows again without redoing edits); a highlighted node gets the canvas's
// halo and a highlighted view is raised and marked; a missing node is noted on its step; a
// "play until" runs the session's engine and pauses it when the condition holds; the question's
// check turns met when "Show me" applies its answer through the undo stack, and unmet on undo.
// Opening an example that has a lesson offers it; a graph file carries its own lesson; a broken
// lesson file is reported with its line, without a message box when the caller asks.
#include "app/lesson_host.h"
#include "app/lesson_panel.h"
#include "app/main_window.h"
#include "core/graph/json_io.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"

#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QUndoStack>
#include <QtTest>

using namespace ganglion;

namespace {
const QString kExamples = QStringLiteral(GANGLION_SOURCE_DIR "/resources/examples");

const char* kLesson = R"(# Panel test

Intro words.

## Look
Some **bold** text.
> highlight node Hidden 1
> highlight view Decision boundary

## Missing
> select Nope

## Run
> play until step 20

## Ask
? Narrow the first layer to four units.
> wait until "Hidden 1".units = 4
> answer set "Hidden 1".units = 4
)";

void write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
}  // namespace

class TstLessonPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");
        QCoreApplication::setApplicationName("tst_lesson_panel");
        qputenv("GANGLION_EXAMPLES", kExamples.toUtf8());
    }

    void stepsThroughALesson() {
        QTemporaryDir dir;
        const QString file = dir.filePath("spiral_classifier.lesson.md");  // goes with the bundled example
        write(file, kLesson);
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openLesson(file));
        LessonPanel* panel = w.lessonPanel();
        QVERIFY(panel->running());
        QVERIFY(panel->isVisible());
        QCOMPARE(QString::fromStdString(session.graph().settings().title), QString("Spiral classifier"));

        // step 1: text rendered, node and view highlighted
        QVERIFY2(panel->stepLabel()->text().startsWith("Step 1 of 4"), qPrintable(panel->stepLabel()->text()));
        QVERIFY(panel->textBrowser()->toPlainText().contains("Intro words."));
        QVERIFY(panel->textBrowser()->toPlainText().contains("bold"));
        QVERIFY(!panel->textBrowser()->toPlainText().contains("**"));  // Markdown, not raw text
        QVERIFY(!panel->backButton()->isEnabled());
        const NodeId hidden = session.graph().nodeByName("Hidden 1")->id;
        QCOMPARE(w.canvas()->graphScene()->highlighted(), hidden);
        QDockWidget* boundary = w.viewDock("Decision boundary");
        QVERIFY(boundary && boundary->isVisible());
        QVERIFY(boundary->property(WorkbenchLessonHost::kHighlighted).toBool());

        // step 2: the missing node is said, and the highlights of step 1 are gone
        QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
        QVERIFY(panel->stepLabel()->text().startsWith("Step 2 of 4"));
        QVERIFY(panel->notesLabel()->isVisible());
        QVERIFY2(panel->notesLabel()->text().contains("\"Nope\""), qPrintable(panel->notesLabel()->text()));
        QVERIFY(!boundary->property(WorkbenchLessonHost::kHighlighted).toBool());
        QCOMPARE(w.canvas()->graphScene()->highlighted(), NodeId(0));

        // step 3: runs the session's engine until step 20, then pauses it
        QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
        QVERIFY(!panel->notesLabel()->isVisible());
        QVERIFY(panel->runLabel()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(panel->runLabel()->text().startsWith(QString::fromUtf8("✓")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!session.isRunning(), 5000);
        QVERIFY(session.snapshot()->step >= 20);

        // step 4: the question waits; Show me applies the answer as an undoable edit
        QTest::mouseClick(panel->nextButton(), Qt::LeftButton);
        QVERIFY(!panel->nextButton()->isEnabled());  // the last step
        QVERIFY(panel->checkLabel()->text().startsWith("Waiting"));
        QVERIFY(panel->showMeButton()->isVisible() && panel->showMeButton()->isEnabled());
        const int undoBefore = session.undoStack()->count();
        QTest::mouseClick(panel->showMeButton(), Qt::LeftButton);
        QVERIFY2(panel->checkLabel()->text().startsWith(QString::fromUtf8("✓ Done")), qPrintable(panel->checkLabel()->text()));
        QCOMPARE(session.graph().node(hidden)->params.getInt("units"), std::int64_t(4));
        QCOMPARE(session.undoStack()->count(), undoBefore + 1);
        session.undoStack()->undo();
        panel->refresh();
        QVERIFY(panel->checkLabel()->text().startsWith("Waiting"));
        // a student's own edit meets it too
        session.undoStack()->redo();
        panel->refresh();
        QVERIFY(panel->checkLabel()->text().startsWith(QString::fromUtf8("✓ Done")));

        // Back shows step 3 again without running it again
        const auto steps = session.snapshot()->step;
        QTest::mouseClick(panel->backButton(), Qt::LeftButton);
        QVERIFY(panel->stepLabel()->text().startsWith("Step 3 of 4"));
        QVERIFY(!session.isRunning());
        QCOMPARE(session.snapshot()->step, steps);
    }

    void exampleWithALessonOffersIt() {
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(kExamples + "/spiral_classifier.json", true));  // the bundled lesson is beside it
        LessonPanel* panel = w.lessonPanel();
        QVERIFY(!panel->running());
        const Lesson bundled = loadLessonFile((kExamples + "/spiral_classifier.lesson.md").toStdString());
        QCOMPARE(panel->offered(), QString::fromStdString(bundled.title));
        QVERIFY(panel->isVisible());
        auto* start = panel->findChild<QPushButton*>("lessonStart");
        QVERIFY(start && start->isVisible());
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(panel->running());
        QCOMPARE(panel->runner()->lesson().title, bundled.title);
        // an example without a lesson offers nothing
        panel->stop();
        session.undoStack()->setClean();
        QVERIFY(w.openFile(kExamples + "/snn_cuba.json", true));
        QVERIFY(panel->offered().isEmpty());
    }

    void graphFileCarriesItsLesson() {
        QTemporaryDir dir;
        Graph g = loadGraphFile((kExamples + "/spiral_classifier.json").toStdString());
        g.settings().lesson = kLesson;
        const QString path = dir.filePath("for_my_class.json");
        saveGraphFile(g, path.toStdString());
        Session session;
        MainWindow w(&session);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openLesson(path));
        QVERIFY(w.lessonPanel()->running());
        QCOMPARE(w.lessonPanel()->runner()->lesson().title, std::string("Panel test"));
        QCOMPARE(session.filePath(), path);

        // A broken lesson is reported with its line, in a message box or, for scripted runs
        // (--lesson with --screenshot), to the caller: no box waits for a click.
        const QString broken = dir.filePath("broken.lesson.md");
        write(broken, "# Broken\n\n## One\nText.\n> frobnicate the canvas\n");
        QString error;
        QVERIFY(!w.openLesson(broken, &error));
        QVERIFY2(error.contains("broken.lesson.md:5"), qPrintable(error));
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY(w.lessonPanel()->running());  // the lesson already running goes on
    }
};

QTEST_MAIN(TstLessonPanel)
#include "tst_lesson_panel.moc"
