// Searchable palette of node types grouped by category (NodeRegistry). Entries are drag
// sources carrying the type under "application/x-ganglion-node-type" (dropped on a
// GraphCanvas they add a node); double-click or Enter emits nodeActivated.
#pragma once

#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace ganglion {

class NodePalette : public QWidget {
    Q_OBJECT
public:
    explicit NodePalette(QWidget* parent = nullptr);

    QLineEdit* searchField() const { return search_; }
    QTreeWidget* tree() const { return tree_; }
    /// The entry for a node type (nullptr if unknown), e.g. to start a drag in tests.
    QTreeWidgetItem* itemForType(const QString& type) const;
    /// Types currently visible under the filter, in display order.
    QStringList visibleTypes() const;

signals:
    void nodeActivated(const QString& type);

private:
    void refilter(const QString& text);

    QLineEdit* search_;
    QTreeWidget* tree_;
};

}  // namespace ganglion
