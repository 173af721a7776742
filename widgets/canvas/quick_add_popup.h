// Quick-add popup of the node canvas: a search field over every registered node type
// (NodeRegistry::instance().all()); Enter or a click picks the highlighted type.
#pragma once

#include <QFrame>
#include <QPointF>

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
};

}  // namespace ganglion
