#include "app/view_export.h"

#include "core/engine/pace.h"
#include "core/io/data_export.h"
#include "core/io/extra_tables.h"
#include "document/session.h"
#include "views/view_registry.h"
#include "widgets/export/image_export.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QEvent>
#include <QFileDialog>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStandardPaths>

#include <algorithm>
#include <functional>

namespace ganglion {

QWidget* viewOf(QDockWidget* dock) {
    auto* scroll = qobject_cast<QScrollArea*>(dock->widget());
    return scroll && scroll->widget() ? scroll->widget() : dock->widget();
}

QStringList viewSeries(const QWidget* view, const Session& session) {
    QStringList out;
    if (!view) return out;
    const auto names = session.metrics().names();
    for (const QString& s : view->property(kViewSeries).toStringList())
        if (std::find(names.begin(), names.end(), s.toStdString()) != names.end()) out << s;
    return out;
}

bool exportViewData(const QWidget* view, const Session& session, const QString& path, QString* error) {
    const QStringList names = viewSeries(view, session);
    if (names.isEmpty()) {
        if (error) *error = QObject::tr("this view plots no recorded series yet");
        return false;
    }
    if (!path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)) {
        if (error) *error = QObject::tr("cannot write %1: series export as .csv").arg(path);
        return false;
    }
    std::vector<io::NamedSeries> series;
    for (const QString& n : names) series.push_back({n.toStdString(), session.metrics().series(n.toStdString())});
    const double dt = simulatesTime(session.graph()) ? session.graph().settings().dt : 0.0;
    try {
        io::writeFileAtomically(path.toStdString(), io::seriesCsv(series, dt));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

QStringList viewArrays(const QWidget* view, const Session& session) {
    QStringList out;
    const SnapshotPtr snap = session.snapshot();
    if (!view || !snap) return out;
    const QStringList observables = view->property(kViewObservables).toStringList();
    for (const NodeSnapshot& n : snap->nodes) {
        const Node* node = session.graph().node(n.id);
        if (!node || !nodeFeeds(*node, observables)) continue;
        for (const auto& [key, m] : n.obs.arrays) out << QString::fromStdString(n.name + "/" + key);
        for (const auto& [key, value] : n.obs.extra)
            if (io::hasExtraTable(value)) out << QString::fromStdString(n.name + "/" + key);  // not built: a menu check
    }
    return out;
}

bool exportViewArrays(const QWidget* view, const Session& session, const QString& folder, QStringList* written,
                      QString* error) {
    const QStringList names = viewArrays(view, session);
    const SnapshotPtr snap = session.snapshot();
    if (names.isEmpty() || !snap) {
        if (error) *error = QObject::tr("the nodes of this view publish no arrays");
        return false;
    }
    // NODE_KEY.npy per array, NODE_KEY.csv per table (spikes, traces, events…: named columns)
    auto write = [&](const NodeSnapshot& n, const std::string& key, const char* ext, const std::function<std::string()>& bytes) {
        if (!names.contains(QString::fromStdString(n.name + "/" + key))) return true;
        QString file = QString::fromStdString(n.name + "_" + key);
        file.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")), QStringLiteral("_"));
        const QString path = QDir(folder).filePath(file + ext);
        try {
            io::writeFileAtomically(path.toStdString(), bytes());
        } catch (const std::exception& e) {
            if (error) *error = QString::fromUtf8(e.what());
            return false;
        }
        if (written) *written << path;
        return true;
    };
    for (const NodeSnapshot& n : snap->nodes) {
        for (const auto& [key, m] : n.obs.arrays)
            if (!write(n, key, ".npy", [&m = m] { return io::matrixNpy(m); })) return false;
        for (const auto& [key, value] : n.obs.extra)
            if (auto t = io::extraTable(value))
                if (!write(n, key, ".csv", [&t] { return io::tableCsv(*t); })) return false;
    }
    return true;
}

namespace {

QString suggestedName(QDockWidget* dock, const QString& ext) {
    QString name = dock->windowTitle().toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + '/' + name + ext;
}

/// Calls `f` when a context-menu event reaches the watched object, before it handles it.
class OnContextMenu : public QObject {
public:
    OnContextMenu(QObject* parent, std::function<void()> f) : QObject(parent), f_(std::move(f)) {}
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::ContextMenu) f_();
        return false;
    }

private:
    std::function<void()> f_;
};

}  // namespace

void addExportActions(QDockWidget* dock, Session* session) {
    dock->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* image = new QAction(QObject::tr("Export image…"), dock);
    image->setObjectName(QStringLiteral("exportImage"));
    image->setToolTip(QObject::tr("Save this view as a PNG (1×, 2× or 4× the pixels) or an SVG (vector)"));
    QObject::connect(image, &QAction::triggered, dock, [dock] {
        askAndExportImage(dock, QObject::tr("Export %1 as an image").arg(dock->windowTitle()), suggestedName(dock, ".png"),
                          [dock](const QString& path, int scale, QString* error) {
                              return exportWidgetImage(viewOf(dock), path, scale, error);
                          });
    });
    auto* data = new QAction(QObject::tr("Export data…"), dock);
    data->setObjectName(QStringLiteral("exportData"));
    data->setToolTip(QObject::tr("Save the series this view plots as CSV (a step column, one column per series)"));
    QObject::connect(data, &QAction::triggered, dock, [dock, session] {
        const QString title = QObject::tr("Export %1 data").arg(dock->windowTitle());
        const QString path = QFileDialog::getSaveFileName(dock, title, suggestedName(dock, ".csv"), QObject::tr("CSV table (*.csv)"));
        if (path.isEmpty()) return;
        QString error;
        if (!exportViewData(viewOf(dock), *session, path.endsWith(".csv", Qt::CaseInsensitive) ? path : path + ".csv", &error))
            QMessageBox::warning(dock, title, error);
    });
    auto* arrays = new QAction(QObject::tr("Export arrays and tables…"), dock);
    arrays->setObjectName(QStringLiteral("exportArrays"));
    arrays->setToolTip(QObject::tr("Save every array this view's nodes publish (weights, masks, points…) as NumPy .npy files, "
                                   "and their spikes, traces, events, trails and edge functions as CSV tables"));
    QObject::connect(arrays, &QAction::triggered, dock, [dock, session] {
        const QString title = QObject::tr("Export %1 arrays and tables").arg(dock->windowTitle());
        const QString folder = QFileDialog::getExistingDirectory(
            dock, title, QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
        if (folder.isEmpty()) return;
        QString error;
        QStringList written;
        if (!exportViewArrays(viewOf(dock), *session, folder, &written, &error)) QMessageBox::warning(dock, title, error);
    });
    dock->addAction(image);
    dock->addAction(data);
    dock->addAction(arrays);
    // Export data… and Export arrays… are offered only where there is something: checked at each
    // opening of the menu (the dock shows its actions on a context-menu event that reaches it).
    dock->installEventFilter(new OnContextMenu(dock, [dock, data, arrays, session] {
        data->setVisible(!viewSeries(viewOf(dock), *session).isEmpty());
        arrays->setVisible(!viewArrays(viewOf(dock), *session).isEmpty());
    }));
}

}  // namespace ganglion
