// Dock layout of the main window, per document: each set of views a document needs (its layout
// key, e.g. "Decision boundary" or "KAN splines") keeps the arrangement the user left it in, so a
// layout made for one example never squeezes another example's views. A document whose views
// have no layout yet gets the default one, sized for the window and for the views it shows;
// View ▸ Reset layout returns to that default.
#include "app/main_window.h"
#include "app/view_export.h"
#include "core/model/node_spec.h"
#include "views/view_registry.h"

#include <QDockWidget>
#include <QLayout>
#include <QScrollArea>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>

namespace ganglion {

namespace {
QString layoutSetting(const QString& key) { return QStringLiteral("layouts/") + key; }

}  // namespace

QList<QDockWidget*> MainWindow::relevantViews() const {
    // A view names the observables it draws (kViewObservables); it has something to show for this
    // document when one of the graph's node types publishes one of them (NodeSpec::observables).
    QList<QDockWidget*> out;
    for (QDockWidget* dock : viewDocks_)
        if (graphFeeds(session_->graph(), viewObservables(dock->widget()))) out << dock;
    return out;
}

QString MainWindow::layoutKey() const {
    QStringList names;
    for (QDockWidget* dock : relevantViews()) names << dock->windowTitle();
    names.sort();
    return names.isEmpty() ? QStringLiteral("no views") : names.join(QStringLiteral(" + "));
}

void MainWindow::storeLayout() {
    if (!layoutKey_.isEmpty()) QSettings().setValue(layoutSetting(layoutKey_), saveState(kLayoutVersion));
}

void MainWindow::applyDocumentLayout() {
    storeLayout();  // the previous document's views, as the user left them
    layoutKey_ = layoutKey();
    const QByteArray saved = QSettings().value(layoutSetting(layoutKey_)).toByteArray();
    if (saved.isEmpty() || !restoreState(saved, kLayoutVersion)) {
        applyDefaultLayout();
    } else {
        sizesPending_ = false;  // the restored sizes stand
        raiseRelevantViews();
    }
    shownRelevant_ = relevantViews();
}

void MainWindow::resetLayout() {
    layoutKey_ = layoutKey();
    QSettings().remove(layoutSetting(layoutKey_));
    applyDefaultLayout();
    statusBar()->showMessage(tr("Views arranged as they start for this graph (%1).").arg(layoutKey_), 5000);
}

void MainWindow::applyDefaultLayout() {
    restoreState(defaultState_, kLayoutVersion);
    for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->setFloating(false);
    raiseRelevantViews();  // the document's own views shown and in front, the others out of the way
    // Sizes need the real window: they follow once it is shown and laid out.
    sizesPending_ = true;
    if (isVisible()) scheduleDefaultSizes();
}

void MainWindow::scheduleDefaultSizes() {
    QTimer::singleShot(0, this, [this] {  // unless a restored layout came first
        if (!sizesPending_) return;
        sizesPending_ = false;
        applyDefaultSizes();
    });
}

void MainWindow::applyDefaultSizes() {
    if (lessonDock_ && lessonDock_->isVisible())  // a lesson's step needs room to be read
        resizeDocks({paletteDock_, inspectorDock_, lessonDock_}, {160, 300, 440}, Qt::Vertical);
    else
        resizeDocks({paletteDock_, inspectorDock_}, {300, 420}, Qt::Vertical);
    if (descriptionDock_ && descriptionDock_->isVisible()) resizeDocks({descriptionDock_}, {92}, Qt::Vertical);
    // Right column: the first view (training curves) on top, the document's own views below it
    // with most of the height; wide enough for the widest view's controls without a scroll bar.
    QDockWidget* top = nullptr;
    QList<QDockWidget*> below, bottom;
    int minWidth = 0, minBottom = 0, minBelow = 0;
    for (int i = 0; i < int(viewDocks_.size()); ++i) {
        QDockWidget* dock = viewDocks_[i];
        if (!dock->isVisible()) continue;
        QWidget* view = viewOf(dock);
        QSize hint = view->minimumSizeHint();
        // a view with wrapping text is as tall as its text needs at the column's width (else the
        // dock's scroll area shows a scroll bar)
        if (view->hasHeightForWidth()) hint.setHeight(std::max(hint.height(), view->heightForWidth(width() * 36 / 100)));
        if (dockWidgetArea(dock) == Qt::BottomDockWidgetArea) {
            bottom << dock;
            minBottom = std::max(minBottom, hint.height());
            continue;
        }
        if (dockWidgetArea(dock) != Qt::RightDockWidgetArea) continue;
        minWidth = std::max(minWidth, hint.width());
        if (!top) {
            top = dock;
        } else {
            below << dock;
            minBelow = std::max(minBelow, hint.height());
        }
    }
    // The bottom row first: the right column is what it leaves.
    if (!bottom.isEmpty()) resizeDocks({bottom.front()}, {std::clamp(minBottom + 12, 260, height() * 40 / 100)}, Qt::Vertical);
    if (top) {
        const int w = std::clamp(minWidth + 24, width() * 36 / 100, width() / 2);
        resizeDocks({top}, {w}, Qt::Horizontal);
        if (!below.isEmpty()) {
            layout()->activate();  // the docks take the sizes above, so the column can be measured
            const int column = top->height() + below.front()->height();
            // Who gets the room: a document that trains (it has a loss) is read on its curves; a
            // simulation or an event stream on its own views.
            bool curvesFirst = false;
            for (const auto& n : session_->graph().nodes()) {
                const NodeSpec* spec = NodeRegistry::instance().find(n.type);
                curvesFirst = curvesFirst || (spec && spec->role == NodeRole::Loss);
            }
            // Each side asks for what it shows without a scroll bar (its size hint). When both
            // fit, the rest goes to the side the document is read on. When not, that side gets
            // its need as long as the other keeps a usable strip (views 35 %; the curves their minimum
            // size, so a chart is not cut by a scroll bar, unless the views' own minimum needs that
            // room: then 160 px).
            const int needCurves = std::max(viewOf(top)->sizeHint().height(), viewOf(top)->minimumSizeHint().height()) + 24;
            int needViews = minBelow;
            for (QDockWidget* d : below) needViews = std::max(needViews, viewOf(d)->sizeHint().height());
            needViews += 24;
            int lower;
            if (needViews + needCurves <= column)
                lower = curvesFirst ? std::clamp(column * 40 / 100, needViews, column - needCurves) : column - needCurves;
            else
                lower = curvesFirst ? std::max(column - needCurves, column * 35 / 100)
                                    : std::clamp(column - (viewOf(top)->minimumSizeHint().height() + 24),
                                                 std::min(minBelow + 24, column - 160), needViews);
            resizeDocks({top, below.front()}, {column - lower, lower}, Qt::Vertical);
        }
    }
}

void MainWindow::showEvent(QShowEvent* e) {
    QMainWindow::showEvent(e);
    if (sizesPending_) scheduleDefaultSizes();
}

void MainWindow::showNewlyRelevantViews() {
    // Views the graph now needs come forward (e.g. after File ▸ New, a 2D data set brings the
    // decision boundary back); views that stopped being relevant stay until the next document.
    // An empty stack is a document just replaced (open, new): applyDocumentLayout sees to that.
    if (session_->undoStack()->count() == 0) return;
    const QList<QDockWidget*> now = relevantViews();
    for (QDockWidget* dock : now)
        if (!shownRelevant_.contains(dock)) {
            dock->show();
            dock->raise();
        }
    shownRelevant_ = now;
    layoutKey_ = layoutKey();  // the layout on screen now serves these views
}

}  // namespace ganglion
