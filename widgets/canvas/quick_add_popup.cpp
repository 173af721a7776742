#include "widgets/canvas/quick_add_popup.h"

#include "core/model/node_spec.h"
#include "widgets/canvas/canvas_style.h"

#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QVBoxLayout>

namespace ganglion {

namespace {
constexpr int TypeRole = Qt::UserRole + 1;
constexpr int SearchRole = Qt::UserRole + 2;

QIcon categoryIcon(const QString& category) {
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(canvas::categoryColor(category));
    p.drawRoundedRect(QRectF(1, 1, 10, 10), 3, 3);
    return QIcon(pm);
}
}  // namespace

QuickAddPopup::QuickAddPopup(QWidget* parent) : QFrame(parent, Qt::Popup) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("QuickAddPopup"));
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(6, 6, 6, 6);
    lay->setSpacing(4);
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Add node: type to search…"));
    search_->setClearButtonEnabled(true);
    list_ = new QListWidget(this);
    list_->setUniformItemSizes(true);
    auto* hint = new QLabel(tr("Enter to add · Esc to cancel"), this);
    hint->setStyleSheet(QStringLiteral("color: palette(mid); font-size: 8pt;"));
    lay->addWidget(search_);
    lay->addWidget(list_);
    lay->addWidget(hint);
    resize(300, 340);

    for (const NodeSpec& s : NodeRegistry::instance().all()) {
        const QString title = QString::fromStdString(s.title), cat = QString::fromStdString(s.category);
        auto* item = new QListWidgetItem(categoryIcon(cat), QStringLiteral("%1  —  %2").arg(title, cat), list_);
        item->setData(TypeRole, QString::fromStdString(s.type));
        item->setData(SearchRole, (title + ' ' + QString::fromStdString(s.type) + ' ' + cat + ' ' +
                                   QString::fromStdString(s.help)).toLower());
        item->setToolTip(QString::fromStdString(s.help));
    }
    connect(search_, &QLineEdit::textChanged, this, &QuickAddPopup::refilter);
    connect(search_, &QLineEdit::returnPressed, this, &QuickAddPopup::choose);
    connect(list_, &QListWidget::itemActivated, this, &QuickAddPopup::choose);
    connect(list_, &QListWidget::itemClicked, this, &QuickAddPopup::choose);
    search_->installEventFilter(this);
}

void QuickAddPopup::setPortFilter(std::optional<PortType> type, bool wantInput) {
    filterType_ = type;
    filterInput_ = wantInput;
    refilter(search_->text());
}

void QuickAddPopup::popup(const QPoint& globalPos, const QPointF& scenePos) {
    scenePos_ = scenePos;
    filterType_.reset();
    search_->clear();
    refilter(QString());
    move(globalPos);
    show();
    raise();
    activateWindow();
    search_->setFocus(Qt::PopupFocusReason);
}

QStringList QuickAddPopup::visibleTypes() const {
    QStringList out;
    for (int i = 0; i < list_->count(); ++i)
        if (!list_->item(i)->isHidden()) out << list_->item(i)->data(TypeRole).toString();
    return out;
}

void QuickAddPopup::refilter(const QString& text) {
    // Every word must appear somewhere in title/type/category/help; title matches rank first
    // simply by staying in registry (palette) order.
    const QStringList words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QListWidgetItem* first = nullptr;
    for (int i = 0; i < list_->count(); ++i) {
        QListWidgetItem* it = list_->item(i);
        const QString hay = it->data(SearchRole).toString();
        bool ok = true;
        for (const QString& w : words) ok = ok && hay.contains(w);
        if (ok && filterType_) {
            const NodeSpec* spec = NodeRegistry::instance().find(it->data(TypeRole).toString().toStdString());
            bool has = false;
            for (const PortSpec& p : filterInput_ ? spec->inputs : spec->outputs) has = has || p.type == *filterType_;
            ok = has;
        }
        it->setHidden(!ok);
        if (ok && !first) first = it;
    }
    list_->setCurrentItem(first);
}

void QuickAddPopup::choose() {
    QListWidgetItem* it = list_->currentItem();
    if (!it || it->isHidden()) return;
    const QString type = it->data(TypeRole).toString();
    hide();
    emit typeChosen(type, scenePos_);
}

bool QuickAddPopup::eventFilter(QObject* o, QEvent* e) {
    if (o == search_ && e->type() == QEvent::KeyPress) {
        auto* k = static_cast<QKeyEvent*>(e);
        if (k->key() == Qt::Key_Down || k->key() == Qt::Key_Up) {
            int row = list_->currentRow();
            const int dir = k->key() == Qt::Key_Down ? 1 : -1;
            for (int r = row + dir; r >= 0 && r < list_->count(); r += dir) {
                if (!list_->item(r)->isHidden()) {
                    list_->setCurrentRow(r);
                    break;
                }
            }
            return true;
        }
        if (k->key() == Qt::Key_Escape) {
            hide();
            return true;
        }
    }
    return QFrame::eventFilter(o, e);
}

}  // namespace ganglion
