// Crash recovery with real processes: the workbench (build/app/ganglion, on this test's X display)
// edits a document, is killed with SIGKILL mid-editing, and the next start recovers the document
// with no more than one autosave interval of edits lost. The edits come from the workbench's test
// hook (GANGLION_TEST_EDIT_MS: a Dense node added through the undo stack every N ms, reported on
// stdout); --autosave shortens the interval so the test takes seconds, --recover answers the
// recovery question. Settings and autosave copies live in a temporary XDG home.
#include "app/main_window.h"
#include "core/graph/json_io.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <map>

using namespace ganglion;

namespace {

constexpr int kEditMs = 40;       // one edit every 40 ms
constexpr int kAutosaveMs = 500;  // --autosave 0.5

/// Edits reported by the hook so far: edit number -> wall-clock time (ms since the epoch).
void readEdits(QProcess& p, std::map<int, qint64>& edits) {
    while (p.canReadLine()) {
        const QList<QByteArray> f = p.readLine().trimmed().split(' ');
        if (f.size() == 3 && f[0] == "edit") edits[f[1].toInt()] = f[2].toLongLong();
    }
}

int denseEdits(const Graph& g) {
    int n = 0;
    for (const auto& node : g.nodes()) n += node.type == "Dense" && node.y == 900;
    return n;
}

}  // namespace

class TstCrashRecovery : public QObject {
    Q_OBJECT
private:
    QTemporaryDir home_;
    QProcessEnvironment env_ = QProcessEnvironment::systemEnvironment();

    QString appData() const { return home_.filePath("data/Ganglion/Ganglion"); }
    /// The copy a workbench process keeps of its document (autosave-<pid>-<document slot>.json),
    /// "" when there is none.
    QString autosaveOf(qint64 pid) const {
        const QStringList found = QDir(appData()).entryList({QString("autosave-%1-*.json").arg(pid)}, QDir::Files);
        return found.isEmpty() ? QString() : appData() + "/" + found.first();
    }
    void startWorkbench(QProcess& p, const QStringList& args, bool edits) {
        QProcessEnvironment env = env_;
        if (edits) env.insert("GANGLION_TEST_EDIT_MS", QString::number(kEditMs));
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.start(GANGLION_EXE, args);
    }

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        env_.insert("XDG_DATA_HOME", home_.filePath("data"));
        env_.insert("XDG_CONFIG_HOME", home_.filePath("config"));
        env_.insert("GANGLION_TESTING", "1");
        static_assert(MainWindow::kAutosaveMs <= 30000, "at most 30 s of work may be lost");
    }

    void killedMidEditRecovers() {
        const QString doc = home_.filePath("doc.json");
        QVERIFY(QFile::copy(QString(GANGLION_SOURCE_DIR) + "/resources/examples/spiral_classifier.json", doc));
        const Graph original = loadGraphFile(doc.toStdString());

        QProcess first;
        startWorkbench(first, {doc, "--autosave", QString::number(kAutosaveMs / 1000.0)}, true);
        QVERIFY2(first.waitForStarted(), qPrintable(first.errorString()));
        std::map<int, qint64> edits;
        QElapsedTimer clock;
        clock.start();
        while (int(edits.size()) < 30 && clock.elapsed() < 30000 && first.state() == QProcess::Running) {
            first.waitForReadyRead(200);
            readEdits(first, edits);
        }
        QVERIFY2(edits.size() >= 30, qPrintable("the workbench made no edits: " + first.readAllStandardError()));
        const QString firstCopy = autosaveOf(first.processId());
        QVERIFY2(!firstCopy.isEmpty(), "no autosave copy while the document was modified");
        ::kill(pid_t(first.processId()), SIGKILL);
        const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(first.waitForFinished(5000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        readEdits(first, edits);
        const int made = edits.rbegin()->first;

        QProcess second;
        startWorkbench(second, {"--recover", "--autosave", "30"}, false);
        QVERIFY2(second.waitForStarted(), qPrintable(second.errorString()));
        // the recovered document is modified, so it is at once copied aside under the new pid
        QTRY_VERIFY2_WITH_TIMEOUT(!autosaveOf(second.processId()).isEmpty(),
                                  qPrintable("nothing recovered: " + second.readAllStandardError()), 20000);
        const QString again = autosaveOf(second.processId());
        QVERIFY2(!QFile::exists(firstCopy), "the recovered copy was left behind");
        Graph recovered;
        QTRY_VERIFY_WITH_TIMEOUT([&] {  // the copy is written atomically; read it once it is there
            try {
                recovered = loadGraphFile(again.toStdString());
                return true;
            } catch (const std::exception&) {
                return false;
            }
        }(), 5000);
        // and Save writes to the original file: the copy's note (written beside it) names it
        auto noteSource = [&] {
            QFile note(again + ".note");
            return note.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(note.readAll()).object().value("source").toString()
                                                  : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(noteSource(), doc, 10000);
        ::kill(pid_t(second.processId()), SIGKILL);
        second.waitForFinished(5000);

        // the original graph plus the first `kept` edits, in order
        const int kept = denseEdits(recovered);
        QCOMPARE(int(recovered.nodes().size()), int(original.nodes().size()) + kept);
        for (const auto& n : original.nodes()) QVERIFY(recovered.node(n.id) && *recovered.node(n.id) == n);
        QVERIFY2(kept > 0 && kept <= made, qPrintable(QString("recovered %1 of %2 edits").arg(kept).arg(made)));
        // what was lost is what happened after the last copy: within one interval of the kill
        // (plus scheduling slack on a loaded machine), never more
        if (kept < made) {
            const qint64 lostSpan = killedAt - edits.at(kept + 1);
            QVERIFY2(lostSpan <= kAutosaveMs + 1000,
                     qPrintable(QString("lost %1 edits spanning %2 ms with a %3 ms autosave interval")
                                    .arg(made - kept).arg(lostSpan).arg(kAutosaveMs)));
        }
    }

    void autosaveIntervalIsAtMostThirtySeconds() {
        QProcess p;
        startWorkbench(p, {"--autosave", "31"}, false);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("--autosave expects seconds between 0.1 and 30"));
    }
};

QTEST_GUILESS_MAIN(TstCrashRecovery)
#include "tst_crash_recovery.moc"
