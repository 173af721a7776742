#include "widgets/worm/connectome_graph_widget.h"

#include "core/worm/connectome_table.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace ganglion {

using worm::CellClass;

ConnectomeGraphWidget::ConnectomeGraphWidget(QWidget* parent)
    : QWidget(parent),
      emptyText_(tr("No connectome in the graph.\nAdd a Connectome network node and choose its table file.")) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
}

QColor ConnectomeGraphWidget::edgeColor(bool electrical, bool inhibitory) {
    return electrical ? QColor(30, 165, 60) : inhibitory ? QColor(215, 50, 40) : QColor(40, 80, 200);
}

QColor ConnectomeGraphWidget::classColor(int cls) {
    switch (CellClass(cls)) {
    case CellClass::Sensory: return QColor(40, 160, 80);
    case CellClass::Inter: return QColor(130, 70, 170);
    case CellClass::Motor: return QColor(40, 100, 200);
    case CellClass::Pharyngeal: return QColor(120, 120, 120);
    case CellClass::Muscle: return QColor(160, 90, 40);
    case CellClass::Glia: return QColor(180, 180, 140);
    case CellClass::Unknown: break;
    }
    return QColor(0, 0, 0);
}

std::vector<QPointF> ConnectomeGraphWidget::classLayout(const worm::ConnectomeInfo& info) {
    const int n = int(info.names.size());
    // rows: 0 sensory, 1 inter, 2 motor, 3 everything else
    std::vector<std::vector<int>> rows(4);
    for (int i = 0; i < n; ++i) {
        const auto c = CellClass(info.classes[i]);
        const int r = c == CellClass::Sensory ? 0 : c == CellClass::Inter ? 1 : c == CellClass::Motor ? 2 : 3;
        rows[r].push_back(i);
    }
    const double rowY[4] = {0.08, 0.36, 0.66, 0.93};
    std::vector<QPointF> pos(n);
    for (int r = 0; r < 4; ++r) {
        auto& ids = rows[r];
        std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
            const auto ca = info.classes[a], cb = info.classes[b];
            if (r == 3 && ca != cb) return ca < cb;
            // head on the left, tail on the right; within a region by class name
            const double pa = worm::cellBodyPosition(info.names[a]), pb = worm::cellBodyPosition(info.names[b]);
            if (pa != pb) return pa < pb;
            const std::string sa = worm::cellStem(info.names[a]), sb = worm::cellStem(info.names[b]);
            if (sa != sb) return sa < sb;
            // numbered members in numeric order (VB2 before VB10), sides alphabetically
            const std::string ta = info.names[a].substr(sa.size()), tb = info.names[b].substr(sb.size());
            const bool da = !ta.empty() && std::isdigit(static_cast<unsigned char>(ta[0]));
            const bool db = !tb.empty() && std::isdigit(static_cast<unsigned char>(tb[0]));
            if (da && db) return std::stoi(ta) < std::stoi(tb);
            return ta < tb;
        });
        const int m = int(ids.size());
        const int sub = m > 70 ? 2 : 1;  // long rows are staggered over two lines
        for (int k = 0; k < m; ++k) {
            const double x = m > 1 ? 0.03 + 0.94 * double(k) / double(m - 1) : 0.5;
            const double y = rowY[r] + (sub == 2 ? (k % 2 ? 0.04 : -0.04) : 0.0);
            pos[ids[k]] = QPointF(x, y);
        }
    }
    return pos;
}

std::vector<QPointF> ConnectomeGraphWidget::forceLayout(const worm::ConnectomeInfo& info, int iterations) {
    std::vector<QPointF> pos = classLayout(info);
    const int n = int(pos.size());
    if (n < 2) return pos;
    const double k = std::sqrt(1.0 / n);
    std::vector<QPointF> disp(n);
    double temp = 0.1;
    for (int it = 0; it < iterations; ++it) {
        std::fill(disp.begin(), disp.end(), QPointF(0, 0));
        for (int i = 0; i < n; ++i)
            for (int j = i + 1; j < n; ++j) {
                QPointF d = pos[i] - pos[j];
                double dist = std::max(1e-4, std::hypot(d.x(), d.y()));
                const QPointF f = d / dist * (k * k / dist);
                disp[i] += f;
                disp[j] -= f;
            }
        for (const auto& e : info.edges) {
            if (e.pre == e.post) continue;
            QPointF d = pos[e.pre] - pos[e.post];
            double dist = std::max(1e-4, std::hypot(d.x(), d.y()));
            const QPointF f = d / dist * (dist * dist / k) * std::min(1.0, 0.2 * std::log1p(e.count));
            disp[e.pre] -= f;
            disp[e.post] += f;
        }
        for (int i = 0; i < n; ++i) {
            const double len = std::max(1e-9, std::hypot(disp[i].x(), disp[i].y()));
            pos[i] += disp[i] / len * std::min(len, temp);
            // keep every cell inside the frame
            pos[i].setX(std::clamp(pos[i].x(), 0.02, 0.98));
            pos[i].setY(std::clamp(pos[i].y(), 0.02, 0.98));
        }
        temp *= 0.97;
    }
    return pos;
}

void ConnectomeGraphWidget::setConnectome(std::shared_ptr<const worm::ConnectomeInfo> info) {
    if (info == info_) return;
    info_ = std::move(info);
    selected_ = -1;
    activity_.resize(0);
    relayout();
}

void ConnectomeGraphWidget::invalidateBackground() {
    background_ = QPixmap();
    update();
}

void ConnectomeGraphWidget::relayout() {
    if (!info_) pos_.clear();
    else pos_ = layout_ == Layout::ByClass ? classLayout(*info_) : forceLayout(*info_);
    invalidateBackground();
}

void ConnectomeGraphWidget::setActivity(const Eigen::VectorXf& activity, const std::vector<int>& stimulated,
                                        bool stimulusOn) {
    activity_ = activity;
    stimulated_ = stimulated;
    stimOn_ = stimulusOn;
    update();
}

void ConnectomeGraphWidget::setLayoutMode(Layout l) {
    if (l == layout_) return;
    layout_ = l;
    relayout();
}

void ConnectomeGraphWidget::setSelected(int cell) {
    const int next = info_ && cell >= 0 && cell < int(info_->names.size()) ? cell : -1;
    if (next == selected_) return;
    selected_ = next;
    invalidateBackground();
}

void ConnectomeGraphWidget::setEmptyText(const QString& text) {
    if (text == emptyText_) return;
    emptyText_ = text;
    update();
}

void ConnectomeGraphWidget::setShowAllEdges(bool on) {
    if (on == allEdges_) return;
    allEdges_ = on;
    invalidateBackground();
}

QRectF ConnectomeGraphWidget::plotRect() const { return QRectF(rect()).adjusted(10, legendBottom_ + 10, -10, -10); }

QPointF ConnectomeGraphWidget::toWidget(const QPointF& q) const {
    const QRectF r = plotRect();
    return {r.left() + q.x() * r.width(), r.top() + q.y() * r.height()};
}

int ConnectomeGraphWidget::cellAt(const QPointF& w) const {
    int best = -1;
    double bestD = 8.0 * 8.0;
    for (int i = 0; i < int(pos_.size()); ++i) {
        const QPointF d = toWidget(pos_[i]) - w;
        const double dd = d.x() * d.x() + d.y() * d.y();
        if (dd < bestD) {
            bestD = dd;
            best = i;
        }
    }
    return best;
}

void ConnectomeGraphWidget::mousePressEvent(QMouseEvent* e) {
    const int c = cellAt(e->position());
    setSelected(c);
    if (c >= 0) emit neuronClicked(c);
}

void ConnectomeGraphWidget::paintBackground(QPainter& p) {
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(252, 252, 254));
    // legend: cell classes (node outlines), then edge kinds as coloured line samples; an entry
    // that does not fit on the line starts the next one
    p.setFont(QFont(p.font().family(), 8));
    const QFontMetrics fm = p.fontMetrics();
    int lx = 8, ly = 12;
    auto place = [&](int w) {
        if (lx + w > width() - 4 && lx > 8) lx = 8, ly += 14;
        const QPoint at(lx, ly);
        lx += w;
        return at;
    };
    for (int c : {0, 1, 2, 3, 4, 5}) {
        const QString name = QString::fromLatin1(worm::cellClassName(CellClass(c)));
        const QPoint at = place(22 + fm.horizontalAdvance(name));
        p.setPen(Qt::NoPen);
        p.setBrush(classColor(c));
        p.drawEllipse(QPointF(at.x() + 5, at.y()), 4, 4);
        p.setPen(QColor(50, 50, 60));
        p.drawText(QPointF(at.x() + 12, at.y() + 4), name);
    }
    const std::pair<QString, QColor> kinds[] = {{tr("chemical (excitatory)"), edgeColor(false, false)},
                                                {tr("chemical (inhibitory)"), edgeColor(false, true)},
                                                {tr("gap junction"), edgeColor(true, false)}};
    lx += 8;
    for (const auto& [name, color] : kinds) {
        const QPoint at = place(30 + fm.horizontalAdvance(name));
        p.setPen(QPen(color, 2.5));
        p.drawLine(QPointF(at.x(), at.y()), QPointF(at.x() + 16, at.y()));
        p.setPen(QColor(50, 50, 60));
        p.drawText(QPointF(at.x() + 20, at.y() + 4), name);
    }
    legendBottom_ = ly + 6;  // a legend that wrapped (or unwrapped) moves the cells below it

    const bool sel = selected_ >= 0;
    // edges
    for (const auto& e : info_->edges) {
        if (e.pre == e.post) continue;
        const bool mine = sel && (e.pre == selected_ || e.post == selected_);
        if (!allEdges_ && !mine) continue;
        const double w = std::min(1.0, 0.15 + 0.12 * std::log1p(double(e.count)));
        QColor c = edgeColor(e.electrical, e.inhibitory);
        c.setAlphaF(float(sel ? (mine ? std::min(1.0, 0.4 + w) : 0.03) : 0.14 * w + 0.04));
        p.setPen(QPen(c, mine ? 1.6 : 0.8));
        p.drawLine(toWidget(pos_[e.pre]), toWidget(pos_[e.post]));
    }
}

void ConnectomeGraphWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (!info_) {
        p.fillRect(rect(), QColor(252, 252, 254));
        p.setPen(QColor(120, 120, 120));
        p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
        return;
    }
    const qreal dpr = devicePixelRatioF();
    const QSize pixels = (QSizeF(size()) * dpr).toSize();
    if (background_.isNull() || background_.size() != pixels) {
        background_ = QPixmap(pixels);
        background_.setDevicePixelRatio(dpr);
        // the legend's height depends on the width only: when it wrapped differently from the
        // last time, the cells moved below it and the edges are drawn once more
        for (int pass = 0; pass < 2; ++pass) {
            const int legendBefore = legendBottom_;
            QPainter bp(&background_);
            paintBackground(bp);
            if (legendBottom_ == legendBefore) break;
        }
    }
    p.drawPixmap(0, 0, background_);
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(QFont(p.font().family(), 8));
    const bool sel = selected_ >= 0;
    // cells
    std::vector<bool> partner(info_->names.size(), false);
    int partners = 0;
    if (sel)
        for (const auto& e : info_->edges) {
            for (int other : {e.pre == selected_ ? e.post : -1, e.post == selected_ ? e.pre : -1})
                if (other >= 0 && !partner[other]) {
                    partner[other] = true;
                    ++partners;
                }
        }
    const bool labelPartners = partners <= 24;  // hubs (AVA: ~100 partners) would be unreadable
    std::vector<bool> stim(info_->names.size(), false);
    for (int s : stimulated_)
        if (s >= 0 && s < int(stim.size())) stim[s] = true;
    const double r = 4.5;
    for (int i = 0; i < int(pos_.size()); ++i) {
        const QPointF c = toWidget(pos_[i]);
        const double a = i < activity_.size() ? std::clamp(double(activity_(i)), 0.0, 1.0) : 0.0;
        const QColor fill = QColor::fromRgbF(1.f, float(1.0 - 0.55 * a), float(1.0 - a));
        if (stim[i]) {
            p.setPen(QPen(stimOn_ ? QColor(255, 190, 0) : QColor(230, 210, 140), stimOn_ ? 3.0 : 2.0));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c, r + 3, r + 3);
        }
        p.setPen(QPen(classColor(info_->classes[i]), i == selected_ ? 2.5 : 1.3));
        p.setBrush(fill);
        const double rr = i == selected_ ? r + 2 : r;
        p.drawEllipse(c, rr, rr);
        if (i == selected_ || (labelPartners && partner[i]) || stim[i]) {
            p.setPen(QColor(20, 20, 30));
            p.drawText(c + QPointF(r + 2, -r), QString::fromStdString(info_->names[i]));
        }
    }
}

}  // namespace ganglion
