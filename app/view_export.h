// Export from the view docks, for every view alike: each dock's context menu (right-click its
// title bar or any part of the view that has no menu of its own) offers Export image… (PNG 1×,
// 2×, 4× or SVG of the view) and, for a view that names the series it plots (kViewSeries),
// Export data… (those series from the document's metric history, as CSV).
#pragma once

#include <QString>
#include <QStringList>

class QDockWidget;
class QWidget;

namespace ganglion {

class Session;

/// The view inside a view dock (docks hold a scroll area around it).
QWidget* viewOf(QDockWidget* dock);

/// The metric-history series `view` plots (its kViewSeries property) that the session has.
QStringList viewSeries(const QWidget* view, const Session& session);

/// Writes the series `view` plots as one CSV table (core/io/data_export.h: step[,time_s],series…).
/// False with *error when the view plots none or the file cannot be written.
bool exportViewData(const QWidget* view, const Session& session, const QString& path, QString* error);

/// Adds Export image… and Export data… to `dock`'s context menu.
void addExportActions(QDockWidget* dock, Session* session);

}  // namespace ganglion
