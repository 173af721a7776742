// MainWindow's lessons: the Lesson dock, the Lessons menu (every NAME.lesson.md beside a bundled
// example, found on disk), File ▸ Open Lesson…, and the offer of the lesson that goes with the
// open document (a lesson file beside its example, or one embedded in the graph file).
#include "app/lesson_host.h"
#include "app/lesson_panel.h"
#include "app/main_window.h"

#include "core/lesson/lesson.h"

#include <QDir>
#include <algorithm>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>

namespace ganglion {

namespace {
/// The lesson file beside a graph file: NAME.json → NAME.lesson.md ("" for other names).
QString lessonBeside(const QString& graphPath) {
    const QFileInfo info(graphPath);
    if (graphPath.isEmpty() || info.suffix().compare("json", Qt::CaseInsensitive) != 0) return {};
    return info.dir().filePath(info.completeBaseName() + ".lesson.md");
}
}  // namespace

QDockWidget* MainWindow::viewDock(const QString& title) const {
    for (QDockWidget* d : viewDocks_)
        if (d->windowTitle() == title) return d;
    return nullptr;
}

QStringList MainWindow::lessonFiles() {
    QStringList out;
    for (const QString& example : exampleFiles()) {
        const QString lesson = lessonBeside(example);
        if (QFileInfo::exists(lesson)) out << lesson;
    }
    return out;
}

void MainWindow::buildLessons() {
    lessonPanel_ = new LessonPanel(this);
    lessonDock_ = new QDockWidget(tr("Lesson"), this);
    lessonDock_->setObjectName("dock:lesson");
    lessonDock_->setWidget(lessonPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, lessonDock_);  // under the inspector
    lessonDock_->hide();
    viewMenu_->addAction(lessonDock_->toggleViewAction());
    connect(lessonPanel_, &LessonPanel::startRequested, this, [this] {
        QString error;
        if (auto lesson = documentLesson(&error)) startLesson(*lesson);
        else statusBar()->showMessage(error, 8000);
    });

    auto* menu = new QMenu(tr("&Lessons"), this);
    menuBar()->insertMenu(menuBar()->actions().value(3), menu);  // after File, Edit, View
    for (const QString& path : lessonFiles()) {
        QString title, tip;
        bool readable = true;
        try {
            title = QString::fromStdString(loadLessonFile(path.toStdString()).title);
            tip = tr("Opens the example %1 and walks through it").arg(QFileInfo(path).fileName().remove(".lesson.md"));
        } catch (const LessonFormatError& e) {
            title = tr("%1 (unreadable)").arg(QFileInfo(path).fileName());
            tip = QString::fromStdString(e.what());
            readable = false;
        }
        auto* a = menu->addAction(title, this, [this, path] { openLesson(path); });
        a->setToolTip(tip);
        a->setEnabled(readable);
    }
    menu->setToolTipsVisible(true);
    menu->addSeparator();
    menu->addAction(tr("Open Lesson &File…"), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open a lesson"), QFileInfo(suggestedSavePath()).absolutePath(),
                                                       tr("Lessons (*.lesson.md *.md);;Graphs with a lesson (*.json)"));
        if (!f.isEmpty()) openLesson(f);
    })->setObjectName("openLessonFile");
}

std::optional<Lesson> MainWindow::documentLesson(QString* error) const {
    const GraphSettings& st = session_->graph().settings();
    try {
        if (!st.lesson.empty()) return parseLesson(st.lesson, (st.title.empty() ? "graph" : st.title) + " (embedded lesson)");
        const QString beside = lessonBeside(session_->origin());
        if (!beside.isEmpty() && QFileInfo::exists(beside)) return loadLessonFile(beside.toStdString());
        if (error) *error = tr("This graph has no lesson");
    } catch (const LessonFormatError& e) {
        if (error) *error = QString::fromStdString(e.what());
    }
    return std::nullopt;
}

void MainWindow::offerLesson() {
    if (lessonPanel_->running()) return;  // a lesson that opened an example goes on
    QString error;
    const auto lesson = documentLesson(&error);
    lessonPanel_->offer(lesson ? QString::fromStdString(lesson->title) : QString());
    if (lesson) {
        lessonDock_->show();
        lessonDock_->raise();
    } else {
        lessonDock_->hide();
        if (error.contains(':')) statusBar()->showMessage(error, 10000);  // a lesson that does not parse
    }
}

void MainWindow::startLesson(const Lesson& lesson) {
    const bool wasShown = lessonDock_->isVisible();
    lessonDock_->show();
    lessonDock_->raise();
    if (!wasShown || lessonDock_->height() < height() / 3)  // room to read a step without scrolling
        QTimer::singleShot(0, this, [this] {  // after the layout the new document brought
            resizeDocks({paletteDock_, inspectorDock_, lessonDock_}, {160, 300, 440}, Qt::Vertical);
            resizeDocks({lessonDock_}, {std::max(lessonDock_->width(), 360)}, Qt::Horizontal);
        });
    lessonPanel_->start(lesson, std::make_unique<WorkbenchLessonHost>(this));
}

bool MainWindow::openLesson(const QString& path, QString* errorOut) {
    auto fail = [this, errorOut](const QString& title, const QString& error) {
        if (errorOut) *errorOut = error;
        else QMessageBox::warning(this, title, error);
        return false;
    };
    if (path.endsWith(".json", Qt::CaseInsensitive)) {  // a graph a teacher sent with its lesson inside
        lessonPanel_->stop();
        if (!openFile(path, false, errorOut)) return false;
        QString error;
        if (auto lesson = documentLesson(&error)) {
            startLesson(*lesson);
            return true;
        }
        return fail(tr("No lesson"), error);
    }
    Lesson lesson;
    try {
        lesson = loadLessonFile(path.toStdString());
    } catch (const LessonFormatError& e) {
        return fail(tr("Cannot read the lesson"), QString::fromStdString(e.what()));
    }
    // its example: NAME.json beside it (opened as an example when bundled), else the bundled one
    QString example;
    bool asExample = true;
    if (!lesson.example.empty()) {
        const QString name = QString::fromStdString(lesson.example);
        const QString beside = QFileInfo(path).dir().filePath(name + ".json");
        if (QFileInfo::exists(beside)) {
            example = beside;
            asExample = QFileInfo(beside).canonicalPath() == QFileInfo(exampleFiles().value(0)).canonicalPath();
        } else {
            for (const QString& f : exampleFiles())
                if (QFileInfo(f).completeBaseName() == name) example = f;
        }
    }
    lessonPanel_->stop();
    if (!example.isEmpty() && !openFile(example, asExample, errorOut)) return false;
    startLesson(lesson);
    return true;
}

}  // namespace ganglion
