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
    /// `paper`: the paper the document reproduces and the result to expect ("" for none), on its
    /// own line under the title.
    void setDocument(const QString& title, const QString& description, const QString& paper = QString());
    QString title() const;
    QString description() const;
    QString paper() const;
    bool isEmpty() const;

protected:
    void changeEvent(QEvent* e) override;  ///< the title stays 1.15x the panel's font when that changes

private:
    void setTitleFont();
    QLabel* title_;
    QLabel* paper_;
    QLabel* text_;
};

}  // namespace ganglion
