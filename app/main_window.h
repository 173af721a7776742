// The workbench window: node canvas in the middle, palette, inspector and live views in docks,
// menus/toolbar/shortcuts, run controls. Owns nothing of the model: everything goes through the
// Session (graph + undo stack + engine thread).
#pragma once

#include "core/lesson/lesson.h"
#include "document/session.h"

#include <QMainWindow>

#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTimer;

namespace ganglion {

class DescriptionPanel;
class LessonPanel;
class GraphCanvas;
class Inspector;
class NodePalette;
class RunBar;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Session* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    GraphCanvas* canvas() const { return canvas_; }
    Inspector* inspector() const { return inspector_; }
    Session* session() const { return session_; }
    RunBar* runBar() const { return runBar_; }
    DescriptionPanel* descriptionPanel() const { return description_; }
    LessonPanel* lessonPanel() const { return lessonPanel_; }
    /// The dock of the view with this title (views/view_list.h), nullptr when none.
    QDockWidget* viewDock(const QString& title) const;

    /// Every bundled lesson: each NAME.lesson.md beside an example NAME.json, found on disk.
    static QStringList lessonFiles();
    /// Opens a lesson (a .lesson.md file: its example first; or a graph file with a lesson inside)
    /// and starts it; a file that does not parse is reported with the line at fault.
    /// Opens a lesson file (or a graph with a lesson inside) and starts it. On failure, says why in
    /// a message box, or in *error when given (scripted runs: --screenshot, --export-view).
    bool openLesson(const QString& path, QString* error = nullptr);
    /// Starts `lesson` on the current document in the Lesson dock.
    void startLesson(const Lesson& lesson);
    /// The lesson that goes with the open document: embedded in it, or beside the file it came
    /// from; nullopt (and *error: why) when none or unreadable.
    std::optional<Lesson> documentLesson(QString* error = nullptr) const;

    /// Opens a file (asks to save a modified document first). Examples open untitled.
    /// Opens a graph file; on failure says why in a message box, or in *error when given.
    bool openFile(const QString& path, bool asExample = false, QString* error = nullptr);
    /// Bundled example whose file name is `name` (case-insensitive), else the first that starts with it,
    /// else the first that contains it; "" if none.
    static QString findExample(const QString& name);
    static QStringList exampleFiles();

    bool maybeSave();  ///< true when it is fine to discard the current document

    /// Where the current document is copied aside (every 30 s) while it has unsaved changes:
    /// one slot per document (its file, the example it came from, or "untitled") and per running
    /// workbench, so copies of different documents never overwrite each other.
    QString autosavePath() const;
    /// Copies the document there now when it has unsaved changes (with a note of its origin and
    /// the time); false when there was nothing to keep or it could not be written.
    bool autosaveNow();
    /// At start-up: when an earlier run left unsaved work, asks whether to recover it and, if so,
    /// opens it as a modified document bound to its original file. True when recovered.
    /// ask = false recovers without asking (the workbench's --recover).
    bool offerRecovery(bool ask = true);
    /// Start-up: offers recovery (when `recovery`), then opens `file` — unless work was recovered,
    /// which then stays open (the status bar says the file was not opened) instead of asking at
    /// once to save what was just recovered. An empty `file` opens nothing.
    void openAtStart(const QString& file, bool asExample, bool recovery, bool ask = true);
    /// Where the Save dialog starts: the last folder saved to or opened from (never the bundled
    /// examples), else the user's documents folder; an example's copy is proposed under its name.
    QString suggestedSavePath() const;

    /// Each set of views a document needs keeps its own dock layout (saved as the user leaves
    /// it); a document without one gets the default layout for its views.
    void resetLayout();  ///< View ▸ Reset layout: the default layout for this document
    /// The key the current layout is kept under: the views the document needs, e.g. "KAN splines".
    QString layoutKey() const;
    /// The dock views that have something to show for the current graph.
    QList<QDockWidget*> relevantViews() const;
    /// The autosave interval, ms: at most this much unsaved work is lost if the workbench dies.
    static constexpr int kAutosaveMs = 30000;
    /// Copies aside more often (the workbench's --autosave option); clamped to 100 ms … kAutosaveMs.
    void setAutosaveInterval(int ms);

protected:
    void closeEvent(QCloseEvent* e) override;
    void showEvent(QShowEvent* e) override;

private:
    /// Removes the copy this window wrote (never one left by another run that was not offered).
    void dropAutosave();
    QString autosaved_;  ///< the copy this window last wrote ("" when none)
    QTimer* autosaveTimer_ = nullptr;

    void applyDocumentLayout();  ///< a new document: keep the old one's layout, restore or default
    void applyDefaultLayout();
    void applyDefaultSizes();    ///< dock sizes of the default layout for the current window size
    void scheduleDefaultSizes(); ///< applyDefaultSizes on the next turn of the event loop, if still pending
    void storeLayout();          ///< remembers the current layout under layoutKey_
    void showNewlyRelevantViews();  ///< an edit made a view relevant (e.g. a 2D data set added)
    static constexpr int kLayoutVersion = 2;  ///< saveState() version: older layouts are not restored
    QByteArray defaultState_;
    bool sizesPending_ = false;  ///< default sizes wait for the window to be shown
    QString layoutKey_;
    QList<QDockWidget*> shownRelevant_;
    QDockWidget *paletteDock_ = nullptr, *inspectorDock_ = nullptr;
    QList<QDockWidget*> viewDocks_;

    void buildActions();
    void buildMenus();
    void buildDocks();
    void buildLessons();  ///< the Lesson dock and the Lessons menu (main_window_lessons.cpp)
    void offerLesson();   ///< a document came: offer its lesson unless one is running
    void bindCanvas();
    void bindInspector();
    void refreshTitle();
    void refreshStepLabel();  ///< status bar: step, time, pace; "finished" at the run's end
    void showDescription();
    void refreshRunActions(bool running);
    void raiseRelevantViews();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void pollEngine();
    bool saveAs();
    bool save();

    Session* session_;
    GraphCanvas* canvas_ = nullptr;
    Inspector* inspector_ = nullptr;
    NodePalette* palette_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* examplesMenu_ = nullptr;
    QLabel* stepLabel_ = nullptr;
    RunBar* runBar_ = nullptr;
    DescriptionPanel* description_ = nullptr;
    QDockWidget* descriptionDock_ = nullptr;
    LessonPanel* lessonPanel_ = nullptr;
    QDockWidget* lessonDock_ = nullptr;
    QAction *newAct_, *openAct_, *saveAct_, *saveAsAct_, *quitAct_;
    QAction *undoAct_, *redoAct_, *undoToolAct_, *redoToolAct_, *cutAct_, *copyAct_, *pasteAct_, *dupAct_, *expandAct_, *deleteAct_, *selectAllAct_;
    QAction *playAct_, *stepAct_, *resetAct_, *fitAct_, *zoomInAct_, *zoomOutAct_;
    std::uint64_t lastBuild_ = 0;
    SnapshotPtr lastPolled_;  ///< the snapshot the thumbnails show
};

}  // namespace ganglion
