#include "app/main_window.h"
#include "app/torch_actions.h"

#include "app/canvas_binding.h"
#include "app/description_panel.h"
#include "app/run_bar.h"
#include "app/view_export.h"
#include "document/graph_commands.h"
#include "core/graph/json_io.h"
#include "app/example_gallery.h"
#include "app/paper_gallery.h"
#include "widgets/presentation.h"
#include "views/view_registry.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/canvas/graph_scene.h"
#include "widgets/canvas/node_thumbnails.h"
#include "widgets/export/image_export.h"
#include "widgets/inspector/inspector.h"
#include "widgets/palette/node_palette.h"
#include "widgets/plots/refresh_pacer.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QScreen>
#include <QScrollArea>
#include <QToolBar>
#include <QUndoStack>

#include <cmath>

// The app is a static library: its resources must be registered explicitly, from the global
// namespace (Q_INIT_RESOURCE declares a global function).
static void initGanglionResources() { Q_INIT_RESOURCE(resources); }

namespace ganglion {

namespace {
/// Status-bar text on one line: several messages (one per line, as build errors come) are
/// joined by "; " instead of running into each other.
QString oneLine(const QString& text) {
    QStringList parts;
    for (const QString& line : text.split('\n'))
        if (!line.trimmed().isEmpty()) parts << line.trimmed();
    return parts.join(QStringLiteral("; "));
}
}  // namespace

MainWindow::MainWindow(Session* session, QWidget* parent) : QMainWindow(parent), session_(session) {
    initGanglionResources();
    setObjectName("MainWindow");
    setWindowIcon(QIcon(":/ganglion/icons/ganglion.svg"));
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);
    canvas_ = new GraphCanvas(&session_->graph(), this);
    setCentralWidget(canvas_);
    buildActions();
    buildMenus();
    buildDocks();
    buildLessons();
    bindCanvas();
    bindInspector();

    stepLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(stepLabel_);
    connect(session_, &Session::engineMessage, this, [this](const QString& m) { statusBar()->showMessage(oneLine(m), 8000); });
    connect(session_, &Session::runningChanged, this, &MainWindow::refreshRunActions);
    connect(session_, &Session::modifiedChanged, this, [this] { refreshTitle(); });
    connect(session_, &Session::filePathChanged, this, [this] { refreshTitle(); });
    connect(session_, &Session::runningChanged, this, [this] { refreshStepLabel(); });
    connect(session_, &Session::documentReplaced, this, [this] {
        runBar_->documentReplaced();
        refreshTitle();
        inspector_->setNode(0);
        applyDocumentLayout();
        showDescription();  // after the layout, which may have restored the panel as it was
        offerLesson();      // likewise the Lesson dock
        QTimer::singleShot(0, canvas_, &GraphCanvas::fitToView);
    });
    connect(session_->undoStack(), &QUndoStack::indexChanged, this, &MainWindow::showNewlyRelevantViews);

    // an undone or redone edit recreates canvas items without their thumbnails: draw them again
    // from the current snapshot even while paused (no new snapshot comes)
    connect(session_->undoStack(), &QUndoStack::indexChanged, this, [this] {
        lastPolled_.reset();
        QTimer::singleShot(0, this, &MainWindow::pollEngine);
    });

    if (!restoreGeometry(QSettings().value("window/geometry").toByteArray())) {
        QSize size(1500, 920);
        if (auto* scr = screen()) size = size.boundedTo(scr->availableGeometry().size() * 0.95);
        resize(size);
    }
    applyDocumentLayout();  // the dock layout goes with the document (main_window_layout.cpp)
    showDescription();
    refreshTitle();
    refreshRunActions(false);

    RefreshPacer::shared().every(this, 100, [this] { pollEngine(); });

    // Unsaved work is copied aside every 30 s, and the copy goes once the document is clean
    // again (saved, undone, replaced) or the user chose to discard it at exit.
    autosaveTimer_ = new QTimer(this);
    connect(autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosaveNow);
    autosaveTimer_->start(kAutosaveMs);
    connect(session_, &Session::modifiedChanged, this, [this](bool modified) {
        if (!modified) dropAutosave();
    });
}

MainWindow::~MainWindow() {
    // The children die after this body, the canvas among the last: its items clear their
    // selection as they go, which must reach nobody — not the session and, through it, the
    // inspector, nor the lambdas here whose actions are already gone (exiting with a node
    // selected crashed).
    canvas_->disconnect();
    disconnect(session_, nullptr, this, nullptr);
}

void MainWindow::buildActions() {
    auto make = [this](const QString& text, const QKeySequence& key, const QString& icon = {}) {
        auto* a = new QAction(QIcon::fromTheme(icon), text, this);
        if (!key.isEmpty()) a->setShortcut(key);
        return a;
    };
    newAct_ = make(tr("&New"), QKeySequence::New, "document-new");
    openAct_ = make(tr("&Open…"), QKeySequence::Open, "document-open");
    saveAct_ = make(tr("&Save"), QKeySequence::Save, "document-save");
    saveAsAct_ = make(tr("Save &As…"), QKeySequence::SaveAs, "document-save-as");
    quitAct_ = make(tr("&Quit"), QKeySequence::Quit, "application-exit");
    undoAct_ = session_->undoStack()->createUndoAction(this, tr("&Undo"));
    undoAct_->setShortcut(QKeySequence::Undo);
    redoAct_ = session_->undoStack()->createRedoAction(this, tr("&Redo"));
    redoAct_->setShortcut(QKeySequence::Redo);
    cutAct_ = make(tr("Cu&t"), QKeySequence::Cut, "edit-cut");
    copyAct_ = make(tr("&Copy"), QKeySequence::Copy, "edit-copy");
    pasteAct_ = make(tr("&Paste"), QKeySequence::Paste, "edit-paste");
    dupAct_ = make(tr("&Duplicate"), QKeySequence(Qt::CTRL | Qt::Key_D));
    deleteAct_ = make(tr("De&lete"), QKeySequence::Delete, "edit-delete");
    expandAct_ = make(tr("E&xpand Node"), QKeySequence(Qt::CTRL | Qt::Key_E));
    expandAct_->setToolTip(tr("Replace the selected composite node (e.g. an NCAP circuit) by its parts"));
    expandAct_->setEnabled(false);
    selectAllAct_ = make(tr("Select &All"), QKeySequence::SelectAll);
    playAct_ = make(tr("&Play"), QKeySequence(Qt::Key_Space), "media-playback-start");
    stepAct_ = make(tr("&Step"), QKeySequence(Qt::Key_F10), "media-skip-forward");
    resetAct_ = make(tr("&Reset"), QKeySequence(Qt::CTRL | Qt::Key_R), "view-refresh");
    fitAct_ = make(tr("&Fit Graph to View"), QKeySequence(Qt::Key_F));
    zoomInAct_ = make(tr("Zoom &In"), QKeySequence::ZoomIn, "zoom-in");
    zoomOutAct_ = make(tr("Zoom &Out"), QKeySequence::ZoomOut, "zoom-out");
    // Canvas-local shortcuts only while the canvas has focus (typing Space in a field is text).
    for (auto* a : {playAct_, fitAct_, deleteAct_, cutAct_, copyAct_, pasteAct_, dupAct_, selectAllAct_})
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    for (auto* a : {playAct_, fitAct_, deleteAct_, cutAct_, copyAct_, pasteAct_, dupAct_, selectAllAct_})
        canvas_->addAction(a);

    connect(newAct_, &QAction::triggered, this, [this] {
        if (maybeSave()) session_->newDocument();
    });
    connect(openAct_, &QAction::triggered, this, [this] {
        const QString dir = QFileInfo(suggestedSavePath()).absolutePath();  // last folder used, else documents
        const QString f = QFileDialog::getOpenFileName(this, tr("Open graph"), dir, tr("Ganglion graphs (*.json)"));
        if (!f.isEmpty()) openFile(f);
    });
    connect(saveAct_, &QAction::triggered, this, &MainWindow::save);
    connect(saveAsAct_, &QAction::triggered, this, &MainWindow::saveAs);
    connect(quitAct_, &QAction::triggered, this, &QWidget::close);
    connect(cutAct_, &QAction::triggered, canvas_, &GraphCanvas::cutSelection);
    connect(copyAct_, &QAction::triggered, canvas_, &GraphCanvas::copySelection);
    connect(pasteAct_, &QAction::triggered, canvas_, &GraphCanvas::paste);
    connect(dupAct_, &QAction::triggered, canvas_, &GraphCanvas::duplicateSelection);
    connect(deleteAct_, &QAction::triggered, canvas_, &GraphCanvas::deleteSelection);
    connect(expandAct_, &QAction::triggered, canvas_, &GraphCanvas::expandSelection);
    connect(canvas_, &GraphCanvas::selectedNodeChanged, this, [this](NodeId id) {
        const bool can = id && canExpand(session_->graph(), id);
        const std::string label = can ? session_->graph().spec(id)->expandLabel : std::string();
        expandAct_->setEnabled(can);
        expandAct_->setText(label.empty() ? tr("E&xpand Node") : QString::fromStdString(label));
    });
    connect(selectAllAct_, &QAction::triggered, canvas_, &GraphCanvas::selectAll);
    connect(fitAct_, &QAction::triggered, canvas_, &GraphCanvas::fitToView);
    connect(zoomInAct_, &QAction::triggered, canvas_, &GraphCanvas::zoomIn);
    connect(zoomOutAct_, &QAction::triggered, canvas_, &GraphCanvas::zoomOut);
    connect(playAct_, &QAction::triggered, this, [this] {
        if (session_->isRunning()) session_->pause();
        else session_->play();
    });
    connect(stepAct_, &QAction::triggered, session_, &Session::step);
    connect(resetAct_, &QAction::triggered, session_, &Session::resetEngine);

    auto* file = addToolBar(tr("File"));
    file->setObjectName("FileToolBar");
    file->addActions({newAct_, openAct_, saveAct_});
    // The toolbar's Undo/Redo keep a fixed label (the menu and the tooltip name the action), so
    // the buttons after them do not move as the text of the next undo step changes.
    auto toolFor = [this](QAction* menuAct, const QString& text, const QString& icon, const QKeySequence& key,
                          void (QUndoStack::*textChanged)(const QString&), void (QUndoStack::*canChanged)(bool)) {
        auto* a = new QAction(QIcon::fromTheme(icon), text, this);
        auto tip = [a, text, key](const QString& what) {
            a->setToolTip(QStringLiteral("%1 %2 (%3)").arg(text, what, key.toString(QKeySequence::NativeText)).simplified());
        };
        connect(session_->undoStack(), textChanged, a, tip);
        connect(session_->undoStack(), canChanged, a, &QAction::setEnabled);
        connect(a, &QAction::triggered, menuAct, &QAction::trigger);
        a->setEnabled(menuAct->isEnabled());
        tip({});
        return a;
    };
    undoToolAct_ = toolFor(undoAct_, tr("Undo"), "edit-undo", QKeySequence::Undo, &QUndoStack::undoTextChanged, &QUndoStack::canUndoChanged);
    redoToolAct_ = toolFor(redoAct_, tr("Redo"), "edit-redo", QKeySequence::Redo, &QUndoStack::redoTextChanged, &QUndoStack::canRedoChanged);
    auto* edit = addToolBar(tr("Edit"));
    edit->setObjectName("EditToolBar");
    edit->addActions({undoToolAct_, redoToolAct_});
    runBar_ = new RunBar(session_, {playAct_, stepAct_, resetAct_}, this);
    addToolBar(runBar_);
    if (QWidget* play = runBar_->widgetForAction(playAct_)) {  // "Pause" and "Play" take the same room
        refreshRunActions(true);
        const int paused = play->sizeHint().width();
        refreshRunActions(false);
        play->setMinimumWidth(std::max(paused, play->sizeHint().width()));
    }
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addActions({newAct_, openAct_});
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    examplesMenu_ = file->addMenu(tr("&Examples"));
    // grouped by family, starter first (each example file declares its place)
    for (const ExampleFamily& family : exampleGallery(exampleFiles())) {
        examplesMenu_->addSection(family.name);
        for (const ExampleEntry& e : family.examples) {
            // the level sits in the shortcut column, right-aligned
            auto* a = examplesMenu_->addAction(e.level.isEmpty() ? e.title : e.title + '\t' + e.level);
            a->setToolTip(e.error.isEmpty() ? e.description : e.error);
            if (!e.error.isEmpty()) {
                a->setText(tr("%1 (unreadable)").arg(e.title));
                a->setEnabled(false);
                continue;
            }
            connect(a, &QAction::triggered, this, [this, path = e.path] { openFile(path, true); });
        }
    }
    examplesMenu_->setToolTipsVisible(true);
    rebuildRecentMenu();
    file->addSeparator();
    file->addActions({saveAct_, saveAsAct_});
    // the whole graph as a picture (as the canvas's context menu); views export from their docks
    auto* exportGraph = file->addAction(tr("Export Graph &Image…"), this, [this] {
        askAndExportImage(this, tr("Export the graph as an image"), QFileInfo(suggestedSavePath()).absolutePath() + "/graph.png",
                          [this](const QString& path, int scale, QString* error) { return canvas_->exportImage(path, scale, error); });
    });
    exportGraph->setObjectName("exportGraphImage");
    file->addAction(tr("Export to &PyTorch…"), this, [this] { exportToTorch(this, session_); })->setObjectName("exportTorch");
    file->addAction(tr("Export to &Brian2…"), this, [this] { exportToBrian2(this, session_); })->setObjectName("exportBrian2");
    file->addAction(tr("Import &Trained Weights…"), this, [this] { importTrainedWeights(this, session_); })
        ->setObjectName("importTrainedWeights");
    file->addSeparator();
    file->addAction(quitAct_);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addActions({undoAct_, redoAct_});
    edit->addSeparator();
    edit->addActions({cutAct_, copyAct_, pasteAct_, dupAct_, deleteAct_});
    edit->addAction(expandAct_);
    edit->addSeparator();
    edit->addAction(selectAllAct_);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    viewMenu_->addActions({fitAct_, zoomInAct_, zoomOutAct_});
    viewMenu_->addSeparator();
    auto* resetLayoutAct = viewMenu_->addAction(tr("Reset &Layout"), this, &MainWindow::resetLayout);
    resetLayoutAct->setToolTip(tr("Arrange the views as they start for this graph"));
    auto* costsAct = viewMenu_->addAction(tr("Model &Cost on Nodes"));
    costsAct->setObjectName("showCosts");
    costsAct->setCheckable(true);
    costsAct->setToolTip(tr("A badge under every node: its learnable parameters and multiply-accumulates per sample"));
    connect(costsAct, &QAction::toggled, this, [this](bool on) {
        canvas_->graphScene()->setShowCosts(on);
        if (auto snap = session_->snapshot()) canvas::showCosts(*canvas_, *snap);  // at once, also when paused
        QSettings().setValue(QStringLiteral("canvas/showCosts"), on);
    });
    costsAct->setChecked(QSettings().value(QStringLiteral("canvas/showCosts"), false).toBool());
    auto* presentAct = viewMenu_->addAction(tr("&Presentation Mode"));
    presentAct->setObjectName("presentationMode");
    presentAct->setCheckable(true);
    presentAct->setShortcut(QKeySequence(Qt::Key_F5));
    presentAct->setToolTip(tr("For a projector: larger text, thicker lines, a canvas without grid"));
    connect(presentAct, &QAction::toggled, this, [this](bool on) {
        presentation::setActive(on);
        canvas_->resetCachedContent();
        canvas_->viewport()->update();
        QSettings().setValue(QStringLiteral("view/presentation"), on);
    });
    presentAct->setChecked(QSettings().value(QStringLiteral("view/presentation"), false).toBool());
    viewMenu_->addSeparator();

    auto* run = menuBar()->addMenu(tr("&Run"));
    run->addActions({playAct_, stepAct_, resetAct_});

    auto* help = menuBar()->addMenu(tr("&Help"));
    auto* papers = help->addAction(tr("&Papers…"), this, [this] {
        auto* gallery = new PaperGallery(exampleFiles(), this);
        gallery->setAttribute(Qt::WA_DeleteOnClose);
        connect(gallery, &PaperGallery::openExample, this, [this](const QString& path) { openFile(path, true); });
        gallery->open();
    });
    papers->setObjectName("papers");
    papers->setToolTip(tr("The papers the bundled examples reproduce, and what to expect of each"));
    help->addAction(tr("&About Ganglion"), this, [this] {
        QMessageBox::about(this, tr("About Ganglion"),
                           tr("<h3>Ganglion %1</h3><p>A workbench for bio-inspired neural networks: wire a "
                              "graph, press Play, watch it learn.</p><p>Node reference: run "
                              "<code>ganglion --node-docs</code>.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::buildDocks() {
    // What the document is about, across the top: a class reads it while the graph runs.
    description_ = new DescriptionPanel(this);
    descriptionDock_ = new QDockWidget(tr("About this graph"), this);
    descriptionDock_->setObjectName("dock:description");
    descriptionDock_->setWidget(description_);
    addDockWidget(Qt::TopDockWidgetArea, descriptionDock_);
    viewMenu_->addAction(descriptionDock_->toggleViewAction());

    palette_ = new NodePalette(this);
    auto* pd = new QDockWidget(tr("Nodes"), this);
    pd->setObjectName("dock:palette");
    pd->setWidget(palette_);
    addDockWidget(Qt::LeftDockWidgetArea, pd);
    connect(palette_, &NodePalette::nodeActivated, this, [this](const QString& type) {
        const QPointF c = canvas_->mapToScene(canvas_->viewport()->rect().center());
        session_->undoStack()->push(new AddNodeCommand(session_->graph(), type, c));
    });

    inspector_ = new Inspector(&session_->graph(), this);
    auto* id = new QDockWidget(tr("Inspector"), this);
    id->setObjectName("dock:inspector");
    id->setWidget(inspector_);
    addDockWidget(Qt::LeftDockWidgetArea, id);
    splitDockWidget(pd, id, Qt::Vertical);
    viewMenu_->addAction(pd->toggleViewAction());
    viewMenu_->addAction(id->toggleViewAction());
    paletteDock_ = pd;
    inspectorDock_ = id;

    // Default layout: the first right view (training curves) stays on top; every other right view
    // shares one tab group below it; bottom views share a tab group along the bottom.
    QDockWidget* top = nullptr;
    QDockWidget* rightGroup = nullptr;
    QDockWidget* bottomGroup = nullptr;
    for (const auto& v : allViews()) {
        auto* d = new QDockWidget(v.title, this);
        d->setObjectName("dock:" + v.title);
        // A scroll area keeps any view from imposing its minimum size on the whole window.
        auto* scroll = new QScrollArea(d);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidgetResizable(true);
        QWidget* view = v.create(session_, scroll);
        scroll->setWidget(view);
        scroll->setProperty(kViewObservables, view->property(kViewObservables));
        d->setWidget(scroll);
        addExportActions(d, session_);  // Export image… / Export data… in the dock's context menu
        viewMenu_->addAction(d->toggleViewAction());
        viewDocks_ << d;
        if (v.area == Qt::BottomDockWidgetArea) {
            addDockWidget(Qt::BottomDockWidgetArea, d);
            if (bottomGroup) tabifyDockWidget(bottomGroup, d);
            else bottomGroup = d;
            continue;
        }
        addDockWidget(v.area == Qt::LeftDockWidgetArea ? Qt::LeftDockWidgetArea : Qt::RightDockWidgetArea, d);
        if (v.area == Qt::LeftDockWidgetArea) continue;
        if (!top) {
            top = d;
        } else if (!rightGroup) {
            rightGroup = d;
            splitDockWidget(top, d, Qt::Vertical);
        } else {
            tabifyDockWidget(rightGroup, d);
        }
    }
    if (rightGroup) rightGroup->raise();
    defaultState_ = saveState(kLayoutVersion);  // View ▸ Reset layout returns here (sizes: applyDefaultSizes)
}

void MainWindow::bindCanvas() {
    bindCanvasToUndoStack(canvas_, session_->graph(), session_->undoStack(),
                          [this](const QString& m) { statusBar()->showMessage(m, 6000); });
    connect(canvas_, &GraphCanvas::selectedNodeChanged, session_, &Session::setSelectedNode);
    connect(canvas_, &GraphCanvas::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 6000); });
}

void MainWindow::bindInspector() {
    // The inspector only sends values its parameter specs accept and names that are free; a
    // command the graph still rejects marks itself obsolete and leaves no undo step.
    connect(session_, &Session::selectionChanged, inspector_, &Inspector::setNode);
    connect(session_, &Session::selectionChanged, this, [this] { inspector_->showCost(lastPolled_); });
    connect(inspector_, &Inspector::requestParamChange, this,
            [this](NodeId node, const QString& param, const ParamValue& oldV, const ParamValue& newV) {
                session_->undoStack()->push(new SetParamCommand(session_->graph(), node, param.toStdString(), oldV, newV));
            });
    connect(inspector_, &Inspector::requestRename, this, [this](NodeId node, const QString& name) {
        session_->undoStack()->push(new RenameCommand(session_->graph(), node, name));
    });
}

void MainWindow::pollEngine() {
    auto snap = session_->snapshot();
    if (!snap || snap == lastPolled_) return;  // paused: nothing new to draw
    lastPolled_ = snap;
    runBar_->showSnapshot(snap);
    inspector_->showCost(snap);
    refreshStepLabel();
    // Live pictures inside the nodes, each as its node type declares (NodeSpec::thumbnail).
    canvas::showThumbnails(*canvas_, *snap, snap->buildId != lastBuild_);
    canvas::showCosts(*canvas_, *snap);
    if (snap->buildId != lastBuild_) {  // a new build: show its problems on the nodes
        lastBuild_ = snap->buildId;
        canvas_->clearNodeIssues();
        const auto issues = session_->runner().issues();
        for (const auto& issue : issues)
            if (issue.node) canvas_->setNodeIssue(issue.node, QString::fromStdString(issue.message));
        const QString err = session_->engineError();
        if (!err.isEmpty() && issues.empty()) {
            // Shape errors come from kernels: "node 'X' …" — find the node by its quoted name.
            for (const auto& node : session_->graph().nodes())
                if (err.contains("'" + QString::fromStdString(node.name) + "'")) canvas_->setNodeIssue(node.id, err.trimmed());
        }
    }
}

void MainWindow::raiseRelevantViews() {
    // Tabbed and bottom-area views are shown only when the document has something for them (the
    // View menu brings any of them back); the relevant ones come to the front.
    const QList<QDockWidget*> relevant = relevantViews();
    for (QDockWidget* dock : viewDocks_) {
        const bool wantsNodes = !viewObservables(dock->widget()).isEmpty();
        // bottom views, and right-hand views sharing a tab group, give their room to the
        // document's own views; a view standing alone (the curves) stays
        const bool grouped = dockWidgetArea(dock) == Qt::BottomDockWidgetArea || !tabifiedDockWidgets(dock).isEmpty();
        if (grouped && wantsNodes && !dock->isFloating()) dock->setVisible(relevant.contains(dock));
        if (relevant.contains(dock)) {
            dock->show();
            dock->raise();
        }
    }
}

void MainWindow::refreshRunActions(bool running) {
    playAct_->setText(running ? tr("&Pause") : tr("&Play"));
    playAct_->setIcon(QIcon::fromTheme(running ? "media-playback-pause" : "media-playback-start"));
    playAct_->setToolTip(running ? tr("Pause the engine (Space)") : tr("Run the engine (Space)"));
    stepAct_->setEnabled(!running);
}

void MainWindow::refreshStepLabel() {
    const SnapshotPtr snap = lastPolled_;
    if (!snap) return;
    const QString step = RunBar::stepText(*snap, runBar_->scale().timed());
    stepLabel_->setText(session_->isFinished() && !session_->isRunning() ? tr("finished · %1").arg(step) : step);
}

void MainWindow::showDescription() {
    const auto& st = session_->graph().settings();
    QString paperLine;
    // an example that reproduces a paper says which, and what result to expect (Help > Papers)
    if (!session_->origin().isEmpty()) try {
            if (const auto paper = readPaperRef(session_->origin().toStdString()))
                paperLine = tr("Reproduces “%1” (%2, %3). Result to expect: %4")
                                .arg(QString::fromStdString(paper->title), QString::fromStdString(paper->authors))
                                .arg(paper->year)
                                .arg(QString::fromStdString(paper->claim));
        } catch (const PaperFormatError&) {  // a malformed entry is reported by Help > Papers
        }
    description_->setDocument(QString::fromStdString(st.title), QString::fromStdString(st.description), paperLine);
    // shown for a document that has something to say (the View menu brings it back otherwise)
    descriptionDock_->setVisible(!description_->isEmpty());
}

void MainWindow::refreshTitle() {
    // an untitled document named by its settings (an example opens under its own title)
    const QString title = QString::fromStdString(session_->graph().settings().title);
    const QString name = !session_->filePath().isEmpty() ? QFileInfo(session_->filePath()).fileName()
                         : title.isEmpty()                ? tr("Untitled")
                                                          : title;
    setWindowTitle(tr("%1[*] — Ganglion").arg(name));
    setWindowModified(session_->isModified());
}

}  // namespace ganglion
