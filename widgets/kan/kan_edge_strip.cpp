#include "widgets/kan/kan_edge_strip.h"

#include "widgets/kan/kan_network_widget.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace ganglion {

namespace {
constexpr double kGap = 4.0;
constexpr double kLabel = 26.0;  // below each box: edge and score
constexpr double kMinBox = 76.0;  // wide enough for the label below
}  // namespace

KanEdgeStrip::KanEdgeStrip(QWidget* parent) : QWidget(parent) {
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    setPalette(p);
    setToolTip(tr("The most important edges, best first (attribution = std of φ over recent inputs); click one to "
                  "inspect it"));
}

void KanEdgeStrip::setItems(std::vector<Item> items) {
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.edge.score > b.edge.score; });
    if (items.size() > size_t(kMaxItems)) items.resize(size_t(kMaxItems));
    items_ = std::move(items);
    update();
}

int KanEdgeStrip::capacity() const {
    const double side = std::clamp(double(height()) - kLabel - 2 * kGap, 20.0, 90.0);
    return std::clamp(int((width() - kGap) / (std::max(side, kMinBox) + kGap)), 1, kMaxItems);
}

QRectF KanEdgeStrip::itemRect(int k) const {
    if (k < 0 || k >= int(items_.size())) return {};
    const double side = std::clamp(double(height()) - kLabel - 2 * kGap, 20.0, 90.0);
    const double w = std::max(side, kMinBox);
    const double x = kGap + k * (w + kGap);
    if (x + w > width()) return {};  // does not fit: not shown
    return {x + (w - side) / 2, kGap, side, side};
}

int KanEdgeStrip::itemAt(QPointF p) const {
    for (int k = 0; k < int(items_.size()); ++k)
        if (itemRect(k).adjusted(-2, -2, 2, kLabel).contains(p)) return k;
    return -1;
}

QString KanEdgeStrip::edgeLabel(const Item& it) {
    const int i = it.edge.in;
    const QString from = it.imageWidth > 0 ? QString("(%1,%2)").arg(i / it.imageWidth + 1).arg(i % it.imageWidth + 1)
                                           : QString("x%1").arg(i + 1);
    return QString("L%1 %2→%3").arg(it.layer + 1).arg(from).arg(it.edge.out + 1);
}

void KanEdgeStrip::mousePressEvent(QMouseEvent* ev) {
    const int k = itemAt(ev->position());
    if (k < 0) return;
    const auto& e = items_[size_t(k)].edge;
    emit edgeClicked(items_[size_t(k)].layer, e.in, e.out);
}

void KanEdgeStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    if (items_.empty()) {
        p.setPen(Qt::gray);
        p.drawText(rect(), Qt::AlignCenter, tr("No edge scores yet: train first"));
        return;
    }
    QFont f = font();
    f.setPointSizeF(std::max(6.5, f.pointSizeF() - 1.5));
    p.setFont(f);
    for (int k = 0; k < int(items_.size()); ++k) {
        const QRectF r = itemRect(k);
        if (r.isEmpty()) break;
        const auto& it = items_[size_t(k)];
        const QColor c = it.edge.symbolic ? KanNetworkWidget::symbolicColor() : KanNetworkWidget::numericColor();
        p.setPen(QPen(QColor(180, 180, 180), 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r);
        KanNetworkWidget::drawCurve(p, r, it.edge, c);
        p.setPen(QColor(60, 60, 60));
        const QRectF lr(r.center().x() - 40, r.bottom() + 1, 80, kLabel / 2);
        p.drawText(lr, Qt::AlignCenter, edgeLabel(it));
        p.drawText(lr.translated(0, kLabel / 2), Qt::AlignCenter, QString("#%1  %2").arg(k + 1).arg(it.edge.score, 0, 'g', 2));
    }
}

}  // namespace ganglion
