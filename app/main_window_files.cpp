// File handling of the main window: open/save/save-as, the unsaved-changes guard, autosave and
// recovery, recent files and the bundled examples.
#include "app/main_window.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
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

bool MainWindow::openFile(const QString& path, bool asExample) {
    if (!maybeSave()) return false;
    QString error;
    if (!session_->open(path, &error, asExample)) {
        QMessageBox::warning(this, tr("Cannot open graph"), error);
        return false;
    }
    if (!asExample) addRecent(path);
    QSettings().setValue("lastFile", asExample ? QString("example:") + path : path);
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
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
    const QString dir = QSettings().value("lastDir", QDir::homePath()).toString();
    QString f = QFileDialog::getSaveFileName(this, tr("Save graph"), dir, tr("Ganglion graphs (*.json)"));
    if (f.isEmpty()) return false;
    if (!f.endsWith(".json")) f += ".json";
    QString error;
    if (!session_->save(f, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    addRecent(f);
    QSettings().setValue("lastFile", f);
    return true;
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
    QSettings st;
    st.setValue("window/geometry", saveGeometry());
    st.setValue("window/state", saveState());
    e->accept();
}

namespace {

QString autosaveDir() { return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation); }

/// Settings key of an autosave file's metadata (its original file and when it was written).
QString autosaveKey(const QString& path, const char* what) {
    return QStringLiteral("autosave/%1/%2").arg(QFileInfo(path).completeBaseName(), QLatin1String(what));
}

/// Whether the process that wrote autosave-<pid>.json is still running (its work is not lost).
bool writerAlive(const QString& path, qint64 self) {
    bool ok = false;
    const qint64 pid = QFileInfo(path).completeBaseName().section('-', 1).toLongLong(&ok);
    if (!ok || pid <= 0 || pid == self) return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

QString MainWindow::autosavePath() {
    // one file per running workbench, so two windows never overwrite each other's work
    return autosaveDir() + QStringLiteral("/autosave-%1.json").arg(QCoreApplication::applicationPid());
}

bool MainWindow::autosaveNow() {
    if (!session_->isModified()) return false;
    const QString path = autosavePath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!session_->writeCopy(path, nullptr)) return false;
    QSettings st;
    st.setValue(autosaveKey(path, "source"), session_->filePath());
    st.setValue(autosaveKey(path, "time"), QDateTime::currentDateTime());
    autosaved_ = true;
    return true;
}

void MainWindow::dropAutosave() {
    if (!autosaved_) return;
    QFile::remove(autosavePath());
    QSettings().remove(QStringLiteral("autosave/") + QFileInfo(autosavePath()).completeBaseName());
    autosaved_ = false;
}

void MainWindow::setAutosaveInterval(int ms) { autosaveTimer_->start(std::clamp(ms, 100, kAutosaveMs)); }

bool MainWindow::offerRecovery(bool ask) {
    // copies left by workbenches that are no longer running, newest first
    QFileInfoList left;
    for (const QFileInfo& f : QDir(autosaveDir()).entryInfoList({"autosave-*.json"}, QDir::Files, QDir::Time))
        if (!writerAlive(f.absoluteFilePath(), QCoreApplication::applicationPid())) left << f;
    for (const QFileInfo& f : left) {
        const QString path = f.absoluteFilePath();
        QSettings st;
        const QString source = st.value(autosaveKey(path, "source")).toString();
        const QDateTime when = st.value(autosaveKey(path, "time")).toDateTime();
        const auto answer = !ask ? QMessageBox::Yes : QMessageBox::question(
            this, tr("Recover unsaved work?"),
            tr("Ganglion closed without saving the changes to %1 (last copied aside %2). Recover them?")
                .arg(source.isEmpty() ? tr("an untitled graph") : QDir::toNativeSeparators(source),
                     when.isValid() ? QLocale().toString(when, QLocale::ShortFormat) : tr("at an unknown time")),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer != QMessageBox::Yes) {  // the user let it go
            QFile::remove(path);
            st.remove(QStringLiteral("autosave/") + f.completeBaseName());
            continue;
        }
        QString error;
        if (!session_->open(path, &error, true)) {  // a damaged copy: say so and keep it for inspection
            QMessageBox::warning(this, tr("Cannot recover"), error);
            continue;
        }
        QFile::remove(path);  // from here on this window keeps it (its own autosave file)
        st.remove(QStringLiteral("autosave/") + f.completeBaseName());
        session_->adoptRecovered(source);  // modified, and Save writes to the original file
        autosaveNow();                     // the recovered work is protected again at once
        statusBar()->showMessage(tr("Recovered unsaved work; save it to keep it."), 8000);
        return true;
    }
    return false;
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
    for (const QString& f : exampleFiles())
        if (QFileInfo(f).fileName().contains(name, Qt::CaseInsensitive)) return f;
    return {};
}

}  // namespace ganglion
