// The workbench window: node canvas in the middle, palette, inspector and live views in docks,
// menus/toolbar/shortcuts, run controls. Owns nothing of the model: everything goes through the
// Session (graph + undo stack + engine thread).
#pragma once

#include "app/session/session.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;
class QSlider;
class QTimer;

namespace ganglion {

class GraphCanvas;
class Inspector;
class NodePalette;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Session* session, QWidget* parent = nullptr);

    GraphCanvas* canvas() const { return canvas_; }
    Inspector* inspector() const { return inspector_; }
    Session* session() const { return session_; }

    /// Opens a file (asks to save a modified document first). Examples open untitled.
    bool openFile(const QString& path, bool asExample = false);
    /// Bundled example whose file name contains `name` (case-insensitive); "" if none.
    static QString findExample(const QString& name);
    static QStringList exampleFiles();

    bool maybeSave();  ///< true when it is fine to discard the current document

    /// Where a modified document is copied aside (every 30 s) until it is saved or discarded.
    static QString autosavePath();
    /// The autosave interval, ms: at most this much unsaved work is lost if the workbench dies.
    static constexpr int kAutosaveMs = 30000;
    /// Copies aside more often (the workbench's --autosave option); clamped to 100 ms … kAutosaveMs.
    void setAutosaveInterval(int ms);
    /// Copies the document there now when it has unsaved changes; false when there was nothing
    /// to keep or it could not be written.
    bool autosaveNow();
    /// At start-up: when an earlier run left unsaved work, asks whether to recover it and, if so,
    /// opens it as a modified document bound to its original file. True when recovered.
    /// ask = false recovers the newest such copy without asking (the workbench's --recover).
    bool offerRecovery(bool ask = true);

protected:
    void closeEvent(QCloseEvent* e) override;

private:
    /// Removes the copy this window wrote (never one left by another run that was not offered).
    void dropAutosave();
    bool autosaved_ = false;
    QTimer* autosaveTimer_ = nullptr;

    void buildActions();
    void buildMenus();
    void buildDocks();
    void bindCanvas();
    void bindInspector();
    void refreshTitle();
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
    QSlider* speed_ = nullptr;
    QAction *newAct_, *openAct_, *saveAct_, *saveAsAct_, *quitAct_;
    QAction *undoAct_, *redoAct_, *cutAct_, *copyAct_, *pasteAct_, *dupAct_, *expandAct_, *deleteAct_, *selectAllAct_;
    QAction *playAct_, *stepAct_, *resetAct_, *fitAct_, *zoomInAct_, *zoomOutAct_;
    std::uint64_t lastBuild_ = 0;
    SnapshotPtr lastPolled_;  ///< the snapshot the thumbnails show
};

}  // namespace ganglion
