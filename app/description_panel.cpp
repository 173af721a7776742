#include "app/description_panel.h"

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
    QFont big = title_->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.15);
    title_->setFont(big);
    title_->setWordWrap(true);
    title_->setTextFormat(Qt::PlainText);
    text_ = new QLabel(body);
    text_->setObjectName("descriptionText");
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::PlainText);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lay->addWidget(title_);
    lay->addWidget(text_, 1);
    scroll->setWidget(body);
    outer->addWidget(scroll);
    setMinimumHeight(60);
}

void DescriptionPanel::setDocument(const QString& title, const QString& description) {
    title_->setText(title);
    title_->setVisible(!title.isEmpty());
    text_->setText(description);
    text_->setVisible(!description.isEmpty());
}

QString DescriptionPanel::title() const { return title_->text(); }
QString DescriptionPanel::description() const { return text_->text(); }
bool DescriptionPanel::isEmpty() const { return title_->text().isEmpty() && text_->text().isEmpty(); }

}  // namespace ganglion
