#include "widgets/export/image_export.h"

#include <QBuffer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

#include <algorithm>
#include <cmath>
#include <optional>

namespace ganglion {

namespace {

enum class Format { Png, Svg, Unknown };

Format formatOf(const QString& path) {
    const QString ext = QFileInfo(path).suffix().toLower();
    return ext == QLatin1String("png") ? Format::Png : ext == QLatin1String("svg") ? Format::Svg : Format::Unknown;
}

bool saveBytes(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

/// Checks the request, then paints `size` (logical pixels) with `paint` into the file's format.
bool exportPainted(const QSize& size, const QString& path, int scale, const QColor& background, QString* error,
                   const std::function<void(QPainter&)>& paint) {
    const Format format = formatOf(path);
    if (format == Format::Unknown) {
        if (error) *error = QStringLiteral("cannot write %1: images export as .png or .svg").arg(path);
        return false;
    }
    if (std::find(std::begin(kImageScales), std::end(kImageScales), scale) == std::end(kImageScales)) {
        if (error) *error = QStringLiteral("scale %1 is not offered (1, 2 or 4)").arg(scale);
        return false;
    }
    if (size.isEmpty()) {
        if (error) *error = QStringLiteral("cannot write %1: there is nothing to draw (empty area)").arg(path);
        return false;
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (format == Format::Png) {
        QImage img(size * scale, QImage::Format_ARGB32_Premultiplied);
        img.setDevicePixelRatio(scale);  // the painter draws in logical pixels, at scale × the resolution
        img.fill(background);
        {
            QPainter p(&img);
            p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
            paint(p);
        }
        img.setDevicePixelRatio(1);
        if (!img.save(&buffer, "PNG")) {
            if (error) *error = QStringLiteral("cannot encode %1 as PNG").arg(path);
            return false;
        }
    } else {
        QSvgGenerator gen;
        gen.setOutputDevice(&buffer);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setResolution(96);  // the width and height it writes (in mm) are then its size in CSS pixels
        gen.setTitle(QFileInfo(path).completeBaseName());
        gen.setDescription(QStringLiteral("Exported from Ganglion"));
        QPainter p;
        if (!p.begin(&gen)) {
            if (error) *error = QStringLiteral("cannot start the SVG for %1").arg(path);
            return false;
        }
        p.fillRect(QRect(QPoint(0, 0), size), background);
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        paint(p);
        p.end();
    }
    return saveBytes(path, bytes, error);
}

/// An SVG keeps no clipping (Qt's generator writes none), so a one-line label cut at its edge on
/// screen would run over its neighbours there: while the SVG is drawn, such labels show their
/// text elided to the room they have, as a reader would expect; restored afterwards.
class ElideCutLabels {
public:
    explicit ElideCutLabels(QWidget* root) {
        for (QLabel* l : root->findChildren<QLabel*>()) {
            if (!l->isVisible() || l->wordWrap() || l->textFormat() == Qt::RichText || Qt::mightBeRichText(l->text()) ||
                l->text().contains('\n'))
                continue;
            const QFontMetrics fm(l->font());
            const int room = l->contentsRect().width() - 2 * l->margin() - 2 * l->indent();
            if (fm.horizontalAdvance(l->text()) <= room) continue;
            saved_.append({l, l->text()});
            l->setText(fm.elidedText(l->text(), Qt::ElideRight, std::max(room, 0)));
        }
    }
    ~ElideCutLabels() {
        for (const auto& [label, text] : saved_) label->setText(text);
    }

private:
    QList<QPair<QPointer<QLabel>, QString>> saved_;
};

}  // namespace

bool exportWidgetImage(QWidget* widget, const QString& path, int scale, QString* error) {
    if (!widget) {
        if (error) *error = QStringLiteral("no view to export");
        return false;
    }
    widget->ensurePolished();
    std::optional<ElideCutLabels> elide;
    if (formatOf(path) == Format::Svg) elide.emplace(widget);
    return exportPainted(widget->size(), path, scale, widget->palette().window().color(), error, [widget](QPainter& p) {
        // (an OpenGL child, such as a VTK 3D view, comes with its last frame: tst_vtk_widget)
        widget->render(&p, QPoint(), QRegion(), QWidget::DrawWindowBackground | QWidget::DrawChildren);
    });
}

bool exportSceneImage(QGraphicsScene* scene, const QRectF& source, const QString& path, int scale, QString* error) {
    if (!scene) {
        if (error) *error = QStringLiteral("no scene to export");
        return false;
    }
    const QSize size(int(std::ceil(source.width())), int(std::ceil(source.height())));
    const QBrush bg = scene->backgroundBrush();  // the scene's drawBackground paints over it
    return exportPainted(size, path, scale, bg.style() == Qt::NoBrush ? QColor(Qt::white) : bg.color(), error, [&](QPainter& p) {
        // Items that cache their picture would come out as a bitmap at screen resolution: drawn
        // afresh for the export (vector in an SVG, sharp at 4×), then cached again.
        QList<QPair<QGraphicsItem*, QGraphicsItem::CacheMode>> cached;
        for (QGraphicsItem* it : scene->items())
            if (it->cacheMode() != QGraphicsItem::NoCache) {
                cached.append({it, it->cacheMode()});
                it->setCacheMode(QGraphicsItem::NoCache);
            }
        scene->render(&p, QRectF(QPointF(0, 0), QSizeF(size)), source, Qt::KeepAspectRatio);
        for (const auto& [it, mode] : cached) it->setCacheMode(mode);
    });
}

bool askAndExportImage(QWidget* parent, const QString& title, const QString& suggested,
                       const std::function<bool(const QString& path, int scale, QString* error)>& write) {
    const QString png1 = QObject::tr("PNG image, 1× (*.png)"), png2 = QObject::tr("PNG image, 2× (*.png)"),
                  png4 = QObject::tr("PNG image, 4× (*.png)"), svg = QObject::tr("SVG vector image (*.svg)");
    QString filter = png2;
    QString path = QFileDialog::getSaveFileName(parent, title, suggested, QStringList{png1, png2, png4, svg}.join(";;"), &filter);
    if (path.isEmpty()) return false;
    const bool wantsSvg = filter == svg;
    if (formatOf(path) == Format::Unknown) path += wantsSvg ? QStringLiteral(".svg") : QStringLiteral(".png");
    const int scale = filter == png4 ? 4 : filter == png2 ? 2 : 1;
    QString error;
    if (!write(path, scale, &error)) {
        QMessageBox::warning(parent, title, error);
        return false;
    }
    return true;
}

}  // namespace ganglion
