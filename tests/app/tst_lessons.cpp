// Every bundled lesson (each resources/examples/NAME.lesson.md, found on disk: no list here)
// parses, refers only to nodes, parameters and views its example has (a view with something to
// show for the graph, as the workbench decides it), and, driven headlessly, reaches its end with
// every "play until" and every question's check really met. Fails when an example changes
// under its lesson. The lessons cover at least eight example families.
#include "app/lesson_host.h"
#include "app/main_window.h"
#include "core/graph/json_io.h"
#include "core/lesson/headless_host.h"

#include <QFileInfo>
#include <QMenuBar>
#include <QtTest>

#include <set>

using namespace ganglion;

namespace {
const QString kExamples = QStringLiteral(GANGLION_SOURCE_DIR "/resources/examples");
}

class TstLessons : public QObject {
    Q_OBJECT
    std::unique_ptr<Session> session_;
    std::unique_ptr<MainWindow> window_;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_lessons");
        qputenv("GANGLION_EXAMPLES", kExamples.toUtf8());
        session_ = std::make_unique<Session>();
        window_ = std::make_unique<MainWindow>(session_.get());  // its docks are the views lessons name
    }
    void cleanupTestCase() {
        window_.reset();
        session_.reset();
    }

    void lessonsCoverTheFamilies() {
        const QStringList files = MainWindow::lessonFiles();
        QVERIFY2(files.size() >= 8, qPrintable(QString("%1 lessons").arg(files.size())));
        std::set<std::string> families;
        for (const QString& f : files) {
            const Lesson l = loadLessonFile(f.toStdString());
            const Graph g = loadGraphFile((kExamples + "/" + QString::fromStdString(l.example) + ".json").toStdString());
            QVERIFY2(!g.settings().family.empty(), l.example.c_str());
            families.insert(g.settings().family);
        }
        QVERIFY2(families.size() >= 8, qPrintable(QString("%1 families").arg(families.size())));
        // the Lessons menu lists each of them by its title
        QMenu* menu = nullptr;
        for (QAction* a : window_->menuBar()->actions())
            if (a->text() == QStringLiteral("&Lessons")) menu = a->menu();
        QVERIFY(menu);
        for (const QString& f : files) {
            const QString title = QString::fromStdString(loadLessonFile(f.toStdString()).title);
            bool listed = false;
            for (QAction* a : menu->actions()) listed = listed || (a->text() == title && a->isEnabled());
            QVERIFY2(listed, qPrintable(title));
        }
    }

    void lessonReachesItsEnd_data() {
        QTest::addColumn<QString>("file");
        for (const QString& f : MainWindow::lessonFiles()) QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
    }
    void lessonReachesItsEnd() {
        QFETCH(QString, file);
        const Lesson lesson = loadLessonFile(file.toStdString());
        QVERIFY(!lesson.example.empty());
        HeadlessLessonHost host(kExamples.toStdString());
        MainWindow* w = window_.get();
        host.viewCheck = [w](const std::string& title, const Graph& g) { return WorkbenchLessonHost::viewProblemIn(w, title, g); };
        const std::string opened = host.openExample(lesson.example);
        QVERIFY2(opened.empty(), opened.c_str());
        LessonRunner runner(lesson, host);
        // a budget for the longest protocol (STDP: 120 s of 0.1 ms steps, then 30 s again)
        const LessonDrive drive = driveLesson(runner, host, 2'000'000, 10);
        for (std::size_t i = 0; i < drive.steps.size(); ++i) {
            const LessonDriveStep& s = drive.steps[i];
            for (const std::string& note : s.status.notes)
                QFAIL(qPrintable(QString("step %1 '%2': %3").arg(i + 1).arg(QString::fromStdString(s.title), QString::fromStdString(note))));
            QVERIFY(s.status.playMet && s.status.checkMet);
        }
        QVERIFY2(drive.reachedEnd, drive.stuck.c_str());
        QCOMPARE(int(drive.steps.size()), int(lesson.steps.size()));
        QVERIFY2(host.error().empty(), host.error().c_str());
        // every question with a check was answered by its own answer (nothing met by accident)
        for (std::size_t i = 0; i < lesson.steps.size(); ++i)
            if (lesson.steps[i].hasCheck) QVERIFY2(drive.steps[i].answered, lesson.steps[i].title.c_str());
    }
};

QTEST_MAIN(TstLessons)
#include "tst_lessons.moc"
