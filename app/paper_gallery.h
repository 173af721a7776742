// Help > Papers: one entry per paper a bundled example reproduces (core/graph/paper.h), with its
// summary and, per example, the result to expect and what to look at; "Open" opens the example.
#pragma once

#include "core/graph/paper.h"

#include <QDialog>
#include <QStringList>

#include <vector>

class QListWidget;
class QTextBrowser;
class QVBoxLayout;

namespace ganglion {

class PaperGallery : public QDialog {
    Q_OBJECT
public:
    /// `files`: the example files; those that declare no paper are not listed.
    explicit PaperGallery(const QStringList& files, QWidget* parent = nullptr);
    int paperCount() const { return int(papers_.size()); }
    /// The entries in list order (by year).
    const std::vector<PaperEntry>& papers() const { return papers_; }
    /// Selects paper `row` (its text and one Open button per example).
    void showPaper(int row);
    QString currentText() const;
    /// Problems of example files whose paper entry is malformed (shown under the list too).
    const QStringList& problems() const { return problems_; }

signals:
    void openExample(const QString& path);

private:
    std::vector<PaperEntry> papers_;
    std::vector<std::vector<QString>> titles_;  ///< per paper, its examples' titles (read once)
    QStringList problems_;
    QListWidget* list_;
    QTextBrowser* text_;
    QWidget* buttons_;
    QVBoxLayout* buttonLayout_;
};

}  // namespace ganglion
