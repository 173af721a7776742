// The "About this graph" panel: the document's title and what to watch, from its settings
// (GraphSettings::title / description), wrapped to the panel's width.
#pragma once

#include <QWidget>

class QLabel;

namespace ganglion {

class DescriptionPanel : public QWidget {
    Q_OBJECT
public:
    explicit DescriptionPanel(QWidget* parent = nullptr);
    /// Shows a document's title and description; both empty leaves the panel with nothing to say.
    void setDocument(const QString& title, const QString& description);
    QString title() const;
    QString description() const;
    bool isEmpty() const;

private:
    QLabel* title_;
    QLabel* text_;
};

}  // namespace ganglion
