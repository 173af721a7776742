#include "app/description_panel.h"

#include <QEvent>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace ganglion {

DescriptionPanel::DescriptionPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("descriptionPanel");
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    // a long text scrolls instead of pushing the window's other panels away
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* body = new QWidget(scroll);
    auto* lay = new QVBoxLayout(body);
    lay->setContentsMargins(8, 4, 8, 4);
    title_ = new QLabel(body);
    title_->setObjectName("descriptionTitle");
    setTitleFont();
    title_->setWordWrap(true);
    title_->setTextFormat(Qt::PlainText);
    paper_ = new QLabel(body);
    paper_->setObjectName("descriptionPaper");
    QFont it = paper_->font();
    it.setItalic(true);
    paper_->setFont(it);
    paper_->setWordWrap(true);
    paper_->setTextFormat(Qt::PlainText);
    paper_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    paper_->hide();
    text_ = new QLabel(body);
    text_->setObjectName("descriptionText");
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::PlainText);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lay->addWidget(title_);
    lay->addWidget(paper_);
    lay->addWidget(text_, 1);
    scroll->setWidget(body);
    outer->addWidget(scroll);
    setMinimumHeight(60);
}

void DescriptionPanel::setDocument(const QString& title, const QString& description, const QString& paper) {
    title_->setText(title);
    title_->setVisible(!title.isEmpty());
    paper_->setText(paper);
    paper_->setVisible(!paper.isEmpty());
    text_->setText(description);
    text_->setVisible(!description.isEmpty());
}

void DescriptionPanel::setTitleFont() {
    QFont big = font();
    big.setBold(true);
    if (big.pointSizeF() > 0) big.setPointSizeF(big.pointSizeF() * 1.15);
    title_->setFont(big);
}

void DescriptionPanel::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::FontChange) setTitleFont();
}

QString DescriptionPanel::title() const { return title_->text(); }
QString DescriptionPanel::description() const { return text_->text(); }
QString DescriptionPanel::paper() const { return paper_->text(); }
bool DescriptionPanel::isEmpty() const { return title_->text().isEmpty() && text_->text().isEmpty(); }

}  // namespace ganglion
