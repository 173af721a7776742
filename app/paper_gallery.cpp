#include "app/paper_gallery.h"

#include "core/graph/json_io.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace ganglion {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

/// The example's own title (settings.title), else its file name.
QString exampleTitle(const std::string& path) {
    try {
        const std::string t = loadGraphFile(path).settings().title;
        if (!t.empty()) return QString::fromStdString(t);
    } catch (const std::exception&) {
    }
    return QFileInfo(QString::fromStdString(path)).completeBaseName();
}
}  // namespace

PaperGallery::PaperGallery(const QStringList& files, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Papers"));
    setObjectName("paperGallery");
    std::vector<std::string> paths, errors;
    for (const QString& f : files) paths.push_back(f.toStdString());
    papers_ = paperGallery(paths, &errors);
    std::stable_sort(papers_.begin(), papers_.end(), [](const PaperEntry& a, const PaperEntry& b) { return a.paper.year < b.paper.year; });
    for (const auto& e : errors) problems_ << QString::fromStdString(e);

    for (const PaperEntry& p : papers_) {
        titles_.emplace_back();
        for (const auto& ex : p.examples) titles_.back().push_back(exampleTitle(ex.path));
    }

    list_ = new QListWidget;
    list_->setObjectName("papers");
    for (const PaperEntry& p : papers_) {
        auto* item = new QListWidgetItem(QString("%1 (%2)").arg(QString::fromStdString(p.paper.title)).arg(p.paper.year));
        item->setToolTip(QString::fromStdString(p.paper.authors));
        list_->addItem(item);
    }
    list_->setWordWrap(true);
    list_->setSpacing(3);
    text_ = new QTextBrowser;
    text_->setObjectName("paperText");
    text_->setOpenExternalLinks(false);
    buttons_ = new QWidget;
    buttonLayout_ = new QVBoxLayout(buttons_);
    buttonLayout_->setContentsMargins(0, 0, 0, 0);

    auto* right = new QWidget;
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    rl->addWidget(text_, 1);
    rl->addWidget(buttons_);
    auto* split = new QSplitter;
    split->addWidget(list_);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("The papers whose results the bundled examples reproduce. Each example says what to expect "
                                "and a headless test checks it."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(split, 1);
    if (!problems_.isEmpty()) {
        auto* warn = new QLabel(tr("Not listed (malformed paper entry):\n") + problems_.join('\n'));
        warn->setWordWrap(true);
        layout->addWidget(warn);
    }
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(close);
    connect(list_, &QListWidget::currentRowChanged, this, &PaperGallery::showPaper);
    resize(1000, 620);
    if (!papers_.empty()) list_->setCurrentRow(0);
}

void PaperGallery::showPaper(int row) {
    if (row < 0 || row >= int(papers_.size())) return;
    if (list_->currentRow() != row) list_->setCurrentRow(row);  // comes back here through the signal
    const PaperEntry& p = papers_[std::size_t(row)];
    QString html = QString("<h3>%1</h3><p><i>%2</i> (%3%4)</p><p>%5</p>")
                       .arg(q(p.paper.title), q(p.paper.authors), QString::number(p.paper.year),
                            p.paper.venue.empty() ? QString() : ", " + q(p.paper.venue), q(p.paper.summary));
    while (QLayoutItem* it = buttonLayout_->takeAt(0)) {
        delete it->widget();
        delete it;
    }
    for (std::size_t i = 0; i < p.examples.size(); ++i) {
        const auto& ex = p.examples[i];
        const QString& title = titles_[std::size_t(row)][i];
        html += QString("<h4>%1</h4><p><b>%2</b> %3</p><p><b>%4</b> %5</p>")
                    .arg(title.toHtmlEscaped(), tr("Result to expect:"), q(ex.ref.claim), tr("What to look at:"), q(ex.ref.lookAt));
        auto* open = new QPushButton(tr("Open “%1”").arg(title));
        open->setObjectName("open:" + QFileInfo(QString::fromStdString(ex.path)).completeBaseName());
        connect(open, &QPushButton::clicked, this, [this, path = QString::fromStdString(ex.path)] {
            emit openExample(path);
            accept();
        });
        buttonLayout_->addWidget(open);
    }
    text_->setHtml(html);
}

QString PaperGallery::currentText() const { return text_->toPlainText(); }

}  // namespace ganglion
