// Export from the view docks, for every view alike: each dock's context menu (right-click its
// title bar or any part of the view that has no menu of its own) offers Export image… (PNG 1×,
// 2×, 4× or SVG of the view), for a view that names the series it plots (kViewSeries),
// Export data… (those series from the document's metric history, as CSV), and for a view whose
// nodes publish arrays (weights, masks, points, fields…), Export arrays… (one NumPy .npy file per
// array, into a folder).
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

/// The arrays and tables ("<node>/<key>") that the nodes feeding `view` (those whose type
/// publishes what the view draws, kViewObservables) publish in the latest snapshot: tables are the
/// typed observables core/io/extra_tables.h converts (spike rasters, traces, events…).
QStringList viewArrays(const QWidget* view, const Session& session);

/// Writes each of viewArrays() to `folder` as "<node>_<key>.npy" (an array) or "<node>_<key>.csv"
/// (a table, its header naming the columns with their units; characters other than letters,
/// digits, '-' and '_' become '_'); `written` gets the files. False with *error when there are
/// none or a file cannot be written.
bool exportViewArrays(const QWidget* view, const Session& session, const QString& folder, QStringList* written,
                      QString* error);

/// Adds Export image…, Export data… and Export arrays and tables… to `dock`'s context menu.
void addExportActions(QDockWidget* dock, Session* session);

}  // namespace ganglion
