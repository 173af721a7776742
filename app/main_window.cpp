#include "app/main_window.h"

#include "app/canvas_binding.h"
#include "app/commands/graph_commands.h"
#include "core/graph/json_io.h"
#include "views/view_registry.h"
#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/graph_canvas.h"
#include "widgets/inspector/inspector.h"
#include "widgets/palette/node_palette.h"
#include "widgets/plots/decision_field.h"
#include "widgets/raster/raster_widget.h"
#include "widgets/plots/neuron_fields.h"

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
#include <QPainter>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTimer>
#include <QScreen>
#include <QScrollArea>
#include <QSet>
#include <QToolBar>

#include <cmath>

// The app is a static library: its resources must be registered explicitly, from the global
// namespace (Q_INIT_RESOURCE declares a global function).
static void initGanglionResources() { Q_INIT_RESOURCE(resources); }

namespace ganglion {

namespace {
const double kSpeeds[] = {1, 5, 20, 100, 500, 2000, 0};  // steps per second; 0 = unlimited
/// Small scatter plot of 2D labelled points (3 x n: x, y in [-1, 1], label) for a node thumbnail.
QImage pointsImage(const Matrix& pts) {
    QImage img(72, 48, QImage::Format_ARGB32);
    img.fill(QColor(40, 44, 52));
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    const Eigen::Index step = std::max<Eigen::Index>(1, pts.cols() / 400);
    for (Eigen::Index i = 0; i < pts.cols(); i += step) {
        p.setBrush(DecisionField::colorFor(pts(2, i) > 0.5f ? 1.f : 0.f));
        p.drawEllipse(QPointF(12 + (pts(0, i) + 1) * 24, 24 - pts(1, i) * 22), 1.2, 1.2);
    }
    return img;
}

QString speedText(int i) { return kSpeeds[i] == 0 ? QObject::tr("max") : QObject::tr("%1/s").arg(kSpeeds[i]); }
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
    bindCanvas();
    bindInspector();

    stepLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(stepLabel_);
    connect(session_, &Session::engineMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(session_, &Session::runningChanged, this, &MainWindow::refreshRunActions);
    connect(session_, &Session::modifiedChanged, this, [this] { refreshTitle(); });
    connect(session_, &Session::filePathChanged, this, [this] { refreshTitle(); });
    connect(session_, &Session::documentReplaced, this, [this] {
        inspector_->setNode(0);
        raiseRelevantViews();
        QTimer::singleShot(0, canvas_, &GraphCanvas::fitToView);
    });

    QSettings st;
    restoreGeometry(st.value("window/geometry").toByteArray());
    if (!restoreState(st.value("window/state").toByteArray())) {
        QSize size(1500, 920);
        if (auto* scr = screen()) size = size.boundedTo(scr->availableGeometry().size() * 0.95);
        resize(size);
    }
    refreshTitle();
    refreshRunActions(false);

    auto* timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &MainWindow::pollEngine);
    timer->start(100);

    // Unsaved work is copied aside every 30 s, and the copy goes once the document is clean
    // again (saved, undone, replaced) or the user chose to discard it at exit.
    autosaveTimer_ = new QTimer(this);
    connect(autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosaveNow);
    autosaveTimer_->start(kAutosaveMs);
    connect(session_, &Session::modifiedChanged, this, [this](bool modified) {
        if (!modified) dropAutosave();
    });
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
        const QString dir = QSettings().value("lastDir", QDir::homePath()).toString();
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
    auto* edit = addToolBar(tr("Edit"));
    edit->setObjectName("EditToolBar");
    edit->addActions({undoAct_, redoAct_});
    auto* run = addToolBar(tr("Run"));
    run->setObjectName("RunToolBar");
    run->addActions({playAct_, stepAct_, resetAct_});
    speed_ = new QSlider(Qt::Horizontal, this);
    speed_->setRange(0, int(std::size(kSpeeds)) - 1);
    speed_->setValue(QSettings().value("run/speed", int(std::size(kSpeeds)) - 1).toInt());
    speed_->setFixedWidth(140);
    auto* speedLabel = new QLabel(speedText(speed_->value()), this);
    speedLabel->setMinimumWidth(56);
    speed_->setToolTip(tr("Engine speed (steps per second)"));
    connect(speed_, &QSlider::valueChanged, this, [this, speedLabel](int v) {
        speedLabel->setText(speedText(v));
        session_->setSpeed(kSpeeds[v]);
        QSettings().setValue("run/speed", v);
    });
    session_->setSpeed(kSpeeds[speed_->value()]);
    run->addWidget(new QLabel(tr(" Speed "), this));
    run->addWidget(speed_);
    run->addWidget(speedLabel);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addActions({newAct_, openAct_});
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    examplesMenu_ = file->addMenu(tr("&Examples"));
    for (const QString& path : exampleFiles()) {
        QString title = QFileInfo(path).completeBaseName();
        try {
            const Graph g = loadGraphFile(path.toStdString());
            if (!g.settings().title.empty()) title = QString::fromStdString(g.settings().title);
            auto* a = examplesMenu_->addAction(title);
            a->setToolTip(QString::fromStdString(g.settings().description));
            connect(a, &QAction::triggered, this, [this, path] { openFile(path, true); });
        } catch (const std::exception& e) {
            auto* a = examplesMenu_->addAction(tr("%1 (unreadable)").arg(title));
            a->setEnabled(false);
            a->setToolTip(QString::fromStdString(e.what()));
        }
    }
    examplesMenu_->setToolTipsVisible(true);
    rebuildRecentMenu();
    file->addSeparator();
    file->addActions({saveAct_, saveAsAct_});
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

    auto* run = menuBar()->addMenu(tr("&Run"));
    run->addActions({playAct_, stepAct_, resetAct_});

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Ganglion"), this, [this] {
        QMessageBox::about(this, tr("About Ganglion"),
                           tr("<h3>Ganglion %1</h3><p>A workbench for bio-inspired neural networks: wire a "
                              "graph, press Play, watch it learn.</p><p>Node reference: run "
                              "<code>ganglion --node-docs</code>.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::buildDocks() {
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
        scroll->setProperty("ganglionNodeTypes", view->property("ganglionNodeTypes"));
        d->setWidget(scroll);
        viewMenu_->addAction(d->toggleViewAction());
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
    // Sizes are applied once the window has its real size (first show).
    QTimer::singleShot(150, this, [this, pd, id, top, rightGroup, bottomGroup] {
        if (!QSettings().value("window/state").toByteArray().isEmpty()) return;  // the user's layout wins
        resizeDocks({pd, id}, {300, 420}, Qt::Vertical);
        if (top && rightGroup) resizeDocks({top, rightGroup}, {height() * 45 / 100, height() * 55 / 100}, Qt::Vertical);
        if (top) resizeDocks({top}, {width() * 36 / 100}, Qt::Horizontal);
        if (bottomGroup) resizeDocks({bottomGroup}, {260}, Qt::Vertical);
    });
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
    stepLabel_->setText(tr("step %1 · %2 steps/s").arg(snap->step).arg(snap->stepsPerSecond, 0, 'f', 0));
    // Live activation thumbnails inside the nodes: over a 2D data set's plane, each neuron's
    // field (as TensorFlow Playground draws them); otherwise the batch's activations.
    int grid = 0;
    for (const auto& n : snap->nodes)
        if (auto it = n.obs.arrays.find("grid_size"); it != n.obs.arrays.end()) grid = int(it->second(0, 0));
    for (const auto& n : snap->nodes) {
        if (auto pts = n.obs.arrays.find("train_points"); pts != n.obs.arrays.end() && snap->buildId != lastBuild_) {
            canvas_->setNodeThumbnail(n.id, pointsImage(pts->second));  // a 2D data set shows its points
            continue;
        }
        if (auto im = n.obs.arrays.find("images"); im != n.obs.arrays.end()) {  // an image data set: its batch
            const QImage strip = canvas::imageStrip(im->second);
            if (!strip.isNull()) {
                canvas_->setNodeThumbnail(n.id, strip);
                continue;
            }
        }
        if (auto tr = n.obs.arrays.find("trace"); tr != n.obs.arrays.end() && tr->second.cols() > 1) {
            float lo = 0.f, hi = 0.f;  // a node may give the scale of its trace
            if (auto r = n.obs.arrays.find("trace_range"); r != n.obs.arrays.end() && r->second.size() == 2) {
                lo = r->second(0);
                hi = r->second(1);
            }
            canvas_->setNodeThumbnail(n.id, canvas::traceImage(tr->second, QSize(128, 40), lo, hi));  // recent activity
            continue;
        }
        auto it = n.obs.arrays.find("activations");
        if (it == n.obs.arrays.end() || it->second.size() == 0) {
            if (auto raster = n.obs.get<snn::SpikeRaster>("spikes"))  // spiking nodes: their recent spikes
                canvas_->setNodeThumbnail(n.id, rasterThumbnail(*raster, QSize(128, 40)));
            continue;
        }
        const QImage fields = neuronFieldsImage(it->second, grid);
        if (!fields.isNull()) canvas_->setNodeThumbnail(n.id, fields);
        else canvas_->setNodeActivations(n.id, it->second);
    }
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
    // A view names the node types it shows in its "ganglionNodeTypes" property; the views that
    // have something to show for this document come to the front of their tab groups.
    QSet<QString> types;
    for (const auto& n : session_->graph().nodes()) types.insert(QString::fromStdString(n.type));
    // Tabbed and bottom-area views are shown only when the document has something for them (the
    // View menu brings any of them back); the relevant ones come to the front.
    for (auto* dock : findChildren<QDockWidget*>()) {
        if (!dock->widget()) continue;
        const QStringList wanted = dock->widget()->property("ganglionNodeTypes").toStringList();
        bool relevant = false;
        for (const QString& t : wanted) relevant = relevant || types.contains(t);
        // bottom views, and right-hand views sharing a tab group, give their room to the
        // document's own views; a view standing alone (the curves) stays
        const bool grouped = dockWidgetArea(dock) == Qt::BottomDockWidgetArea || !tabifiedDockWidgets(dock).isEmpty();
        if (grouped && !wanted.isEmpty() && !dock->isFloating()) dock->setVisible(relevant);
        if (relevant) {
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

void MainWindow::refreshTitle() {
    const QString name = session_->filePath().isEmpty() ? tr("Untitled") : QFileInfo(session_->filePath()).fileName();
    setWindowTitle(tr("%1[*] — Ganglion").arg(name));
    setWindowModified(session_->isModified());
}

}  // namespace ganglion
