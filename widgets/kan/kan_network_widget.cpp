#include "widgets/kan/kan_network_widget.h"

#include "core/kan/kan_basis.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ganglion {

namespace {
constexpr double kMargin = 18.0;
constexpr float kFadeStep = 0.12f;  // per 30 ms tick: a pruned edge is gone in about 0.25 s
constexpr double kMinPlotSide = 6.0;  // px: smaller edge boxes cannot show a curve, only the edge
}  // namespace

KanNetworkWidget::KanNetworkWidget(QWidget* parent) : QWidget(parent) {
    setMinimumSize(240, 200);
    setMouseTracking(false);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, Qt::white);
    setPalette(p);
    fade_.setInterval(30);
    connect(&fade_, &QTimer::timeout, this, [this] { stepFade(); });
}

void KanNetworkWidget::setLayers(std::vector<LayerPtr> layers, QStringList inputNames) {
    // A structural change (other widths) drops the animation state.
    bool same = layers.size() == layers_.size();
    for (size_t l = 0; same && l < layers.size(); ++l)
        same = layers[l] && layers_[l] && layers[l]->in == layers_[l]->in && layers[l]->out == layers_[l]->out;
    if (!same) alpha_.clear();
    layers_ = std::move(layers);
    names_ = std::move(inputNames);
    for (size_t l = 0; l < layers_.size(); ++l) {
        if (!layers_[l]) continue;
        for (const auto& e : layers_[l]->edges) {
            const auto key = std::make_tuple(int(l), e.in, e.out);
            if (!alpha_.count(key)) alpha_[key] = targetAlpha(*layers_[l], e);
        }
    }
    if (!fade_.isActive()) fade_.start();
    cacheValid_ = false;
    update();
}

void KanNetworkWidget::setSelectedEdge(EdgeRef e) {
    selected_ = e;
    cacheValid_ = false;
    update();
}

float KanNetworkWidget::targetAlpha(const KanLayerSamples& L, const KanEdgeSamples& e) const {
    if (!e.active) return 0.f;
    const float m = L.maxScore > 0 ? L.maxScore : 1.f;
    return 0.15f + 0.85f * std::tanh(3.f * e.score / m);  // pykan: tanh(beta · score)
}

void KanNetworkWidget::stepFade() {
    bool moving = false;
    for (size_t l = 0; l < layers_.size(); ++l) {
        if (!layers_[l]) continue;
        for (const auto& e : layers_[l]->edges) {
            float& a = alpha_[std::make_tuple(int(l), e.in, e.out)];
            const float t = targetAlpha(*layers_[l], e);
            if (std::abs(a - t) > 1e-3f) {
                a += std::clamp(t - a, -kFadeStep, kFadeStep);
                moving = true;
            }
        }
    }
    if (moving) {
        cacheValid_ = false;
        update();
    }
    else fade_.stop();
}

int KanNetworkWidget::rowWidth(int row) const {
    if (layers_.empty()) return 0;
    if (row == 0) return layers_[0] ? layers_[0]->in : 0;
    return layers_[size_t(row - 1)] ? layers_[size_t(row - 1)]->out : 0;
}

QPointF KanNetworkWidget::nodePos(int row, int index) const {
    const double h = height() - 2 * kMargin, w = width() - 2 * kMargin;
    const int n = std::max(1, rowWidth(row));
    const double y = kMargin + h - h * double(row) / std::max(1, rows() - 1);  // inputs at the bottom
    return {kMargin + w * (index + 0.5) / n, y};
}

QRectF KanNetworkWidget::edgeRect(int layer, int in, int out) const {
    if (layer < 0 || layer >= int(layers_.size()) || !layers_[size_t(layer)]) return {};
    const auto& L = *layers_[size_t(layer)];
    if (!L.curves || in < 0 || out < 0 || in >= L.in || out >= L.out) return {};
    const double band = (height() - 2 * kMargin) / std::max(1, rows() - 1);
    const int n = L.in * L.out;
    const double w = width() - 2 * kMargin;
    const double cell = w / n;
    const double side = std::min({band * 0.42, cell * 0.88, 90.0});
    const double cx = kMargin + cell * (in * L.out + out + 0.5);
    const double cy = nodePos(layer, 0).y() - band * 0.5;
    return {cx - side / 2, cy - side / 2, side, side};
}

KanNetworkWidget::EdgeRef KanNetworkWidget::edgeAt(QPointF p) const {
    for (int l = 0; l < int(layers_.size()); ++l) {
        if (!layers_[size_t(l)]) continue;
        for (const auto& e : layers_[size_t(l)]->edges) {
            const QRectF r = edgeRect(l, e.in, e.out);
            if (!r.isEmpty() && r.adjusted(-2, -2, 2, 2).contains(p)) return {l, e.in, e.out};
        }
    }
    return {};
}

void KanNetworkWidget::mousePressEvent(QMouseEvent* ev) {
    const EdgeRef e = edgeAt(ev->position());
    if (!e.valid()) return;
    setSelectedEdge(e);
    emit edgeClicked(e.layer, e.in, e.out);
}

void KanNetworkWidget::paintEvent(QPaintEvent*) {
    // The drawing is kept until the layers, the fade, the selection or the size change: other
    // repaints (exposure, neighbours) only copy it.
    const qreal dpr = devicePixelRatioF();
    const QSize px(std::max(1, int(width() * dpr)), std::max(1, int(height() * dpr)));
    if (!cacheValid_ || cache_.size() != px) {
        cache_ = QImage(px, QImage::Format_ARGB32_Premultiplied);
        cache_.setDevicePixelRatio(dpr);
        cache_.fill(palette().color(QPalette::Window));
        std::vector<Hairline> hairlines;
        {
            QPainter cp(&cache_);
            drawEdges(cp, hairlines);
        }
        drawHairlines(cache_, hairlines);
        QPainter cp(&cache_);
        drawNodes(cp);
        drawChoices(cp);
        drawNotes(cp);
        cacheValid_ = true;
    }
    QPainter p(this);
    p.drawImage(0, 0, cache_);
}

void KanNetworkWidget::drawEdges(QPainter& p, std::vector<Hairline>& hairlines) const {
    p.setRenderHint(QPainter::Antialiasing);
    if (layers_.empty()) {
        p.setPen(Qt::gray);
        p.drawText(rect(), Qt::AlignCenter, tr("No KAN layers"));
        return;
    }
    drawn_ = hidden_ = 0;
    notes_.clear();
    const int budget = crowdedBudget();
    for (int l = 0; l < int(layers_.size()); ++l) {
        if (!layers_[size_t(l)]) continue;
        const auto& L = *layers_[size_t(l)];
        if (crowded(l)) {
            drawCrowded(p, l, budget, hairlines);
            continue;
        }
        for (const auto& e : L.edges) {
            const auto it = alpha_.find(std::make_tuple(l, e.in, e.out));
            const float a = it == alpha_.end() ? targetAlpha(L, e) : it->second;
            if (a <= 0.01f) continue;  // faded out: gone
            ++drawn_;
            const bool sel = selected_.layer == l && selected_.in == e.in && selected_.out == e.out;
            QColor c = sel ? selectedColor() : e.symbolic ? symbolicColor() : numericColor();
            c.setAlphaF(std::clamp(a, 0.f, 1.f));
            const QRectF r = edgeRect(l, e.in, e.out);
            p.setPen(QPen(c, 1.0));
            p.drawLine(nodePos(l, e.in), QPointF(r.center().x(), r.bottom()));
            p.drawLine(QPointF(r.center().x(), r.top()), nodePos(l + 1, e.out));
            QColor frame = c;
            frame.setAlphaF(0.35f * c.alphaF());
            p.setPen(QPen(frame, sel ? 2.0 : 1.0));
            p.setBrush(QColor(255, 255, 255, 230));
            p.drawRect(r);
            drawCurve(p, r, e, c);
        }
    }
}

void KanNetworkWidget::drawCurve(QPainter& p, const QRectF& r, const KanEdgeSamples& e, const QColor& c) {
    if (e.x.size() < 2) return;
    const auto [mn, mx] = std::minmax_element(e.y.begin(), e.y.end());
    const float span = std::max(*mx - *mn, 1e-6f);
    const float x0 = e.x.front(), x1 = e.x.back();
    // about one sample per 2 px of the box: a small box gets a coarser curve
    const size_t stride = std::max<size_t>(1, e.x.size() / std::max<size_t>(2, size_t(r.width() / 2)));
    QPainterPath path;
    const size_t last = e.x.size() - 1;
    for (size_t k = 0;; k = std::min(k + stride, last)) {  // every stride-th sample and the last
        const double px = r.left() + 3 + (r.width() - 6) * (e.x[k] - x0) / std::max(x1 - x0, 1e-6f);
        const double py = r.bottom() - 3 - (r.height() - 6) * (e.y[k] - *mn) / span;
        if (k == 0) path.moveTo(px, py);
        else path.lineTo(px, py);
        if (k == last) break;
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(c, std::max(1.2, r.width() / 40.0)));
    p.drawPath(path);
}

bool KanNetworkWidget::crowded(int l) const {
    const auto& L = layers_[size_t(l)];
    return L && (!L->curves || edgeRect(l, 0, 0).width() < kMinPlotSide);
}

int KanNetworkWidget::crowdedBudget() const {
    int plotted = 0, nCrowded = 0;
    for (int l = 0; l < int(layers_.size()); ++l) {
        if (!layers_[size_t(l)]) continue;
        if (crowded(l)) ++nCrowded;
        else plotted += int(layers_[size_t(l)]->edges.size());
    }
    return nCrowded ? std::min(kCrowdedLayerEdges, std::max(0, kMaxDrawnEdges - plotted) / nCrowded) : 0;
}

void KanNetworkWidget::drawCrowded(QPainter& p, int l, int budget, std::vector<Hairline>& hairlines) const {
    // Boxes too small to show a curve (hundreds of edges across the widget): the strongest edges
    // only, as hairlines (see hairlines.h: QPainter costs ~10 ms of GUI thread for 640 of them),
    // opacity by attribution without a floor so that weak edges recede.
    const auto& L = *layers_[size_t(l)];
    const long total = long(L.in) * L.out;
    const float m = L.maxScore > 0 ? L.maxScore : 1.f;
    int shown = 0;
    auto draw = [&](int i, int o, float score, bool symbolic) {
        const bool sel = selected_.layer == l && selected_.in == i && selected_.out == o;
        QColor c = sel ? selectedColor() : symbolic ? symbolicColor() : numericColor();
        c.setAlphaF(std::clamp(0.9f * (score / m) * (score / m), 0.05f, 0.9f));
        if (sel) {
            p.setPen(QPen(c, 2.0));
            p.drawLine(nodePos(l, i), nodePos(l + 1, o));
        } else {
            hairlines.push_back({QLineF(nodePos(l, i), nodePos(l + 1, o)), c});
        }
        ++shown;
    };
    for (int k : L.ranked) {
        if (shown >= budget) break;
        const int i = k / L.out, o = k % L.out;
        const KanEdgeSamples* e = k < int(L.edges.size()) ? &L.edges[size_t(k)] : nullptr;
        if (e && !e->active && !e->symbolic) continue;  // pruned
        draw(i, o, L.scores[size_t(k)], e && e->symbolic);
    }
    drawn_ += shown;
    hidden_ += int(total - shown);
    const QString what = tr("%1 × %2 = %3 edges (%4, G=%5)").arg(L.in).arg(L.out).arg(total).arg(QString::fromStdString(L.basis)).arg(L.grid);
    const QString note = L.ranked.empty() ? tr("no scores yet: train to see the strongest edges")
                                          : tr("the %1 strongest drawn, %2 hidden").arg(shown).arg(total - shown);
    notes_.push_back({l, what + "\n" + note});
}

void KanNetworkWidget::drawNotes(QPainter& p) const {
    // on top of the hairlines, on a white ground, at the right end of the layer's band
    const QFontMetricsF fm(p.font());
    for (const auto& [l, text] : notes_) {
        const QPointF a = nodePos(l, 0), b = nodePos(l + 1, 0);
        const QRectF band(0, b.y() + 4, width() - 4, a.y() - b.y() - 8);
        QRectF r = fm.boundingRect(band, Qt::AlignRight | Qt::AlignVCenter, text);
        p.fillRect(r.adjusted(-4, -2, 4, 2), QColor(255, 255, 255, 220));
        p.setPen(QColor(70, 70, 70));
        p.drawText(band, Qt::AlignRight | Qt::AlignVCenter, text);
    }
}

void KanNetworkWidget::drawNodes(QPainter& p) const {
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    for (int row = 0; row < rows(); ++row) {
        const int n = rowWidth(row);
        if (n > 200) continue;  // a wide input row is drawn as its edges only
        for (int k = 0; k < n; ++k) {
            p.setBrush(QColor(40, 40, 40));
            p.drawEllipse(nodePos(row, k), 3.5, 3.5);
        }
    }
    p.setPen(QColor(60, 60, 60));
    const int n0 = rowWidth(0);
    if (n0 <= 16)
        for (int k = 0; k < n0; ++k) {
            const QString name = k < names_.size() ? names_[k] : QString("x%1").arg(k + 1);
            const QPointF c = nodePos(0, k);
            p.drawText(QRectF(c.x() - 30, c.y() + 4, 60, 14), Qt::AlignCenter, name);
        }
}

}  // namespace ganglion

namespace ganglion {

QColor KanNetworkWidget::candidateColor(const std::string& basis) {
    // Tableau 10 without its grey and the red of symbolic edges, by the basis's place in the
    // registry of bases (unknown names after them).
    static const QColor palette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                     QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194),
                                     QColor(188, 189, 34), QColor(23, 190, 207)};
    constexpr size_t n = sizeof(palette) / sizeof(palette[0]);
    const auto names = kan::basisNames();
    const auto it = std::find(names.begin(), names.end(), basis);
    const size_t k = it != names.end() ? size_t(it - names.begin()) : names.size() + std::hash<std::string>{}(basis);
    return palette[k % n];
}

QString KanNetworkWidget::candidateLabel(const std::string& basis) {
    // the first three letters, plus the initial of every further "_" part: rbf_adaptive → rbfa
    const size_t cut = basis.find('_');
    QString label = QString::fromStdString(basis.substr(0, std::min<size_t>(3, cut)));
    for (size_t k = cut; k != std::string::npos && k + 1 < basis.size(); k = basis.find('_', k + 1))
        label += QChar(basis[k + 1]);
    return label;
}

std::vector<std::string> KanNetworkWidget::legendNames() const {
    std::vector<std::string> names;
    for (const auto& L : layers_)
        if (L && L->selects())
            for (const auto& c : L->candidates)
                if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
    return names;
}

QRectF KanNetworkWidget::legendRect() const {
    const auto names = legendNames();
    if (names.empty()) return {};
    const QFontMetricsF fm(font());
    double w = fm.horizontalAdvance(tr("frozen"));
    for (const auto& n : names) w = std::max(w, fm.horizontalAdvance(QString::fromStdString(n)));
    const double row = fm.height() + 2;
    return {4, 4, w + 30, row * double(names.size() + 1) + 6};
}

void KanNetworkWidget::drawChoices(QPainter& p) const {
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetricsF fm(p.font());
    for (size_t l = 0; l < layers_.size(); ++l) {
        const auto& L = layers_[l];
        if (!L || !L->selects() || L->out > 200) continue;
        for (int o = 0; o < L->out; ++o) {
            const int c = L->choice[size_t(o)];
            if (c < 0 || c >= int(L->candidates.size())) continue;
            const std::string& name = L->candidates[size_t(c)];
            const QPointF at = nodePos(int(l) + 1, o);
            const bool frozen = o < int(L->frozen.size()) && L->frozen[size_t(o)];
            QColor fill = candidateColor(name);
            const float pr = o < int(L->choiceP.size()) ? L->choiceP[size_t(o)] : 1.f;
            fill.setAlphaF(std::clamp(0.3f + 0.7f * pr, 0.3f, 1.f));  // undecided nodes are pale
            p.setBrush(fill);
            p.setPen(frozen ? QPen(QColor(20, 20, 20), 2.5) : QPen(candidateColor(name).darker(130), 1.0));
            p.drawEllipse(at, 7.5, 7.5);
            const QString text = candidateLabel(name) + (frozen ? QString() : QString(" %1").arg(pr, 0, 'f', 2));
            const QRectF box(at.x() + 10, at.y() - fm.height() / 2 - 1, fm.horizontalAdvance(text) + 6, fm.height() + 2);
            p.fillRect(box, QColor(255, 255, 255, 220));
            p.setPen(candidateColor(name).darker(150));
            p.drawText(box, Qt::AlignCenter, text);
        }
    }
    const auto names = legendNames();
    if (names.empty()) return;
    const QRectF r = legendRect();
    p.setPen(QColor(190, 190, 190));
    p.setBrush(QColor(255, 255, 255, 235));
    p.drawRect(r);
    const double row = fm.height() + 2;
    for (size_t k = 0; k <= names.size(); ++k) {
        const QPointF dot(r.left() + 12, r.top() + 3 + row * (double(k) + 0.5));
        const bool frozenRow = k == names.size();
        if (frozenRow) {  // the ring frozen nodes carry
            p.setBrush(QColor(255, 255, 255));
            p.setPen(QPen(QColor(20, 20, 20), 2.5));
        } else {
            p.setBrush(candidateColor(names[k]));
            p.setPen(QPen(candidateColor(names[k]).darker(130), 1.0));
        }
        p.drawEllipse(dot, 5, 5);
        p.setPen(QColor(40, 40, 40));
        const QString text = frozenRow ? tr("frozen") : QString::fromStdString(names[k]);
        p.drawText(QRectF(dot.x() + 10, dot.y() - row / 2, r.width() - 24, row), Qt::AlignVCenter | Qt::AlignLeft, text);
    }
}

}  // namespace ganglion
