// Unsaved work and where files go (under Xvfb): a modified document is copied aside and offered
// back after a crash — one slot per document, with what it was and when it was copied; recovered
// work is not questioned at start-up; the Save dialog starts in the user's folders, never in the
// bundled examples.
#include "document/graph_commands.h"
#include "app/main_window.h"
#include "core/graph/json_io.h"
#include "widgets/vtk/vtk_widget.h"

#include <QtTest>

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

using namespace ganglion;

namespace {
QString autosaveDir() { return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation); }

/// Answers every message box that opens while it lives: `answer(text)` picks the button; the
/// texts asked are kept.
struct Answerer {
    QStringList asked;
    QTimer timer;
    explicit Answerer(std::function<QMessageBox::StandardButton(const QString&)> answer) {
        QObject::connect(&timer, &QTimer::timeout, [this, answer] {
            for (QWidget* top : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(top); box && box->isVisible()) {
                    asked << box->text();
                    box->button(answer(box->text()))->click();
                }
        });
        timer.start(50);
    }
};

/// A window whose document was changed and copied aside, then lost without closing (a crash).
void crashWithChanges(const QString& example, std::string* json = nullptr, QString* copy = nullptr) {
    Session session;
    MainWindow w(&session);
    QString err;
    QVERIFY(session.open(MainWindow::findExample(example), &err, true));
    session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(0, 300)));
    QVERIFY(w.autosaveNow());
    if (json) *json = graphToJson(session.graph());
    if (copy) *copy = w.autosavePath();
}
}  // namespace

class TstRecovery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName("GanglionTests");  // keep the user's settings apart
        QCoreApplication::setApplicationName("tst_recovery");
    }
    void init() {
        for (const QFileInfo& f : QDir(autosaveDir()).entryInfoList({"autosave-*"}, QDir::Files)) QFile::remove(f.absoluteFilePath());
    }

    void unsavedWorkIsKeptAndRecovered() {
        const QString original = QDir::temp().filePath("ganglion_autosave_test.json");
        std::string recoveredJson;
        QString copy;
        {
            Session session;
            MainWindow w(&session);
            QString err;
            QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
            QVERIFY(!w.autosaveNow());  // nothing unsaved: nothing copied
            QVERIFY(!QFile::exists(w.autosavePath()));
            QVERIFY(session.save(original, &err));
            session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(0, 300)));
            QVERIFY(w.autosaveNow());
            copy = w.autosavePath();
            QVERIFY(QFile::exists(copy));
            session.undoStack()->undo();  // clean again: the copy goes
            QTRY_VERIFY(!QFile::exists(copy));
            session.undoStack()->redo();
            QVERIFY(w.autosaveNow());
            recoveredJson = graphToJson(session.graph());
        }  // a crash: the window goes without closing, the copy stays
        QVERIFY(QFile::exists(copy));
        Session session;
        MainWindow w(&session);
        Answerer yes([](const QString&) { return QMessageBox::Yes; });
        QVERIFY(w.offerRecovery());
        QCOMPARE(graphToJson(session.graph()), recoveredJson);
        QVERIFY(session.isModified());
        QCOMPARE(session.filePath(), original);  // Save goes back to where it came from
        QCOMPARE(yes.asked.size(), 1);
        QVERIFY2(yes.asked.front().contains(QDir::toNativeSeparators(original)), qPrintable(yes.asked.front()));
        QVERIFY2(!yes.asked.front().contains("unknown time"), qPrintable(yes.asked.front()));
        QString err;
        QVERIFY(session.save(session.filePath(), &err));
        QTRY_VERIFY(QDir(autosaveDir()).entryList({"autosave-*"}, QDir::Files).isEmpty());
        QFile::remove(original);

        // the copy of a workbench that is still running (pid 1 always is) is not offered
        const QString alive = autosaveDir() + "/autosave-1-untitled.json";
        QVERIFY(session.writeCopy(alive, &err));
        QVERIFY(!w.offerRecovery());
        QCOMPARE(yes.asked.size(), 1);
        QVERIFY(QFile::exists(alive));
        QFile::remove(alive);
    }

    void eachDocumentHasItsOwnSlot() {
        // two examples changed at once (two windows), and a saved file: three copies, none
        // overwriting another, each offered with what it is and when it was copied
        QString spiralCopy, kanCopy;
        crashWithChanges("spiral", nullptr, &spiralCopy);
        crashWithChanges("kan_formula", nullptr, &kanCopy);
        QVERIFY(spiralCopy != kanCopy);
        QVERIFY(QFile::exists(spiralCopy) && QFile::exists(kanCopy));
        const QString file = QDir::temp().filePath("ganglion_slot_test.json");
        QString fileCopy;
        {
            Session session;
            MainWindow w(&session);
            QString err;
            QVERIFY(session.open(MainWindow::findExample("spiral"), &err, true));
            QVERIFY(session.save(file, &err));
            session.undoStack()->push(new AddNodeCommand(session.graph(), "Dense", QPointF(0, 300)));
            QVERIFY(w.autosaveNow());
            fileCopy = w.autosavePath();
        }
        QVERIFY(fileCopy != spiralCopy && fileCopy != kanCopy);
        QCOMPARE(QDir(autosaveDir()).entryList({"autosave-*.json"}, QDir::Files).size(), 3);

        Session session;
        MainWindow w(&session);
        Answerer no([](const QString&) { return QMessageBox::No; });
        QVERIFY(!w.offerRecovery());
        QCOMPARE(no.asked.size(), 3);
        const QString all = no.asked.join('\n');
        QVERIFY2(all.contains("“Spiral classifier”") && all.contains("“KAN discovers a formula”"), qPrintable(all));
        QVERIFY2(all.contains(QDir::toNativeSeparators(file)), qPrintable(all));
        QVERIFY2(!all.contains("unknown time"), qPrintable(all));
        const QString today = QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat).left(6);
        QVERIFY2(all.count(today) >= 3, qPrintable(all));  // each copy says when it was made
        QVERIFY(QDir(autosaveDir()).entryList({"autosave-*"}, QDir::Files).isEmpty());  // let go: gone
        QFile::remove(file);
    }

    void recoveredWorkIsNotQuestionedAtStart() {
        // started with --example after a crash: the recovered graph stays open instead of the
        // example asking at once to save it
        std::string json;
        crashWithChanges("spiral", &json);
        Session session;
        MainWindow w(&session);
        w.show();
        Answerer answer([](const QString& text) {
            return text.contains("Recover") ? QMessageBox::Yes : QMessageBox::Cancel;
        });
        w.openAtStart(MainWindow::findExample("kan_formula"), true, true);
        QCOMPARE(answer.asked.size(), 1);  // only the recovery question
        QCOMPARE(graphToJson(session.graph()), json);
        QVERIFY(session.isModified());
        QVERIFY2(w.statusBar()->currentMessage().contains("kan_formula.json was not opened"),
                 qPrintable(w.statusBar()->currentMessage()));
        // recovered as a copy of the spiral example: its slot and its Save proposal say so
        QVERIFY(w.autosavePath().contains("spiral_classifier"));
        QCOMPARE(QFileInfo(w.suggestedSavePath()).fileName(), QString("spiral_classifier.json"));
        // without anything to recover the example opens
        session.undoStack()->setClean();
        w.openAtStart(MainWindow::findExample("kan_formula"), true, true);
        QCOMPARE(answer.asked.size(), 1);
        QCOMPARE(session.origin(), MainWindow::findExample("kan_formula"));
    }

    void saveDialogStartsInTheUsersFolder() {
        Session session;
        MainWindow w(&session);
        QSettings().remove("lastDir");
        QVERIFY(w.openFile(MainWindow::findExample("spiral"), true));
        const QString examples = QFileInfo(MainWindow::findExample("spiral")).absolutePath();
        QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        if (!QFileInfo(docs).isDir()) docs = QDir::homePath();
        QCOMPARE(w.suggestedSavePath(), QDir(docs).filePath("spiral_classifier.json"));
        QVERIFY(QSettings().value("lastDir").toString().isEmpty());  // opening an example sets no folder
        // a folder remembered by an older version that is the examples folder is not used either
        QSettings().setValue("lastDir", examples);
        QVERIFY(!w.suggestedSavePath().startsWith(examples));
        // the folder last saved to or opened from is
        QTemporaryDir dir;
        QString err;
        QVERIFY(session.save(dir.filePath("mine.json"), &err));
        QVERIFY(w.openFile(dir.filePath("mine.json")));
        QCOMPARE(w.suggestedSavePath(), dir.filePath("mine.json"));  // a file: Save As starts at it
        QVERIFY(w.openFile(MainWindow::findExample("kan_formula"), true));
        QCOMPARE(w.suggestedSavePath(), QDir(dir.path()).filePath("kan_formula.json"));
        QSettings().remove("lastDir");
    }
};

int main(int argc, char** argv) {
    setDefaultVtkSurfaceFormat();  // as the real app does, before QApplication
    QApplication app(argc, argv);
    TstRecovery t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_recovery.moc"
