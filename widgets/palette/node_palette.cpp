#include "widgets/palette/node_palette.h"

#include "core/model/node_spec.h"
#include "widgets/canvas/canvas_style.h"
#include "widgets/canvas/graph_clipboard.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ganglion {

namespace {
constexpr int TypeRole = Qt::UserRole + 1;
constexpr int SearchRole = Qt::UserRole + 2;

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// Tree whose drags carry the node type.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return {QString::fromLatin1(kNodeTypeMime)}; }
    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override {
        for (QTreeWidgetItem* it : items) {
            const QString type = it->data(0, TypeRole).toString();
            if (type.isEmpty()) continue;
            auto* mime = new QMimeData;
            mime->setData(kNodeTypeMime, type.toUtf8());
            mime->setText(type);
            return mime;
        }
        return nullptr;
    }
};

QIcon swatch(const QColor& c) {
    QPixmap pm(14, 14);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(c.darker(140), 1));
    p.setBrush(c);
    p.drawRoundedRect(QRectF(1.5, 1.5, 11, 11), 3, 3);
    return QIcon(pm);
}

QString specTooltip(const NodeSpec& s) {
    QString tip = QStringLiteral("<b>%1</b> <small>(%2)</small><br>%3")
                      .arg(qs(s.title).toHtmlEscaped(), qs(s.type).toHtmlEscaped(), qs(s.help).toHtmlEscaped());
    auto ports = [&](const QString& label, const std::vector<PortSpec>& ps) {
        if (ps.empty()) return;
        QStringList names;
        for (const auto& p : ps)
            names << QStringLiteral("%1 <i>%2</i>").arg(qs(p.name).toHtmlEscaped(), qs(portTypeName(p.type)));
        tip += QStringLiteral("<br><b>%1:</b> %2").arg(label, names.join(QStringLiteral(", ")));
    };
    ports(QObject::tr("Inputs"), s.inputs);
    ports(QObject::tr("Outputs"), s.outputs);
    if (!s.reference.empty()) tip += QStringLiteral("<br><small>%1</small>").arg(qs(s.reference).toHtmlEscaped());
    return tip;
}
}  // namespace

NodePalette::NodePalette(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    lay->setSpacing(4);
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Search nodes…"));
    search_->setClearButtonEnabled(true);
    tree_ = new PaletteTree(this);
    tree_->setHeaderHidden(true);
    tree_->setRootIsDecorated(true);
    tree_->setDragEnabled(true);
    tree_->setDragDropMode(QAbstractItemView::DragOnly);
    tree_->setSelectionMode(QAbstractItemView::SingleSelection);
    tree_->setIconSize(QSize(14, 14));
    lay->addWidget(search_);
    lay->addWidget(tree_);

    const auto& reg = NodeRegistry::instance();
    for (const std::string& cat : reg.categories()) {
        auto* group = new QTreeWidgetItem(tree_, {qs(cat)});
        group->setFlags(Qt::ItemIsEnabled);
        QFont f = group->font(0);
        f.setBold(true);
        group->setFont(0, f);
        group->setIcon(0, swatch(canvas::categoryColor(qs(cat))));
        for (const NodeSpec& s : reg.all()) {
            if (s.category != cat) continue;
            auto* item = new QTreeWidgetItem(group, {qs(s.title)});
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
            item->setData(0, TypeRole, qs(s.type));
            item->setData(0, SearchRole, (qs(s.title) + ' ' + qs(s.type) + ' ' + qs(cat) + ' ' + qs(s.help)).toLower());
            item->setToolTip(0, specTooltip(s));
            item->setStatusTip(0, qs(s.help));
        }
    }
    tree_->expandAll();

    connect(search_, &QLineEdit::textChanged, this, &NodePalette::refilter);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* it) {
        const QString type = it->data(0, TypeRole).toString();
        if (!type.isEmpty()) emit nodeActivated(type);
    });
}

QTreeWidgetItem* NodePalette::itemForType(const QString& type) const {
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->data(0, TypeRole).toString() == type) return group->child(i);
    }
    return nullptr;
}

QStringList NodePalette::visibleTypes() const {
    QStringList out;
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        if (group->isHidden()) continue;
        for (int i = 0; i < group->childCount(); ++i)
            if (!group->child(i)->isHidden()) out << group->child(i)->data(0, TypeRole).toString();
    }
    return out;
}

void NodePalette::refilter(const QString& text) {
    const QStringList words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = tree_->topLevelItem(g);
        bool any = false;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem* it = group->child(i);
            const QString hay = it->data(0, SearchRole).toString();
            bool ok = true;
            for (const QString& w : words) ok = ok && hay.contains(w);
            it->setHidden(!ok);
            any = any || ok;
        }
        group->setHidden(!any);
        if (any) group->setExpanded(true);
    }
}

}  // namespace ganglion
