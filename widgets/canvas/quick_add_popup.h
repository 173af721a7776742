// Quick-add popup of the node canvas: a search field over every registered node type
// (NodeRegistry::instance().all()); Enter or a click picks the highlighted type.
#pragma once

#include "core/model/types.h"

#include <QFrame>
#include <QPointF>

#include <optional>

class QLineEdit;
class QListWidget;

namespace ganglion {

class QuickAddPopup : public QFrame {
    Q_OBJECT
public:
    explicit QuickAddPopup(QWidget* parent = nullptr);

    /// Show at a global screen position; `scenePos` is handed back with the chosen type.
    void popup(const QPoint& globalPos, const QPointF& scenePos);
    QLineEdit* searchField() const { return search_; }
    QListWidget* list() const { return list_; }
    /// Types currently listed (after filtering), in display order.
    QStringList visibleTypes() const;
    /// List only types with an input (wantInput) or output port of `type`; nullopt lists all.
    /// Reset by every popup() call, so set it after popping up.
    void setPortFilter(std::optional<PortType> type, bool wantInput);

signals:
    void typeChosen(const QString& type, const QPointF& scenePos);

protected:
    bool eventFilter(QObject* o, QEvent* e) override;

private:
    void refilter(const QString& text);
    void choose();

    QLineEdit* search_;
    QListWidget* list_;
    QPointF scenePos_;
    std::optional<PortType> filterType_;
    bool filterInput_ = true;
};

}  // namespace ganglion
