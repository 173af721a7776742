// File handling of the main window: open/save/save-as, the unsaved-changes guard, autosave and
// recovery, recent files and the bundled examples.
#include "app/main_window.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

#include <QTimer>
#include <algorithm>
#include <cerrno>
#include <signal.h>

namespace ganglion {

namespace {
constexpr int kMaxRecent = 8;
}

bool MainWindow::openFile(const QString& path, bool asExample, QString* errorOut) {
    if (!maybeSave()) return false;
    QString error;
    if (!session_->open(path, &error, asExample)) {
        if (errorOut) *errorOut = error;
        else QMessageBox::warning(this, tr("Cannot open graph"), error);
        return false;
    }
    if (!asExample) addRecent(path);
    QSettings().setValue("lastFile", asExample ? QString("example:") + path : path);
    if (!asExample) QSettings().setValue("lastDir", QFileInfo(path).absolutePath());  // never the bundled examples
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 5000);
    return true;
}

bool MainWindow::save() {
    if (session_->filePath().isEmpty()) return saveAs();
    QString error;
    if (!session_->save(session_->filePath(), &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(session_->filePath()), 4000);
    return true;
}

bool MainWindow::saveAs() {
    QString f = QFileDialog::getSaveFileName(this, tr("Save graph"), suggestedSavePath(), tr("Ganglion graphs (*.json)"));
    if (f.isEmpty()) return false;
    if (!f.endsWith(".json")) f += ".json";
    QString error;
    if (!session_->save(f, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    addRecent(f);
    QSettings().setValue("lastFile", f);
    QSettings().setValue("lastDir", QFileInfo(f).absolutePath());
    return true;
}

QString MainWindow::suggestedSavePath() const {
    if (!session_->filePath().isEmpty()) return session_->filePath();
    QString dir = QSettings().value("lastDir").toString();
    const QString examples = QFileInfo(exampleFiles().value(0)).canonicalPath();
    if (dir.isEmpty() || !QFileInfo(dir).isDir() || (!examples.isEmpty() && QFileInfo(dir).canonicalFilePath() == examples)) {
        dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        if (dir.isEmpty() || !QFileInfo(dir).isDir()) dir = QDir::homePath();
    }
    // a changed example is proposed under the example's file name
    const QString name = session_->origin().isEmpty() ? tr("untitled.json") : QFileInfo(session_->origin()).fileName();
    return QDir(dir).filePath(name);
}

bool MainWindow::maybeSave() {
    if (!session_->isModified()) return true;
    const auto r = QMessageBox::warning(this, tr("Unsaved changes"),
                                        tr("The graph has unsaved changes. Save them first?"),
                                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (r == QMessageBox::Save) return save();
    return r == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (!maybeSave()) {
        e->ignore();
        return;
    }
    dropAutosave();  // saved, or the user chose to discard
    session_->pause();
    QSettings().setValue("window/geometry", saveGeometry());
    layoutKey_ = layoutKey();
    storeLayout();  // the layout goes with this document's views
    e->accept();
}

namespace {

QString autosaveDir() { return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation); }

/// A document's recovery slot: its file, else the example (or other file) it was read from,
/// else "untitled" — so copies of different documents never share one.
QString documentSlot(const QString& file, const QString& origin) {
    auto clean = [](const QString& name) { return QString(name).replace(QRegularExpression("[^A-Za-z0-9_]"), "_").left(40); };
    if (!file.isEmpty()) {
        const QByteArray h = QCryptographicHash::hash(QFileInfo(file).absoluteFilePath().toUtf8(), QCryptographicHash::Sha1);
        return "file_" + clean(QFileInfo(file).completeBaseName()) + "_" + QString::fromLatin1(h.toHex().left(8));
    }
    if (!origin.isEmpty()) return "from_" + clean(QFileInfo(origin).completeBaseName());
    return QStringLiteral("untitled");
}

/// What a copy is of, written beside it (autosave-….json.note) at the moment it is made, so
/// nothing depends on settings that a crash may not have written.
struct CopyNote {
    QString source;  ///< the file Save writes to ("" untitled)
    QString origin;  ///< the file it was first read from (an example, …)
    QString title;   ///< the graph's title
    QDateTime time;  ///< when it was copied aside
};

QString notePath(const QString& copy) { return copy + QStringLiteral(".note"); }

bool writeNote(const QString& copy, const CopyNote& n) {
    const QJsonObject o{{"source", n.source}, {"origin", n.origin}, {"title", n.title},
                        {"time", n.time.toString(Qt::ISODateWithMs)}};
    QSaveFile f(notePath(copy));
    return f.open(QIODevice::WriteOnly) && f.write(QJsonDocument(o).toJson()) > 0 && f.commit();
}

CopyNote readNote(const QString& copy) {
    CopyNote n;
    QFile f(notePath(copy));
    if (f.open(QIODevice::ReadOnly)) {
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        n.source = o.value("source").toString();
        n.origin = o.value("origin").toString();
        n.title = o.value("title").toString();
        n.time = QDateTime::fromString(o.value("time").toString(), Qt::ISODateWithMs);
    }
    if (!n.time.isValid()) n.time = QFileInfo(copy).lastModified();  // the copy itself says when it was written
    return n;
}

void removeCopy(const QString& copy) {
    QFile::remove(copy);
    QFile::remove(notePath(copy));
}

/// Whether the process that wrote autosave-<pid>-….json is still running (its work is not lost).
bool writerAlive(const QString& path, qint64 self) {
    bool ok = false;
    const qint64 pid = QFileInfo(path).completeBaseName().section('-', 1, 1).toLongLong(&ok);
    if (!ok || pid <= 0 || pid == self) return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

QString MainWindow::autosavePath() const {
    // per running workbench and per document: two windows, or two documents, never overwrite
    // each other's work
    return autosaveDir() + QStringLiteral("/autosave-%1-%2.json")
                               .arg(QCoreApplication::applicationPid())
                               .arg(documentSlot(session_->filePath(), session_->origin()));
}

bool MainWindow::autosaveNow() {
    if (!session_->isModified()) return false;
    const QString path = autosavePath();
    if (!autosaved_.isEmpty() && autosaved_ != path) dropAutosave();  // the document changed its slot
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!session_->writeCopy(path, nullptr)) return false;
    writeNote(path, {session_->filePath(), session_->origin(), QString::fromStdString(session_->graph().settings().title),
                     QDateTime::currentDateTime()});
    autosaved_ = path;
    return true;
}

void MainWindow::dropAutosave() {
    if (autosaved_.isEmpty()) return;
    removeCopy(autosaved_);
    autosaved_.clear();
}

void MainWindow::setAutosaveInterval(int ms) { autosaveTimer_->start(std::clamp(ms, 100, kAutosaveMs)); }

bool MainWindow::offerRecovery(bool ask) {
    // copies left by workbenches that are no longer running, newest first
    QFileInfoList left;
    for (const QFileInfo& f : QDir(autosaveDir()).entryInfoList({"autosave-*.json"}, QDir::Files, QDir::Time))
        if (!writerAlive(f.absoluteFilePath(), QCoreApplication::applicationPid())) left << f;
    for (const QFileInfo& f : left) {
        const QString path = f.absoluteFilePath();
        const CopyNote note = readNote(path);
        QString what = tr("a new, untitled graph");
        if (!note.source.isEmpty()) what = QDir::toNativeSeparators(note.source);
        else if (!note.origin.isEmpty())
            what = tr("a copy of “%1”").arg(note.title.isEmpty() ? QFileInfo(note.origin).fileName() : note.title);
        const auto answer = !ask ? QMessageBox::Yes : QMessageBox::question(
            this, tr("Recover unsaved work?"),
            tr("Ganglion closed without saving the changes to %1 (last copied aside %2). Recover them?")
                .arg(what, QLocale().toString(note.time, QLocale::ShortFormat)),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer != QMessageBox::Yes) {  // the user let it go
            removeCopy(path);
            continue;
        }
        QString error;
        if (!session_->open(path, &error, true)) {  // a damaged copy: say so and keep it for inspection
            QMessageBox::warning(this, tr("Cannot recover"), error);
            continue;
        }
        removeCopy(path);  // from here on this window keeps it (its own autosave file)
        session_->adoptRecovered(note.source, note.origin);  // modified, and Save writes to the original file
        autosaveNow();                     // the recovered work is protected again at once
        statusBar()->showMessage(tr("Recovered unsaved work; save it to keep it."), 8000);
        return true;
    }
    return false;
}

void MainWindow::openAtStart(const QString& file, bool asExample, bool recovery, bool ask) {
    if (recovery && offerRecovery(ask)) {
        // the recovered work stays open rather than being questioned at once
        if (!file.isEmpty())
            statusBar()->showMessage(tr("Recovered unsaved work (save it to keep it); %1 was not opened.")
                                         .arg(QFileInfo(file).fileName()), 15000);
        return;
    }
    if (!file.isEmpty()) openFile(file, asExample);
}

void MainWindow::addRecent(const QString& path) {
    QSettings st;
    QStringList list = st.value("recentFiles").toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    st.setValue("recentFiles", list);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList list = QSettings().value("recentFiles").toStringList();
    for (const QString& f : list) {
        auto* a = recentMenu_->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] { openFile(f); });
    }
    recentMenu_->setEnabled(!list.isEmpty());
}

QStringList MainWindow::exampleFiles() {
    QStringList dirs;
    const QByteArray env = qgetenv("GANGLION_EXAMPLES");
    if (!env.isEmpty()) dirs << QString::fromLocal8Bit(env);
    dirs << QCoreApplication::applicationDirPath() + "/../../resources/examples" << QStringLiteral(GANGLION_EXAMPLES_DIR);
    for (const QString& d : dirs) {
        QDir dir(d);
        if (!dir.exists()) continue;
        QStringList out;
        for (const QString& f : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) out << dir.absoluteFilePath(f);
        if (!out.isEmpty()) return out;
    }
    return {};
}

QString MainWindow::findExample(const QString& name) {
    // The file named exactly so, else the first whose name starts so, else the first containing it:
    // "spiral" stays the spiral classifier when other examples have "spiral" inside their names.
    QString best;
    int bestRank = 3;
    for (const QString& f : exampleFiles()) {
        const QFileInfo info(f);
        const QString base = info.completeBaseName(), file = info.fileName();
        const int rank = base.compare(name, Qt::CaseInsensitive) == 0 || file.compare(name, Qt::CaseInsensitive) == 0 ? 0
                         : file.startsWith(name, Qt::CaseInsensitive)                                                  ? 1
                         : file.contains(name, Qt::CaseInsensitive)                                                    ? 2
                                                                                                                       : 3;
        if (rank < bestRank) best = f, bestRank = rank;
    }
    return best;
}

}  // namespace ganglion
