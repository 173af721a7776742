// The workbench window: node canvas in the middle, palette, inspector and live views in docks,
// menus/toolbar/shortcuts, run controls. Owns nothing of the model: everything goes through the
// Session (graph + undo stack + engine thread).
#pragma once

#include "app/session/session.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;

namespace ganglion {

class DescriptionPanel;
class GraphCanvas;
class Inspector;
class NodePalette;
class RunBar;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Session* session, QWidget* parent = nullptr);

    GraphCanvas* canvas() const { return canvas_; }
    Inspector* inspector() const { return inspector_; }
    Session* session() const { return session_; }
    RunBar* runBar() const { return runBar_; }
    DescriptionPanel* descriptionPanel() const { return description_; }

    /// Opens a file (asks to save a modified document first). Examples open untitled.
    bool openFile(const QString& path, bool asExample = false);
    /// Bundled example whose file name contains `name` (case-insensitive); "" if none.
    static QString findExample(const QString& name);
    static QStringList exampleFiles();

    bool maybeSave();  ///< true when it is fine to discard the current document

    /// Where a modified document is copied aside (every 30 s) until it is saved or discarded.
    static QString autosavePath();
    /// Copies the document there now when it has unsaved changes; false when there was nothing
    /// to keep or it could not be written.
    bool autosaveNow();
    /// At start-up: when an earlier run left unsaved work, asks whether to recover it and, if so,
    /// opens it as a modified document bound to its original file. True when recovered.
    bool offerRecovery();

protected:
    void closeEvent(QCloseEvent* e) override;

private:
    /// Removes the copy this window wrote (never one left by another run that was not offered).
    void dropAutosave();
    bool autosaved_ = false;

    void buildActions();
    void buildMenus();
    void buildDocks();
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
    QAction *newAct_, *openAct_, *saveAct_, *saveAsAct_, *quitAct_;
    QAction *undoAct_, *redoAct_, *cutAct_, *copyAct_, *pasteAct_, *dupAct_, *expandAct_, *deleteAct_, *selectAllAct_;
    QAction *playAct_, *stepAct_, *resetAct_, *fitAct_, *zoomInAct_, *zoomOutAct_;
    std::uint64_t lastBuild_ = 0;
    SnapshotPtr lastPolled_;  ///< the snapshot the thumbnails show
};

}  // namespace ganglion
